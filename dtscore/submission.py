"""A filled workbook as the reader sees it: every value reached through a defined name.

The reader (workbook/reader.py) builds a Submission; validation (dtscore/validation.py) scores it.
Nothing here knows about cell positions except CellInfo, which says where a name points so that a
finding can name the cell the official has to fix.
"""

from dataclasses import dataclass, field
from functools import lru_cache

# Defined names that describe the workbook itself (sheet "Thông tin") and its totals.
UNIT_CODE, UNIT_NAME, LEVEL, YEAR = "unit_code", "unit_name", "level", "year"
CRITERIA_SET, CRITERIA_VERSION, CRITERIA_FINGERPRINT = "criteria_set", "criteria_version", "criteria_fingerprint"
TOTAL_CLAIMED, TOTAL_SCORE = "total_claimed", "total_score"
CHECK_SUMMARY = "check_summary"  # the template's self-check summary (a formula, never an input)
HEADER_NAMES = (UNIT_CODE, UNIT_NAME, LEVEL, YEAR, CRITERIA_SET, CRITERIA_VERSION, CRITERIA_FINGERPRINT)
PARAM_PREFIX = "param_"

# Per criterion KEY: KEY_<input> for each input, and these; KEY_status is the self-check's status
# (a formula the template computes, never an input).
CLAIMED, SCORE, EVIDENCE, NOTE, STATUS = "claimed", "score", "evidence", "note", "status"
ROW_SUFFIXES = (CLAIMED, SCORE, EVIDENCE, NOTE, STATUS)


def quote_sheet(sheet: str) -> str:
    """A sheet name as Excel writes it in a reference: 'Chấm điểm' (quotes doubled inside)."""
    if sheet.replace("_", "").isalnum() and sheet.isascii() and not sheet[0].isdigit():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


@dataclass(frozen=True)
class CellInfo:
    """One named cell: where it is, what it shows (the value cached by the last program that
    calculated it), the formula it holds (with '=', or None), its number format and value type."""

    sheet: str
    coord: str  # A1 style, no '$'
    value: object = None  # None (blank), str, int, float, bool, datetime, or an error text '#NAME?'
    formula: str | None = None
    number_format: str = "General"
    data_type: str = "n"  # 'n' number, 's' text, 'b' boolean, 'd' date, 'e' error (of the value shown)

    @property
    def ref(self) -> str:
        """'Chấm điểm'!H12 — the form used in every finding."""
        return f"{quote_sheet(self.sheet)}!{self.coord}"

    @property
    def is_error(self) -> bool:
        return self.data_type == "e"


@dataclass
class Submission:
    criteria_set: str
    version: str
    fingerprint: str
    level: str
    year: object
    unit: dict  # {"code": …, "name": …}
    inputs: dict  # {key: {input name: raw cell value}}
    claimed: dict  # {key: raw cell value}
    evidence: dict  # {key: text}
    parameters: dict  # {parameter name: raw cell value}
    cells: dict  # {defined name: CellInfo}
    file: str = ""
    sha256: str = ""
    notes: dict = field(default_factory=dict)  # {key: text}
    formula_mode: str | None = None  # "udf" | "native" | None (not recognisable)
    sheets: tuple = ()  # sheet names in workbook order
    stray_names: tuple = ()  # workbook names that follow no part of the contract (kept for diagnosis)
    formulas_read: bool = True  # False when the source could give values only (xlwings Server's payload)
    ignored_names: tuple = ()  # (name, reference): names outside the contract that point nowhere usable

    def cell(self, name) -> CellInfo | None:
        return self.cells.get(name)

    def ref(self, name) -> str | None:
        """'Chấm điểm'!H12 for a defined name, or None if the workbook lacks it."""
        info = self.cells.get(name)
        return info.ref if info else None

    @property
    def keys(self) -> list:
        """Criterion keys present in the workbook, in the order of their rows."""
        rows: dict = {}
        for name, info in self.cells.items():
            key, suffix = split_row_name(name)
            if key and suffix in (SCORE, CLAIMED):
                rows.setdefault(key, _row_of(info.coord))
        return sorted(rows, key=lambda k: rows[k])


@lru_cache(maxsize=8192)  # the same few hundred names in every workbook of a set
def split_row_name(name: str) -> tuple:
    """'H12_score' → ('H12', 'score'); names outside a criterion row → (None, None)."""
    if name in (TOTAL_CLAIMED, TOTAL_SCORE, CHECK_SUMMARY) or name.startswith(PARAM_PREFIX):
        return None, None
    for suffix in ROW_SUFFIXES:
        if name.endswith("_" + suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix) - 1], suffix
    return None, None


def _row_of(coord: str) -> int:
    digits = "".join(ch for ch in coord if ch.isdigit())
    return int(digits) if digits else 0
