"""Template workbooks generated from a criteria set: one per level, optionally prefilled for a unit.

    build_template(cs, "huyen", "mau-huyen.xlsx", unit_code="H01", unit_name="…", formulas="native")

Sheets: "Hướng dẫn" (how to fill in), "Thông tin" (unit, set, fingerprint, contact), "Chấm điểm"
(score_sheet.py), "Tham số" (the set's parameters and the option lists, protected), "Tự kiểm tra"
(check_sheet.py: the self-check's list) and, in UDF mode, "xlwings.conf". The workbook-scoped defined names (docs/DESIGN.md, "Workbook contract") are the only
thing readers rely on.
"""

import tempfile
from datetime import date
from functools import partial
from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from dtscore import __version__
from dtscore import styles as S
from dtscore.atomic import write_atomic
from dtscore.criteria import CriteriaSet
from dtscore.errors import DtscoreError
from dtscore.safecells import set_cell
from dtscore.values import nfc

from . import layout as L
from .check_sheet import colour_unit_cells, write_check_sheet
from .guide import write_guide
from .patching import PatchableWorkbook, can_patch
from .score_sheet import Context, write_score_sheet
from .sheet_button import add_sheet_button
from .validations import Validations

FORMULA_MODES = ("native", "udf")
UDF_MODULE = "dtscore.udfs.functions"
FORMULA_MODE_NAME = "formula_mode"  # optional name the reader understands: "native" | "udf"


def build_template(
    cs: CriteriaSet,
    level_code: str,
    path,
    *,
    unit_code: str = "",
    unit_name: str = "",
    year: int | None = None,
    formulas: str = "native",
    contact: str = "",
) -> Path:
    """Write the template of `level_code` to `path` (atomically) and return the path."""
    wb = make_workbook(cs, level_code, unit_code=unit_code, unit_name=unit_name, year=year,
                       formulas=formulas, contact=contact)
    return save_atomic(wb, path)


def build_units(cs, jobs, *, year=None, formulas="native", contact="", progress=None) -> list:
    """One prefilled template per unit: jobs = [(level code, unit code, unit name, path), …].
    Each level's workbook is built and saved once, with placeholders in the unit cells; each
    unit's file is that package with the placeholders replaced (workbook.patching)."""
    books: dict[str, PatchableWorkbook | None] = {}
    written = []
    for level_code, code, name, path in jobs:
        code, name = nfc(code or ""), nfc(name or "")
        if level_code not in books:
            wb = make_workbook(cs, level_code, unit_code=_UNIT_CODE, unit_name=_UNIT_NAME, year=year,
                               formulas=formulas, contact=contact)
            try:
                with tempfile.TemporaryDirectory(prefix="dtscore-template-") as tmp:  # saved as every template is
                    books[level_code] = PatchableWorkbook(save_atomic(wb, Path(tmp) / "base.xlsx"),
                                                          (_UNIT_CODE, _UNIT_NAME))
            except ValueError:  # an openpyxl that stores text differently: build each file whole
                books[level_code] = None
        book = books[level_code]
        if book is None or not (can_patch(code) and can_patch(name)):  # text read as a formula, control characters
            written.append(build_template(cs, level_code, path, unit_code=code, unit_name=name, year=year,
                                          formulas=formulas, contact=contact))
        else:
            written.append(write_atomic(path, partial(_write_copy, book, {_UNIT_CODE: code, _UNIT_NAME: name})))
        if progress is not None:
            progress(path)
    return written


_UNIT_CODE, _UNIT_NAME = "dtscore-placeholder-unit-code", "dtscore-placeholder-unit-name"


def _write_copy(book, values, tmp):
    with open(tmp, "wb") as fh:
        book.write(fh, values)


def make_workbook(cs, level_code, *, unit_code="", unit_name="", year=None, formulas="native", contact="") -> Workbook:
    """The template as an openpyxl Workbook (not saved)."""
    if formulas not in FORMULA_MODES:
        raise DtscoreError(f"kiểu công thức “{formulas}” không hợp lệ (chọn: {', '.join(FORMULA_MODES)})")
    level = cs.level(level_code)
    year = int(year) if year else cs.year
    wb = Workbook()
    guide = wb.active
    guide.title = L.SHEET_GUIDE
    info = wb.create_sheet(L.SHEET_INFO)
    score = wb.create_sheet(L.SHEET_SCORE)
    params = wb.create_sheet(L.SHEET_PARAMS)
    check = wb.create_sheet(L.SHEET_CHECK)
    names: dict = {}

    info_refs = _write_info(info, cs, level, year, formulas, nfc(unit_code or ""), nfc(unit_name or ""),
                            nfc(contact or ""), names)
    param_refs, option_ranges = _write_params(params, cs, level, names)
    ctx = Context(cs, level, year, formulas, param_refs, option_ranges, info_refs["unit_name"], names)
    blocks = write_score_sheet(score, ctx, Validations(year))
    write_check_sheet(check, names, L.FIRST_DATA_ROW, blocks[-1].last, len(blocks))
    colour_unit_cells(info, names)
    write_guide(guide, cs, level, year, formulas)
    if formulas == "udf":
        _write_addin_config(wb.create_sheet(L.SHEET_ADDIN))

    for name, ref in names.items():
        wb.defined_names.add(DefinedName(name, attr_text=ref))
    wb.calculation.fullCalcOnLoad = True  # Excel computes every formula on opening
    wb.active = wb.index(guide)
    return wb


def save_atomic(wb: Workbook, path) -> Path:
    """Save atomically (see dtscore.atomic), with the sheet button for Excel 365/web (sheet_button);
    an unwritable folder is a Vietnamese DtscoreError."""
    def write(tmp):
        wb.save(tmp)
        add_sheet_button(tmp, L.SHEET_SCORE, L.BUTTON_CELL, L.BUTTON_SHAPE, L.BUTTON_TEXT,
                         "Excel 365/web có add-in dtscore: tính lại điểm và kiểm tra biểu mẫu")

    return write_atomic(path, write)


# -- Thông tin ---------------------------------------------------------------------------------


def _write_info(ws, cs, level, year, formulas, unit_code, unit_name, contact, names) -> dict:
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 60
    ws.merge_cells("A1:C1")
    ws["A1"] = "THÔNG TIN ĐƠN VỊ VÀ BIỂU MẪU"
    ws["A1"].font = S.TITLE
    ws["A1"].alignment = S.CENTER
    ws.merge_cells("A2:C2")
    ws["A2"] = "Đơn vị kiểm tra mã và tên đơn vị, điền người liên hệ. Các ô nền xanh do Sở TTTT ghi, không sửa."
    ws["A2"].font = S.ITALIC_NOTE
    ws["A2"].alignment = S.CENTER
    mode_text = {
        "native": "Công thức Excel thông thường — không cần cài thêm phần mềm",
        "udf": "Hàm DT_* của phần bổ trợ dtscore (xlwings) — cần cài phần bổ trợ",
    }[formulas]
    source = (cs.source or {}).get("document", "")
    rows = [
        # (label, defined name, value, explanation, is_input, number_format)
        ("Mã đơn vị", "unit_code", unit_code, "Mã do Sở TTTT cấp (xem danh sách đơn vị)", True, S.TEXT_FORMAT),
        ("Tên đơn vị", "unit_name", unit_name, "Tên đầy đủ của cơ quan, đơn vị", True, S.TEXT_FORMAT),
        ("Cấp đánh giá", "level", level.code, level.title, False, S.TEXT_FORMAT),
        ("Năm đánh giá", "year", year, "", False, "0"),
        ("Bộ tiêu chí", "criteria_set", cs.id, cs.title, False, S.TEXT_FORMAT),
        ("Phiên bản bộ tiêu chí", "criteria_version", cs.version, source, False, S.TEXT_FORMAT),
        ("Mã kiểm tra bộ tiêu chí", "criteria_fingerprint", cs.fingerprint,
         "Sở TTTT dùng để nhận biết đúng biểu mẫu — không sửa", False, S.TEXT_FORMAT),
        ("Cách tính điểm", FORMULA_MODE_NAME, formulas, mode_text, False, S.TEXT_FORMAT),
    ]
    refs = {}
    row = 4
    for label, name, value, note, is_input, fmt in rows:
        _info_row(ws, row, label, value, note, is_input, fmt)
        names[name] = L.absolute(L.SHEET_INFO, f"B{row}")
        refs[name] = names[name]
        row += 1
    row += 1
    ws[f"A{row}"] = "NGƯỜI LIÊN HỆ"
    ws[f"A{row}"].font = S.SUBTITLE
    row += 1
    for label, value in (("Họ và tên", contact), ("Chức vụ", ""), ("Điện thoại", ""), ("Thư điện tử", "")):
        _info_row(ws, row, label, value, "", True, S.TEXT_FORMAT)
        row += 1
    row += 1
    ws[f"A{row}"] = f"Biểu mẫu tạo bằng dtscore {__version__}."
    ws[f"A{row}"].font = S.ITALIC_NOTE
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    _portrait(ws, f"A1:C{row}")
    dv = Validations(year)
    dv.text("B4", limit=50, prompt_title="Mã đơn vị", prompt="Mã đơn vị do Sở TTTT cấp.")
    dv.text("B5", limit=250, prompt_title="Tên đơn vị", prompt="Tên đầy đủ của cơ quan, đơn vị.")
    dv.text(f"B{row - 5}:B{row - 2}", limit=250)
    dv.attach(ws)
    return refs


def _info_row(ws, row, label, value, note, is_input, fmt):
    a, b, c = ws[f"A{row}"], ws[f"B{row}"], ws[f"C{row}"]
    a.value, c.value = label, note
    set_cell(b, value)  # a unit name typed as "=…" in units.csv stays text
    for cell in (a, b, c):
        cell.font = S.BODY
        cell.border = S.BORDER
        cell.alignment = S.WRAP_TOP
    a.font = S.BOLD
    b.number_format = fmt
    b.fill = S.INPUT_FILL if is_input else S.COMPUTED_FILL
    b.protection = S.UNLOCKED if is_input else S.LOCKED
    c.font = S.ITALIC_NOTE
    lines = max(L.text_lines(str(note), 60), L.text_lines(str(value or ""), 40))
    ws.row_dimensions[row].height = L.height_for(lines)


# -- Tham số -----------------------------------------------------------------------------------


def _write_params(ws, cs, level, names):
    """The set's parameters (named param_<name>) and, below, the option list of every choice
    criterion: the dropdowns read their labels here and the native formulas their points."""
    for letter, width in zip("ABCDE", (22, 60, 14, 50, 16)):
        ws.column_dimensions[letter].width = width
    ws.merge_cells("A1:D1")
    ws["A1"] = "THAM SỐ CỦA BỘ TIÊU CHÍ"
    ws["A1"].font = S.TITLE
    ws["A1"].alignment = S.CENTER
    ws.merge_cells("A2:D2")
    ws["A2"] = ("Do Sở TTTT quy định; các công thức trên trang “Chấm điểm” dùng các giá trị này. "
                "Trang được khóa (Sở TTTT bỏ khóa bằng Xem lại › Bỏ bảo vệ trang tính, không có mật khẩu).")
    ws["A2"].font = S.ITALIC_NOTE
    ws["A2"].alignment = S.WRAP_CENTER
    ws.row_dimensions[2].height = L.height_for(2)
    row = 4
    S.header_row(ws, row, ("Tham số", "Nội dung", "Giá trị", "Căn cứ"))
    refs = {}
    for param in cs.parameters.values():
        row += 1
        value = param.value
        cells = (param.name, param.label, value, param.reference)
        for letter, v in zip("ABCD", cells):
            cell = ws[f"{letter}{row}"]
            cell.value = v
            cell.font = S.BODY
            cell.border = S.BORDER
            cell.alignment = S.WRAP_TOP
        if isinstance(value, date):
            ws[f"C{row}"].number_format = S.DATE_FORMAT
        ws[f"C{row}"].fill = S.COMPUTED_FILL
        ws[f"C{row}"].alignment = S.TOP_CENTER
        ws.row_dimensions[row].height = L.height_for(max(L.text_lines(param.label, 60), L.text_lines(param.reference, 50)))
        refs[param.name] = L.absolute(L.SHEET_PARAMS, f"C{row}")
        names[f"param_{param.name}"] = refs[param.name]

    options = {}
    choices = [c for c in level.leaves() if any(spec.options for spec in c.inputs)]
    if choices:
        row += 2
        ws[f"A{row}"] = "DANH MỤC LỰA CHỌN (danh sách thả xuống trên trang “Chấm điểm”)"
        ws[f"A{row}"].font = S.SUBTITLE
        row += 1
        S.header_row(ws, row, ("Mã tiêu chí", "Nội dung lựa chọn", "Điểm", "Mã lựa chọn"))
        for crit in choices:
            first = row + 1
            for option in crit.inputs[0].options:
                row += 1
                for letter, v in zip("ABCD", (crit.key, option.label, option.points, option.code)):
                    cell = ws[f"{letter}{row}"]
                    cell.value = v
                    cell.font = S.BODY
                    cell.border = S.BORDER
                    cell.alignment = S.WRAP_TOP
                ws[f"C{row}"].number_format = "General"
                ws.row_dimensions[row].height = L.height_for(L.text_lines(option.label, 60))
            sheet = L.quote_sheet(L.SHEET_PARAMS)
            options[crit.key] = tuple(f"{sheet}!${c}${first}:${c}${row}" for c in "BCD")
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    _portrait(ws, f"A1:D{row}", landscape=True)
    return refs, options


def _portrait(ws, area, landscape=False):
    S.page_setup(ws, landscape=landscape, area=area)


# -- xlwings.conf ------------------------------------------------------------------------------


def _write_addin_config(ws):
    """The classic xlwings add-in reads key/value settings from a sheet named xlwings.conf."""
    ws["A1"] = "UDF Modules"
    ws["B1"] = UDF_MODULE
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 30
    ws.sheet_state = "hidden"


__all__ = ["build_template", "build_units", "make_workbook", "save_atomic", "FORMULA_MODES"]
