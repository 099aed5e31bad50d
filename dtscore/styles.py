"""The look of every workbook dtscore writes (templates, RESULT.xlsx, the appraisal sheet, the
validation report): Times New Roman (the administrative-document standard), the colour code
explained on the template's "Hướng dẫn" sheet, number formats, and the A4 page setup. One place so
every sheet agrees."""

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.properties import PageSetupProperties

from .printing import set_margins

FONT_NAME = "Times New Roman"
BODY_SIZE = 11

# The colour code (legend on "Hướng dẫn"): yellow = the unit types here; green = computed, locked;
# grey = group headers and totals; red = a self-score that differs from the computed score.
INPUT_COLOR = "FFF2CC"
COMPUTED_COLOR = "E2EFDA"
GROUP_COLOR = "D9D9D9"
HEADER_COLOR = "BDD7EE"
MISMATCH_COLOR = "F8CBAD"
MISMATCH_FONT_COLOR = "9C0006"
NOTE_FONT_COLOR = "595959"
ERROR_COLOR = "FFC7CE"  # the self-check: a cell with an error, and a warning (orange: input cells are yellow)
ERROR_FONT_COLOR = "9C0006"
WARNING_COLOR = "F8B26A"
LINK_COLOR = "0563C1"
FLAG_COLOR = "FCE4D6"  # results: a row that needs the reviewer's eye
SEVERITY_COLORS = {"error": ERROR_COLOR, "warning": WARNING_COLOR}  # a cell with a finding, wherever it is shown

INPUT_FILL = PatternFill("solid", start_color=INPUT_COLOR, end_color=INPUT_COLOR)
COMPUTED_FILL = PatternFill("solid", start_color=COMPUTED_COLOR, end_color=COMPUTED_COLOR)
GROUP_FILL = PatternFill("solid", start_color=GROUP_COLOR, end_color=GROUP_COLOR)
HEADER_FILL = PatternFill("solid", start_color=HEADER_COLOR, end_color=HEADER_COLOR)
MISMATCH_FILL = PatternFill("solid", start_color=MISMATCH_COLOR, end_color=MISMATCH_COLOR)
ERROR_FILL = PatternFill("solid", start_color=ERROR_COLOR, end_color=ERROR_COLOR)
WARNING_FILL = PatternFill("solid", start_color=WARNING_COLOR, end_color=WARNING_COLOR)
FLAG_FILL = PatternFill("solid", start_color=FLAG_COLOR, end_color=FLAG_COLOR)

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)

DATE_FORMAT = "dd/mm/yyyy"
RATIO_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
NUMBER_FORMAT = "#,##0.####"
TEXT_FORMAT = "@"


def score_format(decimals: int) -> str:
    """Scores show exactly the set's decimals (2 → 0.00), as the decision reports them."""
    return "0" if decimals == 0 else "0." + "0" * decimals


def font(size=BODY_SIZE, bold=False, italic=False, color=None) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, color=color)


BODY = font()
BOLD = font(bold=True)
ITALIC_NOTE = font(size=BODY_SIZE - 1, italic=True, color=NOTE_FONT_COLOR)
TITLE = font(size=14, bold=True)
SUBTITLE = font(size=12, bold=True)
CAPTION = font(italic=True)  # the line under a result table's title

WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
CENTER = Alignment(vertical="center", horizontal="center")
TOP_CENTER = Alignment(vertical="top", horizontal="center", wrap_text=True)
TOP_RIGHT = Alignment(vertical="top", horizontal="right")
TOP = Alignment(vertical="top")


def header_row(ws, row: int, titles) -> None:
    """A table's column titles from column A: bold, grey, bordered, wrapped and centred."""
    for column, title in enumerate(titles, 1):
        cell = ws.cell(row=row, column=column, value=title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = WRAP_CENTER


def indented(level: int) -> Alignment:
    """Wrapped text, indented by depth so sub-criteria read as parts of their group."""
    return Alignment(wrap_text=True, vertical="top", indent=min(level * 2, 15))


def use_times_new_roman(wb):
    """Make Times New Roman the default font of a new workbook: font 0 is what unstyled cells
    (and empty rows Excel adds) use. openpyxl has no public setter for it."""
    wb._fonts = IndexedList([BODY])  # noqa: SLF001
    wb._named_styles["Normal"].font = BODY  # noqa: SLF001


def page_setup(ws, header_row: int | None = None, landscape=True, pages_wide=1, title_columns=None, *,
               header_rows=1, area=None):
    """A4, landscape or portrait, fitted to `pages_wide` pages across, centred, the margins of
    dtscore.printing, page numbers in the footer ("Trang n/m"); `header_rows` rows from
    `header_row` (and `title_columns`, e.g. "A:C", on the pages to the right) repeated."""
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
        ws.print_title_rows = f"{header_row}:{header_row + header_rows - 1}"
    if title_columns:
        ws.print_title_cols = title_columns
    if area:
        ws.print_area = area
