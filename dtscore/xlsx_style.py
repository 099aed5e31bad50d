"""Writing a table (dtscore.result_tables.Table) into a sheet of the workbooks consolidation and
validation write (RESULT.xlsx, the appraisal sheet, the validation report): title lines, a styled
header frozen and filterable, columns and rows sized to their text, text neutralised against
formula injection; saving atomically. The look itself is dtscore.styles."""

from copy import copy
from pathlib import Path

from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter

from .atomic import save_workbook_atomic
from .printing import LINE_HEIGHT, fit_columns, row_height, span_titles
from .result_tables import Val
from .safecells import set_cell
from .styles import BOLD, BORDER, CAPTION, HEADER_FILL, TITLE, TOP, WRAP_CENTER, WRAP_TOP


def write_title(ws, row: int, title: str, subtitle: str = ""):
    set_cell(ws.cell(row, 1), title).font = TITLE
    if subtitle:
        set_cell(ws.cell(row + 1, 1), subtitle).font = CAPTION


def shown_text(value):
    """The text a cell shows, for sizing (None for numbers: their columns are sized by hand)."""
    if isinstance(value, Val):
        value = value.value
    if isinstance(value, str):
        return value
    if hasattr(value, "strftime"):
        return "00/00/0000"
    return None


def write_table(ws, table, header_row: int, styled=True, title_span=None) -> tuple:
    """Write a result_tables.Table with its header on `header_row`; returns (first, last) data rows.
    Columns are widened or wrapped to their text and the title lines above span the table, so it
    prints whole (dtscore.printing); `title_span` columns for them when the table is printed more
    than one page wide (the title stays on the first page). `styled=False` skips borders on long raw
    tables (much faster to write, same content)."""
    fit_columns(table.columns, table.rows, shown_text)
    for col, column in enumerate(table.columns, start=1):
        cell = set_cell(ws.cell(header_row, col), column.header)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, WRAP_CENTER, BORDER
        ws.column_dimensions[get_column_letter(col)].width = column.width
    formats = [c.number_format for c in table.columns]
    styles = {}  # (column, number format) → a style to copy: assigning fonts and borders cell by cell is slow

    def style(col, fmt):
        if (col, fmt) not in styles:
            proto = Cell(ws)
            proto.alignment = WRAP_TOP if table.columns[col - 1].wrap else TOP
            proto.number_format = fmt
            if styled:
                proto.border = BORDER
            styles[(col, fmt)] = proto._style  # noqa: SLF001 — openpyxl's style array
        return copy(styles[(col, fmt)])

    row_number = header_row
    for row_number, row in enumerate(table.rows, start=header_row + 1):
        for col, value in enumerate(row, start=1):
            fmt = formats[col - 1]
            if isinstance(value, Val):
                fmt = value.number_format
                value = value.value
            if value is None or isinstance(value, str):
                fmt = "General"
            cell = ws.cell(row_number, col)
            cell._style = style(col, fmt)  # noqa: SLF001 — the font is the workbook's default (Times New Roman)
            set_cell(cell, value)
    first, last = header_row + 1, max(row_number, header_row)
    widths = [c.width for c in table.columns]
    ws.row_dimensions[header_row].height = row_height([c.header for c in table.columns], widths)
    wrapped = [i for i, c in enumerate(table.columns) if c.wrap]
    for number, row in enumerate(table.rows, start=first):
        height = row_height([shown_text(row[i]) for i in wrapped], [widths[i] for i in wrapped])
        if height > LINE_HEIGHT + 3:
            ws.row_dimensions[number].height = height
    span = title_span or len(table.columns)
    span_titles(ws, max(1, header_row - 3), header_row - 1, span, widths[:span])
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    if table.rows:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(table.columns))}{last}"
    return first, last


def save_atomically(wb, out_path) -> Path:
    """Save an openpyxl workbook through a temporary file (see dtscore.atomic)."""
    return save_workbook_atomic(wb, out_path)
