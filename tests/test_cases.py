"""Runs the rules-as-code cases of tests/cases/*.yaml (format: tests/cases/README.md) through
dtscore.cases (the runner of `dtscore test`), which scores them with dtscore.scoring.score_unit.
Expected values are the hand calculations written in the cases."""

from collections import Counter
from pathlib import Path

import pytest

from dtscore.cases import focus_keys, run_case
from dtscore.criteria import load_set
from tests.case_files import case_params

CASES_DIR = Path(__file__).parent / "cases"
ALL_CASES = case_params(CASES_DIR)


@pytest.mark.parametrize("case", ALL_CASES)
def test_case(case):
    outcome = run_case(case)
    assert outcome.passed, outcome.problems


def test_every_criterion_of_every_level_has_a_case():
    covered = {}
    for param in ALL_CASES:
        case = param.values[0].data
        if case["set"] == "soctrang-2023":
            covered.setdefault(case["level"], set()).update(focus_keys(case, case["expected"]))
    cs = load_set("soctrang-2023")
    for level in cs.levels.values():
        missing = [c.key for c in level.leaves() if c.key not in covered.get(level.code, set())]
        assert not missing, f"cấp {level.code}: chưa có ví dụ cho {missing}"


def test_case_names_and_ids_are_unique():
    names = [param.values[0].name for param in ALL_CASES]
    assert len(names) == len(set(names)), [n for n, k in Counter(names).items() if k > 1]
    ids = [param.id for param in ALL_CASES]
    assert len(ids) == len(set(ids))


def test_dtscore_test_runs_an_experts_cases(tmp_path, capsys):
    """`dtscore test` as an expert uses it: a right hand calculation holds, a wrong one is named
    with what the engine computed, and the exit code says so."""
    from dtscore.cli import main

    (tmp_path / "vi-du.yaml").write_text(
        """\
- name: "T03 – đạt 90%, chỉ tiêu 95%"
  set: soctrang-2023
  level: tinh
  inputs: {T03: {ratio: "90%"}}
  expected: {T03: 3.79}     # 90/95 × 4 = 3,789… → 3,79
- name: "T03 – tính tay sai"
  set: soctrang-2023
  level: tinh
  inputs: {T03: {ratio: "90%"}}
  expected: {T03: 3.8}
""",
        encoding="utf-8",
    )
    assert main(["test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "ĐẠT      vi-du.yaml #1: T03 – đạt 90%, chỉ tiêu 95%" in out
    assert "KHÔNG ĐẠT vi-du.yaml #2" in out and "T03: tính được 3.79, mong đợi 3.8" in out
    assert out.rstrip().endswith("1 ví dụ đạt, 1 không đạt")
    assert main(["test", "-q", str(tmp_path / "vi-du.yaml")]) == 1
    assert main(["test", str(tmp_path / "khong-co")]) == 2
