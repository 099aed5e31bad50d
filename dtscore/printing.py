"""What makes a written sheet print whole: columns as wide as their text (or wrapped when the text
is long), row heights that show wrapped text, title lines spanning the table. Spreadsheet programs
neither widen columns nor grow rows that a program wrote, so the sizes are estimated here from the
text, in Times New Roman 11 pt. Page setup (A4, fit to width, repeated header, footer "Trang n/m")
is `xlsx_style.page_setup`; every workbook writer, streaming or not, calls both.

Widths are Excel's units (about one digit of the default font); the estimates err on the wide side
because a clipped word is worse than a little white space."""

from functools import lru_cache

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

LINE_HEIGHT = 15  # points, one line of 11 pt Times New Roman
MAX_HEIGHT = 409  # Excel's largest row height
NARROW = set("ijlrtfI.,;:'!|()[]/- ")
WIDE = set("MWmw@%")
MAX_UNWRAPPED = 24  # a column whose text is wider than this wraps instead of widening


PAGE_EDGE, FOOTER_ROOM = 0.3, 0.45  # inches: page edge → footer line, footer line → the table


def set_margins(ws):
    """Margins with room for the footer "Trang n/m": it sits between the page edge and the bottom
    margin, and LibreOffice gives it only (bottom − footer) inches, clipping the rest."""
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = FOOTER_ROOM + PAGE_EDGE
    ws.page_margins.header = ws.page_margins.footer = PAGE_EDGE


def text_width(text) -> float:
    """Estimated width of one line of text in column-width units (Times New Roman 11 pt)."""
    return _width(str(text))


@lru_cache(maxsize=1 << 16)  # a national result repeats the same names and titles on thousands of rows
def _width(text: str) -> float:
    width = 0.0
    for ch in text:
        if ch in NARROW:
            width += 0.55
        elif ch in WIDE or (ch.isupper() and ch.isalpha()):
            width += 1.35
        else:
            width += 1.0
    return width


def needed_width(values) -> float:
    """The width that shows the longest line of any value unwrapped, with a little padding."""
    longest = 0.0
    for value in {str(v) for v in values if v is not None}:  # the widest is the widest of the distinct texts
        for line in value.split("\n"):
            longest = max(longest, _width(line))
    return longest + 2


def lines_needed(text, width) -> int:
    """Lines a wrapped text takes in a column of `width` units (words are not split)."""
    return _lines(str(text), width)


@lru_cache(maxsize=1 << 16)
def _lines(text: str, width) -> int:
    lines = 0
    usable = max(1.0, width - 1.5)
    for paragraph in text.split("\n"):
        used, count = 0.0, 1
        for word in paragraph.split(" "):
            w = _width(word)
            if used and used + 0.55 + w > usable:
                count, used = count + 1, 0.0
            while w > usable:  # a word longer than the column is broken by the program
                count, w = count + 1, w - usable
            used += (0.55 if used else 0) + w
        lines += count
    return lines


def row_height(values, widths) -> float:
    """A height that shows every wrapped value of a row whole."""
    lines = 1
    for value, width in zip(values, widths):
        if isinstance(value, str) and value:
            lines = max(lines, lines_needed(value, width))
    return min(MAX_HEIGHT, lines * LINE_HEIGHT + 3)


def tall_rows(rows, columns, shown=lambda v: v, first=1) -> dict:
    """{row number: height} of the rows (numbered from `first`) taller than one line: those whose
    text in a wrapped column (result_tables.Column) needs more lines; row_height of each row, with
    the lines of each distinct value counted once."""
    wrapped: list[tuple[int, float, dict]] = [(i, c.width, {}) for i, c in enumerate(columns) if c.wrap]
    heights = {}
    for number, row in enumerate(rows, start=first):
        lines = 1
        for i, width, known in wrapped:
            value = row[i]
            try:
                n = known[value]
            except KeyError:
                text = shown(value)
                n = known[value] = lines_needed(text, width) if isinstance(text, str) and text else 1
            except TypeError:  # unhashable
                text = shown(value)
                n = lines_needed(text, width) if isinstance(text, str) and text else 1
            if n > lines:
                lines = n
        if lines > 1:
            heights[number] = min(MAX_HEIGHT, lines * LINE_HEIGHT + 3)
    return heights


def fit_columns(columns, rows, shown=lambda v: v):
    """Widen each column (result_tables.Column) to its text, up to MAX_UNWRAPPED; a column with longer
    text wraps. `shown(value)` is the text a cell displays (None for numbers and blanks)."""
    for i, column in enumerate(columns):
        texts = [t for t in map(shown, _distinct(row[i] for row in rows if i < len(row))) if isinstance(t, str)]
        header_words = max((text_width(w) for w in column.header.split()), default=0) + 2
        need = max(needed_width(texts), header_words)
        if need > column.width:
            if need <= max(MAX_UNWRAPPED, column.width):
                column.width = need
            else:
                column.wrap = True
        column.width = max(column.width, header_words)


def _distinct(values) -> list:
    """The distinct values (a column of a national table repeats the same names, titles and codes)."""
    values = list(values)
    try:
        return list(dict.fromkeys(values))
    except TypeError:  # an unhashable value: every one is looked at
        return values


def span_titles(ws, first_row, last_row, ncols, widths):
    """Title lines above a table (rows with text in column A only) span its width, wrap, and get
    the height their text needs."""
    total = sum(widths)
    for row in range(first_row, last_row + 1):
        cell = ws.cell(row, 1)
        if not isinstance(cell.value, str) or not cell.value:
            continue
        if any(ws.cell(row, c).value is not None for c in range(2, ncols + 1)):
            continue  # a row of an earlier table, not a title
        if any(row in (r.min_row, r.max_row) and r.min_col == 1 for r in ws.merged_cells.ranges):
            continue  # already spanned
        if ncols > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        scale = (cell.font.sz or 11) / 11 if cell.font is not None else 1
        ws.row_dimensions[row].height = min(MAX_HEIGHT, lines_needed(cell.value, total / scale) * LINE_HEIGHT * scale + 3)


def fit_text_rows(ws, first_row, last_row, columns):
    """Heights for rows of long text in the given columns (a guide, an information sheet)."""
    widths = [ws.column_dimensions[get_column_letter(c)].width or 10 for c in columns]
    for row in range(first_row, last_row + 1):
        values = [ws.cell(row, c).value for c in columns]
        ws.row_dimensions[row].height = row_height(values, widths)
