"""Runs the rules-as-code cases of tests/cases/issue7/*.yaml: the rule kinds and criteria sets of
issue 7 (bands, count_steps, gated_ratio, minmax, assessed, sum groups, "không áp dụng" at every
level, the weighted index).

The format is that of tests/cases/README.md, with these additions:
- `expected` may give `index` (the weighted index) and totals of `null` (no applicable maximum);
- a criterion expected as `chờ tổng hợp` is pending consolidation (Min-Max in one unit's file); a
  pending group still shows the sum of its known parts;
- `expected.applicable_max: {KEY: value}` checks a criterion's lowered maximum ("hạ điểm chuẩn");
- a case with `units:` (a list of {code, name, inputs}) is a consolidation case: every unit is
  scored, then the level is consolidated (Min-Max criteria filled across the units), and
  `expected` is given per unit code.
Expected numbers are hand calculations written next to them, never the program's output.
"""

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from dtscore.criteria import load_set
from dtscore.findings import ERROR
from dtscore.scoring import NOT_APPLICABLE, PENDING, score_unit
from tests.case_files import load_cases

TESTS = Path(__file__).parent
CASES_DIR = TESTS / "cases" / "issue7"
SETS_DIR = CASES_DIR / "sets"
CASE_FIELDS = {"name", "set", "level", "inputs", "claimed", "evidence", "parameters", "today", "expected", "units"}
TOTALS = ("total", "max_total", "total_100", "claimed_total", "index")
NOT_APPLICABLE_WORDS = {"không áp dụng", "not applicable"}
PENDING_WORDS = {"chờ tổng hợp", "pending"}
NEW_KINDS = ("bands", "count_steps", "gated_ratio", "minmax", "assessed")


ALL_CASES = load_cases(CASES_DIR)
SINGLE = [p for p in ALL_CASES if "units" not in p.values[0]]
MULTI = [p for p in ALL_CASES if "units" in p.values[0]]


def _criteria_set(name):
    """A built-in set id, or a test set of tests/cases/issue7/sets/ by its id."""
    own = SETS_DIR / f"{name}.yaml"
    return load_set(own if own.exists() else name)


def _number(value):
    return None if value is None else Decimal(str(value).replace(",", "."))


def _check_row(result, key, want):
    row = result.criterion(key)
    word = str(want).strip().lower()
    if word in NOT_APPLICABLE_WORDS:
        assert row.status == NOT_APPLICABLE and row.score is None, f"{key}: {row.status} {row.score}"
    elif word in PENDING_WORDS:
        # a leaf has no score yet; a group shows the sum of what is known so far
        assert row.status == PENDING and (row.score is None or row.is_group), f"{key}: {row.status} {row.score}"
    else:
        assert row.score == _number(want), f"{key}: tính được {row.score}, mong đợi {want}"


def _check_expected(result, expected):
    for key, want in expected.items():
        if key == "findings":
            continue
        if key == "applicable_max":
            for crit, value in want.items():
                got = result.criterion(crit).applicable_max
                assert got == _number(value), f"{crit}: điểm chuẩn còn lại {got}, mong đợi {value}"
        elif key in TOTALS:
            got = getattr(result, key)
            assert got == _number(want), f"{key}: tính được {got}, mong đợi {want}"
        else:
            _check_row(result, key, want)


def _focus_keys(case_like) -> set:
    keys = set()
    for section in ("inputs", "claimed", "evidence"):
        keys |= set(case_like.get(section) or {})
    expected = case_like.get("expected") or {}
    keys |= {k for k in expected if k not in TOTALS and k not in ("findings", "applicable_max")}
    return keys


def _check_findings(findings, case_like, expected):
    focus = _focus_keys({**case_like, "expected": expected})
    on_focus = [f for f in findings if f.key in focus or f.key is None]
    if "evidence" not in case_like:  # evidence is checked only by the cases that are about it
        on_focus = [f for f in on_focus if f.code != "MISSING_EVIDENCE"]
    if "findings" in expected:
        want = Counter()
        for item in expected["findings"]:
            code, _, key = str(item).partition(" ")
            if not key:
                assert len(focus) == 1, f"“{item}”: name the criterion (CODE KEY) when a case has several"
                key = next(iter(focus))
            want[(code, key.strip())] += 1
        got = Counter((f.code, f.key) for f in on_focus)
        assert got == want, [f.message for f in on_focus]
    else:
        errors = [f.message for f in on_focus if f.severity == ERROR]
        assert not errors, errors


@pytest.mark.parametrize("case", SINGLE)
def test_case(case):
    unknown = set(case) - CASE_FIELDS
    assert not unknown, f"unknown case fields {unknown}"
    cs = _criteria_set(case["set"])
    result = score_unit(cs, case["level"], case.get("inputs"), case.get("claimed"), case.get("evidence"),
                        case.get("parameters"), today=case.get("today"))
    _check_expected(result, case["expected"])
    _check_findings(result.findings, case, case["expected"])


@pytest.mark.parametrize("case", MULTI)
def test_consolidation_case(case):
    """Min-Max across units: each unit scored alone (pending), then the level consolidated."""
    from dtscore import consolidation
    from dtscore.validation import Validation

    unknown = set(case) - CASE_FIELDS
    assert not unknown, f"unknown case fields {unknown}"
    cs = _criteria_set(case["set"])
    reads = []
    for unit in case["units"]:
        result = score_unit(cs, case["level"], unit.get("inputs"), unit=unit_dict(unit))
        reads.append(consolidation.Read(f"{unit['code']}.xlsx", 0.0, Validation(f"{unit['code']}.xlsx", result=result)))
    outcome = consolidation.consolidate_reads(reads)
    entries = {e.code: e for group in outcome.groups for e in group.entries}
    assert set(entries) == {u["code"] for u in case["units"]}
    for code, expected in case["expected"].items():
        unit = next(u for u in case["units"] if u["code"] == code)
        result = entries[code].computed
        _check_expected(result, expected)
        _check_findings(result.findings, unit, expected)


def unit_dict(unit) -> dict:
    return {"code": unit["code"], "name": unit.get("name", f"Đơn vị {unit['code']}")}


def test_every_new_rule_kind_has_cases():
    kinds = Counter()
    for param in ALL_CASES:
        case = param.values[0]
        level = _criteria_set(case["set"]).level(case["level"])
        for holder in case.get("units") or [case]:
            for key in holder.get("inputs") or {}:
                kinds[level.find(key).kind] += 1
    missing = [k for k in NEW_KINDS if kinds[k] < 3]
    assert not missing, f"chưa đủ ví dụ cho loại quy tắc {missing}: {dict(kinds)}"


def test_case_names_and_ids_are_unique():
    names = [param.values[0]["name"] for param in ALL_CASES]
    assert len(names) == len(set(names)), [n for n, k in Counter(names).items() if k > 1]
    ids = [param.id for param in ALL_CASES]
    assert len(ids) == len(set(ids))
