"""Plain Excel formulas that compute exactly what dtscore.scoring computes, for units whose Excel has
no add-in (they must never see #NAME?). Only functions Excel 2010 and LibreOffice both know: no LET,
no DATEDIF (its month-end behaviour differs from the decision's months; EDATE is exact).

Every function returns formula text without the leading "=". Cell references are passed in
(absolute A1 text such as "$F$12" or "'Tham số'!$C$4"), so this module knows nothing of layout.

Mirror of the engine, rule by rule (dtscore/scoring.py `_score_leaf`, dtscore/rules/):
- a blank or unreadable input scores 0 (the engine's "unscored"), except late-entry counts where a
  blank means none, and not-issued documents which score 0 as the decision says;
- an out-of-range input (ratio outside 0–100%, negative or fractional count, numerator above
  denominator, …) scores 0 (the engine blocks it with a finding);
- a zero denominator makes the criterion not applicable (NA_TEXT, out of the totals) when the set
  allows it, 0 otherwise;
- every leaf score is ROUND(…, decimals): Excel's ROUND is half-up, as dtscore.decimals.
"""

from decimal import Decimal

from dtscore.rules.counts import LATE_ENTRY_DEDUCTIONS

NA_TEXT = "KAD"  # "không áp dụng": the criterion is out of the totals and its maximum is lowered
PENDING_TEXT = "Chờ tổng hợp"  # min-max criteria are scored across units at consolidation
NA_CHOICE = "Không áp dụng"  # the dropdown value of a KEY_not_applicable cell


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


# -- one formula per rule kind --------------------------------------------------------------------


def months_late(due, done, mode="started") -> str:
    """Months `done` came after `due`, as dtscore.rules.lateness.months_late. k = the month offset
    that puts EDATE(due, k) in done's month; "started" counts a begun month (k, or k+1 past that
    day), "completed" only full months (k, or k−1 before that day). Dates are whole days (INT)."""
    k = f"((YEAR({done})-YEAR({due}))*12+MONTH({done})-MONTH({due}))"
    if mode == "completed":
        step = f"{k}-IF(EDATE({due},{k})<=INT({done}),0,1)"
    else:
        step = f"{k}+IF(INT({done})<=EDATE({due},{k}),0,1)"
    return f"IF(INT({done})<=INT({due}),0,{step})"


def late_months(max_points, dues, dones, decimals, mode="started", max_deduction=None) -> str:
    """max(0, max − Σ months late), the sum capped; a document not issued (blank) → 0."""
    months = "+".join(months_late(due, done, mode) for due, done in zip(dues, dones, strict=True))
    if max_deduction is not None:
        months = f"MIN({num(max_deduction)},{months})"
    issued = ",".join(f"ISNUMBER({done})" for done in dones)
    return f"IF(AND({issued}),{rounded(f'MAX(0,{num(max_points)}-({months}))', decimals)},0)"


def _ratio_based(score_of, inputs, decimals, na_when_empty) -> str:
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


def ratio_target(max_points, target, inputs, decimals, na_when_empty=False) -> str:
    """ratio ≥ target → max, else max × ratio ÷ target (multiplied before the one division, as the
    engine does, so an exact half stays exact for ROUND)."""
    m, t = num(max_points), Decimal(str(target))

    def score(r, n, d):
        if n is None:
            below = f"{m}*{r}" if t == 1 else f"{m}*{r}/{num(t)}"
        else:
            below = f"{m}*{n}/{d}" if t == 1 else f"{m}*{n}/({d}*{num(t)})"
        return f"IF({r}>={num(t)},{m},{below})"

    return _ratio_based(score, inputs, decimals, na_when_empty)


def threshold_gate(max_points, threshold, inputs, decimals, na_when_empty=False) -> str:
    """ratio ≥ threshold → max, else 0."""
    return _ratio_based(lambda r, n, d: f"IF({r}>={num(threshold)},{num(max_points)},0)", inputs, decimals,
                        na_when_empty)


def gated_ratio(max_points, floor, factor, inputs, decimals, na_when_empty=False, floor_inclusive=True) -> str:
    """100% → max; floor ≤ ratio < 100% → max × factor × ratio; below the floor (or on it, when the
    floor is exclusive) → 0."""
    m = num(max_points)
    scale = "" if Decimal(str(factor)) == 1 else f"*{num(factor)}"

    def score(r, n, d):
        below = f"{r}<{num(floor)}" if floor_inclusive else f"{r}<={num(floor)}"
        share = r if n is None else f"{n}/{d}"
        return f"IF({r}>=1,{m},IF({below},0,{m}{scale}*{share}))"

    return _ratio_based(score, inputs, decimals, na_when_empty)


def assessed(points, max_points, decimals) -> str:
    """Points an assessor gives, taken as they are when 0 ≤ points ≤ max (else an input error → 0)."""
    valid = f"IF(ISNUMBER({points}),AND({points}>=0,{points}<={num(max_points)}),FALSE)"
    return f"IF({valid},{rounded(points, decimals)},0)"


def late_entries(max_points, counts: dict, deductions: dict, decimals) -> str:
    """max(0, max × (1 − Σ deduction × late entries)); blank counts are none."""
    valid = ",".join(is_count_or_blank(c) for c in counts.values())
    lost = "-".join(f"{num(deductions[name])}*N({cell})" for name, cell in counts.items())
    return f"IF(AND({valid}),{rounded(f'MAX(0,{num(max_points)}*(1-{lost}))', decimals)},0)"


def choice(option, labels, points, codes, decimals, wildcards=False) -> str:
    """The points of the chosen option, found by its Vietnamese label (or its code); blank → 0.
    MATCH treats * ? ~ as wildcards: when a label contains one, the typed text is escaped."""
    key = option
    if wildcards:
        key = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({option},"~","~~"),"*","~*"),"?","~?")'
    by_label = f"INDEX({points},MATCH({key},{labels},0))"
    by_code = f"INDEX({points},MATCH({key},{codes},0))"
    return rounded(f"IFERROR({by_label},IFERROR({by_code},0))", decimals)


def all_or_nothing(max_points, active, total, decimals) -> str:
    """Every team active (active = total > 0) → max, else 0; active > total is an input error → 0."""
    return (
        f"IF(AND({is_count(active)},{is_count(total)}),"
        f"IF(AND({total}>0,{active}={total}),{rounded(num(max_points), decimals)},0),0)"
    )


def count_steps(count, steps, otherwise, decimals) -> str:
    """steps[count] (0 → steps[0], …), past the list → otherwise."""
    choose = f"CHOOSE({count}+1,{','.join(num(s) for s in steps)})"
    return f"IF({is_count(count)},{rounded(f'IF({count}<{len(steps)},{choose},{num(otherwise)})', decimals)},0)"


def bands(value, edges, min_inclusive, is_ratio_input, decimals) -> str:
    """Points of the first band (highest first) whose lower edge the value reaches; edges are
    (min, points) or (min, points, inclusive) where inclusive None means min_inclusive."""
    expr = "0"
    for edge in reversed(edges):
        low, points = edge[0], edge[1]
        inclusive = min_inclusive if len(edge) < 3 or edge[2] is None else edge[2]
        expr = f"IF({value}{'>=' if inclusive else '>'}{num(low)},{num(points)},{expr})"
    valid = is_ratio(value) if is_ratio_input else is_nonnegative(value)
    return f"IF({valid},{rounded(expr, decimals)},0)"


def pending(value) -> str:
    """Min-max criteria: a valid value waits for consolidation; blank or negative scores 0."""
    return f"IF({is_nonnegative(value)},{text(PENDING_TEXT)},0)"


def not_applicable_guard(flags, formula) -> str:
    """KAD when the criterion or one of its groups is marked "Không áp dụng"."""
    if not flags:
        return formula
    test = flags[0] if len(flags) == 1 else "OR(" + ",".join(flags) + ")"
    return f"IF({test},{text(NA_TEXT)},{formula})"


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


# -- dispatch --------------------------------------------------------------------------------------


def leaf_formula(crit, inputs: dict, dues: dict, options, decimals: int, na_flags=()) -> str:
    """The "Điểm tính" formula of a leaf criterion.

    inputs: input name → cell; dues: input name → the cell holding its due date (late_months);
    options: (labels, points, codes) ranges for a choice; na_flags: the not-applicable tests of the
    criterion and its groups (na_flag(cell) each).
    """
    rule, m = crit.rule, crit.max_points
    kind = rule["kind"]
    na_ok = crit.allow_not_applicable
    if kind == "late_months":
        names = list(rule["due"])
        body = late_months(m, [dues[n] for n in names], [inputs[n] for n in names], decimals,
                           rule.get("mode", "started"), rule.get("max_deduction"))
    elif kind == "ratio_target":
        body = ratio_target(m, rule["target"], inputs, decimals, na_ok)
    elif kind == "threshold_gate":
        body = threshold_gate(m, rule["threshold"], inputs, decimals, na_ok)
    elif kind == "gated_ratio":
        body = gated_ratio(m, rule["floor"], rule.get("factor", 1), inputs, decimals, na_ok,
                           rule.get("floor_inclusive", True))
    elif kind == "late_entries":
        deductions = {**LATE_ENTRY_DEDUCTIONS, **{k: Decimal(str(v)) for k, v in (rule.get("deductions") or {}).items()}}
        body = late_entries(m, inputs, deductions, decimals)
    elif kind == "choice":
        labels, points, codes = options
        wildcards = any(ch in o.label for o in crit.inputs[0].options for ch in "~*?")
        body = choice(inputs["option"], labels, points, codes, decimals, wildcards)
    elif kind == "all_or_nothing":
        body = all_or_nothing(m, inputs["active"], inputs["total"], decimals)
    elif kind == "count_steps":
        body = count_steps(inputs["count"], rule["steps"], rule.get("else", 0), decimals)
    elif kind == "bands":
        is_ratio_input = rule.get("input") == "ratio"
        value = inputs["ratio" if is_ratio_input else "value"]
        edges = [(b["min"], b["points"], b.get("inclusive")) for b in rule["bands"]]
        body = bands(value, edges, rule.get("min_inclusive", True), is_ratio_input, decimals)
    elif kind == "minmax":
        body = pending(inputs["value"])
    elif kind == "assessed":
        body = assessed(inputs["points"], m, decimals)
    else:  # a new rule kind must get its formula here before templates can use it
        raise NotImplementedError(f"no native formula for rule kind {kind!r}")
    return not_applicable_guard(list(na_flags), body)
