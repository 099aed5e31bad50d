"""Large ranges through Office.js (xlwings Server, xlwings Lite) at the cost of a few passes in C.

xlwings converts every cell of an argument and of a result through a Python function call
(`_clean_value_data_element`, `prepare_xl_data_element`, xlwings.pro._xlofficejs): for a table of
3,321 units that costs several times the scoring itself. `Cells` is an xlwings converter that
gives exactly the values xlwings' own conversion gives (a list of rows; blank cells None, error
cells as text with err_to_str), but first looks at the types present: when every cell is a
number, text, boolean or blank — what Office.js sends for a range of plain cells, and what a DT_*
table returns — only the blanks (and nothing else) need changing, which list operations do in C.
Anything else (an error cell, a data type, Pyodide's JsNull, a date object, a NaN, a text starting
with "#", a single cell, and every call through the classic add-in) goes through xlwings' own
conversion, unchanged.
"""

from itertools import chain

from xlwings.conversion import Converter, Pipeline, ValueAccessor

_PLAIN_IN = frozenset({float, int, str, bool, type(None)})  # what the fast path reads as xlwings would
_PLAIN_OUT = frozenset({float, int, str, bool, type(None)})


def _rows(value) -> bool:
    return type(value) is list and bool(value) and all(type(row) is list for row in value)


def plain_argument(value):
    """The range as xlwings reads it (err_to_str, ndim=2, blank "" → None), or None when a cell
    needs xlwings' own per-cell reading."""
    if not _rows(value) or not {*map(type, chain.from_iterable(value))} <= _PLAIN_IN:
        return None
    return [[None if v == "" else v for v in row] if "" in row else row for row in value]


def plain_result(value):
    """The result rows as xlwings writes them for Office.js (None → ""), or None when a cell needs
    xlwings' own per-cell writing (NaN, an error text such as "#N/A", dates…)."""
    if not _rows(value):
        return None
    try:
        cells = set(chain.from_iterable(value))  # each distinct cell looked at once (a table repeats its scores)
    except TypeError:  # an unhashable cell (a list, a mapping): not a plain cell
        return None
    types = {*map(type, cells)}
    if not types <= _PLAIN_OUT:
        return None
    if float in types and any(v != v for v in cells):  # NaN: xlwings writes #NUM!
        return None
    if str in types and any(type(v) is str and v[:1] == "#" for v in cells):
        return None
    if None not in cells:
        return value
    return [["" if v is None else v for v in row] if None in row else row for row in value]


class _Either:
    """A pipeline stage: the fast path for Office.js, else xlwings' own pipeline."""

    def __init__(self, fast, standard):
        self.fast, self.standard = fast, standard

    def __call__(self, ctx):
        if ctx.engine.name == "officejs" and ctx.range is None:
            value = self.fast(ctx.value)
            if value is not None:
                ctx.value = value
                return
        self.standard(ctx)


class Cells(Converter):
    """@xw.arg(…, Cells) / @xw.ret(Cells): a range of plain cells converted in bulk (see above)."""

    @classmethod
    def reader(cls, options):
        return Pipeline([_Either(plain_argument, ValueAccessor.reader(options))])

    @classmethod
    def writer(cls, options):
        def standard(ctx):
            ValueAccessor.router(ctx.value, None, options).writer(options)(ctx)

        return Pipeline([_Either(plain_result, standard)])
