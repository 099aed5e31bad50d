"""Appraisal (thẩm định): Sở TTTT's spot-check of what units reported.

The draft rules close with: figures are spot-checked ("kiểm tra xác suất"); where a unit reported
inaccurately, its score is computed from the spot-check. So a reviewer enters, per unit and
criterion, either
- a verified input value (e.g. the ratio the spot-check found): the criterion is re-scored
  through the validation core with that value, exactly as if the unit had reported it; or
- a verified score, which replaces the criterion's score outright,
with a reason and the reviewer's name. Consolidation keeps the self-score, the computed score and
the appraised score side by side and records who changed what and why.

`build_sheet` writes the workbook reviewers fill in (from a RESULT.xlsx); `read_appraisal` reads
it back; `apply` appraises one unit.
"""

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .criteria import load_set
from .decimals import fmt_vn
from .errors import InputError
from .findings import ERROR
from .notes import Note
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
from .rules import DATE, RATIO
from .scoring import PENDING
from .unitlist import code_key
from .values import is_blank, nfc, parse_number

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
                notes.append(Note("APPRAISAL_PROBLEM", f"Thẩm định đơn vị “{code}” ({set_id}, cấp {level}, {SHEET}!dòng "
                                                       f"{', '.join(map(str, rows))}): không có hồ sơ của đơn vị này "
                                                       "trong lần tổng hợp — chưa áp dụng"))
        return notes


# -- reading the filled workbook ---------------------------------------------------------------


def _open_xlsx(path, what):
    """A workbook to read (values only); a missing or unreadable file is an InputError naming it."""
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(str(path), f"không tìm thấy {what}") from None
    except Exception as exc:
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
    if not (set_id and level and code and key):
        book.problems.append(Note("APPRAISAL_PROBLEM", f"{SHEET}!dòng {number}: thiếu bộ tiêu chí, cấp, mã đơn vị "
                                                       "hoặc tiêu chí — dòng bị bỏ qua"))
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
            book.problems.append(Note("APPRAISAL_PROBLEM", f"{SHEET}!dòng {number}: {key} của {code} có hai điểm thẩm "
                                                           f"định khác nhau ({item.score} và {score}) — dùng điểm sau",
                                      key=key))
        item.score = score
    for header, bucket in ((REASON, item.reasons), (REVIEWER, item.reviewers)):
        text = nfc(get(header) or "")
        if text and text not in bucket:
            bucket.append(text)


# -- applying it to one unit -------------------------------------------------------------------


def apply(cs, level, validation, items: dict):
    """(appraised result, [Applied], [Note]) for one unit; without items the appraised result is
    the computed one."""
    from .validation import validate_submission

    result = validation.result
    if not items:
        return result, [], []
    notes, applied, scores, new_inputs = [], [], {}, {}
    leaves = {c.key: c for c in level.leaves()}
    for key, item in items.items():
        crit = leaves.get(key)
        if crit is None:
            notes.append(Note("APPRAISAL_PROBLEM", f"{item.where}: cấp {level.code} không có tiêu chí lá “{key}” — "
                                                   "chưa áp dụng", key=key))
            continue
        allowed = {s.name: s for s in crit.inputs}
        if crit.kind in ("ratio_target", "threshold_gate", "gated_ratio"):
            allowed.setdefault("numerator", None)
            allowed.setdefault("denominator", None)
        values = {}
        for name, raw in item.inputs.items():
            if name not in allowed:
                notes.append(Note("APPRAISAL_PROBLEM", f"{item.where}: {key} không có số liệu “{name}” — chưa áp dụng",
                                  key=key))
                continue
            values[name] = raw
        score = None
        if item.score is not None:
            try:
                score = parse_number(item.score, f"{key} – {VERIFIED_SCORE}")
            except InputError as exc:
                notes.append(Note("APPRAISAL_PROBLEM", f"{item.where}: {exc} — chưa áp dụng", key=key))
            else:
                if not 0 <= score <= crit.max_points:
                    notes.append(Note("APPRAISAL_PROBLEM", f"{item.where}: {key} – điểm thẩm định {fmt_vn(score)} "
                                                           f"ngoài [0; {fmt_vn(crit.max_points)}] — chưa áp dụng", key=key))
                    score = None
        if not values and score is None:
            continue
        if not item.reasons:
            notes.append(Note("APPRAISAL_PROBLEM", f"{item.where}: {key} thiếu lý do thẩm định (vẫn áp dụng)", key=key,
                              severity="warning"))
        if not item.reviewers:
            notes.append(Note("APPRAISAL_PROBLEM", f"{item.where}: {key} thiếu tên người thẩm định (vẫn áp dụng)",
                              key=key, severity="warning"))
        new_inputs[key] = values
        if score is not None:
            scores[key] = score
        applied.append(Applied(key, values, score, "; ".join(item.reasons), "; ".join(item.reviewers)))
    appraised = result
    if any(new_inputs.values()):
        sub = copy.copy(validation.submission)
        sub.inputs = {k: dict(v) for k, v in sub.inputs.items()}
        for key, values in new_inputs.items():
            sub.inputs.setdefault(key, {}).update(values)
        rescored = validate_submission(sub)
        appraised = rescored.result
        for key, values in new_inputs.items():
            for name in values:
                for f in rescored.result.findings:
                    if f.key == key and f.name == f"{key}_{name}" and f.severity == ERROR:
                        notes.append(Note("APPRAISAL_PROBLEM", f"Số liệu thẩm định {f.message}", key=key, name=f.name))
    appraised = with_scores(cs, appraised, scores)
    for a in applied:  # what was verified, parsed, for the record
        crit = leaves[a.key]
        parsed = appraised.criterion(a.key).inputs
        a.inputs = {n: parsed.get(n, v) for n, v in a.inputs.items()}
        notes.append(Note("APPRAISED", _applied_message(a, crit, result, appraised), key=a.key))
    return appraised, applied, notes


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


def build_sheet(result_path, out_path) -> Path:
    """Write the appraisal workbook for the units of a RESULT.xlsx; returns the path written."""

    result_path, out_path = Path(result_path), Path(out_path)
    if out_path.resolve() == result_path.resolve():
        raise InputError(str(out_path), "tệp thẩm định phải khác tệp kết quả (không ghi đè tệp kết quả)")
    src = _open_xlsx(result_path, "tệp kết quả")
    try:
        scores = _read_table(src, "Điểm", result_path)
        inputs = _read_table(src, "Số liệu", result_path)
        earlier = _read_table(src, "Thẩm định", result_path, required=False)
    finally:
        src.close()
    rows = _sheet_rows(scores, inputs, earlier)
    from .appraisal_workbook import write_appraisal_workbook

    return write_appraisal_workbook(rows, out_path, source=result_path.name)


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
    by_criterion = {(r[SET], r[LEVEL], code_key(r[CODE]), r[KEY]): r for r in scores}
    before = {}
    for r in earlier:
        k = (r[SET], r[LEVEL], code_key(r[CODE]), r[KEY])
        before.setdefault(k, []).append(r)
    out, seen = [], set()
    sets = {}
    for r in inputs:
        set_id, level, key = r[SET], r[LEVEL], r[KEY]
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
