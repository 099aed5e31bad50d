"""Consolidation logic on results scored directly with the engine (no workbooks): ranking ties,
blocked units, hạ điểm chuẩn, Min-Max criteria filled across units, re-adding totals. Expected
values are worked out by hand in the comments."""

import copy
from decimal import Decimal

import pandas as pd
import pytest

from dtscore.consolidation import consolidate_reads
from dtscore.criteria import load_set
from dtscore.ranking import competition_ranks, summary
from dtscore.reading import Read
from dtscore.rescoring import with_scores
from dtscore.sampledata import sample_unit
from dtscore.scoring import NOT_APPLICABLE, SCORED, score_unit
from dtscore.validation import Validation

ST = load_set("soctrang-2023")


@pytest.fixture(scope="module")
def DTI():
    """The district DTI set (Min-Max criteria, a hierarchy, an index), from issue 7."""
    return load_set("bacgiang-dti-huyen-2024")


def read_of(result, code, sha="0" * 64, mtime=0.0):
    path = f"/hop-thu/{code}.xlsx"
    return Read(path, mtime, Validation(path, sha, result=result, findings=list(result.findings)))


def scored(cs, level, code, inputs=None, claimed=None, seed=1):
    sample = sample_unit(cs, level, code, f"Đơn vị {code}", seed=seed)
    merged = {**sample.inputs, **(inputs or {})}
    return score_unit(cs, level, merged, {**sample.claimed, **(claimed or {})}, sample.evidence,
                      unit={"code": code, "name": f"Đơn vị {code}", "year": 2023})


# -- ranks and statistics ----------------------------------------------------------------------


def test_competition_ranks_share_and_skip():
    assert competition_ranks([Decimal("90"), Decimal("85"), Decimal("85"), Decimal("80")]) == [1, 2, 2, 4]
    assert competition_ranks([Decimal("82.5"), Decimal("82.50"), Decimal("82.49")]) == [1, 1, 3]
    assert competition_ranks([None, Decimal(1), None, Decimal(3)]) == [None, 2, None, 1]
    assert competition_ranks([]) == []


@pytest.mark.parametrize("values", [[5, 3, 3, 9, 1, 9, 9, 0], [1], [2, 2, 2], [7, 6, 5, 4]])
def test_competition_ranks_agree_with_pandas(values):
    expected = pd.Series(values, dtype=float).rank(method="min", ascending=False).astype(int).tolist()
    assert competition_ranks([Decimal(v) for v in values]) == expected


def test_summary():
    s = summary([Decimal("1"), None, Decimal("4"), Decimal("2"), Decimal("3")])
    assert s == {"count": 4, "mean": Decimal("2.5"), "median": Decimal("2.5"), "min": 1, "max": 4}
    assert summary([None])["mean"] is None


# -- rescoring ---------------------------------------------------------------------------------


def test_with_scores_replaces_a_leaf_and_adds_up_again():
    result = scored(ST, "huyen", "H1")
    old = result.criterion("H04").score
    new = with_scores(ST, result, {"H04": Decimal("2.5")})
    assert new.criterion("H04").score == Decimal("2.5")
    assert new.total == result.total - old + Decimal("2.5")
    assert result.criterion("H04").score == old, "the original result is left alone"


def test_with_scores_in_a_hierarchy_caps_groups_and_recomputes_the_index(DTI):
    result = scored(DTI, "huyen", "D1")
    pillar = DTI.level("huyen").criteria[0]
    leaf = pillar.children[0] if not pillar.children[0].is_group else pillar.children[0].children[0]
    new = with_scores(DTI, result, {leaf.key: leaf.max_points})
    others = sum((new.criterion(c.key).score or 0 for c in pillar.children), Decimal(0))
    assert new.criterion(pillar.key).score == min(others, pillar.max_points)
    assert new.total == sum((new.criterion(c.key).score or 0) for c in DTI.level("huyen").criteria)
    # DTI index: Σ score ÷ max × weight ÷ 1000 with weight = max points here, i.e. total ÷ 1000
    assert new.index == (new.total / 1000).quantize(Decimal("0.0001"))


# -- consolidation of scored results ------------------------------------------------------------


def test_blocked_unit_is_listed_unranked_and_the_rest_rank_1_2_2_4():
    a = scored(ST, "xa", "A", seed=1)
    b = scored(ST, "xa", "B", seed=2)
    c = copy.deepcopy(b)  # B's figures: a tie
    c.unit = {"code": "C", "name": "Đơn vị C", "year": 2023}
    d = scored(ST, "xa", "D", seed=3)
    blocked = scored(ST, "xa", "E", inputs={"X03": {"ratio": "abc"}})
    cons = consolidate_reads([read_of(r, r.unit["code"]) for r in (a, b, c, d, blocked)])
    (group,) = cons.groups
    by_code = {e.code: e for e in group.entries}
    assert by_code["E"].rank is None and "X03" in by_code["E"].flag
    totals = {code: by_code[code].computed.total for code in "ABCD"}
    expected = pd.Series({k: float(v) for k, v in totals.items()}).rank(method="min", ascending=False)
    assert {code: by_code[code].rank for code in "ABCD"} == expected.astype(int).to_dict()
    assert by_code["B"].rank == by_code["C"].rank
    assert [e.code for e in group.entries][-1] == "E"


def test_not_applicable_ranks_on_the_total_brought_back_to_100():
    full = scored(ST, "tinh", "F")
    lowered = scored(ST, "tinh", "N", inputs={"T15": {"not_applicable": "x"}})
    assert lowered.criterion("T15").status == NOT_APPLICABLE and lowered.max_total == 96
    cons = consolidate_reads([read_of(full, "F"), read_of(lowered, "N")])
    entry = next(e for e in cons.groups[0].entries if e.code == "N")
    # e.g. 80,00 / 96 × 100 = 83,333… → 83,33
    assert entry.rank_value == (lowered.total / 96 * 100).quantize(Decimal("0.01"))


def test_wrong_year_is_excluded_and_reported():
    this = scored(ST, "xa", "A")
    old = scored(ST, "xa", "B")
    old.unit["year"] = 2022
    cons = consolidate_reads([read_of(this, "A"), read_of(old, "B")], year=2023)
    entry = next(e for e in cons.groups[0].entries if e.code == "B")
    assert entry.rank is None and any(n.code == "WRONG_YEAR" for n in entry.notes)


def test_duplicate_newest_kept_first_name_on_equal_times():
    first = scored(ST, "xa", "A", seed=1)
    second = scored(ST, "xa", "A", seed=2)
    cons = consolidate_reads([Read("/h/a1.xlsx", 10.0, Validation("/h/a1.xlsx", "1", result=first)),
                              Read("/h/a2.xlsx", 20.0, Validation("/h/a2.xlsx", "2", result=second))])
    kept = [e for e in cons.entries if e.status == "used"]
    assert [e.file for e in kept] == ["/h/a2.xlsx"]
    cons = consolidate_reads([Read("/h/b.xlsx", 5.0, Validation("/h/b.xlsx", "2", result=second)),
                              Read("/h/a.xlsx", 5.0, Validation("/h/a.xlsx", "1", result=first))])
    assert [e.file for e in cons.entries if e.status == "used"] == ["/h/a.xlsx"]


def test_unit_list_matches_after_nfc_and_by_name_without_code():
    from dtscore.unitlist import ListedUnit

    r = scored(ST, "xa", "")
    r.unit = {"code": "", "name": "UBND xa\u0303 Tân Hưng", "year": 2023}  # "xã" decomposed
    units = [ListedUnit("X9", "UBND  xã Tân Hưng", "xa"), ListedUnit("X8", "UBND xã Khác", "xa")]
    cons = consolidate_reads([read_of(r, "noname")], units=units)
    (entry,) = cons.groups[0].entries
    assert entry.code == "X9"
    assert not [n for n in entry.notes if n.code in ("UNKNOWN_UNIT", "UNIT_NAME_DIFFERS")]
    assert [u.code for u in cons.missing] == ["X8"]


# -- Min-Max (DTI) -----------------------------------------------------------------------------


def test_minmax_filled_across_the_level(DTI):
    # D3.3 (25 points): values 2, 5, 9 → (x − 2) / (9 − 2) × 25 = 0; 10,714… → 10,71; 25
    values = {"A": 2, "B": 5, "C": 9}
    results = {k: scored(DTI, "huyen", k, inputs={"D3.3": {"value": v}}) for k, v in values.items()}
    for r in results.values():
        assert r.criterion("D3.3").score is None  # pending in a single unit's result
    cons = consolidate_reads([read_of(r, k) for k, r in results.items()])
    got = {e.code: e.final for e in cons.groups[0].entries}
    assert {k: got[k].criterion("D3.3").score for k in values} == {
        "A": Decimal("0.00"), "B": Decimal("10.71"), "C": Decimal("25.00")}
    for k, r in results.items():
        assert got[k].criterion("D3.3").status == SCORED
        others = sum((got[k].criterion(c.key).score or 0 for c in DTI.level("huyen").criteria), Decimal(0))
        assert got[k].total == others
        minmax = [c.key for c in DTI.level("huyen").leaves() if c.kind == "minmax"]  # D3.3, D4.7, D8.5, D8.6
        assert got[k].total - r.total == sum(got[k].criterion(key).score for key in minmax)
    entry = next(e for e in cons.groups[0].entries if e.code == "B")
    assert any(n.code == "MINMAX_FILLED" and "10,71" in n.message for n in entry.notes)


def test_minmax_all_equal_gives_everyone_the_maximum(DTI):
    results = [scored(DTI, "huyen", k, inputs={"D3.3": {"value": 4}}) for k in "AB"]
    cons = consolidate_reads([read_of(r, r.unit["code"]) for r in results])
    assert {e.final.criterion("D3.3").score for e in cons.groups[0].entries} == {Decimal("25.00")}


def test_a_minmax_score_filled_in_is_no_longer_pending(DTI):
    alone = score_unit(DTI, "huyen", {"D3.3": {"value": 5}})
    assert any(f.code == "PENDING_CONSOLIDATION" and f.key == "D3.3" for f in alone.findings)
    filled = with_scores(DTI, alone, {"D3.3": Decimal("7.5")})
    assert not any(f.code == "PENDING_CONSOLIDATION" and f.key == "D3.3" for f in filled.findings)
    assert filled.criterion("D3.3").score == Decimal("7.5")
