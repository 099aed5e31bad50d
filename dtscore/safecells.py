"""Neutralising text that a spreadsheet would run as a formula ("CSV/formula injection").

A unit's evidence text, name or file name ends up in RESULT.xlsx and in CSV files that reviewers
open in Excel. Text beginning with = + - @ (or a tab / carriage return, which Excel strips before
reading a formula) is neutralised the way OWASP recommends: it is marked as literal text with a
leading apostrophe.

- CSV: the apostrophe is written into the field ("'=1+1"); Excel shows it and never evaluates.
- XLSX: the cell is written as a string cell with Excel's own apostrophe marker (the cell style's
  `quotePrefix`, what Excel stores when a user types '=1+1): the cell shows the text exactly, and
  editing it in Excel keeps it text. openpyxl would otherwise store "=…" as a formula.

Control characters are a second hazard in the same texts: Excel's escape `_x000B_` (a line break
pasted into the evidence) reads back as U+000B, which openpyxl refuses to write and a terminal
obeys (ESC sequences clear the screen or set the window title). Everything dtscore writes — xlsx,
CSV, HTML, the console — goes through `clean_text` first: line breaks stay, vertical tab and form
feed become line breaks, every other control character (C0, DEL, C1, bidirectional overrides)
becomes U+FFFD, and the undecodable bytes of a non-UTF-8 file name are shown as \\xHH (so the
name stays recognisable).
"""

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(r"\r\n?|[\x0b\x0c]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """`text` safe to write anywhere (see above); a str without such characters is returned as is."""
    if text.isprintable():
        return text
    if _SURROGATES.search(text):
        try:  # a file name with bytes that are not UTF-8 (os.fsdecode's surrogateescape)
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            text = _SURROGATES.sub(REPLACEMENT, text)
    return _CONTROLS.sub(REPLACEMENT, _BREAKS.sub("\n", text))


def is_risky(text) -> bool:
    return isinstance(text, str) and text.startswith(TRIGGERS)


def csv_text(value):
    """A value for a CSV field: risky text gets a leading apostrophe; other values unchanged."""
    if isinstance(value, str):
        value = clean_text(value)
    return "'" + value if is_risky(value) else value


def set_cell(cell, value):
    """Write `value` into an openpyxl cell; risky text becomes a quote-prefixed string cell."""
    if isinstance(value, str):
        value = clean_text(value)
    cell.value = value
    if is_risky(value):
        cell.data_type = "s"  # openpyxl guessed "f" (formula) from the leading "="
        cell.quotePrefix = True
    return cell
