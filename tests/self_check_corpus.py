"""Filled templates with the mistakes units make, for the self-check tests: per criterion one case —
valid, missing, text typed where a number or date belongs, out of range, a wrong self-score, missing
evidence, not applicable — on top of the ordinary generated inputs (tests/template_inputs.py)."""

from datetime import date, timedelta

from dtscore import rules
from dtscore.scoring import score_unit
from dtscore.workbook.native_formulas import NA_CHOICE
from tests.template_inputs import unit_inputs

CASES = ("valid", "missing", "text", "out_of_range", "wrong_claim", "missing_evidence", "not_applicable")
EVIDENCE = "Quyết định số 12/QĐ-UBND ngày 15/03/2023"


def _as_text(spec, value, rng):
    """What a unit types when the cell is formatted as text, or writes words instead of a number."""
    if spec.type == rules.DATE:
        return rng.choice(["15/05/2023", "chưa có", "31/3/2023"])
    if spec.type == rules.RATIO:
        return rng.choice(["75,7%", "nhiều", "0,95"])
    if spec.type == rules.COUNT:
        return rng.choice(["3", "ba", "2 lần"])
    if spec.type == rules.NUMBER:
        return rng.choice(["12,5", "khoảng 10"])
    return rng.choice(["Mức không có trong danh sách", "x"])


def _out_of_range(crit, spec, rng, year, today):
    if spec.type == rules.DATE:
        return rng.choice([date(year - 1, 6, 30), date(year - 2, 1, 1), today + timedelta(days=40)])
    if spec.type == rules.RATIO:
        return rng.choice([1.25, -0.1, 75.7])
    if spec.type == rules.COUNT:
        return rng.choice([-2, 1.5])
    if spec.type == rules.NUMBER:
        return -3 if crit.kind != "assessed" or rng.random() < 0.5 else float(crit.max_points) + 1
    return "không hợp lệ"


def _kind_out_of_range(crit, own, rng):
    """Inputs valid one by one but not together (the rule kind's own checks)."""
    names = {s.name for s in crit.inputs}
    if {"numerator", "denominator"} <= names:
        d = rng.choice([0, 3, 10])
        own["numerator"], own["denominator"] = rng.choice([(d + 2, d), (0, 0), (3, -1)])
        return True
    if {"active", "total"} <= names:
        own["active"], own["total"] = rng.choice([(5, 3), (0, 0), (1, 0)])
        return True
    return False


def unit_with_mistakes(rng, cs, level_code, params, today, counts):
    """(inputs, claimed, evidence) for one unit; counts[(kind, case)] is incremented per criterion."""
    level = cs.level(level_code)
    inputs, _ = unit_inputs(rng, cs, level_code, params)
    inputs = {k: {n: v for n, v in own.items() if n != "not_applicable"} for k, own in inputs.items()}
    plan = {}
    for crit in level.walk():
        if crit.is_group:
            if crit.allow_not_applicable and rng.random() < 0.1:
                inputs.setdefault(crit.key, {})["not_applicable"] = NA_CHOICE
            continue
        # each rule kind goes through every case in turn
        cases = CASES if crit.allow_not_applicable else CASES[:-1]
        case = cases[sum(n for (kind, _), n in counts.items() if kind == crit.kind) % len(cases)]
        own = inputs.setdefault(crit.key, {})
        spec = rng.choice(crit.inputs)
        if case == "missing":
            for s in crit.inputs:
                own[s.name] = None if rng.random() < 0.7 or s is spec else own.get(s.name)
        elif case == "text":
            own[spec.name] = _as_text(spec, own.get(spec.name), rng)
        elif case == "out_of_range":
            if not (rng.random() < 0.5 and _kind_out_of_range(crit, own, rng)):
                own[spec.name] = _out_of_range(crit, spec, rng, cs.year, today)
        elif case == "not_applicable":
            own["not_applicable"] = NA_CHOICE
        plan[crit.key] = case
        counts[crit.kind, case] = counts.get((crit.kind, case), 0) + 1
    result = score_unit(cs, level_code, inputs, parameters=params)
    claimed, evidence = {}, {}
    for row in result.criteria:
        case = plan.get(row.key)
        if case is None:
            continue
        maximum = float(row.max_points)
        score = float(row.score) if row.score is not None else 0.0
        if case == "wrong_claim":
            claimed[row.key] = rng.choice([maximum + 1, "7,5", round(score + 0.25, 2), max(0.0, score - 1), "đạt"])
        elif rng.random() < 0.8:
            claimed[row.key] = score  # right
        if case != "missing_evidence" and rng.random() < 0.85:
            evidence[row.key] = rng.choice([EVIDENCE, EVIDENCE, "Báo cáo số 45/BC-STTTT", "  "])
    return inputs, claimed, evidence
