"""Filled unit workbooks for the consolidation tests: a generated template (workbook.builder) filled
through its defined names (workbook.filling), the way an official's typing lands in the cells.

Text that would start a formula is written as a text cell (what Excel stores when an official
types '=…), so a workbook can carry the injection attempts consolidation must neutralise.
"""

import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from dtscore.safecells import is_risky, set_cell
from dtscore.workbook.builder import make_workbook, save_atomic
from dtscore.workbook.filling import clear, fill, named_cell

_BOOKS = {}  # (set id, level, year) → template workbook, cleared and refilled per unit


def cell_value(value):
    """An engine-form value (Decimal ratio, date) as openpyxl writes it into a cell."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def write_unit(cs, level, path, *, code, name, inputs, claimed=None, evidence=None, year=None, mtime=None) -> Path:
    """Write a filled workbook of `level` for one unit. `inputs` {key: {input: value}} use the
    cell form (ratios as fractions, options as labels or codes); `mtime` sets the file's time."""
    key = (cs.id, level, year)
    if key not in _BOOKS:
        _BOOKS[key] = make_workbook(cs, level, year=year)
    wb = clear(_BOOKS[key], cs.level(level))
    fill(wb, inputs={k: {n: cell_value(v) for n, v in vals.items()} for k, vals in inputs.items()},
         claimed={k: cell_value(v) for k, v in (claimed or {}).items()})
    for k, text in (evidence or {}).items():
        set_cell(named_cell(wb, f"{k}_evidence"), text)
    for field, value in (("unit_code", code), ("unit_name", name)):
        set_cell(named_cell(wb, field), value)
    path = save_atomic(wb, path)
    for field in ("unit_code", "unit_name"):  # the cached book is reused: leave no quote prefix behind
        named_cell(wb, field).quotePrefix = False
    for k in (evidence or {}):
        if is_risky(evidence[k]):
            named_cell(wb, f"{k}_evidence").quotePrefix = False
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return Path(path)
