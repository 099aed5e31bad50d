"""Properties every score must have, whatever the inputs (hypothesis): within [0, max], never lower
when the achieved ratio rises, never higher when a document comes later or more entries are late,
and totals that are the sums of the rounded criterion scores."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dtscore.criteria import load_set
from dtscore.decimals import round_half_up
from dtscore.rules import counts, lateness, ratios
from dtscore.scoring import NOT_APPLICABLE, score_unit

SET = load_set("soctrang-2023")
DRAFT = load_set("soctrang-2023-draft")

# points are whole or quarter points in the reference texts; targets are the decision's
max_points = st.integers(min_value=1, max_value=40).map(lambda q: D(q) / 4)
targets = st.sampled_from([D("0.95"), D("0.9"), D("0.8"), D("0.6"), D("0.5"), D("0.3"), D("1")])
ratios_ = st.decimals(min_value=0, max_value=1, places=6)
dates = st.dates(min_value=date(2022, 1, 1), max_value=date(2026, 12, 31))
modes = st.sampled_from(lateness.MODES)
caps = st.one_of(st.none(), st.integers(min_value=0, max_value=8))
late_counts = st.tuples(*[st.integers(min_value=0, max_value=8)] * 4)


@given(max_points, ratios_, targets)
def test_ratio_target_stays_within_zero_and_max(top, ratio, target):
    assert D(0) <= ratios.ratio_target(top, ratio, target) <= top


@given(max_points, ratios_, ratios_, targets)
def test_ratio_target_never_falls_when_the_ratio_rises(top, a, b, target):
    low, high = sorted((a, b))
    assert ratios.ratio_target(top, low, target) <= ratios.ratio_target(top, high, target)
    # …and neither does the rounded score the unit sees
    assert round_half_up(ratios.ratio_target(top, low, target)) <= round_half_up(ratios.ratio_target(top, high, target))


@given(max_points, st.integers(0, 500), st.integers(1, 500), targets)
def test_counts_give_the_same_score_as_their_ratio(top, numerator, denominator, target):
    numerator = min(numerator, denominator)
    by_counts = ratios.count_target(top, numerator, denominator, target)
    by_ratio = ratios.ratio_target(top, D(numerator) / D(denominator), target)
    assert D(0) <= by_counts <= top
    assert abs(by_counts - by_ratio) < D("1e-20")


@given(max_points, ratios_, ratios_, st.sampled_from([D("0.5"), D("0.8"), D("1")]))
def test_threshold_gate_is_all_or_nothing_and_monotonic(top, a, b, threshold):
    low, high = sorted((a, b))
    assert ratios.threshold_gate(top, low, threshold) in (D(0), top)
    assert ratios.threshold_gate(top, low, threshold) <= ratios.threshold_gate(top, high, threshold)


@given(dates, dates, dates, modes)
def test_months_late_never_falls_when_the_document_comes_later(due, a, b, mode):
    early, late = sorted((a, b))
    assert 0 <= lateness.months_late(due, early, mode) <= lateness.months_late(due, late, mode)


@given(dates, dates, modes)
def test_months_late_is_zero_on_time_and_positive_after_a_begun_month(due, done, mode):
    months = lateness.months_late(due, done, mode)
    if done <= due:
        assert months == 0
    elif mode == lateness.STARTED:
        assert months >= 1  # one day late is already a month
        assert lateness.edate(due, months - 1) < done <= lateness.edate(due, months)
    else:
        assert lateness.edate(due, months) <= done < lateness.edate(due, months + 1)


@given(max_points, dates, dates, st.lists(st.tuples(dates, dates), min_size=1, max_size=3), modes, caps)
def test_late_deduction_within_bounds_and_never_rises_with_more_lateness(top, a, b, others, mode, cap):
    dues = [due for due, _ in others]
    dones = [done for _, done in others]
    earlier, later = sorted((a, b))
    first_due = dues[0]
    on_time = lateness.late_deduction(top, dues, [earlier, *dones[1:]], mode, cap)
    delayed = lateness.late_deduction(top, dues, [later, *dones[1:]], mode, cap)
    assert D(0) <= delayed <= on_time <= top
    assert lateness.late_deduction(top, [first_due], [None], mode, cap) == 0  # not issued
    if cap is not None:
        assert delayed >= max(D(0), top - cap)


@given(max_points, late_counts, st.integers(0, 3))
def test_late_entries_within_bounds_and_never_rise_with_another_late_entry(top, late, which):
    score = counts.late_entries(top, *late)
    assert D(0) <= score <= top
    more = list(late)
    more[which] += 1
    assert counts.late_entries(top, *more) <= score


@given(st.integers(0, 30), st.integers(1, 30))
def test_all_or_nothing(active, total):
    active = min(active, total)
    assert ratios.all_or_nothing(8, active, total) == (D(8) if active == total else D(0))


# -- whole units through score_unit -------------------------------------------------------------------


def _value(spec, draw):
    if spec.type == "date":
        return draw(st.one_of(st.none(), dates.map(lambda d: d.strftime("%d/%m/%Y"))))
    if spec.type == "ratio":
        return draw(st.one_of(ratios_.map(lambda r: f"{r * 100}%".replace(".", ",")), ratios_.map(float)))
    if spec.type == "choice":
        return draw(st.sampled_from([o.code for o in spec.options] + [o.label for o in spec.options]))
    return draw(st.integers(0, 6))


@st.composite
def units(draw, cs):
    level = cs.level(draw(st.sampled_from(list(cs.levels))))
    inputs = {}
    for crit in level.leaves():
        values = {spec.name: _value(spec, draw) for spec in crit.inputs}
        if crit.kind == "ratio_target" and crit.rule.get("input") == "counts":
            values["numerator"] = min(values["numerator"], values["denominator"])
        if crit.kind == "all_or_nothing":
            values["active"] = min(values["active"], values["total"])
            values["total"] = max(values["total"], 1)
        inputs[crit.key] = values
    return level.code, inputs


@pytest.mark.parametrize("cs", [SET, DRAFT], ids=lambda cs: cs.id)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_unit_score_is_within_bounds_and_totals_add_up(cs, data):
    level_code, inputs = data.draw(units(cs))
    result = score_unit(cs, level_code, inputs)
    step = D(1).scaleb(-cs.decimals)
    applicable = []
    for row in result.criteria:
        if row.status == NOT_APPLICABLE:
            assert row.score is None and row.applicable_max == 0
            continue
        assert D(0) <= row.score <= row.max_points, (row.key, row.score)
        assert row.score == row.score.quantize(step), "scores are rounded to the set's decimals"
        applicable.append(row)
    assert result.total == sum((row.score for row in applicable), D(0))
    assert result.max_total == sum((row.max_points for row in applicable), D(0))
    if result.max_total:
        assert result.total_100 == round_half_up(result.total * 100 / result.max_total, cs.decimals)
        assert D(0) <= result.total_100 <= 100


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["tinh", "huyen", "xa"]), ratios_, ratios_)
def test_a_higher_ratio_never_lowers_any_ratio_criterion_of_a_unit(level_code, a, b):
    low, high = sorted((a, b))
    level = SET.level(level_code)
    keys = [c.key for c in level.leaves() if c.kind in ("ratio_target", "threshold_gate")]
    scored = [score_unit(SET, level_code, {k: {"ratio": r} for k in keys}) for r in (low, high)]
    for key in keys:
        assert scored[0].criterion(key).score <= scored[1].criterion(key).score, key
    assert scored[0].total <= scored[1].total


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([SET, DRAFT]), st.sampled_from(["tinh", "huyen", "xa"]), dates, st.integers(0, 400))
def test_a_later_plan_never_raises_the_score(cs, level_code, done, extra_days):
    key = cs.level(level_code).leaves()[0].key  # T01, H01, X01: the yearly plan
    later = done + timedelta(days=extra_days)
    scores = [
        score_unit(cs, level_code, {key: {"plan_issued": d, "report_submitted": date(2023, 12, 15)}}).criterion(key).score
        for d in (done, later)
    ]
    assert scores[1] <= scores[0]
