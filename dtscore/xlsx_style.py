"""Writing a table (dtscore.result_tables.Table) into a sheet of the workbooks consolidation and
validation write (RESULT.xlsx, the appraisal sheet, the validation report): title lines, a styled
header frozen and filterable, columns and rows sized to their text, text neutralised against
formula injection; saving atomically. The look itself is dtscore.styles."""

import multiprocessing
from copy import copy
from pathlib import Path
from weakref import WeakKeyDictionary

from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter

from .atomic import save_workbook_atomic, write_atomic
from .printing import fit_columns, row_height, span_titles, tall_rows
from .result_tables import Table, Val
from .safecells import set_cell
from .sheet_stream import DeferredRows, Generation, StyleIds, rows_part, save_with_rows, style_keys
from .styles import BOLD, BORDER, CAPTION, HEADER_FILL, TITLE, TOP, WRAP_CENTER, WRAP_TOP
from .xlsx_package import Part


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
    heights = fit_table(table, header_row + 1)
    first, last = _frame(ws, table.columns, len(table.rows), header_row, title_span)
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
    return first, last


def fit_table(table, first_row) -> dict:
    """Size the table's columns to their text (widen or wrap); returns the heights of its rows
    taller than one line, numbered from `first_row`."""
    fit_columns(table.columns, table.rows, shown_text)
    return tall_rows(table.rows, table.columns, shown_text, first_row)


def _frame(ws, columns, count, header_row, title_span=None) -> tuple:
    """The header row of a table of `count` rows (sized columns), the title lines above spanning it,
    the frozen header and the filter; returns (first, last) data rows."""
    for col, column in enumerate(columns, start=1):
        cell = set_cell(ws.cell(header_row, col), column.header)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, WRAP_CENTER, BORDER
        ws.column_dimensions[get_column_letter(col)].width = column.width
    first, last = header_row + 1, header_row + count
    widths = [c.width for c in columns]
    ws.row_dimensions[header_row].height = row_height([c.header for c in columns], widths)
    span = title_span or len(columns)
    span_titles(ws, max(1, header_row - 3), header_row - 1, span, widths[:span])
    ws.freeze_panes = f"A{header_row + 1}"
    if count:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{last}"
    return first, last


def write_table_forked(ws, make_table, header_row: int, workers: int = 1, styled=False) -> None:
    """write_table(ws, make_table(), header_row, styled, stream=True) for a long table alone in its
    sheet, with the table built, sized and its rows generated in a forked process (workers > 1
    and a system that can fork) while this one writes the rest of the workbook; the header is
    written when the workbook is saved (or at frame_tables)."""
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        _STARTED.setdefault(ws.parent, []).append(ForkedTable(ws, make_table, header_row, styled))
    else:
        write_table(ws, make_table(), header_row, styled=styled, stream=True)


def frame_tables(wb) -> None:
    """Write the headers of the tables write_table_forked started, as soon as their processes have
    sized them, so that their rows are generated while the caller writes the rest."""
    for generation in _STARTED.get(wb, []):
        generation.frame()


class ForkedTable:
    """A table built, sized and generated in a forked process, in two steps over a pipe: the
    process sends the sized columns, the row count and the styles its rows use; this one writes
    the header, registers the styles in the workbook and sends their numbers back; the process
    then sends the rows, compressed (dtscore.sheet_stream). Should the process fail, this one
    does its part itself — the same table, since building it is deterministic."""

    def __init__(self, ws, make_table, header_row, styled):
        self.ws, self.make_table, self.header_row, self.styled = ws, make_table, header_row, styled
        self.deferred: DeferredRows | None = None
        self.style_ids: StyleIds | None = None
        self.ready: Part | None = None
        context = multiprocessing.get_context("fork")
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_build_elsewhere, args=(theirs, make_table, header_row + 1, styled),
                                       daemon=True)
        self.process.start()
        theirs.close()

    def frame(self):
        if self.deferred is not None:
            return
        sized = self._receive()
        if sized is None:  # the process failed: everything here
            table = self.make_table()
            heights = fit_table(table, self.header_row + 1)
            self.deferred = DeferredRows(self.ws, table, self.header_row + 1, heights, self.styled)
            keys = style_keys(table)
        else:
            columns, count, keys = sized
            self.deferred = DeferredRows(self.ws, Table("", "", columns, [None] * count), self.header_row + 1, {},
                                         self.styled)
        _frame(self.ws, self.deferred.table.columns, len(self.deferred.table.rows), self.header_row)
        self.style_ids = StyleIds(self.ws, self.deferred.table, cell_style(self.ws, self.deferred.table, self.styled))
        for key in keys:
            self.style_ids.add(*key)
        if sized is None:
            self.ready = rows_part(self.deferred, self.style_ids)
        else:
            try:
                self.conn.send(self.style_ids.ids)
            except OSError:
                pass  # the process is gone: parts() does its work

    def parts(self) -> dict:
        self.frame()
        body = self.ready or self._receive()
        if body is None:  # the process failed after sizing: the rows generated here
            table = self.make_table()
            heights = fit_table(table, self.header_row + 1)
            body = rows_part(DeferredRows(self.ws, table, self.header_row + 1, heights, self.styled), self.style_ids)
        self.close()
        return {self.ws.path.lstrip("/"): (self.deferred, body)}

    def _receive(self):
        try:
            kind, payload = self.conn.recv()
        except (EOFError, OSError):
            return None
        return payload if kind == "ok" else None

    def close(self):
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def _build_elsewhere(conn, make_table, first_row, styled):
    """The forked process's side of ForkedTable."""
    try:
        table = make_table()
        heights = fit_table(table, first_row)
        conn.send(("ok", (table.columns, len(table.rows), style_keys(table))))
        style_ids = StyleIds(None, table, None)
        style_ids.ids = conn.recv()
        conn.send(("ok", rows_part(DeferredRows(None, table, first_row, heights, styled), style_ids)))
    except BaseException as exc:  # noqa: BLE001 — this side fails quietly: the other does the work
        try:
            conn.send(("failed", repr(exc)))
        except OSError:
            pass
    finally:
        conn.close()


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
    try:
        for generation in generations:
            generation.frame()  # headers of forked tables, before the workbook is saved
    except BaseException:
        for generation in generations:
            generation.close()
        raise

    def write(tmp):
        with open(tmp, "wb") as fh:
            save_with_rows(wb, fh, generations)

    try:
        return write_atomic(out_path, write)
    finally:
        for generation in generations:
            generation.close()
