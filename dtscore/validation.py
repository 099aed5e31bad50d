"""Validating a filled workbook: the engine's scoring of the unit's inputs, plus what only the
workbook can get wrong.

Added to the engine's findings:
- TEMPLATE_MISMATCH: the criteria set / version / fingerprint in "Thông tin" is not the engine's,
  or a criterion row is missing, stray, duplicated or out of order;
- FORMULA_TAMPERED: a computed cell no longer holds the formula the template put there;
- CELL_VALUE_STALE: the value a computed cell shows differs from the engine (edited in a program
  that did not recalculate, or #NAME? where the add-in was missing);
- WRONG_TYPE: text where the template expects a date or a number ("90%", "15/5/2023" typed as text).
Every finding is located: the criterion, the cell ('Chấm điểm'!H12) and the defined name.
"""

import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from dtscore.workbook.expected import expected_formulas, expected_locations
from dtscore.workbook.reader import read_workbook

from . import criteria, limits, rules
from .criteria import CriteriaSet, available_sets, load_set
from .decimals import fmt_vn, to_decimal
from .errors import InputError, WorkbookError
from .findings import WARNING, Finding, summary_vn
from .scoring import NOT_APPLICABLE, PENDING, UNSCORED, UnitResult, parse_input, score_unit, truthy
from .submission import (
    CHECK_SUMMARY,
    CLAIMED,
    CRITERIA_FINGERPRINT,
    CRITERIA_SET,
    CRITERIA_VERSION,
    LEVEL,
    PARAM_PREFIX,
    SCORE,
    TOTAL_CLAIMED,
    TOTAL_SCORE,
    UNIT_CODE,
    UNIT_NAME,
    YEAR,
    Submission,
    quote_sheet,
    split_row_name,
)
from .values import date_to_excel_serial, fmt_date_vn, nfc, number_problem, parse_date

TYPE_WORDS = {
    rules.DATE: "một ngày (dd/mm/yyyy)",
    rules.RATIO: "một tỉ lệ dạng số (ví dụ 75,7%)",
    rules.COUNT: "một số nguyên",
    rules.NUMBER: "một số",
}


@dataclass
class Validation:
    """The outcome for one file: an error (the file could not be read) or a submission, the
    engine's result and every finding, located in the workbook."""

    file: str
    sha256: str = ""
    error: str | None = None
    submission: Submission | None = None
    result: UnitResult | None = None
    findings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The file was read (it may still have findings)."""
        return self.error is None

    @property
    def summary(self) -> str:
        """'3 lỗi, 2 cảnh báo', or the reason the file could not be read."""
        return f"không đọc được: {self.error}" if self.error else summary_vn(self.findings)

    def to_dict(self) -> dict:
        """`dtscore score --json`'s structure for this file, plus `file` (and `error`)."""
        if self.result is not None:
            out = self.result.to_dict()
            out["findings"] = [f.to_dict() for f in self.findings]
        else:
            sub = self.submission
            out = {
                "criteria_set": sub.criteria_set if sub else None,
                "version": sub.version if sub else None,
                "fingerprint": sub.fingerprint if sub else None,
                "level": sub.level if sub else None,
                "unit": sub.unit if sub else {},
                "total": None,
                "max_total": None,
                "total_100": None,
                "claimed_total": None,
                "criteria": [],
                "findings": [f.to_dict() for f in self.findings],
            }
        out["file"] = self.file
        if self.error:
            out["error"] = self.error
        return out


def validate_file(path, today: date | None = None, criteria_sets=()) -> Validation:
    """Read and validate one workbook. Never raises for a bad file: the reason is in `.error`.
    criteria_sets: sets beyond the built-in ones (CriteriaSet objects or YAML paths), matched by id.

    Reading, scoring and checking run inside one guard: whatever a file does to them (a damaged
    part, a number no computation can take, running out of memory or time) becomes the reason this
    file was not checked, and the caller goes on with the next file."""
    path = str(path)
    try:
        with limits.file_deadline():
            submission = read_workbook(path)
    except WorkbookError as exc:
        return Validation(path, _sha256(path), error=str(exc))
    except Exception as exc:  # a file no template ever produced: report it, keep the batch going
        if os.environ.get("DTSCORE_DEBUG"):
            raise
        return Validation(path, _sha256(path), error=failure_reason(exc))
    _template_of(submission, criteria_sets)  # outside the guard: what fails there is dtscore's fault, not the file's
    try:
        with limits.file_deadline():
            return validate_submission(submission, today, criteria_sets)
    except WorkbookError as exc:
        return Validation(path, submission.sha256, error=str(exc))
    except Exception as exc:
        if os.environ.get("DTSCORE_DEBUG"):
            raise
        return Validation(path, submission.sha256, error=failure_reason(exc))


def _template_of(sub: Submission, criteria_sets=()):
    """Get the template's formulas and name locations for the submission's set and level (cached)
    before its checks run: they come from the builder, so if they cannot be had the program is
    broken, which must be loud — never a per-file reason, never FORMULA_TAMPERED silently skipped."""
    cs = find_set(sub.criteria_set, criteria_sets)
    if cs is not None and sub.level in cs.levels:
        _formulas_by_name(cs, sub.level, sub.formula_mode)
        _expected_locations(cs, sub.level)


def failure_reason(exc: BaseException) -> str:
    """The one line a reviewer reads when checking a file failed unexpectedly."""
    if isinstance(exc, MemoryError):
        return "tệp cần quá nhiều bộ nhớ để đọc — đề nghị đơn vị dùng lại biểu mẫu gốc (đã bỏ qua tệp này)"
    if isinstance(exc, RecursionError):
        return "cấu trúc tệp lồng quá sâu, không đọc được (đã bỏ qua tệp này)"
    return f"lỗi khi kiểm tra tệp ({type(exc).__name__}) — đã bỏ qua tệp này, các tệp khác vẫn được kiểm tra"


def _sha256(path) -> str:
    try:
        path = Path(path)
        if not path.is_file() or path.stat().st_size > limits.LIMITS.file_bytes:
            return ""
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def validate_submission(sub: Submission, today: date | None = None, criteria_sets=()) -> Validation:
    """Score a submission with the engine and check the workbook against its template."""
    out = Validation(sub.file, sub.sha256, submission=sub)
    cs, level, header = _criteria_of(sub, criteria_sets)
    if cs is None:
        out.findings = header
        return out
    numbers, sub, unusable = _check_numbers(sub)
    out.submission = sub
    structure = _check_structure(sub, cs, level)
    typed, inputs, claimed, replaced = _check_types(sub, cs, level)
    replaced |= unusable
    parameters, param_findings = _read_parameters(sub, cs)
    result = score_unit(cs, level.code, inputs, claimed, sub.evidence, parameters, sub.unit, today)
    result.findings = [f for f in result.findings if not (f.code == "WRONG_TYPE" and f.name in replaced)]
    engine = [_locate(f, sub) for f in result.findings]
    tampered = _check_formulas(sub, cs, level) if sub.formulas_read else []
    stale = _check_values(sub, result, cs.decimals, tampered, level)
    order = {c.key: i for i, c in enumerate(level.walk())}
    # Root causes first: criteria in document order, totals last; within a criterion a tampered
    # formula or a mistyped value before what follows from it (a wrong self-score, a stale cell).
    per_criterion = sorted(numbers + engine + typed + tampered + stale,
                           key=lambda f: (order.get(f.key, len(order)), CONSEQUENCES.get(f.code, 0)))
    out.result = result
    integrity = _check_locations(sub, cs, level) + _check_year(sub, unusable) + _check_ignored(sub)
    out.findings = header + _check_unit(sub) + integrity + structure + param_findings + per_criterion
    return out


# -- integrity of the submission ----------------------------------------------------------------

YEARS = range(2000, 2101)  # a competition year dtscore can be asked to score


def _check_locations(sub: Submission, cs: CriteriaSet, level) -> list:
    """NAME_RETARGETED: a defined name no longer points at the template's cell for it (an input
    read from an off-screen cell instead of the one the unit and the reviewers see)."""
    expected = _expected_locations(cs, level.code)
    findings = []
    for name, info in sub.cells.items():
        want = expected.get(name)
        if want is None or (nfc(info.sheet), info.coord.replace("$", "")) == want:
            continue
        keys = sorted(sub.keys, key=len, reverse=True)  # only for a retargeted name: rare
        key = split_row_name(name)[0] or next((k for k in keys if name.startswith(k + "_")), None)
        findings.append(Finding("NAME_RETARGETED", key,
                                f"Tên vùng {name} trỏ tới {info.ref}, không phải ô của biểu mẫu "
                                f"{quote_sheet(want[0])}!{want[1]}: số liệu được đọc từ một ô khác với ô mọi người "
                                "nhìn thấy — dùng lại biểu mẫu gốc; không xếp hạng cho đến khi Sở TTTT thẩm định",
                                cell=info.ref, name=name))
    return findings


_LOCATIONS: dict = {}  # (set, level) → where its template's names point (read-only): the same for every file


def _expected_locations(cs, level_code) -> dict:
    key = (cs.id, cs.version, cs.fingerprint, level_code)
    if key not in _LOCATIONS:
        _LOCATIONS[key] = _locations(cs, level_code)
    return _LOCATIONS[key]


def _locations(cs, level_code) -> dict:
    if not cs.fingerprint:
        return {}
    try:
        found = expected_locations(cs, level_code, "native")
    except ImportError:  # a runtime without openpyxl to build the template (e.g. xlwings Lite): nothing to compare
        return {}
    return {name: (nfc(sheet), coord) for name, (sheet, coord) in found.items()}


def _check_year(sub: Submission, unusable) -> list:
    """The year in "Thông tin" must be a whole year: it decides which year a result is ranked and
    stored in (a blank, text or fractional year would be taken for the current one)."""
    if YEAR not in sub.cells or YEAR in unusable:
        return []
    value, ref = sub.cells[YEAR].value, sub.ref(YEAR)
    if value is None:
        return [Finding("INPUT_MISSING", None, "Chưa ghi năm đánh giá (trang “Thông tin”): tệp không được xếp "
                        "hạng, không lưu vào lịch sử", cell=ref, name=YEAR)]
    if isinstance(value, (str, bool, date)):
        return [Finding("WRONG_TYPE", None, f"Năm đánh giá đọc được {_shown(value)}, cần một số năm như 2023 — "
                        "tệp không được xếp hạng, không lưu vào lịch sử", cell=ref, name=YEAR)]
    if not to_decimal(value) == to_decimal(value).to_integral_value() or int(value) not in YEARS:
        return [Finding("INPUT_OUT_OF_RANGE", None, f"Năm đánh giá {_shown(value)} không phải một năm hợp lệ "
                        f"({YEARS.start}–{YEARS.stop - 1}) — tệp không được xếp hạng, không lưu vào lịch sử",
                        cell=ref, name=YEAR)]
    return []


def year_problem(validation) -> bool:
    """Whether the workbook's year could not be taken as its competition year."""
    return any(f.name == YEAR and f.severity == "error" for f in validation.findings)


def _check_ignored(sub: Submission) -> list:
    """NAME_IGNORED: names outside the template pointing to another workbook or to #REF! (left
    after copying sheets) are not read; said once, so that the unit can clean them up."""
    if not sub.ignored_names:
        return []
    shown = ", ".join(f"{name} ({ref})" for name, ref in sub.ignored_names[:5])
    more = f" và {len(sub.ignored_names) - 5} tên khác" if len(sub.ignored_names) > 5 else ""
    return [Finding("NAME_IGNORED", None, f"Tên vùng không thuộc biểu mẫu, trỏ ra tệp khác hoặc không còn hợp lệ: "
                    f"{shown}{more} — dtscore không dùng nên bỏ qua; có thể xóa trong Formulas › Name Manager")]


# -- the criteria set named in "Thông tin" -------------------------------------------------------


def find_set(set_id: str, criteria_sets=()) -> CriteriaSet | None:
    """The set a workbook names: one of `criteria_sets` (objects or YAML paths) with that id, else a
    built-in set, else None."""
    for item in criteria_sets or ():
        cs = item if isinstance(item, CriteriaSet) else load_set(item)
        if cs.id == set_id:
            return cs
    return load_set(set_id) if set_id in _builtin_sets(criteria.BUILTIN_DIR) else None


@lru_cache(maxsize=4)
def _builtin_sets(folder) -> frozenset:
    """The built-in set ids (listing the folder once per process, not once per file)."""
    return frozenset(available_sets())


def _criteria_of(sub: Submission, criteria_sets=()):
    """(set, level, findings); set is None when the workbook names no set or level dtscore has."""
    ref = sub.ref
    cs = find_set(sub.criteria_set, criteria_sets)
    if cs is None:
        known = ", ".join(available_sets())
        shown = sub.criteria_set or "(trống)"
        return None, None, [Finding("TEMPLATE_MISMATCH", None,
                                    f"Biểu mẫu ghi bộ tiêu chí “{shown}”, dtscore không có bộ này (có: {known}; "
                                    "bộ khác: dtscore validate --set TỆP.yaml)", cell=ref(CRITERIA_SET), name=CRITERIA_SET)]
    if sub.level not in cs.levels:
        return None, None, [Finding("TEMPLATE_MISMATCH", None,
                                    f"Biểu mẫu ghi cấp “{sub.level or '(trống)'}”, bộ tiêu chí {cs.id} chỉ có: "
                                    f"{', '.join(cs.levels)}", cell=ref(LEVEL), name=LEVEL)]
    findings = []
    if sub.version != cs.version:
        findings.append(Finding("TEMPLATE_MISMATCH", None,
                                f"Biểu mẫu lập theo phiên bản “{sub.version or '(trống)'}” của bộ tiêu chí {cs.id}, "
                                f"phiên bản hiện hành là “{cs.version}”: hãy chuyển số liệu sang biểu mẫu mới",
                                cell=ref(CRITERIA_VERSION), name=CRITERIA_VERSION))
    elif sub.fingerprint != cs.fingerprint:
        findings.append(Finding("TEMPLATE_MISMATCH", None,
                                f"Mã kiểm tra bộ tiêu chí trong biểu mẫu ({sub.fingerprint or 'trống'}) khác mã của "
                                f"{cs.id} {cs.version} ({cs.fingerprint}): biểu mẫu không lập từ bộ tiêu chí hiện hành "
                                "hoặc đã bị sửa", cell=ref(CRITERIA_FINGERPRINT), name=CRITERIA_FINGERPRINT))
    return cs, cs.level(sub.level), findings


def _check_unit(sub: Submission) -> list:
    """The unit's code is how Sở TTTT matches a file to a unit; its name is what people read."""
    findings = []
    if not sub.unit.get("code"):
        findings.append(Finding("INPUT_MISSING", None, "Chưa ghi mã đơn vị (trang “Thông tin”): Sở TTTT không ghép "
                                "được tệp với đơn vị", cell=sub.ref(UNIT_CODE), name=UNIT_CODE))
    if not sub.unit.get("name"):
        findings.append(Finding("INPUT_MISSING", None, "Chưa ghi tên đơn vị (trang “Thông tin”)", severity=WARNING,
                                cell=sub.ref(UNIT_NAME), name=UNIT_NAME))
    return findings


def expected_names(crit) -> list:
    """The defined names a criterion's row must carry."""
    names = [f"{crit.key}_{SCORE}"]
    if not crit.is_group:
        names.append(f"{crit.key}_{CLAIMED}")
        names += [f"{crit.key}_{spec.name}" for spec in crit.inputs]
    return names


def _check_structure(sub: Submission, cs: CriteriaSet, level) -> list:
    """Every criterion row present once, none extra, in the decision's order."""
    findings = []
    expected = list(level.walk())
    known = {c.key for c in expected}
    for crit in expected:
        missing = [n for n in expected_names(crit) if n not in sub.cells]
        if missing:
            findings.append(Finding("TEMPLATE_MISMATCH", crit.key,
                                    f"{crit.key}: thiếu hàng tiêu chí hoặc ô có tên {', '.join(missing)} — hàng đã bị "
                                    "xóa hoặc biểu mẫu không đúng bộ tiêu chí", cell=sub.ref(missing[0]), name=missing[0]))
    present = sub.keys
    for key in present:
        if key not in known:
            name = f"{key}_{SCORE}" if f"{key}_{SCORE}" in sub.cells else f"{key}_{CLAIMED}"
            findings.append(Finding("TEMPLATE_MISMATCH", key,
                                    f"{key}: tiêu chí này không có trong cấp {level.code} của bộ {cs.id}",
                                    cell=sub.ref(name), name=name))
    rows: dict = {}
    for key in present:
        info = sub.cells.get(f"{key}_{SCORE}") or sub.cells.get(f"{key}_{CLAIMED}")
        if info is None:
            continue
        rows.setdefault((info.sheet, info.coord.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), []).append(key)
    for keys in rows.values():
        if len(keys) > 1:
            name = f"{keys[1]}_{SCORE}"
            findings.append(Finding("TEMPLATE_MISMATCH", keys[1],
                                    f"{', '.join(keys)}: nhiều tiêu chí cùng trỏ tới một hàng (hàng bị lặp)",
                                    cell=sub.ref(name), name=name))
    in_workbook = [k for k in present if k in known]
    in_decision = [c.key for c in expected if c.key in set(in_workbook)]
    if in_workbook != in_decision:
        first = next(i for i, (a, b) in enumerate(zip(in_workbook, in_decision)) if a != b)
        key = in_workbook[first]
        findings.append(Finding("TEMPLATE_MISMATCH", key,
                                f"Thứ tự tiêu chí khác văn bản: ở vị trí của {in_decision[first]} lại là {key} — "
                                "các hàng đã bị sắp xếp lại", cell=sub.ref(f"{key}_{SCORE}"), name=f"{key}_{SCORE}"))
    return findings


# -- cell types -----------------------------------------------------------------------------------


class _TypedAsText:
    """Stands for a number or date typed as text: the engine cannot parse it, so the criterion is
    blocked (scored 0) exactly as the template's formula does (ISNUMBER fails on text), and the
    engine's own WRONG_TYPE is replaced by the clearer one from _type_problem."""

    def __init__(self, raw):
        self.raw = raw

    def __str__(self):
        return "\x00"


def _check_types(sub: Submission, cs, level):
    """WRONG_TYPE for a date or number typed as text ('90%', '15/5/2023'); returns (findings,
    inputs, claimed, names whose engine WRONG_TYPE these findings replace)."""
    findings, replaced = [], set()
    inputs = {key: dict(values) for key, values in sub.inputs.items()}
    inside_na_group, marked = _not_applicable(level, inputs)
    for crit in level.leaves():
        if crit.key in inside_na_group or crit.key in marked:
            continue  # the engine reads none of its inputs, as the template's self-check
        values = inputs.get(crit.key, {})
        for spec in _specs_of(crit, values):
            name = f"{crit.key}_{spec.name}"
            problem, value = _type_problem(spec, values.get(spec.name), name)
            if problem:
                findings.append(Finding("WRONG_TYPE", crit.key, f"{crit.key} – {spec.label}: {problem}",
                                        cell=sub.ref(name), name=name))
                values[spec.name] = value
                replaced.add(name)
    claimed = dict(sub.claimed)
    for key, raw in sub.claimed.items():
        if key in inside_na_group:
            continue  # its self-score is out of the totals and not read
        spec = rules.InputSpec(CLAIMED, rules.NUMBER, "Điểm tự chấm")
        name = f"{key}_{CLAIMED}"
        problem, value = _type_problem(spec, raw, name)
        if problem:
            findings.append(Finding("WRONG_TYPE", key, f"{key} – Điểm tự chấm: {problem}", cell=sub.ref(name), name=name))
            claimed[key] = value
            replaced.add(name)
    return findings, inputs, claimed, replaced


def _not_applicable(level, inputs):
    """(keys under a group marked "Không áp dụng", leaves marked themselves): the engine scores
    neither from its inputs."""
    under, marked = set(), set()
    for crit in level.walk():
        if crit.allow_not_applicable and truthy((inputs.get(crit.key) or {}).get("not_applicable")):
            if crit.is_group:
                under |= {c.key for c in crit.walk() if c is not crit}
            else:
                marked.add(crit.key)
    return under, marked


def _check_numbers(sub: Submission):
    """INPUT_OUT_OF_RANGE for a number no computation can take (NaN, ±inf, 10^15 or more, what a
    program can write into a cell): the cell's value becomes its text (1e+308), which the engine
    cannot parse, so the input is blocked like text in a number cell. Returns (findings, the
    submission so cleaned, names blocked)."""
    bad = {name: problem for name, info in sub.cells.items() if (problem := number_problem(info.value))}
    if not bad:
        return [], sub, set()
    findings = []
    cells = dict(sub.cells)
    keys = sorted(sub.keys, key=len, reverse=True)
    for name, problem in bad.items():
        info = cells[name]
        key = split_row_name(name)[0] or next((k for k in keys if name.startswith(k + "_")), None)
        shown = repr(info.value) if isinstance(info.value, float) else str(info.value)
        findings.append(Finding("INPUT_OUT_OF_RANGE", key,
                                f"Ô {info.ref} ({name}): {problem} — đọc được {_clip(shown, 40)}; gõ lại số liệu thật",
                                cell=info.ref, name=name))
        cells[name] = replace(info, value=shown)
    # As text, the engine cannot parse them: the criterion is blocked like text in a number cell.
    inputs = {key: {n: cells[f"{key}_{n}"].value if f"{key}_{n}" in bad else v for n, v in values.items()}
              for key, values in sub.inputs.items()}
    claimed = {key: cells[f"{key}_{CLAIMED}"].value if f"{key}_{CLAIMED}" in bad else v
               for key, v in sub.claimed.items()}
    parameters = {n: v for n, v in sub.parameters.items() if PARAM_PREFIX + n not in bad}
    evidence = {key: cells[f"{key}_evidence"].value if f"{key}_evidence" in bad else v
                for key, v in sub.evidence.items()}
    year = None if YEAR in bad else sub.year
    cleaned = replace(sub, cells=cells, inputs=inputs, claimed=claimed, parameters=parameters, evidence=evidence,
                      year=year)
    return findings, cleaned, set(bad)


def _specs_of(crit, values):
    specs = list(crit.inputs)
    for extra in ("numerator", "denominator", "ratio"):  # ratio criteria accept counts instead
        if extra in values and all(s.name != extra for s in specs):
            specs.append(rules.InputSpec(extra, rules.RATIO if extra == "ratio" else rules.COUNT, extra))
    return specs


def _type_problem(spec, raw, name):
    """(message or None, value for the engine). A date or number typed as text is reported with
    what was read and what is expected; text that means nothing is left to the engine."""
    if spec.type == rules.CHOICE or raw is None:
        return None, raw
    if isinstance(raw, datetime) and spec.type != rules.DATE:
        serial = date_to_excel_serial(raw.date())  # what Excel computes with
        return (f"ô đang định dạng ngày (hiển thị {fmt_date_vn(raw.date())}), cần {TYPE_WORDS[spec.type]}: "
                "đổi định dạng ô về số"), serial
    if not isinstance(raw, str):
        return None, raw
    try:
        parsed = parse_input(spec, raw, name)
    except InputError:
        return None, raw  # the engine reports it, with what it read
    if parsed is None:
        return None, raw
    if spec.type == rules.DATE:
        return (f"đọc được chữ “{raw}” chứ không phải ngày, cần {TYPE_WORDS[spec.type]}: gõ lại "
                f"{fmt_date_vn(parsed)} vào ô (định dạng ngày) để Excel tính được"), _TypedAsText(raw)
    return (f"đọc được chữ “{raw}” chứ không phải số, cần {TYPE_WORDS[spec.type]}: gõ lại giá trị (không có "
            "dấu nháy ', ô không định dạng văn bản) để Excel tính được"), _TypedAsText(raw)


def _read_parameters(sub: Submission, cs: CriteriaSet):
    """The year's parameters as the workbook's "Tham số" sheet holds them (its formulas use them)."""
    overrides, findings = {}, []
    for pname, raw in sub.parameters.items():
        param = cs.parameters.get(pname)
        if param is None or raw is None:
            continue
        name = PARAM_PREFIX + pname
        if isinstance(param.value, date):
            try:
                value = parse_date(raw, name)
            except InputError as exc:
                findings.append(Finding("WRONG_TYPE", None, f"Tham số “{param.label}”: {exc}", cell=sub.ref(name), name=name))
                continue
            if isinstance(raw, str):
                findings.append(Finding("WRONG_TYPE", None, f"Tham số “{param.label}”: ô chứa chữ “{raw}”, cần một ngày",
                                        cell=sub.ref(name), name=name))
            if value != param.value:
                findings.append(Finding("TEMPLATE_MISMATCH", None,
                                        f"Tham số “{param.label}” là {fmt_date_vn(value)}, bộ tiêu chí quy định "
                                        f"{fmt_date_vn(param.value)} — Sở TTTT cần xác nhận", severity=WARNING,
                                        cell=sub.ref(name), name=name))
            overrides[pname] = value
        else:
            overrides[pname] = raw
    return overrides, findings


# -- computed cells ----------------------------------------------------------------------------


_STRING = re.compile(r'"(?:[^"]|"")*"')
_PREFIX_BEFORE_DT = re.compile(r"(?:'(?:[^']|'')*'!|\[\d+\]!|[A-Z0-9_]+\.)+(?=DT_)")


@lru_cache(maxsize=8192)
def normalize_formula(formula: str | None) -> str:
    """A formula reduced to what it computes: no '=', '$', spaces, case, _xlfn./_xludf. or add-in
    prefixes (Excel and LibreOffice write the same formula in slightly different ways)."""
    if not formula:
        return ""
    text = formula.strip()
    text = text[1:] if text.startswith("=") else text
    parts, last = [], 0
    for match in _STRING.finditer(text):
        parts.append(_normalize_code(text[last:match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(_normalize_code(text[last:]))
    return "".join(parts)


def _normalize_code(code: str) -> str:
    code = re.sub(r"\s+", "", code).replace("$", "").upper()
    code = re.sub(r"_XL(?:FN|WS|UDF)\.", "", code)
    code = re.sub(r"\b(TRUE|FALSE)\(\)", r"\1", code)  # LibreOffice writes FALSE() for FALSE
    return _PREFIX_BEFORE_DT.sub("", code)


def _check_formulas(sub: Submission, cs: CriteriaSet, level) -> list:
    """FORMULA_TAMPERED: a computed cell holding a typed value or a formula the template never had.
    Either mode's formula is accepted in a cell (the button repairs a UDF cell showing #NAME? with
    the plain-Excel formula, which computes the same score)."""
    formulas = _formulas_by_name(cs, level.code, sub.formula_mode)
    crit_of = {f"{c.key}_{SCORE}": c.key for c in level.walk()}
    names = set(formulas) if formulas else set(crit_of) | {TOTAL_SCORE}
    findings = []
    for name in sorted(names & set(sub.cells), key=lambda n: _row_key(sub.cells[n].coord)):
        info = sub.cells[name]
        key = crit_of.get(name)
        what = f"{key} – Điểm tính" if key else _COMPUTED_LABELS.get(name)
        if what is None:  # the self-check's status of a criterion
            key, _ = split_row_name(name)
            what = f"{key} – Trạng thái"
        choices = formulas.get(name) or {}
        if not info.formula:
            shown = "để trống" if info.value is None else f"chứa giá trị gõ tay {_shown(info.value)}"
            findings.append(Finding("FORMULA_TAMPERED", key,
                                    f"{what}: ô {shown} thay cho công thức của biểu mẫu — ô này phải tự tính",
                                    cell=info.ref, name=name))
        elif choices and normalize_formula(info.formula) not in {normalize_formula(choices[m]) for m in MODES if m in choices}:
            findings.append(Finding("FORMULA_TAMPERED", key,
                                    f"{what}: công thức đã bị sửa thành {_clip(info.formula)} (biểu mẫu: "
                                    f"{_clip(choices['own'])})", cell=info.ref, name=name))
    return findings


MODES = ("udf", "native")
_COMPUTED_LABELS = {TOTAL_SCORE: "Tổng điểm tính", TOTAL_CLAIMED: "Tổng điểm tự chấm",
                    CHECK_SUMMARY: "Kết quả tự kiểm tra"}


def template_formulas(sub: Submission, criteria_sets=()) -> dict:
    """{defined name: {"udf": …, "native": …, "own": the workbook's mode's}} for the computed cells
    of the submission's template, or {} when the set, level or builder is not available."""
    cs = find_set(sub.criteria_set, criteria_sets)
    if cs is None or sub.level not in cs.levels:
        return {}
    return _formulas_by_name(cs, sub.level, sub.formula_mode)


def _formulas_by_name(cs, level_code, own_mode) -> dict:
    by_mode = {mode: _expected_formulas(cs, level_code, mode) for mode in MODES}
    if any(f is None for f in by_mode.values()):
        return {}
    own = own_mode if own_mode in MODES else "native"
    out: dict = {}
    for mode, formulas in by_mode.items():
        for name, formula in formulas.items():
            out.setdefault(name, {})[mode] = formula
    for choices in out.values():
        choices["own"] = choices.get(own) or next(iter(choices.values()))
    return out


def _expected_formulas(cs, level_code, mode):
    return expected_formulas(cs, level_code, mode) if cs.fingerprint else None


CONSEQUENCES = {"CLAIM_MISMATCH": 1, "CELL_VALUE_STALE": 2}  # listed after the criterion's other findings


def _check_values(sub: Submission, result: UnitResult, decimals: int, tampered: list, level) -> list:
    """CELL_VALUE_STALE: what a computed cell shows differs from the engine. A formula without a
    cached value (a file never opened in a spreadsheet program) shows nothing and is not stale.
    A group or total that differs because a cell it adds up was tampered with is said to be that
    consequence: recalculating cannot fix it, restoring the tampered formula does."""
    findings = []
    broken = {f.key for f in tampered if f.key}
    causes = {}  # stale-cell key (None: the totals) → the tampered cells under it
    for crit in level.walk():
        below = {c.key for c in crit.walk()} if crit.children else set()
        causes[crit.key] = [f.cell or f.name for f in tampered if f.key in below and f.key != crit.key]
    causes[None] = [f.cell or f.name for f in tampered if f.key in broken]
    tampered_names = {f.name for f in tampered}
    checks = [(f"{row.key}_{SCORE}", row.key, f"{row.key} – Điểm tính", row.score, row.status) for row in result.criteria]
    checks.append((TOTAL_SCORE, None, "Tổng điểm tính", result.total, None))
    checks.append((TOTAL_CLAIMED, None, "Tổng điểm tự chấm", result.claimed_total, None))
    for name, key, what, expected, status in checks:
        info = sub.cells.get(name)
        if info is None or name in tampered_names or info.value is None:
            continue
        problem = _stale(info, expected, status, decimals)
        if problem and causes.get(key):
            problem = (problem.split(" — ")[0] + f" — hệ quả của công thức bị sửa ở {', '.join(causes[key])}: khôi phục "
                       "công thức của biểu mẫu ở đó (nút “Tính lại & kiểm tra” làm việc này); tính lại không sửa được")
        if problem:
            findings.append(Finding("CELL_VALUE_STALE", key, f"{what}: {problem}", cell=info.ref, name=name))
    return findings


def _stale(info, expected, status, decimals):
    right = "để trống" if expected is None else fmt_vn(expected, decimals)
    if info.is_error:
        hint = " (Excel không có hàm DT_* — cài add-in xlwings hoặc dùng biểu mẫu công thức thường)" \
            if info.value == "#NAME?" else ""
        return f"ô hiển thị lỗi {info.value}{hint}; điểm tính đúng là {right}"
    value = info.value
    if isinstance(value, bool) or isinstance(value, (datetime, date)):
        return f"ô hiển thị {_shown(value)}, điểm tính đúng là {right}"
    if isinstance(value, str):
        if expected is None or (status == UNSCORED and expected == 0):
            return None
        return f"ô hiển thị “{value}”, điểm tính đúng là {right} — hãy tính lại (Ctrl+Alt+F9)"
    shown = to_decimal(value)
    if expected is None:
        if shown == 0:  # SUM over blanks, or a criterion out of the totals
            return None
        return f"ô hiển thị {fmt_vn(shown, decimals)}, nhưng tiêu chí không có điểm tính ({_status_vn(status)})"
    if abs(shown - expected) <= Decimal(1).scaleb(-(decimals + 2)):
        return None
    return (f"ô hiển thị {fmt_vn(shown, decimals)}, điểm tính đúng là {right} — tệp được sửa bằng chương trình "
            "không tự tính lại; mở bằng Excel, nhấn Ctrl+Alt+F9 rồi lưu, hoặc nhấn nút “Tính lại & kiểm tra”")


def _status_vn(status):
    return {NOT_APPLICABLE: "không áp dụng", PENDING: "tính khi tổng hợp"}.get(status, "chưa tính được")


# -- locating the engine's findings -------------------------------------------------------------


def _locate(finding: Finding, sub: Submission) -> Finding:
    """The engine names inputs (T03_ratio); the workbook adds where that name points."""
    name = finding.name
    if name is None and finding.key:
        candidates = [f"{finding.key}_{SCORE}"]
        if finding.code == "NOT_APPLICABLE":
            candidates.insert(0, f"{finding.key}_not_applicable")
        name = next((c for c in candidates if c in sub.cells), None)
    cell = sub.ref(name) if name else None
    return finding.located(cell=cell, name=name)


def _shown(value) -> str:
    if isinstance(value, datetime):
        return fmt_date_vn(value.date())
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return fmt_vn(value, 6)
    return f"“{value}”"


def _clip(formula: str, limit: int = 80) -> str:
    return formula if len(formula) <= limit else formula[: limit - 1] + "…"


def _row_key(coord: str):
    digits = "".join(ch for ch in coord if ch.isdigit())
    return int(digits or 0), coord

