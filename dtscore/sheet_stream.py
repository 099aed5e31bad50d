"""Long table sheets written as generated sheet XML instead of through openpyxl cell objects.

RESULT.xlsx's raw sheets ("Điểm", "Số liệu") hold about a million cells for a national run;
openpyxl builds an object per cell and took most of the command's time to write them. Here
openpyxl still writes everything else — the sheet's title, header, widths, freeze, filter,
page setup and print titles — and each long sheet is saved with its header only; the data rows
are then generated as SpreadsheetML, straight into the saved package, in one streaming pass
(text as inline strings, so no shared-string table to rebuild). The cells look exactly as
xlsx_style.write_table would have made them (same style records, same row heights).
"""

import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from openpyxl.cell.cell import TIME_FORMATS, Cell
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from .result_tables import Table, Val
from .safecells import clean_text, is_risky
from .xlsx_package import Part, deflate_chunks, inflate, join, parts_of, write_package

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0 (openpyxl refuses them)
CHUNK_CELLS = 50_000  # cells generated per chunk compressed into the package


@dataclass
class DeferredRows:
    """The data rows of one table sheet, to be written after the workbook is saved."""

    ws: Any  # the openpyxl worksheet, saved with its header only
    table: Table
    first_row: int
    heights: dict  # row number → height, for rows taller than one line
    styled: bool = False  # bordered cells (an empty cell is then written too: its border shows)
    filled: frozenset = frozenset()  # row numbers whose cells get `fill`
    fill: Any = None


class StyleIds:
    """The workbook's cell-style index (cellXfs) for each (column, number format, quote prefix),
    made exactly as xlsx_style.write_table makes its cells' styles. Every style the rows can use
    is registered before the workbook is saved (register_all), so that the rows can then be
    generated anywhere — in this process or in another one — without adding any."""

    def __init__(self, ws, table, proto_style, fill=None):
        self.ws, self.table, self.proto_style, self.fill, self.ids = ws, table, proto_style, fill, {}

    def add(self, col, fmt, quoted=False, filled=False):
        if (col, fmt, quoted, filled) not in self.ids:
            cell = Cell(self.ws)
            cell._style = self.proto_style(col, fmt)  # noqa: SLF001 — openpyxl's style array
            if quoted:
                cell.quotePrefix = True
            if filled:
                cell.fill = self.fill
            self.ids[col, fmt, quoted, filled] = self.ws.parent._cell_styles.add(cell._style)  # noqa: SLF001

    def __call__(self, col, fmt, quoted=False, filled=False) -> int:
        return self.ids[col, fmt, quoted, filled]

    def register_all(self, filled=False):
        for key in style_keys(self.table, filled):
            self.add(*key)


def style_keys(table, filled=False) -> list:
    """The (column, number format, quote prefix, filled) of every style the rows of `table` can use,
    in a fixed order: each column's format, text (plain and quote-prefixed), the default date
    formats, and the formats of the Val cells, the only ones that need a look at the rows; with
    `filled`, each of them filled too."""
    vals = {(i, v.value.__class__, v.number_format) for row in table.rows for i, v in enumerate(row, 1)
            if isinstance(v, Val)}
    keys = []
    for variant in (False, True) if filled else (False,):
        for col, column in enumerate(table.columns, start=1):
            for fmt, quoted in ((column.number_format, False), ("General", False), ("General", True)):
                keys.append((col, fmt, quoted, variant))
            for fmt in TIME_FORMATS.values():
                keys.append((col, fmt, False, variant))
        for col, kind, fmt in sorted(vals, key=lambda v: (v[0], v[1].__name__, v[2])):  # the same file every run
            if kind is not type(None):
                keys.append((col, *_style_of(kind, fmt), variant))
    return list(dict.fromkeys(keys))


def number_text(value) -> str:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _cell(value, fmt) -> tuple:
    """(cell type, number format of its style, quote prefix) of a value, as openpyxl would store it."""
    if isinstance(value, str):
        return "inlineStr", "General", is_risky(value)
    return ("b" if isinstance(value, bool) else "d" if isinstance(value, (date, time)) else "n",
            *_style_of(value.__class__, fmt))


def _style_of(kind, fmt) -> tuple:
    """(number format, quote prefix) of a non-text value of class `kind` in a cell formatted `fmt`
    (text's quote prefix depends on the text itself: see _cell)."""
    if issubclass(kind, str):
        return "General", False
    if issubclass(kind, (date, time)) and not issubclass(kind, bool):
        base = datetime if issubclass(kind, datetime) else date if issubclass(kind, date) else time
        return (fmt if is_date_format(fmt) else TIME_FORMATS[base]), False
    return fmt, False


def rows_xml(deferred: DeferredRows, style_ids: StyleIds):
    """The <row> elements of the deferred rows, as UTF-8 chunks (a million cells: kept lean)."""
    columns = deferred.table.columns
    letters = [get_column_letter(col) for col in range(1, len(columns) + 1)]
    formats = [c.number_format for c in columns]
    variants = (False, True) if deferred.filled else (False,)
    numbers = {f: [style_ids(col, fmt, False, f) for col, fmt in enumerate(formats, start=1)] for f in variants}
    empty = {f: [style_ids(col, "General", False, f) for col in range(1, len(columns) + 1)] if deferred.styled else None
             for f in variants}
    texts: dict[tuple, str] = {}  # (column, text, filled) → the cell's XML after its reference: texts repeat
    heights, filled_rows = deferred.heights, deferred.filled
    parts = []
    for number, row in enumerate(deferred.table.rows, start=deferred.first_row):
        height = heights.get(number)
        parts.append(f'<row r="{number}" ht="{height}" customHeight="1">' if height else f'<row r="{number}">')
        filled = number in filled_rows
        for i, value in enumerate(row):
            if value is None or (type(value) is not str and isinstance(value, Val) and value.value is None):
                blank = empty[filled]
                if blank is not None:  # a bordered (or filled) empty cell shows
                    parts.append(f'<c r="{letters[i]}{number}" s="{blank[i]}"/>')
                continue  # otherwise openpyxl writes a styled empty cell here; nothing shows either way
            kind = type(value)
            if kind is str:
                tail = texts.get((i, value, filled))
                if tail is None:
                    tail = texts[i, value, filled] = _text_tail(value, style_ids(i + 1, "General", is_risky(value), filled))
                parts.append(f'<c r="{letters[i]}{number}"{tail}')
            elif kind is int or kind is float:
                parts.append(f'<c r="{letters[i]}{number}" s="{numbers[filled][i]}"><v>{value!r}</v></c>')
            elif isinstance(value, Val) and type(value.value) is str:  # a code shown by its name: repeats
                tail = texts.get((i, value, filled))
                if tail is None:
                    fmt, quoted = _cell(value.value, value.number_format)[1:]
                    tail = texts[i, value, filled] = _text_tail(value.value, style_ids(i + 1, fmt, quoted, filled))
                parts.append(f'<c r="{letters[i]}{number}"{tail}')
            else:
                parts.append(_other_cell(f"{letters[i]}{number}", i + 1, value, formats[i], style_ids, filled))
        parts.append("</row>")
        if len(parts) > CHUNK_CELLS:
            yield "".join(parts).encode("utf-8")
            parts = []
    yield "".join(parts).encode("utf-8")


def _text_tail(text, style) -> str:
    text = _ILLEGAL.sub("", clean_text(text))
    if not text:  # as openpyxl writes an empty text: a cell that reads back blank
        return f' s="{style}" t="inlineStr"></c>'
    return f' s="{style}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _other_cell(ref, col, value, fmt, style_ids, filled=False) -> str:
    if isinstance(value, Val):
        value, fmt = value.value, value.number_format
    kind, fmt, quoted = _cell(value, fmt)
    style = style_ids(col, fmt, quoted, filled)
    if kind == "inlineStr":
        return f'<c r="{ref}"{_text_tail(value, style)}'
    if kind == "b":
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    return f'<c r="{ref}" s="{style}"><v>{number_text(to_excel(value) if kind == "d" else value)}</v></c>'


class Generation:
    """The data rows of some deferred sheets, being generated: started at once — in forked
    processes when workers > 1 (and the system can fork) — so that the rest of the workbook can be
    written meanwhile; `parts()` waits for them. Every style the rows use is registered in the
    workbook here, before any process starts, so later styles never change their numbers."""

    def __init__(self, deferred: list, proto_style_of, workers: int = 1):
        self.jobs = []
        for d in deferred:
            style_ids = StyleIds(d.ws, d.table, proto_style_of(d), d.fill)
            style_ids.register_all(filled=bool(d.filled))
            self.jobs.append((d, style_ids))
        self.pool = _pool(workers, self.jobs)
        self.pending = [self.pool.submit(_generate, id(self.jobs), i) for i in range(len(self.jobs))] if self.pool else []

    def frame(self):
        """Nothing to do before the workbook is saved (see xlsx_style.ForkedTable)."""

    def parts(self) -> dict:
        """{sheet part name: (DeferredRows, its rows compressed)}, once generated."""
        try:
            bodies = ([f.result() for f in self.pending] if self.pool
                      else [rows_part(d, style_ids) for d, style_ids in self.jobs])
        finally:
            self.close()
        return {d.ws.path.lstrip("/"): (d, body) for (d, _), body in zip(self.jobs, bodies)}

    def close(self):
        if self.pool:
            self.pool.shutdown(cancel_futures=True)
            _JOBS.pop(id(self.jobs), None)
            self.pool = None


def save_with_rows(wb, fh, generations: list) -> None:
    """Save `wb` (its deferred sheets holding their header rows only) to the binary file `fh`, each
    deferred sheet's data rows (from `generations`) put into its part."""
    try:
        saved = BytesIO()
        wb.save(saved)
        by_part: dict = {}
        for generation in generations:
            by_part.update(generation.parts())
    finally:
        for generation in generations:
            generation.close()
    parts = []
    for part in parts_of(saved):
        if part.name in by_part:
            d, body = by_part[part.name]
            head, tail = _split_at_rows_end(inflate(part).decode("utf-8"), d)
            part = join(part.name, deflate_chunks([head.encode("utf-8")], "", final=False), body,
                        deflate_chunks([tail.encode("utf-8")], ""))
        parts.append(part)
    write_package(fh, parts)


PARALLEL_FROM = 100_000  # cells: fewer are generated in this process (a process costs more than they do)
_JOBS: dict = {}  # what forked generators read: inherited, never pickled


def _pool(workers, jobs):
    if workers <= 1 or sum(len(d.table.rows) * len(d.table.columns) for d, _ in jobs) < PARALLEL_FROM:
        return None
    if "fork" not in multiprocessing.get_all_start_methods():  # Windows: rows would have to be pickled
        return None
    _JOBS[id(jobs)] = jobs
    return ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=multiprocessing.get_context("fork"))


def _generate(key, i) -> Part:
    return rows_part(*_JOBS[key][i])


def rows_part(d, style_ids) -> Part:
    return deflate_chunks(rows_xml(d, style_ids), "", final=False)


def _split_at_rows_end(xml: str, d: DeferredRows) -> tuple:
    """(the sheet XML up to the end of its last header row, the rest); the dimension is widened
    to the data written."""
    last = d.first_row + len(d.table.rows) - 1
    if d.table.rows:
        xml = re.sub(r'<dimension ref="([A-Z]+)(\d+):([A-Z]+)\d+"',
                     lambda m: f'<dimension ref="{m[1]}{m[2]}:{get_column_letter(len(d.table.columns))}{last}"',
                     xml, count=1)
    xml = re.sub(r"<sheetData\s*/>", "<sheetData></sheetData>", xml, count=1)
    end = xml.index("</sheetData>")
    head = re.sub(r'<row r="(\d+)"[^>]*?(/>|>\s*</row>)', lambda m: "" if int(m[1]) >= d.first_row else m[0], xml[:end])
    written = [int(n) for n in re.findall(r'<row r="(\d+)"', head) if int(n) >= d.first_row]
    if written:  # a cell of a streamed row was written through openpyxl: it would be lost
        raise ValueError(f"{d.ws.title}: rows {written[:5]} were written before the streamed rows")
    return head, xml[end:]
