"""Runs the rules-as-code cases of tests/cases/issue7/*.yaml through dtscore.cases (`dtscore test`): the rule kinds and criteria sets of
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
from pathlib import Path

import pytest

from dtscore.cases import criteria_set, run_case
from tests.case_files import case_params

CASES_DIR = Path(__file__).parent / "cases" / "issue7"
NEW_KINDS = ("bands", "count_steps", "gated_ratio", "minmax", "assessed")

ALL_CASES = case_params(CASES_DIR)
SINGLE = [p for p in ALL_CASES if "units" not in p.values[0].data]
MULTI = [p for p in ALL_CASES if "units" in p.values[0].data]


@pytest.mark.parametrize("case", SINGLE)
def test_case(case):
    outcome = run_case(case)
    assert outcome.passed, outcome.problems


@pytest.mark.parametrize("case", MULTI)
def test_consolidation_case(case):
    """Min-Max across units: each unit scored alone (pending), then the level consolidated."""
    outcome = run_case(case)
    assert outcome.passed, outcome.problems


def test_every_new_rule_kind_has_cases():
    kinds = Counter()
    for param in ALL_CASES:
        case = param.values[0]
        level = criteria_set(case).level(case.data["level"])
        for holder in case.data.get("units") or [case.data]:
            for key in holder.get("inputs") or {}:
                kinds[level.find(key).kind] += 1
    missing = [k for k in NEW_KINDS if kinds[k] < 3]
    assert not missing, f"chưa đủ ví dụ cho loại quy tắc {missing}: {dict(kinds)}"


def test_case_names_and_ids_are_unique():
    names = [param.values[0].name for param in ALL_CASES]
    assert len(names) == len(set(names)), [n for n, k in Counter(names).items() if k > 1]
    ids = [param.id for param in ALL_CASES]
    assert len(ids) == len(set(ids))
