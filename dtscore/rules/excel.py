"""Building blocks of the Excel formula text the rule kinds write: the cells a formula refers to
(`FormulaCells`), literals, validity tests and the shared ratio/counts shape. Only functions Excel 2010 and LibreOffice both know: no LET, no DATEDIF.

Every function returns formula text without the leading "="; cells are passed in as absolute A1
text ("$F$12", "'Tham số'!$C$4"), so nothing here knows the layout.

A native formula mirrors the engine: a blank or unreadable input scores 0 (the engine's
"unscored"), an out-of-range input scores 0 (the engine blocks it with a finding), a zero
denominator gives NA_TEXT when the set allows it, and every score is ROUND(…, decimals), which is
half-up as dtscore.decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

NA_TEXT = "KAD"  # "không áp dụng": the criterion is out of the totals and its maximum is lowered
PENDING_TEXT = "Chờ tổng hợp"  # min-max criteria are scored across units at consolidation
NA_CHOICE = "Không áp dụng"  # the dropdown value of a KEY_not_applicable cell
UDF_DIGITS = 2  # the rule-specific DT_* functions round to 2 decimals; other sets use DT_SCORE


@dataclass(frozen=True)
class FormulaCells:
    """What a template's "Điểm tính" formula of one criterion refers to, as absolute A1 text.

    inputs: input name → cell; dues: date input name → the cell holding its due date;
    due_range/done_range: those cells as contiguous ranges (late_months, UDF mode); options:
    (labels, points, codes) ranges of a choice list; set_id/key: for DT_SCORE."""

    max_points: Decimal
    decimals: int
    allow_not_applicable: bool
    inputs: dict
    set_id: str = ""
    key: str = ""
    dues: dict = field(default_factory=dict)
    due_range: str = ""
    done_range: str = ""
    options: tuple | None = None


@dataclass(frozen=True)
class ExcelCheck:
    """A kind's own input problem as Excel formula text, for the template's self-check
    (workbook/self_check.py): `condition` is TRUE where the kind's `check` would report the
    problem; the self-check evaluates it only once every input in `needs` holds a readable value
    (as `check` sees only parsed values). `target` is the input the finding names."""

    target: str
    needs: tuple
    condition: str
    message: str


def num(x) -> str:
    """A number as a formula literal: Decimal('0.950') → 0.95, 8 → 8 (never 1E+1)."""
    d = Decimal(str(x))
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def text(s: str) -> str:
    """A string literal: "…" with inner quotes doubled."""
    return '"' + s.replace('"', '""') + '"'


# -- validity tests (IF, not AND, so text never reaches arithmetic: AND has no short-circuit) ----


def is_count(x) -> str:
    return f"IF(ISNUMBER({x}),AND({x}>=0,{x}=INT({x})),FALSE)"


def is_count_or_blank(x) -> str:
    return f"IF(ISNUMBER({x}),AND({x}>=0,{x}=INT({x})),LEN(TRIM({x}))=0)"


def is_ratio(x) -> str:
    return f"IF(ISNUMBER({x}),AND({x}>=0,{x}<=1),FALSE)"


def is_nonnegative(x) -> str:
    return f"IF(ISNUMBER({x}),{x}>=0,FALSE)"


def rounded(expr, decimals) -> str:
    return f"ROUND({expr},{decimals})"


def ratio_based(score_of, inputs: dict, decimals: int, na_when_empty: bool) -> str:
    """A score from a ratio cell, or from numerator/denominator counts (zero denominator → KAD/0).

    score_of(ratio, numerator, denominator) gives the unrounded score; for counts, ratio is n/d
    (used only in comparisons: a correctly rounded n/d equals a typed target exactly when the real
    numbers are equal) and the arithmetic can use n and d in the engine's order."""
    if "ratio" in inputs:
        r = inputs["ratio"]
        return f"IF({is_ratio(r)},{rounded(score_of(r, None, None), decimals)},0)"
    n, d = inputs["numerator"], inputs["denominator"]
    empty = text(NA_TEXT) if na_when_empty else "0"
    return (
        f"IF(AND({is_count(n)},{is_count(d)}),IF({n}>{d},0,IF({d}=0,{empty},"
        f"{rounded(score_of(f'{n}/{d}', n, d), decimals)})),0)"
    )


def dt_score(cells: FormulaCells) -> str:
    """DT_SCORE(set, key, inputs…): the engine scores the criterion with the set's own rule."""
    args = ",".join(cells.inputs.values())
    return f"DT_SCORE({text(cells.set_id)},{text(cells.key)},{args})"


def udf_digits_fit(cells: FormulaCells) -> bool:
    """The rule-specific DT_* functions round to UDF_DIGITS: usable when the set rounds so too."""
    return cells.decimals == UDF_DIGITS


def not_applicable_guard(flags, formula: str) -> str:
    """KAD when the criterion or one of its groups is marked "Không áp dụng"."""
    if not flags:
        return formula
    test = flags[0] if len(flags) == 1 else "OR(" + ",".join(flags) + ")"
    return f"IF({test},{text(NA_TEXT)},{formula})"


def match_key(option, options) -> str:
    """What MATCH looks up for a typed option: the cell itself, or, when a label contains one of
    the wildcards MATCH understands (* ? ~), the cell's text with them escaped."""
    if any(ch in o.label for o in options for ch in "~*?"):
        return f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({option},"~","~~"),"*","~*"),"?","~?")'
    return option
