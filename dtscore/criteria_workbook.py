"""The authoring workbook: a criteria set as an Excel workbook an official can edit, and back.

`export_workbook` writes one row per criterion, group, option and band, with drop-down lists for
row types, levels and rule kinds, each rule kind's parameters in named columns (the registry's
parameter names, with Vietnamese headers) and a guide sheet. `import_workbook` compiles the
workbook back to the set's YAML data and passes it through the strict loader: every problem is a
CriteriaError naming the sheet, the row and the column.

Columns are found by the code in brackets at the end of each header (“Mục tiêu (target)”), so an
official may reorder or widen columns; the Vietnamese words are only for reading.
"""

import re
import tempfile
import typing
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .atomic import write_text_atomic
from .criteria import load_set, raw_set
from .errors import CriteriaError
from .rules import RULE_KINDS
from .safecells import set_cell
from .styles import BOLD, BORDER, HEADER_FILL, WRAP_CENTER, WRAP_TOP, use_times_new_roman
from .values import nfc
from .xlsx_style import save_atomically

GUIDE, SET_SHEET, PARAMS, LEVELS, CRITERIA, LISTS = (
    "Hướng dẫn", "Bộ tiêu chí", "Tham số", "Cấp", "Tiêu chí", "Danh mục")  # fmt: skip

ROW_CRITERION, ROW_GROUP, ROW_OPTION, ROW_BAND = "Tiêu chí", "Nhóm", "Lựa chọn", "Khung điểm"
ROW_TYPES = (ROW_CRITERION, ROW_GROUP, ROW_OPTION, ROW_BAND)
YES, NO = "Có", "Không"

# Vietnamese headers of the registry's rule parameters. A parameter the registry gains later and
# this table does not know yet still gets its column, headed by its own name.
PARAM_HEADERS = {
    "due": "Hạn: ô ngày=tham số hạn (due)",
    "mode": "Cách đếm tháng trễ (mode)",
    "max_deduction": "Số tháng trừ tối đa (max_deduction)",
    "target": "Mục tiêu, tỉ lệ 0–1 (target)",
    "threshold": "Ngưỡng đạt, tỉ lệ 0–1 (threshold)",
    "floor": "Ngưỡng sàn, tỉ lệ 0–1 (floor)",
    "floor_inclusive": "Tính cả ngưỡng sàn (floor_inclusive)",
    "factor": "Hệ số (factor)",
    "input": "Dạng số liệu nhập (input)",
    "deductions": "Mức trừ theo loại: loại=mức (deductions)",
    "steps": "Điểm theo số lượng 0; 1; 2… (steps)",
    "else": "Điểm khi vượt danh sách (else)",
    "label": "Nhãn ô nhập (label)",
    "unit": "Đơn vị tính (unit)",
    "min_inclusive": "Khung tính cả mức dưới (min_inclusive)",
    "lower_is_better": "Càng thấp càng tốt (lower_is_better)",
}
# How a parameter's value is written in its cell, from its type in the kind's Params: a list
# "a; b" or a map "k=v; k=v" as text, a flag as Có/Không, a number or a text as it is.
LIST, MAP, FLAG, TEXT, NUMBER = "list", "map", "flag", "text", "number"
ROW_PARAMS = {"options", "bands"}  # written as rows of their own (Lựa chọn, Khung điểm)

BASE_COLUMNS = [
    ("level", "Cấp (level)", 9),
    ("row", "Loại dòng (row)", 12),
    ("key", "Mã (key)", 12),
    ("parent", "Thuộc nhóm / tiêu chí (parent)", 14),
    ("title", "Tên tiêu chí / nhãn lựa chọn (title)", 50),
    ("points", "Điểm chuẩn / điểm (points)", 11),
    ("kind", "Loại quy tắc (kind)", 16),
]
BAND_COLUMNS = [("min", "Khung: mức dưới (min)", 12), ("inclusive", "Khung: tính cả mức dưới (inclusive)", 12)]
TEXT_COLUMNS = [
    ("method", "Cách tính điểm (method)", 50),
    ("evidence", "Căn cứ tính điểm (evidence)", 35),
    ("reference", "Tham chiếu văn bản (reference)", 22),
    ("note", "Ghi chú (note)", 40),
    ("source_quality", "Độ tin cậy của văn bản gốc (source_quality)", 14),
    ("allow_not_applicable", "Cho phép “Không áp dụng” (allow_not_applicable)", 14),
    ("weight", "Trọng số (weight)", 10),
    ("children_sum_differs", "Tổng mục con khác điểm nhóm, lý do (children_sum_differs)", 30),
]
CRITERION_FLAGS = {"allow_not_applicable"}

SET_ROWS = [
    ("id", "Mã bộ tiêu chí (trùng tên tệp YAML, chữ thường, dấu gạch ngang)"),
    ("version", "Phiên bản (đổi mỗi khi sửa bộ tiêu chí)"),
    ("title", "Tên bộ tiêu chí"),
    ("year", "Năm áp dụng"),
    ("decimals", "Số chữ số thập phân của điểm (thường là 2)"),
    ("heading", "Tiêu đề in trên biểu mẫu (chữ in hoa)"),
    ("extends", "Lập từ bộ tiêu chí (chỉ để tham khảo)"),
    ("source.document", "Văn bản gốc"),
    ("source.file", "Tệp văn bản gốc"),
    ("note", "Ghi chú về cách chép văn bản"),
]
PARAM_COLUMNS = [("name", "Tên tham số (name)", 18), ("value", "Giá trị (value)", 14), ("label", "Nội dung (label)", 50),
                 ("reference", "Tham chiếu (reference)", 30), ("note", "Ghi chú (note)", 50)]
LEVEL_COLUMNS = [("code", "Mã cấp (code)", 10), ("title", "Tên cấp (title)", 24), ("max_total", "Tổng điểm (max_total)", 12),
                 ("reference", "Tham chiếu (reference)", 20), ("note", "Ghi chú (note)", 40),
                 ("index.kind", "Chỉ số: loại (index.kind)", 12), ("index.digits", "Chỉ số: số chữ số (index.digits)", 12),
                 ("index.weights_total", "Chỉ số: tổng trọng số (index.weights_total)", 14)]

GUIDE_TEXT = [
    "HƯỚNG DẪN SOẠN BỘ TIÊU CHÍ TRONG EXCEL",
    "",
    "Tệp này là một bộ tiêu chí thi đua. Sửa trực tiếp, lưu lại (định dạng .xlsx) rồi chạy:",
    "    dtscore criteria import tệp-này.xlsx -o MÃ-BỘ.yaml",
    "Chương trình kiểm tra toàn bộ; mỗi lỗi chỉ rõ trang, dòng và cột cần sửa.",
    "",
    "Trang “Bộ tiêu chí”: mã, phiên bản, tên, năm, văn bản gốc. Đổi “version” mỗi khi sửa.",
    "Trang “Tham số”: các giá trị dùng chung, ví dụ hạn ban hành kế hoạch (nhập ngày dd/mm/yyyy).",
    "Trang “Cấp”: các cấp đơn vị (tinh, xa…) và tổng điểm của mỗi cấp.",
    "Trang “Tiêu chí”: mỗi dòng là một tiêu chí, một nhóm, một lựa chọn hoặc một khung điểm:",
    "  • Nhóm: có các tiêu chí con (cột “Thuộc nhóm” của tiêu chí con ghi mã nhóm); điểm nhóm = tổng điểm con.",
    "  • Tiêu chí: có “Loại quy tắc” và các tham số của loại đó ở các cột tham số; để trống các cột khác.",
    "  • Lựa chọn (quy tắc choice): ngay dưới tiêu chí của nó; Mã = mã lựa chọn, Tên = nhãn, Điểm = điểm.",
    "  • Khung điểm (quy tắc bands): ngay dưới tiêu chí; ghi mức dưới, điểm, và có tính cả mức dưới không.",
    "  • Thêm một tiêu chí: chèn một dòng, chép dòng tương tự rồi sửa. Xóa: xóa cả dòng (và các dòng con).",
    "  • Tổng điểm các tiêu chí của một cấp phải bằng tổng điểm của cấp ở trang “Cấp”.",
    "",
    "Cách ghi giá trị: tỉ lệ ghi dạng số thập phân (0,8 là 80%); Có/Không chọn trong danh sách;",
    "danh sách điểm ghi cách nhau bằng dấu chấm phẩy (2,0; 1,5; 1,0); cặp giá trị ghi dạng",
    "tên=giá trị cách nhau bằng dấu chấm phẩy (plan_issued=plan_due; report_submitted=report_due).",
    "",
    "Các loại quy tắc và tham số của từng loại (* là bắt buộc):",
]


@dataclass
class _Cell:
    """Where a value came from, for messages."""

    sheet: str
    row: int
    column: int
    header: str

    def where(self) -> str:
        return f"trang “{self.sheet}”, ô {get_column_letter(self.column)}{self.row} (dòng {self.row}, cột “{self.header}”)"


def _codec(hint) -> str:
    types = set(typing.get_args(hint)) or {hint}
    if bool in types:
        return FLAG
    if dict in types:
        return MAP
    if types & {tuple, list}:
        return LIST
    return TEXT if str in types else NUMBER


@lru_cache(maxsize=1)
def param_codecs() -> dict:
    """Every YAML parameter of the registry's rule kinds → how its cell is written, in registry
    order (the workbook's parameter columns), without those written as rows of their own."""
    out: dict = {}
    for kind in RULE_KINDS.values():
        hints = typing.get_type_hints(kind.Params)
        for f in fields(kind.Params):
            name = f.metadata.get("yaml", f.name)
            if name not in ROW_PARAMS:
                out.setdefault(name, _codec(hints[f.name]))
    return out


def _param_columns():
    return [(name, PARAM_HEADERS.get(name, f"{name} ({name})"), 14) for name in param_codecs()]


def criteria_columns():
    return BASE_COLUMNS + _param_columns() + BAND_COLUMNS + TEXT_COLUMNS


# -- writing -----------------------------------------------------------------------------------


def _number_text(value) -> str:
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


def _cell_value(name, value):
    """A rule parameter or criterion field as its cell shows it."""
    codec = param_codecs().get(name)
    if codec == LIST:
        return "; ".join(_number_text(v) for v in value)
    if codec == MAP:
        return "; ".join(f"{k}={_number_text(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return YES if value else NO
    return value


def _header(ws, columns):
    for col, (_, header, width) in enumerate(columns, start=1):
        cell = set_cell(ws.cell(1, col), header)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, WRAP_CENTER, BORDER
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


def _write_rows(ws, columns, rows):
    index = {code: col for col, (code, _, _) in enumerate(columns, start=1)}
    for number, row in enumerate(rows, start=2):
        for code, value in row.items():
            if value is not None:
                cell = set_cell(ws.cell(number, index[code]), value)
                cell.alignment = WRAP_TOP
                if isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"


def _criterion_rows(level_code, criteria, parent=""):
    for raw in criteria:
        children = raw.get("children") or []
        rule = dict(raw.get("rule") or {})
        row = {"level": level_code, "row": ROW_GROUP if children else ROW_CRITERION, "key": raw.get("key"),
               "parent": parent or None, "title": raw.get("title"), "points": raw.get("max_points"),
               "kind": rule.pop("kind", None)}
        for name, value in rule.items():
            if name not in ROW_PARAMS:
                row[name] = _cell_value(name, value)
        for name, *_ in TEXT_COLUMNS:
            if name in raw:
                row[name] = _cell_value(name, raw[name])
        yield row
        for option in rule.get("options") or []:
            yield {"level": level_code, "row": ROW_OPTION, "key": option.get("code"), "parent": raw.get("key"),
                   "title": option.get("label"), "points": option.get("points")}
        for band in rule.get("bands") or []:
            yield {"level": level_code, "row": ROW_BAND, "parent": raw.get("key"), "points": band.get("points"),
                   "min": band.get("min"), "inclusive": _cell_value("inclusive", band["inclusive"])
                   if "inclusive" in band else None}
        yield from _criterion_rows(level_code, children, raw.get("key"))


def _lists_sheet(wb, level_codes):
    ws = wb.create_sheet(LISTS)
    lists = {"A": ROW_TYPES, "B": tuple(RULE_KINDS), "C": (YES, NO), "D": tuple(level_codes)}
    for letter, values in lists.items():
        for number, value in enumerate(values, start=1):
            ws[f"{letter}{number}"] = value
    ws.sheet_state = "hidden"
    return {k: f"'{LISTS}'!${k}$1:${k}${max(1, len(v))}" for k, v in lists.items()}


def _drop_down(ws, source, column, last_row, error):
    dv = DataValidation(type="list", formula1=f"={source}", allow_blank=True, showErrorMessage=True,
                        errorTitle="Giá trị không hợp lệ", error=error)
    letter = get_column_letter(column)
    dv.add(f"{letter}2:{letter}{max(last_row, 2) + 200}")  # room for rows the official adds
    ws.add_data_validation(dv)


def _guide(ws):
    lines = list(GUIDE_TEXT)
    for kind in RULE_KINDS.values():
        params = [f"{p}*" if required else p for p, required in kind.yaml_names().items()]
        lines.append(f"  • {kind.name}: {', '.join(params) if params else '(không có tham số)'}")
    lines += ["", "Chi tiết từng loại quy tắc: docs/engine.md và docs/criteria-sets.md (bảng “the text says → rule”)."]
    for number, line in enumerate(lines, start=1):
        cell = set_cell(ws.cell(number, 1), line)
        if number == 1:
            cell.font = BOLD
    ws.column_dimensions["A"].width = 120


def build_workbook(raw: dict) -> Workbook:
    """The authoring workbook of a set's raw data (as `criteria.raw_set` returns it)."""
    wb = Workbook()
    use_times_new_roman(wb)
    _guide(wb.active)
    wb.active.title = GUIDE

    ws = wb.create_sheet(SET_SHEET)
    _header(ws, [("field", "Mã trường (field)", 18), ("meaning", "Ý nghĩa", 50), ("value", "Giá trị (value)", 80)])
    source = raw.get("source") or {}
    values = {**{k: raw.get(k) for k, _ in SET_ROWS}, **{f"source.{k}": v for k, v in source.items()}}
    labels = dict(SET_ROWS) | {f"source.{k}": f"Văn bản gốc: {k}" for k in source}
    _write_rows(ws, [("field", "", 0), ("meaning", "", 0), ("value", "", 0)],
                [{"field": k, "meaning": labels[k], "value": values.get(k)} for k in labels])

    ws = wb.create_sheet(PARAMS)
    _header(ws, PARAM_COLUMNS)
    _write_rows(ws, PARAM_COLUMNS, [{"name": name, **p} for name, p in (raw.get("parameters") or {}).items()])

    ws = wb.create_sheet(LEVELS)
    _header(ws, LEVEL_COLUMNS)
    levels = raw.get("levels") or []
    _write_rows(ws, LEVEL_COLUMNS, [
        {k: v for k, v in lv.items() if k not in ("criteria", "index")}
        | {f"index.{k}": v for k, v in (lv.get("index") or {}).items()} for lv in levels])

    ws = wb.create_sheet(CRITERIA)
    columns = criteria_columns()
    _header(ws, columns)
    rows = [row for lv in levels for row in _criterion_rows(lv.get("code"), lv.get("criteria") or [])]
    _write_rows(ws, columns, rows)
    lists = _lists_sheet(wb, [lv.get("code") for lv in levels])
    position = {code: col for col, (code, _, _) in enumerate(columns, start=1)}
    last = len(rows) + 1
    _drop_down(ws, lists["A"], position["row"], last, f"Chọn một trong: {', '.join(ROW_TYPES)}")
    _drop_down(ws, lists["B"], position["kind"], last, "Chọn một loại quy tắc trong danh sách")
    _drop_down(ws, lists["D"], position["level"], last, "Chọn một cấp đã khai ở trang “Cấp”")
    for name in (*(n for n, codec in param_codecs().items() if codec == FLAG), *CRITERION_FLAGS, "inclusive"):
        if name in position:
            _drop_down(ws, lists["C"], position[name], last, "Chọn Có hoặc Không")
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    wb.active = wb.sheetnames.index(CRITERIA)
    return wb


def export_workbook(set_name_or_path, out_path) -> Path:
    """`dtscore criteria export`: the set as an authoring workbook, written atomically."""
    raw = raw_set(set_name_or_path)
    return save_atomically(build_workbook(raw), out_path)


# -- reading -----------------------------------------------------------------------------------

VERBATIM = {"title", "method", "evidence", "reference", "note", "label", "unit", "children_sum_differs", "value"}
_CODE = re.compile(r"\(([A-Za-z_.]+)\)\s*$")


class _Sheet:
    """A sheet's rows as {column code: (value, _Cell)}, columns found by the code in brackets."""

    def __init__(self, path, wb, name, required):
        if name not in wb.sheetnames:
            raise CriteriaError(path, None, f"thiếu trang “{name}” (tệp phải lập bằng “dtscore criteria export”)")
        self.path, self.name, self.ws = path, name, wb[name]
        self.columns = {}
        for col, cell in enumerate(next(self.ws.iter_rows(min_row=1, max_row=1, values_only=True), ()), start=1):
            match = _CODE.search(str(cell or ""))
            if match:
                self.columns[match.group(1)] = (col, str(cell))
        for code in required:
            if code not in self.columns:
                raise CriteriaError(path, None, f"trang “{name}”, dòng 1: thiếu cột có mã “({code})”")

    def rows(self):
        for number, values in enumerate(self.ws.iter_rows(min_row=2, values_only=True), start=2):
            row = {}
            for code, (col, header) in self.columns.items():
                value = values[col - 1] if col - 1 < len(values) else None
                if isinstance(value, str):
                    value = nfc(value) if code in VERBATIM else nfc(value).strip()
                    if value == "":
                        value = None
                row[code] = (value, _Cell(self.name, number, col, header))
            if any(v is not None for v, _ in row.values()):
                yield number, row

    def error(self, cell: _Cell, message):
        return CriteriaError(self.path, cell.where(), message)


def _number(sheet, value, cell, what):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, str):
            try:
                return _parse_number(value)
            except ValueError:
                pass
        raise sheet.error(cell, f"{what} phải là một số, ô đang ghi “{value}”")
    return value


def _parse_number(text: str):
    text = text.strip().replace(" ", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+[.,]\d+", text):
        return float(text.replace(",", "."))
    raise ValueError(text)


def _flag(sheet, value, cell):
    if isinstance(value, bool):
        return value
    word = str(value).strip().casefold()
    if word in (YES.casefold(), "true", "x"):
        return True
    if word in (NO.casefold(), "false"):
        return False
    raise sheet.error(cell, f"chỉ ghi “{YES}” hoặc “{NO}”, ô đang ghi “{value}”")


def _param_value(sheet, name, value, cell):
    codec = param_codecs()[name]
    if codec == FLAG:
        return _flag(sheet, value, cell)
    if codec == LIST:
        parts = [p for p in str(value).split(";") if p.strip()] if not isinstance(value, (int, float)) else [str(value)]
        try:
            return [_parse_number(p) for p in parts]
        except ValueError as exc:
            raise sheet.error(cell, f"danh sách điểm cách nhau bằng “;”, ví dụ 2,0; 1,5; 1,0 — “{exc}” không phải số") from None
    if codec == MAP:
        out = {}
        for part in str(value).split(";"):
            if not part.strip():
                continue
            if "=" not in part:
                raise sheet.error(cell, f"ghi dạng tên=giá trị, cách nhau bằng “;” — “{part.strip()}” thiếu dấu “=”")
            key, text = (s.strip() for s in part.split("=", 1))
            try:
                out[key] = _parse_number(text)
            except ValueError:
                out[key] = text
        return out
    if isinstance(value, str) and codec == NUMBER:
        try:
            return _parse_number(value)
        except ValueError:
            return value
    return value


def _read_set_sheet(sheet):
    data, source, cells = {}, {}, {}
    for _, row in sheet.rows():
        field, _ = row["field"]
        value, cell = row["value"]
        if field is None or value is None:
            continue
        cells[field] = cell
        if field in ("year", "decimals"):
            value = _number(sheet, value, cell, field)
        elif not isinstance(value, str):
            value = str(value)
        if field.startswith("source."):
            source[field.removeprefix("source.")] = value
        elif field in dict(SET_ROWS):
            data[field] = value
        else:
            raise sheet.error(cell, f"trường “{field}” không có (có: {', '.join(k for k, _ in SET_ROWS)})")
    if source:
        data["source"] = source
    return data, cells


def _read_parameters(sheet):
    out, cells = {}, {}
    for _, row in sheet.rows():
        name, cell = row["name"]
        if name is None:
            raise sheet.error(cell, "thiếu tên tham số")
        if name in out:
            raise sheet.error(cell, f"tham số “{name}” bị trùng (đã có ở dòng {cells[name].row})")
        param = {}
        for code in ("value", "label", "reference", "note"):
            value, vcell = row.get(code, (None, cell))
            if value is None:
                continue
            if isinstance(value, datetime):
                value = value.date()
            elif code == "value" and isinstance(value, str) and re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value.strip()):
                day, month, year = (int(p) for p in value.strip().split("/"))
                try:
                    value = date(year, month, day)
                except ValueError:
                    raise sheet.error(vcell, f"ngày “{value}” không có thật (ghi dd/mm/yyyy)") from None
            param[code] = value
        out[name], cells[name] = param, row["value"][1]
    return out, cells


def _read_levels(sheet):
    levels, cells = [], {}
    for _, row in sheet.rows():
        code, cell = row["code"]
        if code is None:
            raise sheet.error(cell, "thiếu mã cấp")
        if code in cells:
            raise sheet.error(cell, f"cấp “{code}” bị trùng")
        level, index = {"code": code}, {}
        for field, (value, vcell) in row.items():
            if value is None or field == "code":
                continue
            if field in ("max_total", "index.digits", "index.weights_total"):
                value = _number(sheet, value, vcell, field)
            if field.startswith("index."):
                index[field.removeprefix("index.")] = value
            else:
                level[field] = value
        if index:
            level["index"] = index
        level["criteria"] = []
        levels.append(level)
        cells[code] = {"row": cell, **{f: c for f, (_, c) in row.items()}}
    return levels, cells


def _read_criteria(sheet, levels):
    """The criteria rows into each level's tree; returns {key: {field: _Cell}} for messages."""
    by_level = {lv["code"]: lv for lv in levels}
    nodes: dict = {}  # key → (raw criterion, level code)
    cells: dict = {}
    current = None  # the last criterion row: the owner of option and band rows below it
    params = param_codecs()
    for _, row in sheet.rows():
        kind_of_row, row_cell = row["row"]
        level, level_cell = row["level"]
        key, key_cell = row["key"]
        parent, parent_cell = row["parent"]
        if kind_of_row not in ROW_TYPES:
            raise sheet.error(row_cell, f"loại dòng phải là một trong: {', '.join(ROW_TYPES)}"
                              + (f" — ô đang ghi “{kind_of_row}”" if kind_of_row else " — ô đang trống"))
        if kind_of_row in (ROW_OPTION, ROW_BAND):
            owner = nodes.get(parent)[0] if parent in nodes else current
            if parent is not None and parent not in nodes:
                raise sheet.error(parent_cell, f"không có tiêu chí “{parent}” ở các dòng phía trên")
            wanted = "choice" if kind_of_row == ROW_OPTION else "bands"
            if owner is None or (owner.get("rule") or {}).get("kind") != wanted:
                raise sheet.error(row_cell, f"dòng “{kind_of_row}” phải nằm dưới một tiêu chí có loại quy tắc “{wanted}”")
            points = _number(sheet, row["points"][0], row["points"][1], "điểm")
            if kind_of_row == ROW_OPTION:
                if key is None:
                    raise sheet.error(key_cell, "thiếu mã lựa chọn")
                option = {"code": str(key), "label": row["title"][0], "points": points}
                owner["rule"].setdefault("options", []).append({k: v for k, v in option.items() if v is not None})
                cells[f"{owner['key']}.rule.options.{key}"] = row_cell
            else:
                band = {"min": _number(sheet, row["min"][0], row["min"][1], "mức dưới của khung"), "points": points}
                if row["inclusive"][0] is not None:
                    band["inclusive"] = _flag(sheet, *row["inclusive"])
                bands = owner["rule"].setdefault("bands", [])
                bands.append(band)
                cells[f"{owner['key']}.rule.bands[{len(bands)}]"] = row_cell
            continue
        if level not in by_level:
            raise sheet.error(level_cell, f"cấp “{level}” chưa khai ở trang “{LEVELS}” (có: {', '.join(by_level) or 'không có'})"
                              if level else "thiếu mã cấp")
        if key is None:
            raise sheet.error(key_cell, "thiếu mã tiêu chí")
        key = str(key)
        if key in nodes:
            raise sheet.error(key_cell, f"mã “{key}” bị trùng (đã có ở dòng {cells[key]['key'].row})")
        raw = {"key": key, "title": row["title"][0]}
        if row["points"][0] is not None:
            raw["max_points"] = _number(sheet, row["points"][0], row["points"][1], "điểm chuẩn")
        kind, kind_cell = row["kind"]
        if kind_of_row == ROW_GROUP:
            if kind is not None:
                raise sheet.error(kind_cell, "một nhóm không có loại quy tắc (điểm nhóm là tổng điểm các tiêu chí con)")
        else:
            if kind is None:
                raise sheet.error(kind_cell, "thiếu loại quy tắc")
            if kind not in RULE_KINDS:
                raise sheet.error(kind_cell, f"loại quy tắc “{kind}” không có (có: {', '.join(RULE_KINDS)})")
            rule = {"kind": kind}
            names = RULE_KINDS[kind].yaml_names()  # parameter → required
            accepted = tuple(names)
            for name in params:
                value, cell = row.get(name, (None, None))
                if value is not None and name not in accepted:
                    raise sheet.error(cell, f"loại quy tắc “{kind}” không có tham số {name}: xóa ô này"
                                      f" (tham số của {kind}: {', '.join(accepted) or 'không có'})")
                if value is None and names.get(name) and cell is not None:
                    raise sheet.error(cell, f"loại quy tắc “{kind}” cần tham số {name}")
                if value is not None:
                    rule[name] = _param_value(sheet, name, value, cell)
            raw["rule"] = rule
        for name, *_ in TEXT_COLUMNS:
            value, cell = row.get(name, (None, None))
            if value is None:
                continue
            if name in CRITERION_FLAGS:
                value = _flag(sheet, value, cell)
            elif name == "weight":
                value = _number(sheet, value, cell, "trọng số")
            elif not isinstance(value, str):
                value = str(value)
            raw[name] = value
        if kind_of_row == ROW_GROUP:
            raw["children"] = []
        if parent is None:
            by_level[level]["criteria"].append(raw)
        else:
            if parent not in nodes:
                raise sheet.error(parent_cell, f"không có nhóm “{parent}” ở các dòng phía trên")
            group, group_level = nodes[parent]
            if "children" not in group:
                raise sheet.error(parent_cell, f"“{parent}” là một tiêu chí, không phải nhóm (đổi loại dòng của nó thành “{ROW_GROUP}”)")
            if group_level != level:
                raise sheet.error(level_cell, f"nhóm “{parent}” thuộc cấp “{group_level}”, không phải “{level}”")
            group["children"].append(raw)
        nodes[key] = (raw, level)
        cells[key] = {f: c for f, (_, c) in row.items()} | {"row": row_cell}
        current = raw if kind_of_row == ROW_CRITERION else None
    return cells


def _locate(message_key, set_cells, param_cells, level_cells, criterion_cells, sheets):
    """The cell a loader error's key (“T05.rule.target”, “levels.xa”, “parameters.plan_due”) points at."""
    key = message_key or ""
    if key.startswith("parameters."):
        cell = param_cells.get(key.removeprefix("parameters."))
        return cell and (sheets[PARAMS], cell)
    if key.startswith("levels."):
        code, _, field = key.removeprefix("levels.").partition(".")
        found = level_cells.get(code)
        return found and (sheets[LEVELS], found.get(field) or found.get("max_total") or found["row"])
    head = key.split(".", 1)[0]
    if head in set_cells:
        return sheets[SET_SHEET], set_cells[head]
    for exact in (key, re.sub(r"\.[a-z_]+$", "", key)):  # an option or band row
        if isinstance(criterion_cells.get(exact), _Cell):
            return sheets[CRITERIA], criterion_cells[exact]
    best = max((k for k, v in criterion_cells.items() if isinstance(v, dict) and (key == k or key.startswith(k + "."))),
               key=len, default=None)
    if best is None:
        return None
    fields = criterion_cells[best]
    rest = key[len(best) + 1:]
    field = rest.split(".")[-1] if rest else ""
    column = {"max_points": "points", "rule": "kind"}.get(field, field)
    if rest.startswith("rule") and field not in fields:
        column = "kind"
    return sheets[CRITERIA], fields.get(column) or fields["key"]


def compile_workbook(path) -> dict:
    """The set's raw YAML data from an authoring workbook, checked by the strict loader."""
    path = Path(path)
    try:
        wb = load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise CriteriaError(path, None, "không tìm thấy tệp") from None
    except Exception as exc:  # noqa: BLE001 — openpyxl raises many kinds for a file that is not a workbook
        raise CriteriaError(path, None, f"không mở được bảng tính .xlsx ({type(exc).__name__})") from None
    sheets = {
        SET_SHEET: _Sheet(path, wb, SET_SHEET, ("field", "value")),
        PARAMS: _Sheet(path, wb, PARAMS, ("name", "value")),
        LEVELS: _Sheet(path, wb, LEVELS, ("code", "max_total")),
        CRITERIA: _Sheet(path, wb, CRITERIA, ("level", "row", "key", "parent", "title", "points", "kind")),
    }
    data, set_cells = _read_set_sheet(sheets[SET_SHEET])
    parameters, param_cells = _read_parameters(sheets[PARAMS])
    levels, level_cells = _read_levels(sheets[LEVELS])
    criterion_cells = _read_criteria(sheets[CRITERIA], levels)
    raw = {k: data[k] for k in ("id", "extends", "version", "title", "year", "decimals", "heading", "source", "note")
           if k in data}
    if parameters:
        raw["parameters"] = parameters
    raw["levels"] = levels
    if "id" not in raw:
        raise CriteriaError(path, f"trang “{SET_SHEET}”", "thiếu dòng “id” (mã bộ tiêu chí)")
    with tempfile.TemporaryDirectory() as folder:  # the strict loader reads a file named after the id
        check = Path(folder) / f"{raw['id']}.yaml"
        check.write_text(dump_yaml(raw), encoding="utf-8")
        try:
            load_set(check)
        except CriteriaError as exc:
            found = _locate(exc.key, set_cells, param_cells, level_cells, criterion_cells, sheets)
            message = str(exc).removeprefix(f"{check}: ").removeprefix(f"{exc.key}: ")
            if found:
                sheet, cell = found
                raise sheet.error(cell, f"{exc.key}: {message}") from None
            raise CriteriaError(path, exc.key, message) from None
    return raw


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, text):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(raw: dict) -> str:
    return yaml.dump(raw, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100_000)


def import_workbook(path, out_path) -> Path:
    """`dtscore criteria import`: the workbook compiled to YAML, written atomically."""
    raw = compile_workbook(path)
    out_path = Path(out_path)
    if out_path.suffix not in (".yaml", ".yml"):
        raise CriteriaError(out_path, None, "tệp kết quả phải có đuôi .yaml")
    if out_path.stem != str(raw["id"]):
        raise CriteriaError(out_path, "id", f"tên tệp phải trùng mã bộ tiêu chí: {raw['id']}.yaml")
    header = f"# Biên dịch từ {Path(path).name} bằng “dtscore criteria import”; sửa trong Excel rồi biên dịch lại.\n"
    return write_text_atomic(out_path, header + dump_yaml(raw))
