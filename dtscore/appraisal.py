"""Appraisal (thẩm định): Sở TTTT's spot-check of what units reported.

The draft rules close with: figures are spot-checked ("kiểm tra xác suất"); where a unit reported
inaccurately, its score is computed from the spot-check. So a reviewer enters, per unit and
criterion, either
- a verified input value (e.g. the ratio the spot-check found): the criterion is re-scored
  through the validation core with that value, exactly as if the unit had reported it; or
- a verified score, which replaces the criterion's score outright,
with a reason and the reviewer's name. Consolidation keeps the self-score, the computed score and
the appraised score side by side and records who changed what and why.

`appraisal_workbook.build_sheet` writes the workbook reviewers fill in (from a RESULT.xlsx); `read_appraisal` reads
it back; `apply` appraises one unit.
"""

import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from .criteria import load_set
from .decimals import fmt_vn
from .errors import DtscoreError, InputError
from .findings import ERROR, Finding
from .names import level_name
from .rescoring import with_scores
from .result_tables import (
    APPRAISED,
    CLAIMED,
    CODE,
    COMPUTED,
    INPUT_NAME,
    KEY,
    LEVEL,
    NAME,
    REASON,
    REPORTED,
    REVIEWER,
    SET,
    VERIFIED,
    VERIFIED_SCORE,
    typed_value,
)
from .rules import CHOICE, DATE, RATIO
from .scoring import PENDING, UNSCORED, parse_input, range_problems
from .unitlist import code_key, resolve_level
from .validation import TYPE_WORDS, validate_submission
from .values import fmt_date_vn, is_blank, nfc, parse_number

SHEET = "Thẩm định"
GUIDE = "Hướng dẫn"
LISTS = "Danh mục"
TITLE_MAX, UNIT_SCORE = "Nội dung tiêu chí", "Điểm chuẩn"
# The columns of the appraisal sheet, in order; reviewers fill the last four.
COLUMNS = [SET, LEVEL, CODE, NAME, KEY, TITLE_MAX, UNIT_SCORE, "Số liệu", INPUT_NAME, REPORTED, VERIFIED,
           CLAIMED, COMPUTED, APPRAISED, VERIFIED_SCORE, REASON, REVIEWER]
ENTRY_COLUMNS = (VERIFIED, VERIFIED_SCORE, REASON, REVIEWER)
HEADER_ROW = 4


@dataclass
class Item:
    """What the reviewers entered for one criterion of one unit."""

    key: str
    inputs: dict = field(default_factory=dict)  # input name → raw verified value
    score: object = None  # raw verified score
    reasons: list = field(default_factory=list)
    reviewers: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # sheet rows, for messages

    @property
    def where(self) -> str:
        return f"{SHEET}!dòng {', '.join(map(str, self.rows))}"


@dataclass
class Applied:
    """An appraisal applied to one criterion of one unit (parsed values)."""

    key: str
    inputs: dict  # input name → verified value (parsed)
    score: Decimal | None  # the verified score, when one was entered
    reason: str
    reviewer: str


class AppraisalBook:
    """The filled appraisal workbook: items per (set, level, unit code)."""

    def __init__(self, path):
        self.path = str(path)
        self.items = {}  # (set id, level, code key) → {criterion key: Item}
        self.codes = {}  # (set id, level, code key) → the unit code as written
        self.problems = []  # Notes about the file itself

    def for_unit(self, set_id, level, code) -> dict:
        return self.items.get((set_id, level, code_key(code)), {})

    def unmatched(self, present) -> list:
        """Notes for the units of the appraisal that are not in the consolidation."""
        notes = []
        for (set_id, level, key), items in sorted(self.items.items()):
            if (set_id, level, key) not in present:
                code = self.codes[(set_id, level, key)]
                rows = sorted(r for item in items.values() for r in item.rows)
                notes.append(Finding("APPRAISAL_PROBLEM", None, f"{SHEET}!dòng {', '.join(map(str, rows))}: đơn vị “{code}” "
                                                       f"({set_id}, {level_name(level)}) không có hồ sơ trong lần tổng "
                                                       "hợp — không áp dụng"))
        return notes


# -- reading the filled workbook ---------------------------------------------------------------


def _open_xlsx(path, what):
    """A workbook to read (values only); a missing or unreadable file is an InputError naming it."""
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(str(path), f"không tìm thấy {what}") from None
    except Exception as exc:  # noqa: BLE001 — whatever breaks the file, the user gets its name and the reason
        raise InputError(str(path), f"không đọc được {what} ({type(exc).__name__})") from None


def read_appraisal(path) -> AppraisalBook:
    """Read the reviewers' entries; a file that is not an appraisal workbook is an InputError."""

    path = Path(path)
    wb = _open_xlsx(path, "tệp thẩm định")
    try:
        if SHEET not in wb.sheetnames:
            raise InputError(str(path), f"không có trang “{SHEET}” — hãy lập tệp bằng dtscore appraisal-sheet")
        rows = wb[SHEET].iter_rows(values_only=True)
        header, col = None, {}
        book = AppraisalBook(path)
        for number, row in enumerate(rows, start=1):
            if header is None:
                cells = [nfc(c) if isinstance(c, str) else c for c in row]
                if CODE in cells and KEY in cells and VERIFIED_SCORE in cells:
                    header = cells
                    col = {h: i for i, h in enumerate(cells) if isinstance(h, str)}
                    missing = [h for h in (SET, LEVEL, CODE, KEY, INPUT_NAME, *ENTRY_COLUMNS) if h not in col]
                    if missing:
                        raise InputError(f"{path}: {SHEET}", f"thiếu cột {', '.join(missing)}")
                continue
            _read_row(book, row, col, number)
        if header is None:
            raise InputError(f"{path}: {SHEET}", f"không thấy dòng tiêu đề (cần các cột {CODE}, {KEY}, {VERIFIED_SCORE})")
        return book
    finally:
        wb.close()


def _read_row(book, row, col, number):
    def get(header):
        i = col[header]
        return row[i] if i < len(row) else None

    verified, score = get(VERIFIED), get(VERIFIED_SCORE)
    if is_blank(verified) and is_blank(score):
        return
    set_id, level, code, key = (nfc(get(h) or "") for h in (SET, LEVEL, CODE, KEY))
    level = _level_code(set_id, level)
    if not (set_id and level and code and key):
        book.problems.append(Finding("APPRAISAL_PROBLEM", None, f"{SHEET}!dòng {number}: thiếu bộ tiêu chí, cấp, mã đơn vị "
                                                       "hoặc tiêu chí — không áp dụng"))
        return
    book.codes.setdefault((set_id, level, code_key(code)), code)
    item = book.items.setdefault((set_id, level, code_key(code)), {}).setdefault(key, Item(key))
    item.rows.append(number)
    if not is_blank(verified):
        name = nfc(get(INPUT_NAME) or "")
        name = name[len(key) + 1:] if name.startswith(key + "_") else name
        item.inputs[name] = verified
    if not is_blank(score):
        if item.score is not None and item.score != score:
            book.problems.append(Finding("APPRAISAL_PROBLEM", key, f"{SHEET}!dòng {number}: {key} của {code} có hai điểm thẩm "
                                                           f"định khác nhau ({_raw_shown(item.score)} và {_raw_shown(score)}) — dùng điểm sau", severity="warning"))
        item.score = score
    for header, bucket in ((REASON, item.reasons), (REVIEWER, item.reviewers)):
        text = nfc(get(header) or "")
        if text and text not in bucket:
            bucket.append(text)


@lru_cache(maxsize=256)
def _level_code(set_id, shown) -> str:
    """The level code from what a sheet shows ('Cấp huyện', or the code itself)."""
    try:
        return resolve_level(load_set(set_id), shown)
    except DtscoreError:  # an unknown set or level: reported when the row matches no unit
        return nfc(shown or "")


# -- applying it to one unit -------------------------------------------------------------------


@dataclass
class Refused:
    """An appraisal entry that was not applied, and why (shown in the console and the sheet)."""

    key: str
    where: str  # "Thẩm định!dòng 12, 13"
    entered: str  # what the reviewer typed, as read
    reasons: list  # Vietnamese, each naming the field
    reviewer: str = ""
    names: str = ""  # the defined names entered ("H04_ratio", "H15_score")

    @property
    def message(self) -> str:
        return f"{self.where}: {self.key} – {'; '.join(self.reasons)} — không áp dụng"


def _specs(crit) -> dict:
    """The inputs a verified value may name (ratio criteria accept counts instead, as unit files do)."""
    specs = {s.name: s for s in crit.inputs}
    for form in crit.rule_kind.alternatives(crit.params):
        for spec in form:
            specs.setdefault(spec.name, spec)
    return specs


def verified_value(spec, raw, year):
    """(parsed value, refusal or None, warning or None) for a verified figure — the same parsing and
    range checks a unit's own cell goes through; text where a number or date belongs is refused
    (Excel could not compute with it in the unit's workbook either)."""
    if spec.type != CHOICE and isinstance(raw, str):
        return None, f"“{spec.label}” là chữ “{raw}” chứ không phải {TYPE_WORDS[spec.type]}: gõ lại giá trị (không có " \
                     "dấu nháy ', ô không định dạng văn bản)", None
    if spec.type != DATE and isinstance(raw, datetime):
        return None, f"“{spec.label}” là một ngày ({fmt_date_vn(raw.date())}), cần {TYPE_WORDS[spec.type]}", None
    try:
        value = parse_input(spec, raw, None)
    except InputError as exc:
        return None, f"“{spec.label}”: {exc}", None
    problem = range_problems(spec, value, year, None, raw)
    if problem and problem[0] == ERROR:
        return None, f"“{spec.label}”: {problem[1]}", None
    return value, None, (f"“{spec.label}”: {problem[1]}" if problem else None)


def verified_score(crit, raw):
    """(score, refusal or None) for a verified score: a number from 0 to the criterion's maximum."""
    if isinstance(raw, str) or isinstance(raw, (datetime, date)):
        return None, f"{VERIFIED_SCORE} là “{raw}” chứ không phải một số"
    try:
        score = parse_number(raw, VERIFIED_SCORE)
    except InputError as exc:
        return None, str(exc)
    if score is None:
        return None, f"{VERIFIED_SCORE} trống"
    if not 0 <= score <= crit.max_points:
        return None, f"{VERIFIED_SCORE} {fmt_vn(score)} ngoài khoảng 0 – {fmt_vn(crit.max_points)} (điểm chuẩn)"
    return score, None


def _refused(item, reasons) -> Refused:
    names = [f"{item.key}_{name}" for name in item.inputs] + ([f"{item.key}_score"] if item.score is not None else [])
    entered = [_raw_shown(v) for v in item.inputs.values()] + ([_raw_shown(item.score)] if item.score is not None else [])
    return Refused(item.key, item.where, "; ".join(entered), reasons, "; ".join(item.reviewers), ", ".join(names))


def _raw_shown(v) -> str:
    if isinstance(v, datetime):
        return fmt_date_vn(v.date())
    return fmt_vn(v, 6) if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) else str(v)


def apply(cs, level, validation, items: dict):
    """(appraised result, [Applied], [Refused], [Finding]) for one unit; without items the appraised
    result is the computed one. An entry is applied whole or not at all: a value that does not
    parse or is out of range, a score outside 0 – maximum, a missing reason or reviewer, an unknown
    criterion or input, or a verified figure that still leaves the criterion unscorable is refused."""
    result = validation.result
    if not items:
        return result, [], [], []
    leaves = {c.key: c for c in level.leaves()}
    accepted, refused, warnings = {}, [], []
    for key, item in items.items():
        reasons, values, score = [], {}, None
        crit = leaves.get(key)
        if crit is None:
            reasons.append(f"{level.title} không có tiêu chí “{key}”")
        else:
            specs = _specs(crit)
            for name, raw in item.inputs.items():
                spec = specs.get(name)
                if spec is None:
                    reasons.append(f"tiêu chí không có số liệu “{key}_{name}”")
                    continue
                value, refusal, warning = verified_value(spec, raw, cs.year)
                if refusal:
                    reasons.append(refusal)
                else:
                    values[name] = value
                    if warning:
                        warnings.append(Finding("APPRAISAL_WARNING", key, f"{item.where}: {key} – {warning} (vẫn áp dụng)"))
            if item.score is not None:
                score, refusal = verified_score(crit, item.score)
                if refusal:
                    reasons.append(refusal)
        if not item.reasons:
            reasons.append(f"thiếu {REASON}")
        if not item.reviewers:
            reasons.append(f"thiếu {REVIEWER}")
        if reasons:
            refused.append(_refused(item, reasons))
            continue
        accepted[key] = Applied(key, values, score, "; ".join(item.reasons), "; ".join(item.reviewers))
    appraised = _rescored(cs, validation, accepted)
    unusable = [k for k, a in accepted.items() if a.inputs and a.score is None
                and appraised.criterion(k).status == UNSCORED]
    for key in unusable:  # a verified figure must make the criterion scorable (e.g. numerator > denominator)
        why = "; ".join(f.message for f in appraised.findings if f.key == key and f.severity == ERROR)
        accepted.pop(key)
        refused.append(_refused(items[key], ["với số liệu thẩm định, tiêu chí vẫn không tính được điểm"
                                             + (f" ({why})" if why else "")]))
    if unusable:
        appraised = _rescored(cs, validation, accepted)
    notes = list(warnings)
    for a in accepted.values():  # what was verified, parsed, for the record
        notes.append(Finding("APPRAISED", a.key, _applied_message(a, leaves[a.key], result, appraised)))
    refused.sort(key=lambda r: r.where)
    return appraised, list(accepted.values()), refused, notes


def _rescored(cs, validation, accepted: dict):
    """The unit's result with the accepted verified figures re-scored and verified scores set."""
    appraised = validation.result
    if any(a.inputs for a in accepted.values()):
        sub = copy.copy(validation.submission)
        sub.inputs = {k: dict(v) for k, v in sub.inputs.items()}
        for key, a in accepted.items():
            sub.inputs.setdefault(key, {}).update(a.inputs)
        appraised = validate_submission(sub).result
    return with_scores(cs, appraised, {k: a.score for k, a in accepted.items() if a.score is not None})


def _shown(spec, value) -> str:
    v = typed_value(spec, value)
    v = v.value if hasattr(v, "number_format") else v
    if spec is not None and spec.type == RATIO and isinstance(v, Decimal):
        return fmt_vn(v * 100, 2) + "%"
    if spec is not None and spec.type == DATE and hasattr(v, "strftime"):
        return v.strftime("%d/%m/%Y")
    return fmt_vn(v, 4) if isinstance(v, (Decimal, int)) and not isinstance(v, bool) else str(v)


def _applied_message(a, crit, before, after) -> str:
    specs = {s.name: s for s in crit.inputs}
    parts = []
    for name, value in a.inputs.items():
        spec = specs.get(name)
        reported = before.criterion(a.key).inputs.get(name)
        parts.append(f"{spec.label if spec else name}: {_shown(spec, reported) if reported is not None else '(trống)'}"
                     f" → {_shown(spec, value)}")
    old, new = before.criterion(a.key), after.criterion(a.key)
    if a.score is not None:
        parts.append(f"điểm thẩm định {fmt_vn(a.score)}")
    if new.status == PENDING:
        score = "điểm Min-Max tính lại khi tổng hợp"
    else:
        score = f"điểm {fmt_vn(old.score) or '—'} → {fmt_vn(new.score) or '—'}"
    who = f"; lý do: {a.reason}" if a.reason else ""
    who += f"; người thẩm định: {a.reviewer}" if a.reviewer else ""
    return f"{a.key}: thẩm định " + "; ".join(parts) + f"; {score}{who}"


# -- the workbook reviewers fill in ------------------------------------------------------------


def sheet_rows(result_path) -> list:
    """The rows of the appraisal workbook for the units of a RESULT.xlsx (earlier appraisals kept)."""
    result_path = Path(result_path)
    src = _open_xlsx(result_path, "tệp kết quả")
    try:
        scores = _read_table(src, "Điểm", result_path)
        inputs = _read_table(src, "Số liệu", result_path)
        earlier = _read_table(src, "Thẩm định", result_path, required=False)
    finally:
        src.close()
    return _sheet_rows(scores, inputs, earlier)


def _read_table(wb, sheet, path, required=True) -> list:
    """The rows of one of RESULT.xlsx's raw tables as dicts (header row found by its first column)."""
    if sheet not in wb.sheetnames:
        if not required:
            return []
        raise InputError(str(path), f"không có trang “{sheet}” — đây không phải tệp kết quả của dtscore consolidate")
    header, out = None, []
    for row in wb[sheet].iter_rows(values_only=True):
        if header is None:
            if CODE in row and KEY in row:
                header = [nfc(c) if isinstance(c, str) else c for c in row]
            continue
        if all(is_blank(c) for c in row):
            continue
        out.append(dict(zip(header, row)))
    if header is None:
        raise InputError(f"{path}: {sheet}", "không thấy dòng tiêu đề")
    return out


@dataclass
class SheetRow:
    set_id: str
    level: str
    code: str
    name: str
    key: str
    title: str
    max_points: object
    label: str
    input_name: str
    reported: object
    spec: object
    claimed: object
    computed: object
    appraised: object
    first: bool  # the criterion's first row: it carries the scores
    verified: object = None
    verified_score: object = None
    reason: str = ""
    reviewer: str = ""


def _sheet_rows(scores, inputs, earlier) -> list:
    by_criterion = {(r[SET], _level_code(r[SET], r[LEVEL]), code_key(r[CODE]), r[KEY]): r for r in scores}
    before: dict = {}
    for r in earlier:
        k = (r[SET], _level_code(r[SET], r[LEVEL]), code_key(r[CODE]), r[KEY])
        before.setdefault(k, []).append(r)
    out, seen = [], set()
    sets = {}
    for r in inputs:
        set_id, level, key = r[SET], _level_code(r[SET], r[LEVEL]), r[KEY]
        if set_id not in sets:
            sets[set_id] = load_set(set_id)
        crit = sets[set_id].level(level).find(key)
        name = r[INPUT_NAME][len(key) + 1:]
        spec = next((s for s in crit.inputs if s.name == name), None)
        k = (set_id, level, code_key(r[CODE]), key)
        s = by_criterion.get(k, {})
        row = SheetRow(set_id, level, (r[CODE]), (r[NAME]), key, crit.title, crit.max_points,
                       spec.label if spec else name, r[INPUT_NAME], (r[REPORTED]), spec,
                       s.get(CLAIMED), s.get(COMPUTED), s.get(APPRAISED), k not in seen)
        seen.add(k)
        for e in before.get(k, []):  # keep what reviewers entered in an earlier round
            if e.get(INPUT_NAME) == r[INPUT_NAME]:
                row.verified = (e.get(VERIFIED))
            if row.first and e.get(INPUT_NAME) == f"{key}_score":
                row.verified_score = e.get(VERIFIED)
            row.reason = row.reason or (e.get(REASON)) or ""
            row.reviewer = row.reviewer or (e.get(REVIEWER)) or ""
        out.append(row)
    return out
