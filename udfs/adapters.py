"""Reading Excel arguments and writing Excel results for the DT_* functions.

What arrives depends on the runtime: the classic Windows add-in passes date cells as datetimes and
numbers as floats; Office.js (xlwings Server, xlwings Lite) passes dates as serial numbers; both
pass a blank cell as None, a range as a list of rows, and (with `err_to_str`) an error cell as its
text, e.g. "#N/A". Everything here turns those into the Python values dtscore expects, or raises
UdfError with a short Vietnamese message that names the argument. Parsing itself is
dtscore.values'; this module only adds the Excel shapes (ranges, error cells, blanks).
"""

import functools
import importlib.util
import inspect
import logging
import os
import sys
import types
from decimal import Decimal
from pathlib import Path

from dtscore.criteria import load_set
from dtscore.decimals import fmt_vn, round_half_up, to_decimal
from dtscore.errors import DtscoreError, InputError
from dtscore.values import is_blank, nfc, parse_count, parse_date, parse_number, parse_ratio

logger = logging.getLogger(__name__)

BLANK = ""  # what a function returns when there is nothing to score yet: the cell looks empty

# Error values a cell can hold, as xlwings passes them with err_to_str=True.
EXCEL_ERRORS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!",
})  # fmt: skip

_TRUE = {"true", "1", "x", "có", "co", "đúng", "dung", "yes"}
_FALSE = {"false", "0", "không", "khong", "sai", "no"}


class _NotPyodide(types.ModuleType):
    """What `from pyodide.ffi import JsNull` finds outside Pyodide: a JsNull nothing is an instance of."""

    class JsNull:
        pass


def skip_pyodide_probe() -> bool:
    """Answer xlwings' `from pyodide.ffi import JsNull` at once where there is no Pyodide.

    xlwings (0.37) runs that import for every argument cell; outside Pyodide each failed import
    searches the whole sys.path again (about 0,4 ms, 80% of a DT_RATIO call), and even an import
    refused by a None in sys.modules takes the import lock (0,1 ms per 10 cells). A stand-in
    `pyodide.ffi` in sys.modules is found at once, and its JsNull matches no value; `pyodide`
    itself stays absent (None), so `import pyodide` still fails. Under Pyodide (sys.platform
    "emscripten") or wherever a `pyodide` package is installed nothing changes. Returns True
    when the stand-in was put in place."""
    if sys.platform == "emscripten" or "pyodide" in sys.modules:
        return False
    if importlib.util.find_spec("pyodide") is not None:
        return False
    sys.modules["pyodide"] = None  # type: ignore[assignment]  # documented: "this module is absent"
    sys.modules["pyodide.ffi"] = _NotPyodide("pyodide.ffi")
    return True


skip_pyodide_probe()


class UdfError(Exception):
    """Bad input to a DT_* function; the message is Vietnamese and names the argument."""


def fmt(x) -> str:
    """A number for a message, the Vietnamese way and without noise: 1,5 — 0,015 — 1.200."""
    return fmt_vn(x, 6)


# -- shapes ------------------------------------------------------------------------------------


def cells(value) -> list:
    """The cells of a single cell or a range, row by row (a range's shape does not matter)."""
    if isinstance(value, (list, tuple)):
        out: list = []
        for item in value:
            out.extend(item if isinstance(item, (list, tuple)) else [item])
        return out
    return [value]


def grid(value, label) -> list:
    """A block of cells as a list of equal rows; a single cell is a 1×1 block."""
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if value and not isinstance(value[0], (list, tuple)):
        return [list(value)]  # one row (a plain-Python call)
    rows = [list(row) for row in value]
    if len({len(row) for row in rows}) > 1:
        raise UdfError(f"{label} phải là một vùng hình chữ nhật")
    return rows


def is_error(value) -> bool:
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


def check_cell(value, label):
    """The value itself, unless the cell holds an Excel error."""
    if is_error(value):
        raise UdfError(f"ô {label} đang lỗi {value.strip()}")
    return value


# -- scalars -----------------------------------------------------------------------------------


LARGEST = Decimal(10) ** 15  # Excel keeps 15 significant digits; beyond, a value is a mistake


def _parsed(parse, value, label):
    check_cell(value, label)
    try:
        result = parse(value, label)
    except InputError as exc:
        raise UdfError(str(exc)) from None
    if isinstance(result, Decimal) and not result.is_finite():
        raise UdfError(f"{label}: đọc được {value}, cần một số")
    if isinstance(result, (int, Decimal)) and abs(result) >= LARGEST:
        raise UdfError(f"{label} {float(result):.6g} quá lớn".replace(".", ","))
    return result


def required(value, label):
    """A parameter of the formula (not the unit's data): a blank is a mistake in the formula."""
    if is_blank(value):
        raise UdfError(f"thiếu {label}")
    return value


def number(value, label) -> Decimal | None:
    return _parsed(parse_number, value, label)


def nonnegative(value, label) -> Decimal | None:
    x = number(value, label)
    if x is not None and x < 0:
        raise UdfError(f"{label} {fmt(x)} là số âm")
    return x


def points(value, label="điểm chuẩn") -> Decimal:
    """A maximum score: a number above 0."""
    x = required(number(value, label), label)
    if x <= 0:
        raise UdfError(f"{label} {fmt(x)} phải lớn hơn 0")
    return x


def count(value, label) -> int | None:
    x = _parsed(parse_count, value, label)
    if x is not None and x < 0:
        raise UdfError(f"{label} {x} là số âm")
    return x


def ratio(value, label) -> Decimal | None:
    """A share as a fraction 0–1 (a cell formatted 90% holds 0,9; '90%' as text is read too)."""
    x = _parsed(parse_ratio, value, label)
    if x is None:
        return None
    if x > 1:
        # 95 in a cell not formatted as % is almost surely 95%: say how to enter it
        hint = f" — nhập {fmt(x)}% hoặc {fmt(x / 100)}" if 2 <= x <= 100 else ""
        raise UdfError(f"{label} {fmt(x)} > 100%{hint}")
    if x < 0:
        raise UdfError(f"{label} {fmt(x)} < 0")
    return x


def amount(value, label) -> Decimal | None:
    """A number or a share: 45, 0,12, or '12%' as text (0,12, like a cell formatted as %)."""
    return _parsed(parse_ratio, value, label)


def target(value, label) -> Decimal:
    """A target or threshold share: above 0 and at most 100%."""
    x = _parsed(parse_ratio, required(value, label), label)
    if x is None:
        raise UdfError(f"thiếu {label}")
    if not 0 < x <= 1:
        raise UdfError(f"{label} {fmt(x)} phải lớn hơn 0 và không quá 100%")
    return x


def date(value, label):
    """A date cell (datetime in the classic add-in), an Excel serial number, or dd/mm/yyyy text."""
    return _parsed(parse_date, value, label)


def text(value, label) -> str | None:
    check_cell(value, label)
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < LARGEST:
        value = int(value)  # a code typed as 1 arrives as 1.0
    return nfc(value)


def flag(value, label, default: bool) -> bool:
    """TRUE/FALSE, 1/0, or có/không; a blank or omitted argument is the default."""
    check_cell(value, label)
    if is_blank(value):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)) and value in (0, 1):
        return bool(value)
    word = nfc(value).casefold() if isinstance(value, str) else None
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise UdfError(f"{label}: đọc được “{value}”, cần TRUE hoặc FALSE")


def whole(value, label, default: int, low: int, high: int) -> int:
    x = number(value, label)
    if x is None:
        return default
    if x != x.to_integral_value() or not low <= x <= high:
        raise UdfError(f"{label} {fmt(x)} phải là số nguyên từ {low} đến {high}")
    return int(x)


def criteria_set(value, label="bộ tiêu chí"):
    """A criteria set by its id ('soctrang-2023'); the error lists the sets there are.

    The classic add-in also accepts a path to a YAML file on the official's computer; a shared
    server (xlwings Server, XLWINGS_ON_SERVER) only its built-in ids, so that a formula cannot
    make it read arbitrary files."""
    name = required(text(value, label), label)
    if not isinstance(value, str) or len(name) > 200:
        raise UdfError(f"{label}: đọc được “{name[:40]}”, cần một mã như soctrang-2023")
    if os.environ.get("XLWINGS_ON_SERVER") == "true" and (Path(name).name != name or Path(name).suffix):
        raise UdfError(f"{label} “{name}”: chỉ dùng mã bộ tiêu chí có sẵn, ví dụ soctrang-2023")
    return load_set(name)


# -- results -----------------------------------------------------------------------------------


def to_excel(x):
    """A Decimal as a plain number Excel (and JSON) understands."""
    x = to_decimal(x)
    return int(x) if x == x.to_integral_value() and abs(x) < 2**53 else float(x)


def score(x, digits: int = 2):
    """A score rounded half-up like Excel's ROUND."""
    return to_excel(round_half_up(x, digits))


# -- the function boundary -----------------------------------------------------------------------


def excel_function(*examples):
    """Make a DT_* function safe to call from a cell: bad input becomes a message, never a
    traceback. The Vietnamese docstring becomes the one-line help Excel shows; `examples` feed
    the generated reference (docs/excel-functions.md)."""

    def decorate(func):
        name = func.__name__

        @functools.wraps(func)
        def wrapper(*args):
            try:
                return func(*args)
            except (UdfError, DtscoreError) as exc:
                return f"{name}: {exc}"
            except Exception:  # noqa: BLE001 — a cell must get a message, not an exception
                logger.exception("%s%r failed", name, args)
                return f"{name}: lỗi không mong đợi — báo quản trị viên dtscore"

        wrapper.__doc__ = " ".join(inspect.cleandoc(func.__doc__ or "").split())
        wrapper.examples = examples
        return wrapper

    return decorate


class Example:
    """One documented call: the formula as a Vietnamese-locale Excel shows it, the Python values
    of its arguments (as the add-in passes them), and an optional note on the cells it reads."""

    def __init__(self, formula, *args, note=""):
        self.formula, self.args, self.note = formula, args, note
