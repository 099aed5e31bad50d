"""Generated unit inputs for filled-template tests and benchmarks: mostly the edge cases the
decision's rules turn on (exactly on a target, one day late, month ends, zero denominators, blanks,
out-of-range values the engine refuses), with random ordinary values in between."""

import calendar
from datetime import date, timedelta

from dtscore.criteria import CriteriaSet
from dtscore.rules.lateness import edate
from dtscore.workbook.native_formulas import NA_CHOICE

# Due dates that make month arithmetic interesting: month ends, 29/02 of a leap year, mid-month.
DUES = [date(2023, 3, 31), date(2023, 1, 31), date(2024, 1, 31), date(2023, 2, 28), date(2023, 12, 15),
        date(2023, 8, 31), date(2023, 12, 31), date(2023, 10, 30), date(2024, 2, 29), date(2023, 4, 30)]


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def done_date(rng, due: date):
    k = rng.randint(1, 14)
    return rng.choice([
        None, due, due + timedelta(days=1), due - timedelta(days=1), edate(due, k),
        edate(due, k) + timedelta(days=1), edate(due, k) - timedelta(days=1), _month_end(edate(due, k)),
        due + timedelta(days=rng.randint(-90, 480)), date(2024, 2, 29), date(2024, 3, 1), date(2024, 1, 31),
    ])


def ratio(rng, target=None):
    pool = [None, 0.0, 1.0, round(rng.random(), 4), round(rng.random(), 3), round(rng.uniform(0.5, 1), 4),
            rng.randint(0, 1000) / 1000, 0.125, 0.375, 0.1125, 0.0575]
    if target is not None:
        t = float(target)
        pool += [t, round(t - 0.0001, 4), round(min(1.0, t + 0.0001), 4), round(t / 2, 4)]
    if rng.random() < 0.03:
        return rng.choice([1.2, -0.1, "nhiều"])  # refused by the engine: scores 0
    return rng.choice(pool)


def count(rng, upper=6):
    if rng.random() < 0.03:
        return rng.choice([1.5, -1])  # not a whole non-negative count: scores 0
    return rng.choice([None, 0, 0, 1, 2, 3, rng.randint(0, upper)])


def counts_pair(rng):
    d = rng.choice([0, 1, 3, 4, 7, 8, 20, 25, 40, 100, 123])
    return rng.choice([
        (None, None), (0, 0), (d, d), (max(0, d - 1), d), (rng.randint(0, d), d), (rng.randint(0, d), d),
        (d + 1, d), (5, None), (None, 5), (0, d),
    ])


def number(rng, edges=()):
    pool = [None, 0, round(rng.uniform(0, 80), 2), rng.randint(0, 60)]
    for e in edges:
        e = float(e)
        pool += [e, e + 0.5, max(0.0, e - 0.5), round(e + 0.0001, 4), round(max(0.0, e - 0.0001), 4)]
    if rng.random() < 0.03:
        return -1
    return rng.choice(pool)


def parameters(rng, cs: CriteriaSet) -> dict:
    """Per-unit due dates (the set allows overrides), chosen among DUES."""
    return {name: rng.choice(DUES) for name, p in cs.parameters.items() if isinstance(p.value, date)}


def unit_inputs(rng, cs: CriteriaSet, level_code: str, params: dict) -> tuple:
    """(inputs, claimed) for one unit: {key: {input: value}}, {key: self-score}."""
    level = cs.level(level_code)
    values = {**cs.parameter_values(), **params}
    inputs, claimed = {}, {}
    for crit in level.walk():
        own = {}
        if crit.allow_not_applicable and rng.random() < 0.15:
            own["not_applicable"] = NA_CHOICE
        if crit.is_group:
            if own:
                inputs[crit.key] = own
            continue
        rule, kind = crit.rule, crit.kind
        if kind == "late_months":
            for doc, param in rule["due"].items():
                own[doc] = done_date(rng, values[param])
        elif kind in ("ratio_target", "threshold_gate", "gated_ratio", "bands") and any(
            s.name == "ratio" for s in crit.inputs
        ):
            limit = rule.get("target", rule.get("threshold", rule.get("floor")))
            if kind == "bands":
                limit = rng.choice([b["min"] for b in rule["bands"]])
            own["ratio"] = ratio(rng, limit)
        elif any(s.name == "numerator" for s in crit.inputs):
            own["numerator"], own["denominator"] = counts_pair(rng)
        elif kind == "late_entries":
            for spec in crit.inputs:
                own[spec.name] = count(rng, 3) if rng.random() < 0.6 else None
        elif kind == "choice":
            options = crit.inputs[0].options
            option = rng.choice(options)
            own["option"] = rng.choice([None, option.label, option.label, option.code, option.label.upper()])
        elif kind == "all_or_nothing":
            t = rng.choice([0, 1, 5, 7, 12])
            own["active"], own["total"] = rng.choice([(None, None), (t, t), (max(0, t - 1), t), (t + 1, t), (t, None)])
        elif kind == "count_steps":
            own["count"] = count(rng, len(rule["steps"]) + 2)
        elif kind == "bands":
            own["value"] = number(rng, [b["min"] for b in rule["bands"]])
        elif kind == "minmax":
            own["value"] = number(rng)
        elif kind == "assessed":
            m = float(crit.max_points)
            own["points"] = rng.choice([None, 0, m, round(rng.uniform(0, m), 4), m + 0.25])
        else:  # a new kind: generate blanks until it gets its own generator
            own.update({s.name: None for s in crit.inputs})
        inputs[crit.key] = own
        if rng.random() < 0.5:
            claimed[crit.key] = round(rng.uniform(0, float(crit.max_points)), 2)
    return inputs, claimed
