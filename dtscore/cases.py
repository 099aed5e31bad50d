"""Rules-as-code cases: YAML files of worked examples an expert writes with the hand calculation
(format: tests/cases/README.md), checked against the engine — by the tests and by officials
through `dtscore test CASES/`.

A case scores one unit (`inputs`, `claimed`, …) or, with `units:`, several units of a level that
are then consolidated (Min-Max criteria filled across them); `expected` gives criterion scores
("không áp dụng", "chờ tổng hợp"), totals, lowered maxima and findings.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .consolidation import consolidate_reads
from .criteria import CriteriaSet, load_set
from .errors import DtscoreError
from .findings import ERROR
from .reading import Read
from .results import NOT_APPLICABLE, PENDING
from .scoring import score_unit
from .validation import Validation
from .yamlio import YamlReadError, read_yaml

CASE_FIELDS = {"name", "set", "level", "inputs", "claimed", "evidence", "parameters", "today", "expected", "units"}
TOTALS = ("total", "max_total", "total_100", "claimed_total", "index")
NOT_APPLICABLE_WORDS = {"không áp dụng", "not applicable"}
PENDING_WORDS = {"chờ tổng hợp", "pending"}


@dataclass
class Case:
    data: dict
    file: Path
    number: int  # 1-based position in its file

    @property
    def name(self) -> str:
        return str(self.data.get("name", "?"))

    @property
    def where(self) -> str:
        return f"{self.file.name} #{self.number}"


@dataclass
class Outcome:
    case: Case
    problems: list = field(default_factory=list)  # Vietnamese, one per difference; empty: the case holds

    @property
    def passed(self) -> bool:
        return not self.problems


def case_files(paths) -> list:
    """The *.yaml case files of each path (a file, or a folder: its own *.yaml, in name order)."""
    out = []
    for path in map(Path, paths):
        if path.is_dir():
            out += sorted(path.glob("*.yaml"))
        elif path.exists():
            out.append(path)
        else:
            raise DtscoreError(f"{path}: không có tệp hoặc thư mục này")
    return out


def load_cases(paths) -> list:
    cases = []
    for path in case_files(paths):
        try:
            data = read_yaml(path)
        except YamlReadError as exc:
            raise DtscoreError(str(exc)) from None
        if not isinstance(data, list):
            raise DtscoreError(f"{path}: tệp ví dụ phải là một danh sách các ví dụ (mỗi ví dụ bắt đầu bằng “- name:”)")
        cases += [Case(item if isinstance(item, dict) else {}, path, number) for number, item in enumerate(data, 1)]
    return cases


def criteria_set(case: Case) -> CriteriaSet:
    """`set:` is a built-in id, an id of a `sets/` folder beside the case file, or a YAML path
    relative to the case file."""
    name = str(case.data.get("set", ""))
    here = case.file.parent
    for candidate in (here / name, here / "sets" / f"{name}.yaml"):
        if candidate.suffix == ".yaml" and candidate.is_file():
            return load_set(candidate)
    return load_set(name)


def run_case(case: Case) -> Outcome:
    """Score the case and compare; a case that cannot be run is an outcome with its reason."""
    outcome = Outcome(case)
    data = case.data
    unknown = sorted(set(data) - CASE_FIELDS)
    missing = [f for f in ("name", "set", "level", "expected") if f not in data]
    if unknown or missing:
        outcome.problems += [f"trường không hợp lệ: {', '.join(unknown)}"] if unknown else []
        outcome.problems += [f"thiếu trường: {', '.join(missing)}"] if missing else []
        return outcome
    try:
        cs = criteria_set(case)
        if "units" in data:
            _run_units(cs, data, outcome.problems)
        else:
            result = score_unit(cs, data["level"], data.get("inputs"), data.get("claimed"), data.get("evidence"),
                                data.get("parameters"), today=data.get("today"))
            _compare(result, data, data["expected"], outcome.problems)
    except DtscoreError as exc:
        outcome.problems.append(str(exc))
    return outcome


def _run_units(cs, data, problems):
    """Each unit scored alone (Min-Max pending), then the level consolidated."""
    reads = []
    for unit in data["units"]:
        who = {"code": unit["code"], "name": unit.get("name", f"Đơn vị {unit['code']}")}
        result = score_unit(cs, data["level"], unit.get("inputs"), unit=who)
        reads.append(Read(f"{unit['code']}.xlsx", 0.0, Validation(f"{unit['code']}.xlsx", result=result)))
    entries = {e.code: e for group in consolidate_reads(reads).groups for e in group.entries}
    for code, expected in data["expected"].items():
        unit = next((u for u in data["units"] if u["code"] == code), None)
        if unit is None or code not in entries:
            problems.append(f"{code}: không có đơn vị này trong “units”")
            continue
        _compare(entries[code].computed, unit, expected, problems, f"{code} – ")


def _number(value):
    return None if value is None else Decimal(str(value).replace(",", "."))


def _compare(result, holder, expected, problems, prefix=""):
    for key, want in expected.items():
        if key == "findings":
            continue
        if key == "applicable_max":
            for crit, value in want.items():
                got = result.criterion(crit).applicable_max
                if got != _number(value):
                    problems.append(f"{prefix}{crit}: điểm chuẩn còn lại {got}, mong đợi {value}")
        elif key in TOTALS:
            got = getattr(result, key)
            if got != _number(want):
                problems.append(f"{prefix}{key}: tính được {got}, mong đợi {want}")
        else:
            problem = _row_problem(result, key, want)
            if problem:
                problems.append(prefix + problem)
    problems += [prefix + p for p in _finding_problems(result.findings, holder, expected)]


def _row_problem(result, key, want):
    try:
        row = result.criterion(key)
    except StopIteration:
        return f"{key}: không có tiêu chí này"
    word = str(want).strip().lower()
    if word in NOT_APPLICABLE_WORDS:
        ok = row.status == NOT_APPLICABLE and row.score is None
    elif word in PENDING_WORDS:  # a leaf has no score yet; a group shows the sum of what is known so far
        ok = row.status == PENDING and (row.score is None or row.is_group)
    else:
        ok = row.score == _number(want)
    return None if ok else f"{key}: tính được {row.score if row.score is not None else row.status}, mong đợi {want}"


def focus_keys(holder, expected) -> set:
    """The criteria a case is about: those it gives inputs, claims, evidence or expected scores for."""
    keys = set()
    for section in ("inputs", "claimed", "evidence"):
        keys |= set(holder.get(section) or {})
    return keys | {k for k in expected if k not in TOTALS and k not in ("findings", "applicable_max")}


def _finding_problems(findings, holder, expected) -> list:
    """With `findings`, exactly those on the case's criteria; without, no error there.
    MISSING_EVIDENCE counts only in cases that give evidence."""
    focus = focus_keys(holder, expected)
    on_focus = [f for f in findings if f.key in focus or f.key is None]
    if "evidence" not in holder:
        on_focus = [f for f in on_focus if f.code != "MISSING_EVIDENCE"]
    if "findings" not in expected:
        return [f"lỗi không mong đợi: {f.message}" for f in on_focus if f.severity == ERROR]
    want: Counter = Counter()
    for item in expected["findings"]:
        code, _, key = str(item).partition(" ")
        if not key:
            if len(focus) != 1:
                return [f"“{item}”: ghi rõ tiêu chí (MÃ_PHÁT_HIỆN MÃ_TIÊU_CHÍ) khi ví dụ có nhiều tiêu chí"]
            key = next(iter(focus))
        want[(code, key.strip())] += 1
    got = Counter((f.code, f.key) for f in on_focus)
    if got == want:
        return []
    shown = "; ".join(f"{f.code} {f.key}: {f.message}" for f in on_focus) or "không có"
    return [f"phát hiện khác mong đợi {sorted(want.elements())}: có {shown}"]
