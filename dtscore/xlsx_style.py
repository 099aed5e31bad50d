"""The look shared by the workbooks consolidation writes (RESULT.xlsx, the appraisal sheet):
Times New Roman, A4 landscape fitted to the page width, the header row repeated on every printed
page, frozen under the header, filterable; text neutralised against formula injection; saved
atomically."""

from copy import copy
from pathlib import Path

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.properties import PageSetupProperties

from .atomic import save_workbook_atomic
from .printing import LINE_HEIGHT, fit_columns, row_height, set_margins, span_titles
from .result_tables import Val
from .safecells import set_cell

FONT_NAME = "Times New Roman"
BODY = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
TITLE = Font(name=FONT_NAME, size=14, bold=True)
SUBTITLE = Font(name=FONT_NAME, size=11, italic=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FLAG_FILL = PatternFill("solid", fgColor="FCE4D6")
ENTRY_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")


def use_times_new_roman(wb):
    """Make Times New Roman the default font of a new workbook: font 0 is what unstyled cells
    (and empty rows Excel adds) use. openpyxl has no public setter for it."""
    wb._fonts = IndexedList([BODY])  # noqa: SLF001
    wb._named_styles["Normal"].font = BODY  # noqa: SLF001


def page_setup(ws, header_row: int | None, landscape=True, pages_wide=1, title_columns=None):
    """A4, landscape, fitted to `pages_wide` pages across, header row (and `title_columns`, e.g.
    "A:C", on the pages to the right) repeated, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    set_margins(ws)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = FONT_NAME
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    if title_columns:
        ws.print_title_cols = title_columns


def write_title(ws, row: int, title: str, subtitle: str = ""):
    set_cell(ws.cell(row, 1), title).font = TITLE
    if subtitle:
        set_cell(ws.cell(row + 1, 1), subtitle).font = SUBTITLE


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
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, HEADER_ALIGN, GRID
        ws.column_dimensions[get_column_letter(col)].width = column.width
    formats = [c.number_format for c in table.columns]
    styles = {}  # (column, number format) → a style to copy: assigning fonts and borders cell by cell is slow

    def style(col, fmt):
        if (col, fmt) not in styles:
            proto = Cell(ws)
            proto.alignment = WRAP_TOP if table.columns[col - 1].wrap else TOP
            proto.number_format = fmt
            if styled:
                proto.border = GRID
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
