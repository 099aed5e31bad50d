"""Calling the DT_* functions the way Excel does through Office.js (xlwings Server / xlwings Lite),
without a server: build the JSON body the add-in's JavaScript posts to /xlwings/custom-functions-call
and hand it to `xlwings.server.custom_functions_call`, which converts the arguments and the result
with xlwings' own machinery.

What Office.js sends (xlwings-server's custom-functions-code.js): every argument is a 2-D array,
even a single cell; a date cell is its serial number; a blank cell is null; an omitted optional
argument is null; an error cell is an error object; a repeating (*args) parameter is a list of
2-D arrays. Requires XLWINGS_ON_SERVER=true before xlwings is imported (tests/conftest.py).
"""

import asyncio
import json
from datetime import date, datetime

import xlwings as xw
from xlwings import server

_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 in the 1900 system (after its 29/02/1900 bug)

OMITTED = object()  # an optional argument left out of the formula

_ERROR_TYPES = {"#DIV/0!": "Div0", "#N/A": "NotAvailable", "#NAME?": "Name", "#NULL!": "Null",
                "#NUM!": "Num", "#REF!": "Ref", "#VALUE!": "Value"}  # fmt: skip


class ExcelError:
    """An error cell, e.g. ExcelError('#N/A')."""

    def __init__(self, code):
        self.code = code


class Repeating:
    """The values of a repeating parameter (*inputs): each one a cell or a range."""

    def __init__(self, *values):
        self.values = values


def serial(d) -> float:
    """The serial number Excel stores for a date (for dates after 1900-03-01)."""
    moment = d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)
    return (moment - _EPOCH).total_seconds() / 86400


def cell(value):
    """One cell's value as Office.js passes it."""
    if isinstance(value, ExcelError):
        return {"type": "Error", "basicValue": value.code, "errorType": _ERROR_TYPES.get(value.code, "Value")}
    if isinstance(value, (date, datetime)):
        return serial(value)
    return value  # None (blank), number, text, bool


def argument(value):
    """One argument: a scalar is a 1×1 range; a list of rows is a range."""
    if value is OMITTED:
        return None
    if isinstance(value, Repeating):
        return [argument(v) for v in value.values]
    if isinstance(value, (list, tuple)):
        return [[cell(c) for c in row] for row in value]
    return [[cell(value)]]


def payload(func_name, *args) -> dict:
    body = {
        "func_name": func_name,
        "args": [argument(a) for a in args],
        "caller_address": "Office.js[Bảng chấm điểm.xlsx]Chấm điểm!H12",
        "content_language": "vi-VN",
        "version": xw.__version__,
        "runtime": "1.4",
        "client": "Office.js",
    }
    return json.loads(json.dumps(body))  # exactly what survives the trip as JSON


def meta(module) -> dict:
    """The registration metadata Excel receives (/xlwings/custom-functions-meta)."""
    return json.loads(json.dumps(server.custom_functions_meta(module)))


class Caller:
    """Calls functions of `module` through custom_functions_call on one event loop."""

    def __init__(self, module):
        self.module = module
        self.loop = asyncio.new_event_loop()

    def close(self):
        self.loop.close()

    def call_payload(self, body):
        result = self.loop.run_until_complete(server.custom_functions_call(body, self.module))
        return json.loads(json.dumps(result))  # the server answers {"result": …} as JSON

    def call(self, func_name, *args):
        """The 2-D result, as Excel would receive it."""
        return self.call_payload(payload(func_name, *args))

    def value(self, func_name, *args):
        """The single value of a one-cell result."""
        result = self.call(func_name, *args)
        assert len(result) == 1 and len(result[0]) == 1, result
        return result[0][0]
