"""The rule kinds of issue 7 as pure functions (bands, count_steps, gated_ratio, minmax, assessed) and
the roll-up of a hierarchy into a total and a weighted index: tables from the decisions' own
examples, and properties checked against small independent implementations written here (fractions
and integer half-up rounding, never the engine's own helpers)."""

import math
from decimal import Decimal as D
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dtscore.criteria import load_set
from dtscore.rules import RULE_KINDS
from dtscore.rules.choices import assessed, bands, minmax
from dtscore.rules.counts import count_steps
from dtscore.rules.ratios import gated_count, gated_ratio
from dtscore.scoring import NOT_APPLICABLE, score_unit

FIXTURE = Path(__file__).parent / "cases" / "issue7" / "sets" / "issue7-na-index.yaml"
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def half_up(x: F, digits: int) -> F:
    """Excel's ROUND for x ≥ 0, in exact integer arithmetic: floor(x·10ⁿ + ½) ÷ 10ⁿ."""
    scale = 10**digits
    return F(math.floor(x * scale + F(1, 2)), scale)


def close(got: D, want: F) -> bool:
    """Exactly equal when the true value is a finite decimal (where ROUND's halves live); within
    10⁻²⁰ otherwise (28 significant digits of a repeating decimal)."""
    d = want.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return F(got) == want if d == 1 else abs(F(got) - want) < F(1, 10**20)


# -- bands -------------------------------------------------------------------------------------

D14 = [(50, 20), (40, 15), (30, 10), (10, 5)]  # DTI 1.4: "Từ 50 trở lên … Từ 10 đến dưới 30: 5"
D581 = [(D("0.10"), 5), (D("0.07"), D("3.5")), (D("0.03"), D("1.5"))]  # DTI 5.8.1: "> 10% … > 3%"
C64 = [(D("0.3"), D("1.5"), False), (D("0.1"), D("1.0"), True), (0, D("0.5"), False)]  # CCHC I.6.4


@pytest.mark.parametrize(
    "value, edges, inclusive, expected",
    [
        (50, D14, True, 20), (49, D14, True, 15), (40, D14, True, 15), (30, D14, True, 10),
        (10, D14, True, 5), (9, D14, True, 0), (0, D14, True, 0), (1000, D14, True, 20),
        (D("0.1001"), D581, False, 5), (D("0.1"), D581, False, D("3.5")), (D("0.07"), D581, False, D("1.5")),
        (D("0.03"), D581, False, 0), (D("0.0301"), D581, False, D("1.5")),
        (D("0.1"), D581, True, 5),  # the same bands read "≥": the edge belongs to the band above
        (D("0.31"), C64, True, D("1.5")), (D("0.3"), C64, True, D("1.0")), (D("0.1"), C64, True, D("1.0")),
        (D("0.0999"), C64, True, D("0.5")), (0, C64, True, 0),
        (D("0.3"), [(D("0.3"), 1, None)], False, 0), (D("0.3"), [(D("0.3"), 1, None)], True, 1),
    ],
)
def test_bands_table(value, edges, inclusive, expected):
    assert bands(value, edges, inclusive) == D(str(expected))


@st.composite
def banded(draw):
    """Bands from the highest edge down with non-increasing points, each edge ≥ or > at random."""
    mins = sorted(draw(st.lists(st.integers(0, 1000), min_size=1, max_size=6, unique=True)), reverse=True)
    points = sorted(draw(st.lists(st.integers(0, 40), min_size=len(mins), max_size=len(mins))), reverse=True)
    flags = draw(st.lists(st.sampled_from([True, False, None]), min_size=len(mins), max_size=len(mins)))
    return [(D(m) / 10, D(p) / 2, f) for m, p, f in zip(mins, points, flags)], draw(st.booleans())


def reference_bands(value, edges, default):
    """Independent reading: the most points among the bands whose condition the value meets."""
    met = [p for low, p, f in edges if value > low or ((default if f is None else f) and value == low)]
    return max(met, default=D(0))


@PROPERTY
@given(banded(), st.integers(-10, 1100), st.integers(-10, 1100))
def test_bands_are_monotone_where_the_thresholds_are(spec, a, b):
    edges, default = spec
    low, high = sorted((D(a) / 10, D(b) / 10))
    assert bands(low, edges, default) <= bands(high, edges, default)
    assert bands(low, edges, default) == reference_bands(low, edges, default)
    assert bands(high, edges, default) == reference_bands(high, edges, default)


@PROPERTY
@given(banded())
def test_an_exclusive_edge_gives_the_band_below(spec):
    edges, default = spec
    for i, (low, points, flag) in enumerate(edges):
        inclusive = default if flag is None else flag
        below = bands(low, edges[i + 1:], default)  # what the bands under this one give
        assert bands(low, edges, default) == (max(points, below) if inclusive else below)


def test_bands_rules_of_both_sets_are_monotone():
    """Every bands rule transcribed gives at least as many points for a higher value."""
    for set_id in ("bacgiang-dti-huyen-2024", "soctrang-sotttt-cchc-2022"):
        for level in load_set(set_id).levels.values():
            for crit in level.leaves():
                if crit.kind != "bands":
                    continue
                score = RULE_KINDS["bands"].score
                name = "ratio" if crit.rule.get("input") == "ratio" else "value"
                grid = sorted({D(str(b["min"])) + d for b in crit.rule["bands"] for d in (D("-0.0001"), 0, D("0.0001"))})
                grid = [g for g in grid if g >= 0 and (name == "value" or g <= 1)]
                got = [score(crit.max_points, {name: g}, crit.rule, {}) for g in grid]
                assert got == sorted(got), (crit.key, list(zip(grid, got)))
                assert all(0 <= s <= crit.max_points for s in got), crit.key


# -- count_steps ---------------------------------------------------------------------------------

C16 = [D("2.0"), D("1.5"), D("1.0"), D("0.5")]  # CCHC I.1.6: 0 → 2,0; 1 → 1,5; 2 → 1,0; 3 → 0,5; ≥ 4 → 0


@pytest.mark.parametrize("count, expected", [(0, "2.0"), (1, "1.5"), (2, "1.0"), (3, "0.5"), (4, "0"), (40, "0")])
def test_count_steps_table(count, expected):
    assert count_steps(count, C16, 0) == D(expected)


@given(st.integers(0, 50), st.integers(0, 50))
def test_count_steps_never_rewards_more_late_tasks(a, b):
    low, high = sorted((a, b))
    assert count_steps(high, C16, 0) <= count_steps(low, C16, 0)


# -- gated_ratio ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ratio, floor, inclusive, max_points, expected",
    [
        (1, "0.95", True, "0.5", "0.5"), (D("0.95"), "0.95", True, "0.5", "0.475"),  # CCHC I.3.5.1 "Từ 95%"
        (D("0.9499"), "0.95", True, "0.5", "0"), (D("0.985"), "0.95", True, "0.5", "0.4925"),
        (D("0.8"), "0.8", False, 30, "0"), (D("0.81"), "0.8", False, 30, "24.3"),  # DTI 6.3 "80% < Tỷ lệ"
        (D("0.8"), "0.8", True, 30, "24"), (D("0.79"), "0.8", False, 30, "0"), (1, "0.8", False, 30, "30"),
    ],
)
def test_gated_ratio_table(ratio, floor, inclusive, max_points, expected):
    assert gated_ratio(max_points, ratio, D(floor), 1, inclusive) == D(expected)


@PROPERTY
@given(st.integers(0, 400), st.integers(1, 400), st.sampled_from(["0.8", "0.95", "0.5"]), st.booleans(),
       st.sampled_from(["0.5", "30", "1.5", "0.125"]))
def test_gated_count_is_exact(numerator, denominator, floor, inclusive, max_points):
    assume(numerator <= denominator)
    ratio = F(numerator, denominator)
    floor_f = F(floor)
    if ratio >= 1:
        want = F(max_points)
    elif ratio < floor_f or (not inclusive and ratio == floor_f):
        want = F(0)
    else:
        want = ratio * F(max_points)
    got = gated_count(D(max_points), numerator, denominator, D(floor), 1, inclusive)
    assert close(got, want), (got, want)
    assert 0 <= got <= D(max_points)


def test_gated_count_with_nothing_to_count_is_none():
    assert gated_count(30, 0, 0, D("0.8")) is None


def test_gated_count_keeps_an_exact_half_exact():
    # 1627/2000 × 30 = 24,405 exactly: a division before the product could make it 24,40499…
    assert gated_count(30, 1627, 2000, D("0.8"), 1, False) == D("24.405")


# -- minmax --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, low, high, max_points, lower_better, expected",
    [
        (2, 2, 8, 25, False, "0"), (5, 2, 8, 25, False, "12.5"), (8, 2, 8, 25, False, "25"),
        (4, 4, 4, 25, False, "25"), (4, 4, 4, 25, True, "25"),  # all units equal → every unit the maximum
        (2, 2, 8, 25, True, "25"), (8, 2, 8, 25, True, "0"), (1, 0, 8, 25, False, "3.125"),
    ],
)
def test_minmax_table(value, low, high, max_points, lower_better, expected):
    assert minmax(value, low, high, max_points, lower_better) == D(expected)


@PROPERTY
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=12), st.sampled_from([25, 15, 20, D("0.5")]),
       st.booleans())
def test_minmax_over_units_stays_in_0_to_max(values, max_points, lower_better):
    values = [D(v) / 1000 for v in values]
    low, high = min(values), max(values)
    scores = [minmax(v, low, high, max_points, lower_better) for v in values]
    assert all(0 <= s <= D(max_points) for s in scores)
    if low == high:
        assert all(s == D(max_points) for s in scores)
    else:
        best, worst = (low, high) if lower_better else (high, low)
        assert minmax(best, low, high, max_points, lower_better) == D(max_points)
        assert minmax(worst, low, high, max_points, lower_better) == 0
    for v, s in zip(values, scores):  # the formula, in fractions
        position = (F(high) - F(v)) if lower_better else (F(v) - F(low))
        want = F(max_points) if low == high else F(max_points) * position / (F(high) - F(low))
        assert close(s, want), (s, want)
        if low != high:  # the two directions mirror each other
            assert close(minmax(v, low, high, max_points, not lower_better), F(max_points) - want)


# -- assessed ------------------------------------------------------------------------------------


@pytest.mark.parametrize("points", ["0", "12.75", "15"])
def test_assessed_points_are_taken_as_given(points):
    assert assessed(D(points), 15) == D(points)


@pytest.mark.parametrize("points", ["15.01", "100"])
def test_assessed_points_above_the_maximum_are_refused_not_capped(points):
    assert assessed(D(points), 15) == D(points)  # the function never caps …
    problems = RULE_KINDS["assessed"].check({"points": D(points)}, {}, D(15))  # … the check refuses
    assert [name for name, _ in problems] == ["points"] and "vượt điểm chuẩn 15" in problems[0][1]


def test_assessed_check_accepts_0_to_max_and_blank():
    check = RULE_KINDS["assessed"].check
    assert check({"points": D(15)}, {}, D(15)) == check({"points": D(0)}, {}, D(15)) == []
    assert check({"points": None}, {}, D(15)) == []


# -- the hierarchy, "không áp dụng" and the index, against an independent calculation ----------

LEAF_MAX = {"P1.1": 30, "P1.2.1": 20, "P1.2.2": 10, "P2.1": 25, "P2.2": 15}
TREE = {"P1": ["P1.1", "P1.2"], "P1.2": ["P1.2.1", "P1.2.2"], "P2": ["P2.1", "P2.2"]}
GROUP_MAX = {"P1": 60, "P1.2": 30, "P2": 40}
WEIGHT = {"P1": 600, "P2": 400}


@st.composite
def fixture_inputs(draw):
    inputs = {}
    for group in ("P1", "P1.2", "P2"):
        if draw(st.integers(0, 5)) == 0:
            inputs[group] = {"not_applicable": True}
    p11 = draw(st.sampled_from(["co", "khong", None]))
    inputs["P1.1"] = {"option": p11} if p11 else {"not_applicable": True}
    if draw(st.booleans()):
        d = draw(st.integers(0, 60))
        inputs["P1.2.1"] = {"numerator": draw(st.integers(0, d)), "denominator": d}
    else:
        inputs["P1.2.1"] = {"not_applicable": True}
    inputs["P1.2.2"] = {"points": D(draw(st.integers(0, 1000))) / 100}
    inputs["P2.1"] = {"ratio": D(draw(st.integers(0, 10000))) / 10000}
    count = draw(st.integers(-1, 5))
    inputs["P2.2"] = {"count": count} if count >= 0 else {"not_applicable": True}
    return inputs


def independent(inputs):
    """(scores, applicable maxima) of every key, the total, the maximum, on 100, and the index."""

    def leaf(key):
        given = inputs[key]
        if given.get("not_applicable"):
            return None
        if key == "P1.1":
            return F(30) if given["option"] == "co" else F(0)
        if key == "P1.2.1":
            n, d = given["numerator"], given["denominator"]
            return None if d == 0 else half_up(F(20 * n, d), 2)
        if key == "P1.2.2":
            return F(given["points"])
        if key == "P2.1":
            r = F(given["ratio"])
            return F(25) if r >= F(1, 2) else F(10) if r > F(1, 5) else F(0)
        return F([15, 10, 5][given["count"]]) if given["count"] < 3 else F(0)

    scores, maxima = {}, {}

    def visit(key, excluded=False):
        if key in LEAF_MAX:
            scores[key] = None if excluded else leaf(key)
            maxima[key] = 0 if scores[key] is None else LEAF_MAX[key]
            return
        excluded = excluded or inputs.get(key, {}).get("not_applicable", False)
        for child in TREE[key]:
            visit(child, excluded)
        maxima[key] = 0 if excluded else GROUP_MAX[key] - sum(
            (LEAF_MAX.get(c) or GROUP_MAX[c]) - maxima[c] for c in TREE[key])
        applicable = [c for c in TREE[key] if maxima[c] > 0 or scores[c] is not None]
        scores[key] = None if excluded or not applicable else sum(scores[c] or 0 for c in TREE[key])
        if scores[key] is None:
            maxima[key] = 0

    visit("P1")
    visit("P2")
    total = (scores["P1"] or 0) + (scores["P2"] or 0)
    max_total = maxima["P1"] + maxima["P2"]
    on_100 = half_up(F(total) / max_total * 100, 2) if max_total else None
    weights = [WEIGHT[k] for k in ("P1", "P2") if maxima[k] > 0]
    achieved = sum(F(scores[k] or 0) / maxima[k] * WEIGHT[k] for k in ("P1", "P2") if maxima[k] > 0)
    index = half_up(achieved / sum(weights) * 1000 / 1000, 4) if weights else None
    return scores, maxima, total, max_total, on_100, index


@PROPERTY
@given(fixture_inputs())
def test_totals_and_index_match_an_independent_roll_up(inputs):
    cs = load_set(FIXTURE)
    result = score_unit(cs, "huyen", inputs)
    scores, maxima, total, max_total, on_100, index = independent(inputs)
    for key, score in scores.items():
        row = result.criterion(key)
        if score is None:
            assert row.status == NOT_APPLICABLE and row.score is None, (key, row.status, row.score)
        else:
            assert F(row.score) == score, (key, row.score, score)
        assert F(row.applicable_max) == maxima[key], (key, row.applicable_max, maxima[key])
    assert F(result.total) == total
    assert F(result.max_total) == max_total
    assert (result.total_100 is None) == (on_100 is None)
    if on_100 is not None:
        assert F(result.total_100) == on_100
    if index is None:
        assert result.index is None  # nothing applies: no 0 ÷ 0
    else:
        assert F(result.index) == index and 0 <= result.index <= 1
        assert result.index == result.index.quantize(D("0.0001"))


# -- the DTI: Σ value × weight ÷ 1000 = total points ÷ 1000 ------------------------------------


@st.composite
def dti_inputs(draw):
    """A value for every indicator of the district DTI, of the kind its rule takes."""
    level = load_set("bacgiang-dti-huyen-2024").level("huyen")
    out = {}
    for crit in level.leaves():
        kind, rule = crit.kind, crit.rule
        if kind == "choice":
            out[crit.key] = {"option": draw(st.sampled_from([o.code for o in crit.inputs[0].options]))}
        elif kind in ("ratio_target", "gated_ratio") and rule.get("input") == "counts":
            d = draw(st.integers(1, 500))
            out[crit.key] = {"numerator": draw(st.integers(0, d)), "denominator": d}
        elif kind == "bands" and rule.get("input") == "value":
            out[crit.key] = {"value": draw(st.integers(0, 80))}
        elif kind == "minmax":
            out[crit.key] = {"value": draw(st.integers(0, 20))}
        else:
            out[crit.key] = {"ratio": D(draw(st.integers(0, 10000))) / 10000}
    return out


@settings(max_examples=40, deadline=None)
@given(dti_inputs())
def test_dti_index_is_total_points_over_1000_half_up(inputs):
    cs = load_set("bacgiang-dti-huyen-2024")
    result = score_unit(cs, "huyen", inputs)
    assert result.max_total == 1000
    assert F(result.index) == half_up(F(result.total) / 1000, 4)
    # pillar 1 can give at most its 40 legible points; Min-Max indicators wait for consolidation
    assert result.criterion("D1").score <= 40
    assert result.total <= 940 - (25 + 15 + 20 + 20)
