"""The "Điểm tính" formulas of a UDF-mode template: calls of the DT_* functions of udfs/functions.py
(the engine itself computes through the add-in). Signatures follow that module:

    DT_PENALTY_MONTHS(max_points, due_dates, done_dates, [mode], [max_deduction])
    DT_RATIO(achieved, target, max_points)        DT_THRESHOLD(achieved, threshold, max_points)
    DT_LATE_ENTRIES(max_points, monthly, quarterly, semiannual, annual)
    DT_CHOICE(chosen, options, points)            DT_ALL_OR_NOTHING(active, total, max_points)
    DT_SCORE(criteria_set, key, inputs…)          (every other rule, with the set's own rule)

Group subtotals, totals and the not-applicable switch stay plain formulas (see native_formulas).
"""

from .native_formulas import NA_TEXT, not_applicable_guard, num, text

UDF_DIGITS = 2  # the DT_* functions round to udfs.functions.DIGITS decimals; other sets use DT_SCORE


def _generic(set_id, key, cells) -> str:
    return f"DT_SCORE({text(set_id)},{text(key)},{','.join(cells)})"


def leaf_formula(crit, set_id: str, inputs: dict, due_range, done_range, options, na_flags=(),
                 decimals: int = UDF_DIGITS) -> str:
    """inputs: input name → cell; due_range/done_range: the contiguous due-date and date cells of a
    late_months block ("$G$7:$G$8", "$F$7:$F$8"); options: (labels, points, codes) ranges.

    The rule-specific functions round to UDF_DIGITS; a set scored to other decimals (the CCHC
    index: 4) goes through DT_SCORE, which rounds as the set says — except the month penalty, whose
    result (max − whole months) needs no rounding when the maximum has at most UDF_DIGITS decimals."""
    rule, m = crit.rule, num(crit.max_points)
    kind = rule["kind"]
    cells = [inputs[spec.name] for spec in crit.inputs]
    exact_max = (crit.max_points * 10**UDF_DIGITS) == int(crit.max_points * 10**UDF_DIGITS)
    if decimals != UDF_DIGITS and not (kind == "late_months" and exact_max):
        kind = "generic"
    if kind == "late_months":
        args = [m, due_range, done_range]
        if rule.get("mode", "started") != "started" or rule.get("max_deduction") is not None:
            args.append(text(rule.get("mode", "started")))
        if rule.get("max_deduction") is not None:
            args.append(num(rule["max_deduction"]))
        body = f"DT_PENALTY_MONTHS({','.join(args)})"
    elif kind in ("ratio_target", "threshold_gate") and "ratio" in inputs:
        function, limit = ("DT_RATIO", rule["target"]) if kind == "ratio_target" else ("DT_THRESHOLD", rule["threshold"])
        body = f"{function}({inputs['ratio']},{num(limit)},{m})"
    elif kind == "late_entries" and not rule.get("deductions"):
        body = f"DT_LATE_ENTRIES({m},{','.join(cells)})"
    elif kind == "choice":
        labels, points, _codes = options
        body = f"DT_CHOICE({inputs['option']},{labels},{points})"
    elif kind == "all_or_nothing":
        body = f"DT_ALL_OR_NOTHING({inputs['active']},{inputs['total']},{m})"
    elif kind == "minmax":
        body = text("Chờ tổng hợp")
    else:
        body = _generic(set_id, crit.key, cells)
    if "denominator" in inputs:  # nothing to count: not applicable (or 0), as the engine says
        d = inputs["denominator"]
        empty = text(NA_TEXT) if crit.allow_not_applicable else "0"
        body = f"IF(AND(ISNUMBER({d}),N({d})=0),{empty},{body})"
    return not_applicable_guard(list(na_flags), body)


def uses_udfs(formula: str) -> bool:
    return "DT_" in formula.upper()

