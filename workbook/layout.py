"""Where things go in a template: sheet names, the columns of "Chấm điểm", row heights.

Readers never rely on this (they use the defined names); the builder and its tests do.
"""

import math
from dataclasses import dataclass

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from dtscore.decimals import round_half_up

SHEET_GUIDE = "Hướng dẫn"
SHEET_INFO = "Thông tin"
SHEET_SCORE = "Chấm điểm"
SHEET_PARAMS = "Tham số"
SHEET_CHECK = "Tự kiểm tra"  # the self-check's list (the add-in's button writes its own "Kiểm tra")
# The sheet button of xlwings Server/Lite: a shape of this name on the score sheet (cell: BUTTON_CELL)
BUTTON_SHAPE = "btnKiemTra"
BUTTON_TEXT = "Tính lại & kiểm tra"
SHEET_ADDIN = "xlwings.conf"  # the classic xlwings add-in reads its settings from a sheet of this name


def quote_sheet(sheet: str) -> str:
    """A sheet name inside a reference: always quoted ('Chấm điểm'), inner quotes doubled."""
    return "'" + sheet.replace("'", "''") + "'"


def absolute(sheet: str, coord: str) -> str:
    """'Chấm điểm'!$I$12 — the form of a defined name's target."""
    letters = coord.rstrip("0123456789")
    return f"{quote_sheet(sheet)}!${letters}${coord[len(letters):]}"


@dataclass(frozen=True)
class Column:
    letter: str
    header: str
    width: float


# The columns of "Chấm điểm". A criterion with several inputs spans several rows: one per input
# in E–G; the other columns are merged over the block.
STT = Column("A", "STT", 5)
KEY = Column("B", "Mã", 8)
TITLE = Column("C", "Tiêu chí, cách tính điểm", 46)
MAX = Column("D", "Điểm chuẩn", 8)
LABEL = Column("E", "Số liệu cần nhập", 26)
VALUE = Column("F", "Giá trị", 14)
UNIT = Column("G", "Đơn vị tính, thời hạn", 11)
CLAIMED = Column("H", "Điểm tự chấm", 9)
SCORE = Column("I", "Điểm tính", 9)
DIFF = Column("J", "Chênh lệch (tự chấm − tính)", 10)
EVIDENCE = Column("K", "Căn cứ tính điểm (số, ngày văn bản, nguồn số liệu)", 30)
NOTE = Column("L", "Ghi chú", 18)
APPLICABLE = Column("M", "Điểm chuẩn áp dụng", 10)  # hidden helper: max once KAD parts are out
STATUS = Column("N", "Trạng thái (tự kiểm tra)", 30)  # the first problem to fix, or "Đạt" (self_check.py)
# Hidden helpers of the self-check, on the criterion's first row unless said otherwise
ERRORS = Column("O", "Số lỗi", 6)
WARNINGS = Column("P", "Số cảnh báo", 6)
VALUE_FLAG = Column("Q", "Mức lỗi ô Giá trị", 6)  # on every row: 2 error, 1 warning, 0 for the F cell
CLAIM_FLAG = Column("R", "Mức lỗi ô Điểm tự chấm", 6)
EVIDENCE_FLAG = Column("S", "Mức lỗi ô Căn cứ", 6)
TARGET = Column("T", "Ô cần sửa", 8)  # address of the first problem's cell
RANK = Column("U", "Thứ tự trong danh sách Tự kiểm tra", 6)

SCORE_COLUMNS = (STT, KEY, TITLE, MAX, LABEL, VALUE, UNIT, CLAIMED, SCORE, DIFF, EVIDENCE, NOTE, APPLICABLE, STATUS)
PRINTED_COLUMNS = tuple(c for c in SCORE_COLUMNS if c is not APPLICABLE)
HIDDEN_COLUMNS = (APPLICABLE, ERRORS, WARNINGS, VALUE_FLAG, CLAIM_FLAG, EVIDENCE_FLAG, TARGET, RANK)
MERGED_COLUMNS = (STT, KEY, TITLE, MAX, CLAIMED, SCORE, DIFF, EVIDENCE, NOTE, APPLICABLE, STATUS)
# The sheet button's cell: one visible column right of the last column the sheet uses (LibreOffice prints
# a shape lying in the page margin whatever its print flag: tests/test_printing.py)
BUTTON_CELL = f"{get_column_letter(max(column_index_from_string(c.letter) for c in SCORE_COLUMNS + HIDDEN_COLUMNS) + 2)}2"

SUMMARY_ROW = 4  # the self-check's summary ("3 lỗi, 1 cảnh báo — xem cột Trạng thái")
HEADER_ROW = 6  # column headers; the next row numbers the columns (1), (2), … as forms do
FIRST_DATA_ROW = HEADER_ROW + 2

LINE_HEIGHT = 14.5  # points per wrapped line of 11-point Times New Roman, with some air
CHARS_PER_WIDTH = 1.35  # 11-point Times New Roman (Liberation Serif) fits ~1.4 characters per width unit


def text_lines(text: str, width: float, size: float = 11) -> int:
    """Wrapped lines `text` needs in a column `width` wide at font `size` (neither Excel nor
    LibreOffice fits the height of merged cells, so the builder sets it; a slight overestimate
    leaves air, an underestimate would hide text)."""
    per_line = max(1, int(width * CHARS_PER_WIDTH * 11 / size))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n")) if text else 1


def height_for(lines: float, size: float = 11) -> float:
    return float(round_half_up(max(1, lines) * LINE_HEIGHT * size / 11 + 3, 1))
