"""The tables of a consolidation, as rows of plain values, shared by RESULT.xlsx and the CSV
export (one table = one sheet or block, and one CSV file). Column headers are Vietnamese; the
raw tables ("Điểm", "Số liệu", "Thẩm định") are also what `dtscore appraisal-sheet` reads back."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from .decimals import fmt_vn
from .findings import CODES, SEVERITY_VN
from .names import FILE_STATUS_NAMES, LEVEL_NAMES, STATUS_NAMES, level_name
from .rules import CHOICE, RATIO
from .scoring import NOT_APPLICABLE
from .unitlist import code_key

NOT_APPLICABLE_SHORT = "KAD"  # không áp dụng: explained in the sheet's subtitle


@dataclass(frozen=True)
class Val:
    """A cell value with its own number format (a ratio shown as %, a date as dd/mm/yyyy)."""

    value: object
    number_format: str = "General"


@dataclass(frozen=True)
class Coded(Val):
    """A code a person reads by its Vietnamese name: sheets show `value` (the name), CSV keeps `code`."""

    code: str = ""


@lru_cache(maxsize=256)  # a cell per row of the raw tables: the same few values, made once
def level_cell(code, title: str = "") -> Coded:
    """'Cấp huyện' in a sheet, 'huyen' in CSV."""
    return Coded(level_name(code, title), code=code or "")


@lru_cache(maxsize=256)
def status_cell(status) -> Coded:
    return Coded(STATUS_NAMES.get(status, status), code=status)


@dataclass
class Column:
    header: str
    width: float = 12
    number_format: str = "General"
    wrap: bool = False


@dataclass
class Table:
    name: str  # the CSV file name (without .csv)
    title: str  # the sheet's title line
    columns: list
    rows: list = field(default_factory=list)

    def header_index(self, header) -> int:
        return [c.header for c in self.columns].index(header)


def score_format(decimals: int) -> str:
    return "0" if decimals == 0 else "0." + "0" * decimals


def num(x):
    """Decimal for numbers (openpyxl and csv write them exactly), None for missing."""
    return None if x is None else Decimal(x)


# -- ranking per level -------------------------------------------------------------------------

RANK, CODE, NAME, CLAIMED_TOTAL, COMPUTED_TOTAL, APPRAISED_TOTAL = (
    "Hạng", "Mã đơn vị", "Tên đơn vị", "Điểm tự chấm", "Điểm tính", "Điểm thẩm định")
APPLICABLE_MAX, RANK_VALUE, DIFFERENCE, ERRORS, WARNINGS, FLAG, FILE = (
    "Điểm chuẩn áp dụng", "Điểm xếp hạng", "Chênh lệch (tự chấm − điểm)", "Số lỗi", "Số cảnh báo", "Ghi chú", "Tệp")


def criterion_header(crit) -> str:
    return f"{crit.key}\n({fmt_vn(crit.max_points, 4)} đ)"


def ranking_table(group, has_appraisal: bool, year=None) -> Table:
    cs, level = group.cs, group.level
    fmt = score_format(cs.decimals)
    value_header = "Chỉ số (xếp hạng)" if level.index else RANK_VALUE
    columns = [Column(RANK, 6, "0"), Column(CODE, 10), Column(NAME, 26, wrap=True), Column(CLAIMED_TOTAL, 9, fmt),
               Column(COMPUTED_TOTAL, 9, fmt)]
    if has_appraisal:
        columns.append(Column(APPRAISED_TOTAL, 10, fmt))
    columns += [Column(APPLICABLE_MAX, 9, fmt), Column(value_header, 9, "0.0000" if level.index else fmt),
                Column(DIFFERENCE, 11, fmt), Column(ERRORS, 6, "0"), Column(WARNINGS, 8, "0"),
                Column(FLAG, 26, wrap=True)]
    criteria = list(level.walk())
    columns += [Column(criterion_header(c), 7.5, fmt) for c in criteria]
    columns.append(Column(FILE, 20, wrap=True))
    rows = []
    for e in group.entries:
        final = e.final
        row = [e.rank, e.code, e.name, num(e.computed.claimed_total), num(e.computed.total)]
        if has_appraisal:
            row.append(num(e.appraised.total) if e.appraised is not None else None)
        difference = None if e.computed.claimed_total is None else e.computed.claimed_total - final.total
        row += [num(final.max_total), num(e.rank_value), num(difference), e.errors, e.warnings, e.flag]
        for crit in criteria:
            r = final.criterion(crit.key)
            row.append(NOT_APPLICABLE_SHORT if r.status == NOT_APPLICABLE else num(r.score))
        row.append(Path(e.file).name)
        rows.append(row)
    when = f" NĂM {year}" if year else ""
    title = f"XẾP HẠNG {cs.heading}{when} — {level.title.upper()}"
    return Table(f"xep-hang-{cs.id}-{level.code}", title, columns, rows)


# -- overview ----------------------------------------------------------------------------------


def levels_table(cons) -> Table:
    columns = [Column("Cấp", 24, wrap=True), Column("Bộ tiêu chí", 18, wrap=True), Column("Trong danh sách", 10, "0"),
               Column("Đã nộp", 8, "0"), Column("Chưa nộp", 8, "0"), Column("Có lỗi", 8, "0"),
               Column("Chưa xếp hạng", 10, "0"), Column("Điểm trung bình", 10, "0.00"),
               Column("Trung vị", 10, "0.00"), Column("Thấp nhất", 10, "0.00"), Column("Cao nhất", 10, "0.00")]
    rows = []
    for g in cons.groups:
        s = g.total_summary()
        listed = len(g.entries) + len(g.missing) if cons.units_listed else None
        rows.append([g.level.title, f"{g.cs.id} ({g.cs.version})", listed, len(g.entries),
                     len(g.missing) if cons.units_listed else None, g.with_errors, len(g.unranked),
                     num(s["mean"]), num(s["median"]), num(s["min"]), num(s["max"])])
    placed = {id(u) for g in cons.groups for u in g.missing}
    orphans = [u for u in cons.missing if id(u) not in placed]  # levels no unit submitted for
    for level in sorted({u.level for u in orphans}):
        n = sum(1 for u in orphans if u.level == level)
        rows.append([level_cell(level, LEVEL_NAMES.get(level, f"Cấp {level}")), "", n, 0, n, 0, 0, None, None, None, None])
    return Table("tong-hop-cap", "TỔNG HỢP THEO CẤP", columns, rows)


def criteria_table(group) -> Table:
    """Per criterion: statistics of the final scores and the average as a share of the maximum."""
    fmt = score_format(group.cs.decimals)
    columns = [Column("Tiêu chí", 8), Column("Nội dung", 46, wrap=True), Column("Điểm chuẩn", 9, fmt),
               Column("Số đơn vị", 8, "0"), Column("Trung bình", 10, "0.00"), Column("Trung vị", 10, "0.00"),
               Column("Thấp nhất", 10, fmt), Column("Cao nhất", 10, fmt), Column("TB / điểm chuẩn", 10, "0.0%")]
    rows = []
    for crit in group.level.walk():
        s = group.criterion_summary(crit.key)
        share = s["mean"] / crit.max_points if s["mean"] is not None else None
        indent = "  " * crit.depth
        rows.append([indent + crit.key, crit.title, num(crit.max_points), s["count"], num(s["mean"]),
                     num(s["median"]), num(s["min"]), num(s["max"]), num(share)])
    return Table(f"tieu-chi-{group.cs.id}-{group.level.code}",
                 f"ĐIỂM THEO TIÊU CHÍ — {group.level.title.upper()}", columns, rows)


def missing_table(cons) -> Table:
    columns = [Column("Cấp", 18, wrap=True), Column(CODE, 12), Column(NAME, 40, wrap=True)]
    titles = {id(u): g.level.title for g in cons.groups for u in g.missing}  # 'xa' → 'Đơn vị cấp xã'
    rows = [[titles.get(id(u), u.level), u.code, u.name] for u in cons.missing]
    return Table("chua-nop", "ĐƠN VỊ CHƯA NỘP", columns, rows)


ORIGIN, DIRECT = "Nguồn", "gửi trực tiếp"


def origin_of(entry) -> str:
    """'goi-HCT.zip' for a file from a district's package, else 'gửi trực tiếp'."""
    return entry.origin.split(" › ")[0] if entry.origin else DIRECT


def files_table(cons) -> Table:

    columns = [Column("STT", 5, "0"), Column(FILE, 30, wrap=True), Column(ORIGIN, 18, wrap=True),
               Column("Tình trạng", 16, wrap=True),
               Column("Cấp", 8), Column(CODE, 11), Column(NAME, 28, wrap=True), Column("Năm", 6, "0"),
               Column(ERRORS, 7, "0"), Column(WARNINGS, 9, "0"), Column("Lý do / ghi chú", 40, wrap=True),
               Column("SHA-256", 20)]
    rows = []
    for i, e in enumerate(cons.entries, start=1):
        reason = "; ".join(n.message for n in e.notes if n.code in
                           ("FILE_UNREADABLE", "NOT_SCORED", "SUPERSEDED", "DUPLICATE_UNIT", "FILE_SKIPPED"))
        rows.append([i, e.origin or str(e.file), origin_of(e), FILE_STATUS_NAMES[e.status], level_cell(e.level), e.code, e.name, e.year, e.errors,
                     e.warnings, reason, e.sha256])
    return Table("tep", "CÁC TỆP TRONG HỘP THƯ", columns, rows)


# -- findings ----------------------------------------------------------------------------------


def findings_table(cons) -> Table:
    columns = [Column("STT", 6, "0"), Column("Cấp", 8), Column(CODE, 11), Column(NAME, 24, wrap=True),
               Column(FILE, 20, wrap=True), Column("Mức độ", 9), Column("Mã phát hiện", 16),
               Column("Loại", 22, wrap=True), Column("Tiêu chí", 8), Column("Ô", 16), Column("Tên định danh", 16),
               Column("Nội dung", 60, wrap=True)]
    rows = []
    order = {"error": 0, "warning": 1, "info": 2}
    for e in cons.entries:
        for f in sorted(e.findings, key=lambda f: order.get(f.severity, 3)):
            rows.append([None, level_cell(e.level), e.code, e.name, Path(e.file).name, SEVERITY_VN.get(f.severity, f.severity),
                         f.code, _title(f.code), f.key, f.cell, f.name, f.message])
    for e in cons.entries:
        for r in e.refusals:
            rows.append([None, level_cell(e.level), e.code, e.name, Path(cons.appraisal_file).name, SEVERITY_VN["error"],
                         "APPRAISAL_PROBLEM", _title("APPRAISAL_PROBLEM"), r.key, r.where, None, r.message])
    for note in cons.appraisal_notes:
        rows.append([None, "", "", "", Path(cons.appraisal_file).name, SEVERITY_VN.get(note.severity, ""),
                     note.code, _title(note.code), note.key, note.cell, note.name, note.message])
    for i, row in enumerate(rows, start=1):
        row[0] = i
    return Table("phat-hien", "CÁC PHÁT HIỆN KHI KIỂM TRA HỒ SƠ", columns, rows)


def _title(code) -> str:
    return CODES[code].title if code in CODES else code


# -- raw long tables ---------------------------------------------------------------------------

SET, LEVEL, KEY, TITLE, MAX_POINTS, STATUS = "Bộ tiêu chí", "Cấp", "Tiêu chí", "Nội dung", "Điểm chuẩn", "Trạng thái"
CLAIMED, COMPUTED, APPRAISED, EVIDENCE = "Điểm tự chấm", "Điểm tính", "Điểm thẩm định", "Căn cứ tính điểm"
INPUT_LABEL, INPUT_NAME, REPORTED, VERIFIED = "Số liệu", "Tên định danh", "Đơn vị báo cáo", "Số liệu thẩm định"
VERIFIED_SCORE, REASON, REVIEWER, SCORE_AFTER = "Điểm thẩm định (nhập)", "Lý do", "Người thẩm định", "Điểm sau thẩm định"
OUTCOME, APPLIED = "Kết quả", "Đã áp dụng"
SCORES_TITLE, INPUTS_TITLE = "ĐIỂM TỪNG TIÊU CHÍ CỦA TỪNG ĐƠN VỊ", "SỐ LIỆU CÁC ĐƠN VỊ BÁO CÁO"


def scores_table(cons) -> Table:
    """One row per unit and criterion: self-score, computed and appraised side by side."""
    columns = [Column(SET, 14), Column(LEVEL, 7), Column(CODE, 11), Column(NAME, 26, wrap=True), Column(KEY, 8),
               Column(TITLE, 40, wrap=True), Column(MAX_POINTS, 8, "0.00"), Column(STATUS, 12),
               Column(CLAIMED, 9, "0.00"), Column(COMPUTED, 9, "0.00"), Column(APPRAISED, 10, "0.00"),
               Column(EVIDENCE, 36, wrap=True), Column(REASON, 24, wrap=True), Column(REVIEWER, 16)]
    rows = []
    for g in cons.groups:
        for e in g.entries:
            applied = {a.key: a for a in e.appraisals}
            for row in e.computed.criteria:
                final = e.appraised.criterion(row.key) if e.appraised is not None else None
                a = applied.get(row.key)
                rows.append([g.cs.id, level_cell(g.level.code, g.level.title), e.code, e.name, row.key, row.title,
                             num(row.max_points), status_cell(row.status) if not row.is_group else Coded("nhóm", code="group"),
                             num(row.claimed), num(row.score), num(final.score) if final else None, row.evidence,
                             a.reason if a else None, a.reviewer if a else None])
    return Table("diem", SCORES_TITLE, columns, rows)


def typed_value(spec, value):
    """An input value for a cell: a ratio as %, a date as a date, a choice as its label."""
    if value is None:
        return None
    if spec is not None and spec.type == CHOICE:
        return next((o.label for o in spec.options if o.code == value), value)
    if spec is not None and spec.type == RATIO and isinstance(value, (Decimal, int, float)):
        return Val(Decimal(value), "0.0%")
    if isinstance(value, date):
        return Val(value, "dd/mm/yyyy")
    return value


def inputs_table(cons) -> Table:
    """One row per unit, criterion and input: what the unit reported (and what was verified)."""
    columns = [Column(SET, 14), Column(LEVEL, 7), Column(CODE, 11), Column(NAME, 26, wrap=True), Column(KEY, 8),
               Column(INPUT_LABEL, 30, wrap=True), Column(INPUT_NAME, 18), Column(REPORTED, 16, wrap=True),
               Column(VERIFIED, 16, wrap=True)]
    rows = []
    for g in cons.groups:
        for e in g.entries:
            raw = getattr(e.validation.submission, "inputs", {}) or {}
            verified = {(a.key, n): v for a in e.appraisals for n, v in a.inputs.items()}
            computed = {r.key: r for r in e.computed.criteria}
            for crit in g.level.leaves():
                parsed = computed[crit.key].inputs
                for spec in crit.inputs:
                    value = parsed.get(spec.name)
                    shown = typed_value(spec, value) if value is not None else (raw.get(crit.key) or {}).get(spec.name)
                    check = verified.get((crit.key, spec.name))
                    rows.append([g.cs.id, level_cell(g.level.code, g.level.title), e.code, e.name, crit.key, spec.label,
                                 f"{crit.key}_{spec.name}", shown, typed_value(spec, check)])
    return Table("so-lieu", INPUTS_TITLE, columns, rows)


def appraisal_table(cons) -> Table:
    """Every appraisal applied: what the unit reported, what was verified, the scores, who and why."""
    columns = [Column(LEVEL, 7), Column(CODE, 11), Column(NAME, 24, wrap=True), Column(KEY, 8),
               Column(INPUT_LABEL, 24, wrap=True), Column(INPUT_NAME, 16), Column(REPORTED, 14, wrap=True),
               Column(VERIFIED, 14, wrap=True), Column(CLAIMED, 9, "0.00"), Column(COMPUTED, 9, "0.00"),
               Column(SCORE_AFTER, 10, "0.00"), Column(REASON, 30, wrap=True), Column(REVIEWER, 16),
               Column(SET, 14), Column(OUTCOME, 40, wrap=True)]
    rows = []
    for g in cons.groups:
        for e in g.entries:
            for r in e.refusals:  # first: what the reviewers must look at again
                rows.append([level_cell(g.level.code, g.level.title), e.code, e.name, r.key, None, r.names, None, r.entered, None, None, None, None,
                             r.reviewer or None, g.cs.id, f"KHÔNG ÁP DỤNG ({r.where}): {'; '.join(r.reasons)}"])
            for a in e.appraisals:
                crit = g.level.find(a.key)
                before, after = e.computed.criterion(a.key), e.appraised.criterion(a.key)
                scores = [num(before.claimed), num(before.score), num(after.score)]
                for name, verified in a.inputs.items():
                    spec = next((s for s in crit.inputs if s.name == name), None)
                    reported = before.inputs.get(name)
                    rows.append([level_cell(g.level.code, g.level.title), e.code, e.name, a.key, spec.label if spec else name,
                                 f"{a.key}_{name}", typed_value(spec, reported), typed_value(spec, verified), *scores,
                                 a.reason, a.reviewer, g.cs.id, APPLIED])
                if a.score is not None:
                    rows.append([level_cell(g.level.code, g.level.title), e.code, e.name, a.key, "Điểm", f"{a.key}_score", num(before.score),
                                 num(a.score), *scores, a.reason, a.reviewer, g.cs.id, APPLIED])
    return Table("tham-dinh", "KẾT QUẢ THẨM ĐỊNH (KIỂM TRA XÁC SUẤT)", columns, rows)


# -- year over year ----------------------------------------------------------------------------


def comparison_table(cons) -> Table | None:
    """This year against the previous year in the history (None when there is none)."""
    if not cons.previous:
        return None
    year = cons.year
    columns = [Column(LEVEL, 7), Column(CODE, 11), Column(NAME, 28, wrap=True), Column(f"Điểm năm {year - 1}", 10, "0.00"),
               Column(f"Hạng năm {year - 1}", 8, "0"), Column(f"Điểm năm {year}", 10, "0.00"),
               Column(f"Hạng năm {year}", 8, "0"), Column("Tăng/giảm điểm", 10, "+0.00;-0.00;0"),
               Column("Tăng/giảm bậc", 9, "+0;-0;0"), Column("Ghi chú", 36, wrap=True)]

    rows, seen = [], set()
    for g in cons.groups:
        for e in g.entries:
            prev = cons.previous.get(code_key(e.code))
            seen.add(code_key(e.code))
            if prev is None:
                rows.append([level_cell(g.level.code, g.level.title), e.code, e.name, None, None, num(e.rank_value), e.rank, None, None,
                             f"Không có số liệu năm {year - 1}"])
                continue
            change = None if e.rank_value is None or prev["rank_value"] is None else e.rank_value - prev["rank_value"]
            steps = None if e.rank is None or prev["rank"] is None else prev["rank"] - e.rank
            notes = []
            if prev["criteria_set"] != g.cs.id or prev["criteria_fingerprint"] != g.cs.fingerprint:
                notes.append(f"bộ tiêu chí năm trước khác ({prev['criteria_set']} {prev['criteria_version']}): "
                             "so sánh mang tính tham khảo")
            if prev["level"] != g.level.code:
                notes.append(f"năm trước thuộc {level_name(prev['level']).lower()}")
            if prev.get("basis"):  # a merged unit compared with the units it replaced (dtscore.merger)
                notes.append(prev["basis"])
            rows.append([level_cell(g.level.code, g.level.title), e.code, e.name, num(prev["rank_value"]), prev["rank"], num(e.rank_value),
                         e.rank, num(change), steps, "; ".join(notes)])
    for key, prev in sorted(cons.previous.items()):
        if key not in seen:
            rows.append([level_cell(prev["level"]), prev["unit_code"], prev["unit_name"], num(prev["rank_value"]), prev["rank"],
                         None, None, None, None, f"Chưa có hồ sơ năm {year}"])
    return Table("so-sanh-nam-truoc", f"SO SÁNH NĂM {year} VỚI NĂM {year - 1}", columns, rows)
