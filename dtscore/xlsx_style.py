"""Writing a table (dtscore.result_tables.Table) into a sheet of the workbooks consolidation and
validation write (RESULT.xlsx, the appraisal sheet, the validation report): title lines, a styled
header frozen and filterable, columns and rows sized to their text, text neutralised against
formula injection; saving atomically. The look itself is dtscore.styles."""

from copy import copy
from pathlib import Path
from weakref import WeakKeyDictionary

from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter

from .atomic import save_workbook_atomic, write_atomic
from .printing import fit_columns, row_height, span_titles, tall_rows
from .result_tables import Val
from .safecells import set_cell
from .sheet_stream import DeferredRows, Generation, save_with_rows
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


def write_table(ws, table, header_row: int, styled=True, title_span=None, stream=None, fill_rows=(),
                fill=None) -> tuple:
    """Write a result_tables.Table with its header on `header_row`; returns (first, last) data rows.
    Columns are widened or wrapped to their text and the title lines above span the table, so it
    prints whole (dtscore.printing); `title_span` columns for them when the table is printed more
    than one page wide (the title stays on the first page). `styled=False` is for long raw tables:
    no borders. `stream` (the default for raw tables; for a table alone below its header in its
    sheet): the rows are generated straight into the file when the workbook is saved with
    save_atomically (dtscore.sheet_stream) — same cells, without an openpyxl object per cell.
    `fill_rows`: row numbers whose cells get `fill` (units flagged in a ranking)."""
    stream = not styled if stream is None else stream
    fit_columns(table.columns, table.rows, shown_text)
    for col, column in enumerate(table.columns, start=1):
        cell = set_cell(ws.cell(header_row, col), column.header)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, WRAP_CENTER, BORDER
        ws.column_dimensions[get_column_letter(col)].width = column.width
    first, last = header_row + 1, header_row + len(table.rows)
    widths = [c.width for c in table.columns]
    ws.row_dimensions[header_row].height = row_height([c.header for c in table.columns], widths)
    heights = tall_rows(table.rows, table.columns, shown_text, first)
    filled = frozenset(fill_rows) if fill is not None else frozenset()
    if stream:
        _DEFERRED.setdefault(ws.parent, []).append(DeferredRows(ws, table, first, heights, styled, filled, fill))
    else:
        _write_rows(ws, table, first, cell_style(ws, table, styled))
        for number, height in heights.items():
            ws.row_dimensions[number].height = height
        for number in sorted(filled):
            for col in range(1, len(table.columns) + 1):
                ws.cell(number, col).fill = fill
    span = title_span or len(table.columns)
    span_titles(ws, max(1, header_row - 3), header_row - 1, span, widths[:span])
    ws.freeze_panes = f"A{header_row + 1}"
    if table.rows:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(table.columns))}{last}"
    return first, last


_DEFERRED: WeakKeyDictionary = WeakKeyDictionary()  # workbook → the DeferredRows of its long tables, written at save


def cell_style(ws, table, styled=True):
    """style(col, number format) → a copy of the style array of a data cell of `table`."""
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

    return style


def _write_rows(ws, table, first, style):
    formats = [c.number_format for c in table.columns]
    for row_number, row in enumerate(table.rows, start=first):
        for col, value in enumerate(row, start=1):
            fmt = formats[col - 1]
            if isinstance(value, Val):
                value, fmt = value.value, value.number_format
            if value is None or isinstance(value, str):
                fmt = "General"
            cell = ws.cell(row_number, col)
            cell._style = style(col, fmt)  # noqa: SLF001 — the font is the workbook's default (Times New Roman)
            set_cell(cell, value)


def start_rows(wb, workers: int = 1) -> None:
    """Start generating the rows of the tables written so far to be streamed (write_table), in
    up to `workers` other processes, while the caller writes the rest of the workbook; call
    save_atomically (or discard_rows) in any case."""
    deferred = _DEFERRED.pop(wb, None)
    if deferred:
        _STARTED.setdefault(wb, []).append(Generation(deferred, _style_of, workers))


def discard_rows(wb) -> None:
    """Stop what start_rows started (the workbook will not be saved)."""
    _DEFERRED.pop(wb, None)
    for generation in _STARTED.pop(wb, []):
        generation.close()


def _style_of(d: DeferredRows):
    return cell_style(d.ws, d.table, d.styled)


_STARTED: WeakKeyDictionary = WeakKeyDictionary()  # workbook → the Generations start_rows started


def save_atomically(wb, out_path, workers: int = 1) -> Path:
    """Save an openpyxl workbook through a temporary file (see dtscore.atomic), with the rows of
    its streamed tables (write_table) generated into it, in up to `workers` processes
    (those start_rows started are already under way)."""
    start_rows(wb, workers)
    generations = _STARTED.pop(wb, None)
    if not generations:
        return save_workbook_atomic(wb, out_path)

    def write(tmp):
        with open(tmp, "wb") as fh:
            save_with_rows(wb, fh, generations)

    try:
        return write_atomic(out_path, write)
    finally:
        for generation in generations:
            generation.close()
