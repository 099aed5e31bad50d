"""The look of the template: Times New Roman (the administrative-document standard), the colour
code explained on the "Hướng dẫn" sheet, number formats. One place so every sheet agrees."""

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

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

INPUT_FILL = PatternFill("solid", start_color=INPUT_COLOR, end_color=INPUT_COLOR)
COMPUTED_FILL = PatternFill("solid", start_color=COMPUTED_COLOR, end_color=COMPUTED_COLOR)
GROUP_FILL = PatternFill("solid", start_color=GROUP_COLOR, end_color=GROUP_COLOR)
HEADER_FILL = PatternFill("solid", start_color=HEADER_COLOR, end_color=HEADER_COLOR)
MISMATCH_FILL = PatternFill("solid", start_color=MISMATCH_COLOR, end_color=MISMATCH_COLOR)
ERROR_FILL = PatternFill("solid", start_color=ERROR_COLOR, end_color=ERROR_COLOR)
WARNING_FILL = PatternFill("solid", start_color=WARNING_COLOR, end_color=WARNING_COLOR)

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

WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
CENTER = Alignment(vertical="center", horizontal="center")
TOP_CENTER = Alignment(vertical="top", horizontal="center", wrap_text=True)
TOP_RIGHT = Alignment(vertical="top", horizontal="right")


def indented(level: int) -> Alignment:
    """Wrapped text, indented by depth so sub-criteria read as parts of their group."""
    return Alignment(wrap_text=True, vertical="top", indent=min(level * 2, 15))
