"""The appraisal workbook reviewers fill in: one long table "Thẩm định", one row per unit,
criterion and input, with the unit's reported value, self-score and computed score; the reviewer
types a verified value (dropdowns, dates and percentages checked by data validation) or a
verified score, a reason and a name. Only those four columns are unlocked."""

from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .appraisal import COLUMNS, GUIDE, HEADER_ROW, LISTS, SHEET, sheet_rows
from .decimals import fmt_vn
from .errors import InputError
from .names import level_name
from .printing import fit_text_rows
from .result_tables import (
    APPRAISED,
    CLAIMED,
    CODE,
    COMPUTED,
    KEY,
    LEVEL,
    NAME,
    REASON,
    REPORTED,
    REVIEWER,
    SET,
    VERIFIED,
    VERIFIED_SCORE,
    Column,
    Table,
)
from .rules import CHOICE, COUNT, DATE, NUMBER, RATIO
from .safecells import set_cell
from .styles import BODY, BOLD, INPUT_FILL, WRAP_TOP, page_setup, use_times_new_roman
from .xlsx_style import save_atomically, write_table, write_title

WIDTHS = {SET: 13, LEVEL: 6, CODE: 10, NAME: 22, KEY: 7, "Nội dung tiêu chí": 36, "Điểm chuẩn": 7, "Số liệu": 22,
          "Tên định danh": 15, REPORTED: 14, VERIFIED: 14, CLAIMED: 8, COMPUTED: 8, APPRAISED: 9, VERIFIED_SCORE: 10,
          REASON: 30, REVIEWER: 16}
UNLOCKED = Protection(locked=False)
# Long text, some typed by reviewers after the sheet is made: wrapped, so it prints whole (rows
# without a set height grow to their text in Excel and LibreOffice).
WRAPPED = {NAME, "Nội dung tiêu chí", "Số liệu", REASON, REVIEWER}

GUIDE_LINES = [
    "HƯỚNG DẪN THẨM ĐỊNH (KIỂM TRA XÁC SUẤT)",
    "",
    "Trang “Thẩm định” có một dòng cho mỗi số liệu của mỗi tiêu chí của mỗi đơn vị. Dùng bộ lọc ở dòng tiêu đề để tìm "
    "đơn vị hoặc tiêu chí cần kiểm tra.",
    "Chỉ nhập vào các cột tô vàng; các cột khác được khóa.",
    "",
    "1. Số liệu thẩm định: nếu kiểm tra xác suất cho số liệu khác với đơn vị báo cáo, nhập số liệu đúng (tỉ lệ dạng "
    "60%, ngày dạng dd/mm/yyyy, số nguyên, hoặc chọn mức trong danh sách). Khi tổng hợp, dtscore tính lại điểm tiêu "
    "chí từ số liệu này đúng như cách tính của bộ tiêu chí (Ghi chú của dự thảo tiêu chí: đơn vị báo cáo không chính "
    "xác thì điểm tính theo tỷ lệ kiểm tra xác suất).",
    "2. Điểm thẩm định (nhập): chỉ dùng khi cần ghi thẳng điểm của tiêu chí (ví dụ không có số liệu để tính lại). "
    "Điểm này thay điểm tính; nhập ở dòng đầu của tiêu chí.",
    "3. Lý do và Người thẩm định: bắt buộc ghi cho mỗi tiêu chí thẩm định (căn cứ kiểm tra, biên bản, ngày kiểm tra).",
    "",
    "Dòng để trống ở cả “Số liệu thẩm định” và “Điểm thẩm định (nhập)” giữ nguyên điểm đơn vị.",
    "Sau khi nhập, chạy: dtscore consolidate HỘP_THƯ/ -o KET_QUA.xlsx --appraisal TỆP_NÀY.xlsx",
    "Kết quả giữ cạnh nhau điểm tự chấm, điểm tính và điểm thẩm định, kèm lý do và người thẩm định.",
]


def build_sheet(result_path, out_path) -> Path:
    """Write the appraisal workbook for the units of a RESULT.xlsx; returns the path written."""
    result_path, out_path = Path(result_path), Path(out_path)
    if out_path.resolve() == result_path.resolve():
        raise InputError(str(out_path), "tệp thẩm định phải khác tệp kết quả (không ghi đè tệp kết quả)")
    return write_appraisal_workbook(sheet_rows(result_path), out_path, source=result_path.name)


def write_appraisal_workbook(rows, out_path, source="") -> Path:
    """Write the appraisal workbook for `rows` (appraisal.SheetRow) atomically."""
    wb = openpyxl.Workbook()
    use_times_new_roman(wb)
    guide = wb.active
    guide.title = GUIDE
    for i, line in enumerate(GUIDE_LINES, start=1):
        cell = set_cell(guide.cell(i, 1), line)
        cell.font, cell.alignment = (BOLD if i == 1 else BODY), WRAP_TOP
    guide.column_dimensions["A"].width = 95  # A4 portrait at 100 %
    fit_text_rows(guide, 1, len(GUIDE_LINES), [1])
    page_setup(guide, None, landscape=False)
    ws = wb.create_sheet(SHEET)
    lists = wb.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    table = Table("tham-dinh", "PHIẾU THẨM ĐỊNH KẾT QUẢ TỰ CHẤM ĐIỂM", [Column(h, WIDTHS.get(h, 12), wrap=h in WRAPPED) for h in COLUMNS])
    for r in rows:
        table.rows.append([r.set_id, level_name(r.level), r.code, r.name, r.key, r.title if r.first else None,
                           r.max_points if r.first else None, r.label, r.input_name, r.reported, r.verified,
                           r.claimed if r.first else None, r.computed if r.first else None,
                           r.appraised if r.first else None, r.verified_score if r.first else None,
                           r.reason or None, r.reviewer or None])
    write_title(ws, 1, table.title, f"Lập từ {source} ngày {datetime.now():%d/%m/%Y}. Nhập vào các cột tô vàng; xem "
                                    f"trang “{GUIDE}”.")
    first, last = write_table(ws, table, HEADER_ROW)
    col = {h: i + 1 for i, h in enumerate(COLUMNS)}
    _formats_and_validations(ws, lists, rows, first, col)
    ws.protection.sheet = True
    ws.protection.autoFilter = False  # False = allowed: reviewers filter and sort the table
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, col[NAME] + 1)
    page_setup(ws, HEADER_ROW)
    wb.active = 1
    return save_atomically(wb, out_path)


def _formats_and_validations(ws, lists, rows, first, col):
    validations = {}

    def validation(key, **kwargs):
        if key not in validations:
            dv = DataValidation(allow_blank=True, showErrorMessage=True, errorTitle="Giá trị không hợp lệ", **kwargs)
            ws.add_data_validation(dv)
            validations[key] = dv
        return validations[key]

    list_columns = {}
    for i, r in enumerate(rows):
        row = first + i
        reported, verified, score = (ws.cell(row, col[h]) for h in (REPORTED, VERIFIED, VERIFIED_SCORE))
        for cell in (verified, ws.cell(row, col[REASON]), ws.cell(row, col[REVIEWER])):
            cell.fill, cell.protection = INPUT_FILL, UNLOCKED
        if r.first:
            score.fill, score.protection = INPUT_FILL, UNLOCKED
            score.number_format = "0.00"
            dv = validation(("score", r.max_points), type="decimal", operator="between", formula1="0",
                            formula2=str(r.max_points),
                            error=f"Điểm thẩm định từ 0 đến {fmt_vn(r.max_points, 4)} (điểm chuẩn của tiêu chí).")
            dv.add(score.coordinate)
        spec = r.spec
        kind = spec.type if spec is not None else NUMBER
        if kind == RATIO:
            for cell in (reported, verified):
                if not isinstance(cell.value, str):
                    cell.number_format = "0.0%"
            validation("ratio", type="decimal", operator="between", formula1="0", formula2="1",
                       error="Nhập tỉ lệ từ 0% đến 100%, ví dụ 60% hoặc 0,6.").add(verified.coordinate)
        elif kind == DATE:
            for cell in (reported, verified):
                if not isinstance(cell.value, str):
                    cell.number_format = "dd/mm/yyyy"
            validation("date", type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)",
                       error="Nhập một ngày, dạng dd/mm/yyyy.").add(verified.coordinate)
        elif kind == COUNT:
            validation("count", type="whole", operator="greaterThanOrEqual", formula1="0",
                       error="Nhập một số nguyên không âm.").add(verified.coordinate)
        elif kind == CHOICE:
            list_key = (r.set_id, r.level, r.key)
            if list_key not in list_columns:
                c = len(list_columns) + 1
                set_cell(lists.cell(1, c), f"{r.set_id} {level_name(r.level)} {r.key}")
                for j, option in enumerate(spec.options, start=2):
                    set_cell(lists.cell(j, c), option.label)
                letter = get_column_letter(c)
                list_columns[list_key] = f"{quote_sheetname(LISTS)}!${letter}$2:${letter}${len(spec.options) + 1}"
            validation(("choice",) + list_key, type="list", formula1=list_columns[list_key],
                       error="Chọn một mức trong danh sách.").add(verified.coordinate)
        else:
            validation("number", type="decimal", operator="greaterThanOrEqual", formula1="0",
                       error="Nhập một số.").add(verified.coordinate)
