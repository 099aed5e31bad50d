"""The template's formulas that belong to no rule kind: group subtotals, the not-applicable
switch, the applicable maximum, and the leaf "Điểm tính" cell, which asks the criterion's rule kind
(dtscore.rules: `excel_native` for plain Excel, `excel_udf` for the DT_* add-in) and wraps it in
the not-applicable guard. Every function returns formula text without the leading "="."""

from dtscore.rules import FormulaCells
from dtscore.rules.excel import (  # noqa: F401  (the formula building blocks, for the workbook modules)
    NA_CHOICE,
    NA_TEXT,
    PENDING_TEXT,
    UDF_DIGITS,
    is_count,
    is_count_or_blank,
    is_nonnegative,
    is_ratio,
    not_applicable_guard,
    num,
    rounded,
    text,
)


def leaf_formula(crit, cells: FormulaCells, mode: str, na_flags=()) -> str:
    """The "Điểm tính" formula of a leaf criterion in `mode` ("native" or "udf"); na_flags: the
    not-applicable tests of the criterion and its groups (na_flag(cell) each)."""
    kind = crit.rule_kind
    body = kind.excel_udf(crit.params, cells) if mode == "udf" else kind.excel_native(crit.params, cells)
    return not_applicable_guard(list(na_flags), body)


def na_flag(cell) -> str:
    return f"{cell}={text(NA_CHOICE)}"


def group(max_points, children, decimals, own_flag=None) -> str:
    """A group: min(max, Σ children); KAD when marked or when every child is KAD."""
    all_na = "AND(" + ",".join(f"{c}={text(NA_TEXT)}" for c in children) + ")"
    total = rounded(f"MIN({num(max_points)},SUM({','.join(children)}))", decimals)
    formula = f"IF({all_na},{text(NA_TEXT)},{total})"
    return not_applicable_guard([own_flag] if own_flag else [], formula)


def applicable_max(max_points, score, children_max=None, children_applicable=()) -> str:
    """The criterion's maximum once not-applicable parts are taken out (0 when it is KAD)."""
    if not children_applicable:
        return f"IF({score}={text(NA_TEXT)},0,{num(max_points)})"
    lowered = f"{num(children_max)}-SUM({','.join(children_applicable)})"
    return f"IF({score}={text(NA_TEXT)},0,{num(max_points)}-({lowered}))"
