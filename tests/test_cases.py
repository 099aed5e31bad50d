"""Runs the rules-as-code cases of tests/cases/*.yaml (format: tests/cases/README.md) through
dtscore.scoring.score_unit. Expected values are the hand calculations written in the cases."""

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from dtscore.criteria import load_set
from dtscore.findings import ERROR
from dtscore.scoring import NOT_APPLICABLE, score_unit
from tests.case_files import load_cases

TESTS = Path(__file__).parent
CASES_DIR = TESTS / "cases"
CASE_FIELDS = {"name", "set", "level", "inputs", "claimed", "evidence", "parameters", "today", "expected"}
TOTALS = ("total", "max_total", "total_100", "claimed_total")
NOT_APPLICABLE_WORDS = {"không áp dụng", "not applicable"}


ALL_CASES = load_cases(CASES_DIR)


def _criteria_set(name):
    return load_set(TESTS / name if str(name).endswith(".yaml") else name)


def _number(value) -> Decimal:
    return Decimal(str(value).replace(",", "."))


def _focus_keys(case) -> set:
    keys = set()
    for section in ("inputs", "claimed", "evidence"):
        keys |= set(case.get(section) or {})
    keys |= {k for k in case["expected"] if k not in TOTALS and k != "findings"}
    return keys


def _expected_findings(case, focus) -> Counter:
    out = Counter()
    for item in case["expected"]["findings"]:
        code, _, key = str(item).partition(" ")
        if not key:
            assert len(focus) == 1, f"“{item}”: name the criterion (CODE KEY) when a case has several"
            key = next(iter(focus))
        out[(code, key.strip())] += 1
    return out


@pytest.mark.parametrize("case", ALL_CASES)
def test_case(case):
    unknown = set(case) - CASE_FIELDS
    assert not unknown, f"unknown case fields {unknown}"
    cs = _criteria_set(case["set"])
    result = score_unit(
        cs,
        case["level"],
        case.get("inputs"),
        case.get("claimed"),
        case.get("evidence"),
        case.get("parameters"),
        today=case.get("today"),
    )
    expected = case["expected"]
    for key, want in expected.items():
        if key == "findings":
            continue
        if key in TOTALS:
            got = getattr(result, key)
            assert got == _number(want), f"{key}: tính được {got}, mong đợi {want}"
            continue
        row = result.criterion(key)
        if str(want).strip().lower() in NOT_APPLICABLE_WORDS:
            assert row.status == NOT_APPLICABLE and row.score is None, f"{key}: {row.status} {row.score}"
        else:
            assert row.score == _number(want), f"{key}: tính được {row.score}, mong đợi {want}"

    focus = _focus_keys(case)
    on_focus = [f for f in result.findings if f.key in focus or f.key is None]
    if "evidence" not in case:  # evidence is checked only by the cases that are about it
        on_focus = [f for f in on_focus if f.code != "MISSING_EVIDENCE"]
    if "findings" in expected:
        got = Counter((f.code, f.key) for f in on_focus)
        assert got == _expected_findings(case, focus), [f.message for f in on_focus]
    else:
        errors = [f.message for f in on_focus if f.severity == ERROR]
        assert not errors, errors


def test_every_criterion_of_every_level_has_a_case():
    covered = {}
    for param in ALL_CASES:
        case = param.values[0]
        if case["set"] == "soctrang-2023":
            covered.setdefault(case["level"], set()).update(_focus_keys(case))
    cs = load_set("soctrang-2023")
    for level in cs.levels.values():
        missing = [c.key for c in level.leaves() if c.key not in covered.get(level.code, set())]
        assert not missing, f"cấp {level.code}: chưa có ví dụ cho {missing}"


def test_case_names_and_ids_are_unique():
    names = [param.values[0]["name"] for param in ALL_CASES]
    assert len(names) == len(set(names)), [n for n, k in Counter(names).items() if k > 1]
    ids = [param.id for param in ALL_CASES]
    assert len(ids) == len(set(ids))
