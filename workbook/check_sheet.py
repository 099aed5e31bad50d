"""The "Tự kiểm tra" sheet: the self-check's problems as a list, by formulas (no add-in), each with
a link to the cell to fix — the unit's code and name first, then every criterion whose status is
not "Đạt", in the decision's order (INDEX/MATCH on the running number the score sheet keeps)."""

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font

from dtscore import styles as S

from . import layout as L
from . import self_check as sc
from .native_formulas import text

COLUMNS = (("STT", 6), ("Mã tiêu chí", 12), ("Ô cần sửa (bấm để tới ô)", 22), ("Nội dung", 90))
FIRST_ROW = 6  # the unit's code, then its name, then the criteria


UNIT_ROWS = (  # what the engine says about the unit itself (dtscore.validation), first in the list
    ("unit_code", "Mã đơn vị", sc.PREFIX[sc.ERROR] + "chưa ghi mã đơn vị — Sở TTTT không ghép được tệp với đơn vị"),
    ("unit_name", "Tên đơn vị", sc.PREFIX[sc.WARNING] + "chưa ghi tên đơn vị"),
)


def colour_unit_cells(ws, names: dict):
    """On "Thông tin": a blank unit code turns red, a blank unit name orange."""
    for (name, _, _), fill in zip(UNIT_ROWS, (S.ERROR_FILL, S.WARNING_FILL)):
        coord = names[name].split("!", 1)[1].replace("$", "")
        ws.conditional_formatting.add(coord, FormulaRule(formula=[sc.blank(coord)], fill=fill))


def _link(sheet, cell_text) -> str:
    """HYPERLINK to a cell of this workbook, shown as Sheet!F12 (Excel and LibreOffice follow "#…")."""
    target = f'"#{L.quote_sheet(sheet)}!"&{cell_text}'
    return f'HYPERLINK({target},"{sheet}!"&{cell_text})'


def write_check_sheet(ws, names: dict, first: int, last: int, criteria: int):
    """names: the workbook's defined names (unit_code, unit_name, check_summary); first/last: the
    data rows of "Chấm điểm"; criteria: how many criterion rows it has (the list's length)."""
    for letter, (_, width) in zip("ABCD", COLUMNS):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["E"].hidden = True  # the row of each listed criterion within the score sheet's range
    ws.merge_cells("A1:D1")
    ws["A1"] = "TỰ KIỂM TRA BIỂU MẪU"
    ws["A1"].font = S.TITLE
    ws["A1"].alignment = S.CENTER
    ws.merge_cells("A2:D2")
    ws["A2"] = f'="Kết quả: "&{names["check_summary"]}'
    ws["A2"].font = S.SUBTITLE
    ws.merge_cells("A3:D3")
    ws["A3"] = ("Danh sách tự cập nhật khi nhập số liệu (công thức Excel, không cần cài thêm phần mềm). Bấm vào ô ở cột "
                "“Ô cần sửa” để tới nơi cần sửa; mỗi tiêu chí hiện lỗi đầu tiên, sửa xong sẽ hiện lỗi tiếp theo. "
                "Sở TTTT còn kiểm tra thêm khi nhận tệp (biểu mẫu, công thức bị sửa).")
    ws["A3"].font = S.ITALIC_NOTE
    ws["A3"].alignment = S.WRAP_TOP
    ws.row_dimensions[3].height = L.height_for(3)
    header = FIRST_ROW - 1
    S.header_row(ws, header, [title for title, _ in COLUMNS])

    row = FIRST_ROW
    for name, label, problem in UNIT_ROWS:
        ref = names[name]
        coord = ref.split("!", 1)[1].replace("$", "")
        ws[f"B{row}"] = label
        ws[f"C{row}"] = "=" + _link(L.SHEET_INFO, text(coord))
        ws[f"D{row}"] = f"=IF({sc.blank(ref)},{text(problem)},{text(sc.OK_TEXT)})"
        row += 1

    def column(col):
        return f"{L.quote_sheet(L.SHEET_SCORE)}!${col.letter}${first}:${col.letter}${last}"

    for i in range(1, criteria + 1):
        m = f"$E{row}"
        ws[m] = f"=IFERROR(MATCH({i},{column(L.RANK)},0),0)"
        ws[f"A{row}"] = f'=IF({m}>0,{i},"")'
        ws[f"B{row}"] = f'=IF({m}>0,INDEX({column(L.KEY)},{m}),"")'
        ws[f"C{row}"] = f'=IF({m}>0,{_link(L.SHEET_SCORE, f"INDEX({column(L.TARGET)},{m})")},"")'
        nothing = text("Không có tiêu chí nào cần sửa.") if i == 1 else '""'
        ws[f"D{row}"] = f'=IF({m}>0,INDEX({column(L.STATUS)},{m}),{nothing})'
        row += 1
    last_row = row - 1
    for r in range(FIRST_ROW, last_row + 1):
        for letter in "ABCD":
            cell = ws[f"{letter}{r}"]
            cell.font = S.BODY
            cell.border = S.BORDER
            cell.alignment = S.WRAP_TOP if letter == "D" else S.TOP_CENTER
        ws[f"C{r}"].font = S.font(color=S.LINK_COLOR)
    listed = f"D{FIRST_ROW}:D{last_row}"
    for severity, fill, font in ((sc.ERROR, S.ERROR_FILL, Font(color=S.ERROR_FONT_COLOR)),
                                 (sc.WARNING, S.WARNING_FILL, None)):
        prefix = sc.PREFIX[severity]
        starts = f"LEFT(D{FIRST_ROW},{len(prefix)})={text(prefix)}"
        ws.conditional_formatting.add(listed, FormulaRule(formula=[starts], fill=fill, font=font))
    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    S.page_setup(ws, header, area=f"A1:D{last_row}")
