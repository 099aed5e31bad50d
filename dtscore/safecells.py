"""Neutralising text that a spreadsheet would run as a formula ("CSV/formula injection").

A unit's evidence text, name or file name ends up in RESULT.xlsx and in CSV files that reviewers
open in Excel. Text beginning with = + - @ (or a tab / carriage return, which Excel strips before
reading a formula) is neutralised the way OWASP recommends: it is marked as literal text with a
leading apostrophe.

- CSV: the apostrophe is written into the field ("'=1+1"); Excel shows it and never evaluates.
- XLSX: the cell is written as a string cell with Excel's own apostrophe marker (the cell style's
  `quotePrefix`, what Excel stores when a user types '=1+1): the cell shows the text exactly, and
  editing it in Excel keeps it text. openpyxl would otherwise store "=…" as a formula.
"""

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text) -> bool:
    return isinstance(text, str) and text.startswith(TRIGGERS)


def csv_text(value):
    """A value for a CSV field: risky text gets a leading apostrophe; other values unchanged."""
    return "'" + value if is_risky(value) else value


def set_cell(cell, value):
    """Write `value` into an openpyxl cell; risky text becomes a quote-prefixed string cell."""
    cell.value = value
    if is_risky(value):
        cell.data_type = "s"  # openpyxl guessed "f" (formula) from the leading "="
        cell.quotePrefix = True
    return cell
