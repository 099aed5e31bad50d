"""The book payload xlwings Server receives from Excel (Office.js), built from an .xlsx file.

Shape as in xlwings' own tests (tests/test_json) and its Office.js client: per sheet the values of
the used range from A1 with "" for blanks and ISO strings ending in "Z" for dates; errors as their
text ("#NAME?"); workbook names with their sheet index and address. Formulas are not part of it:
Excel sends the values it shows. `values` can override what a cell shows, to play a user's Excel.
"""

from datetime import date, datetime

import xlwings as xw
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries


def book_payload(path, shown: dict | None = None) -> dict:
    """`shown`: {(sheet, "H12"): value} — what Excel displays in cells whose cached value the file
    lacks (a file filled with openpyxl has no cached formula results)."""
    shown = shown or {}
    wb = load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        rows = max(ws.max_row, max((int("".join(c for c in k[1] if c.isdigit())) for k in shown if k[0] == ws.title), default=0))
        cols = ws.max_column
        values = [["" for _ in range(cols)] for _ in range(rows)]
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=cols):
            for cell in row:
                values[cell.row - 1][cell.column - 1] = _json(cell.value)
        for (sheet, coord), value in shown.items():
            if sheet == ws.title:
                col, row, _, _ = range_boundaries(coord)
                values[row - 1][col - 1] = _json(value)
        sheets.append({"name": ws.title, "values": values, "pictures": [], "tables": []})
    index = {ws.title: i for i, ws in enumerate(wb.worksheets)}
    names = []
    for name, dn in wb.defined_names.items():
        for sheet, coord in dn.destinations:
            names.append({"name": name, "sheet_index": index[sheet], "address": coord.replace("$", ""),
                          "book_scope": True, "scope_sheet_name": None, "scope_sheet_index": None})
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": str(path).rsplit("/", 1)[-1], "active_sheet_index": 0, "selection": "A1"},
        "names": names,
        "sheets": sheets,
    }


def _json(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).isoformat(timespec="milliseconds") + "Z"
    return value
