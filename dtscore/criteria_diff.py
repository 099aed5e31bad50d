"""`dtscore criteria diff OLD NEW`: what changed from one criteria set to the next, in Vietnamese.

Criteria are matched by level and key (keys stay from one year to the next, see
docs/criteria-sets.md). Each change says whether it changes a score: the maximum, the rule (its
kind, a parameter, an option, a band), “not applicable”, the weight, or a shared parameter the
rule reads (a due date). Wording (title, method, evidence) and references change no score.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from openpyxl import Workbook

from .criteria import CriteriaSet, Criterion
from .criteria_workbook import PARAM_HEADERS
from .decimals import fmt_vn
from .result_tables import Column, Table
from .styles import page_setup, use_times_new_roman
from .xlsx_style import save_atomically, write_table, write_title

ADDED, REMOVED, CHANGED = "Thêm", "Bỏ", "Sửa"
SCORING_FIELDS = ("max_points", "rule", "allow_not_applicable", "weight", "parent")
FIELD_LABELS = {
    "title": "Tên tiêu chí",
    "max_points": "Điểm chuẩn",
    "parent": "Thuộc nhóm",
    "rule": "Quy tắc tính điểm",
    "method": "Cách tính điểm (lời văn)",
    "evidence": "Căn cứ tính điểm",
    "reference": "Tham chiếu văn bản",
    "note": "Ghi chú",
    "source_quality": "Độ tin cậy văn bản gốc",
    "allow_not_applicable": "Cho phép “Không áp dụng”",
    "weight": "Trọng số",
}


@dataclass(frozen=True)
class FieldChange:
    field: str  # a label for people: “Điểm chuẩn”, “Quy tắc: Số tháng trừ tối đa (max_deduction)”
    old: str
    new: str
    scoring: bool


@dataclass
class CriterionChange:
    level: str
    key: str
    title: str
    change: str  # ADDED | REMOVED | CHANGED
    fields: list = field(default_factory=list)

    @property
    def scoring(self) -> bool:
        return self.change != CHANGED or any(f.scoring for f in self.fields)


@dataclass
class SetDiff:
    old: CriteriaSet
    new: CriteriaSet
    levels_added: list
    levels_removed: list
    changes: list  # CriterionChange, in the new set's order, removed ones after
    set_fields: list  # FieldChange of the set itself (title, version, parameters…)
    unchanged: int

    def scoring_keys(self) -> list:
        return [c.key for c in self.changes if c.scoring]


def show(value) -> str:
    """A value as the text shows it: decimal comma, dd/mm/yyyy, Có/Không, k=v lists."""
    if value is None or value == "":
        return "(không có)"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, (int, float, Decimal)):
        return fmt_vn(Decimal(str(value)), 4)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dict):
        return "; ".join(f"{k}={show(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(show(v) for v in value)
    return str(value)


def _param_label(name) -> str:
    return f"Quy tắc: {PARAM_HEADERS.get(name, name)}"


def _param_show(rule, name) -> str:
    return show(rule[name]) if name in rule else "(không ghi: giá trị mặc định)"


def _rule_changes(old: dict, new: dict) -> list:
    if old.get("kind") != new.get("kind"):
        return [FieldChange("Quy tắc: loại", show(old.get("kind")), show(new.get("kind")), True)]
    out = []
    for name in dict.fromkeys([*old, *new]):
        if name in ("kind", "options") or old.get(name) == new.get(name):
            continue
        out.append(FieldChange(_param_label(name), _param_show(old, name), _param_show(new, name), True))
    old_options = {o["code"]: o for o in old.get("options") or []}
    new_options = {o["code"]: o for o in new.get("options") or []}
    for code in dict.fromkeys([*old_options, *new_options]):
        a, b = old_options.get(code), new_options.get(code)
        if a == b:
            continue
        describe = lambda o: f"{show(o['points'])} điểm — {o.get('label', '')}" if o else "(không có)"  # noqa: E731
        points_differ = (a or {}).get("points") != (b or {}).get("points")
        out.append(FieldChange(f"Lựa chọn “{code}”", describe(a), describe(b), a is None or b is None or points_differ))
    if [o["code"] for o in old.get("options") or [] if o["code"] in new_options] != [
            o["code"] for o in new.get("options") or [] if o["code"] in old_options]:
        out.append(FieldChange("Thứ tự lựa chọn", show(list(old_options)), show(list(new_options)), False))
    return out


def _parents(level) -> dict:
    out = {}
    for c in level.walk():
        for child in c.children:
            out[child.key] = c.key
    return out


def _param_reads(criterion: Criterion) -> list:
    """The shared parameters a criterion's rule reads (late_months' due dates)."""
    due = (criterion.rule or {}).get("due") or {}
    return list(due.values()) if isinstance(due, dict) else []


def _criterion_changes(old: Criterion, new: Criterion, old_parent, new_parent, changed_params) -> list:
    out = []
    for name in FIELD_LABELS:
        if name == "rule":
            out += _rule_changes(old.rule or {}, new.rule or {})
            continue
        a, b = (old_parent, new_parent) if name == "parent" else (getattr(old, name), getattr(new, name))
        if a != b:
            out.append(FieldChange(FIELD_LABELS[name], show(a), show(b), name in SCORING_FIELDS))
    for param in _param_reads(new):
        if param in changed_params:
            a, b = changed_params[param]
            out.append(FieldChange(f"Tham số “{param}” mà quy tắc dùng", show(a), show(b), True))
    return out


def diff_sets(old: CriteriaSet, new: CriteriaSet) -> SetDiff:
    set_fields = []
    for name, label in (("id", "Mã bộ"), ("version", "Phiên bản"), ("title", "Tên bộ"), ("year", "Năm"),
                        ("decimals", "Số chữ số thập phân"), ("heading", "Tiêu đề biểu mẫu")):
        a, b = getattr(old, name), getattr(new, name)
        if name == "year":
            a, b = str(a), str(b)
        if a != b:
            set_fields.append(FieldChange(label, show(a), show(b), name == "decimals"))
    if old.source != new.source:
        set_fields.append(FieldChange("Văn bản gốc", show(old.source.get("document")), show(new.source.get("document")),
                                      False))
    changed_params = {}
    for name in dict.fromkeys([*old.parameters, *new.parameters]):
        a, b = old.parameters.get(name), new.parameters.get(name)
        if (a and a.value) != (b and b.value):
            changed_params[name] = (a and a.value, b and b.value)
            set_fields.append(FieldChange(f"Tham số “{name}”", show(a and a.value), show(b and b.value), True))
    changes, unchanged = [], 0
    for code, new_level in new.levels.items():
        old_level = old.levels.get(code)
        old_by_key = {c.key: c for c in old_level.walk()} if old_level else {}
        new_keys = {c.key for c in new_level.walk()}
        old_parents, new_parents = (_parents(old_level) if old_level else {}), _parents(new_level)
        for c in new_level.walk():
            before = old_by_key.get(c.key)
            if before is None:
                changes.append(CriterionChange(code, c.key, c.title, ADDED))
                continue
            fields = _criterion_changes(before, c, old_parents.get(c.key), new_parents.get(c.key), changed_params)
            if fields:
                changes.append(CriterionChange(code, c.key, c.title, CHANGED, fields))
            else:
                unchanged += 1
        if old_level:
            changes += [CriterionChange(code, c.key, c.title, REMOVED) for c in old_level.walk() if c.key not in new_keys]
    levels_removed = [code for code in old.levels if code not in new.levels]
    for code in levels_removed:
        changes += [CriterionChange(code, c.key, c.title, REMOVED) for c in old.levels[code].walk()]
    return SetDiff(old, new, [c for c in new.levels if c not in old.levels], levels_removed, changes, set_fields,
                   unchanged)


def _title(level_code, d: SetDiff) -> str:
    level = d.new.levels.get(level_code) or d.old.levels[level_code]
    return f"{level.title} ({level_code})"


def format_text(d: SetDiff) -> str:
    lines = [f"So sánh bộ tiêu chí: {d.old.id} {d.old.version} → {d.new.id} {d.new.version}"]
    scoring = d.scoring_keys()
    lines.append(f"Tiêu chí thay đổi cách tính điểm ({len(scoring)}): {', '.join(scoring) or 'không có'}")
    wording = [c.key for c in d.changes if not c.scoring]
    lines.append(f"Tiêu chí chỉ sửa lời văn, tham chiếu, ghi chú ({len(wording)}): {', '.join(wording) or 'không có'}")
    lines.append(f"Tiêu chí không thay đổi: {d.unchanged}")
    for code in d.levels_added:
        lines.append(f"Cấp mới: {_title(code, d)}")
    for code in d.levels_removed:
        lines.append(f"Cấp bị bỏ: {_title(code, d)}")
    if d.set_fields:
        lines += ["", "== Bộ tiêu chí =="]
        lines += [f"  {f.field}: {f.old} → {f.new}" for f in d.set_fields]
    for code in dict.fromkeys(c.level for c in d.changes):
        lines += ["", f"== {_title(code, d)} =="]
        for c in (c for c in d.changes if c.level == code):
            mark = {ADDED: "+", REMOVED: "−", CHANGED: "~"}[c.change]
            effect = "thay đổi cách tính điểm" if c.scoring else "không đổi điểm"
            lines.append(f"{mark} {c.key} {c.title} [{c.change.lower()}; {effect}]")
            for f in c.fields:
                star = "*" if f.scoring else " "
                lines.append(f"   {star} {f.field}: {f.old} → {f.new}")
    lines += ["", "(* : thay đổi làm điểm khác đi)"]
    return "\n".join(lines) + "\n"


def write_workbook(d: SetDiff, out_path):
    """The diff as a workbook: one row per changed field (an added or removed criterion: one row)."""
    columns = [Column("Cấp", 9), Column("Mã", 10), Column("Tên tiêu chí", 45, wrap=True), Column("Thay đổi", 8),
               Column("Đổi điểm", 9), Column("Nội dung", 30, wrap=True), Column("Cũ", 45, wrap=True),
               Column("Mới", 45, wrap=True)]
    rows = [["(bộ)", "", d.new.title, CHANGED, "Có" if f.scoring else "Không", f.field, f.old, f.new]
            for f in d.set_fields]
    for c in d.changes:
        effect = "Có" if c.scoring else "Không"
        if not c.fields:
            rows.append([c.level, c.key, c.title, c.change, effect, "", "", ""])
        rows += [[c.level, c.key, c.title, c.change, "Có" if f.scoring else "Không", f.field, f.old, f.new]
                 for f in c.fields]
    wb = Workbook()
    use_times_new_roman(wb)
    ws = wb.active
    ws.title = "So sánh"
    scoring = d.scoring_keys()
    write_title(ws, 1, f"SO SÁNH BỘ TIÊU CHÍ {d.old.id} {d.old.version} → {d.new.id} {d.new.version}",
                f"Thay đổi cách tính điểm ({len(scoring)}): {', '.join(scoring) or 'không có'}; "
                f"không thay đổi: {d.unchanged} tiêu chí")
    write_table(ws, Table("so-sanh", "So sánh bộ tiêu chí", columns, rows), header_row=4)
    page_setup(ws, header_row=4)
    return save_atomically(wb, out_path)
