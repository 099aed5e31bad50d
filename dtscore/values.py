"""Reading values as users write them: '75,7%', '0,757', '15/05/2023', Excel serial dates.

Every function raises InputError with a Vietnamese message that says what was read and
what is expected; blanks ('' or None) are returned as None so callers decide what missing means.
"""

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal

from .decimals import to_decimal
from .errors import InputError

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 once Excel's fictitious 29/02/1900 is skipped

# Excel keeps 15 significant digits: a figure of 10^15 or more (or NaN, ±inf) is no count, ratio or
# score a unit can have — an input out of range, never something to compute with.
NUMBER_LIMIT = Decimal(10) ** 15

_NUMBER = re.compile(r"^[+-]?(\d{1,3}([ .]\d{3})+|\d+)?([.,]\d+)?$")


def nfc(text) -> str:
    """Unicode NFC, stripped: the one form text is compared and stored in."""
    return unicodedata.normalize("NFC", str(text)).strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def number_problem(value) -> str | None:
    """Why a number read from a file cannot be computed with (NaN, ±inf, 10^15 or more), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    if isinstance(value, int):
        too_big = abs(value) >= NUMBER_LIMIT
    else:
        number = Decimal(repr(float(value))) if isinstance(value, float) else value
        if not number.is_finite():
            return "giá trị không phải số hữu hạn (NaN/vô cực)"
        too_big = abs(number) >= NUMBER_LIMIT
    return "số quá lớn (từ 10^15 trở lên): không phải số liệu thật" if too_big else None


def parse_number(value, field=None) -> Decimal | None:
    """A number from a cell or a file: 12, 12.5, '12,5', '1.234,5'."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise InputError(field, f"đọc được {value!r}, cần một số")
    if isinstance(value, (int, float, Decimal)):
        problem = number_problem(value)
        if problem:
            raise InputError(field, problem)
        return to_decimal(value)
    text = nfc(value).replace("\u00a0", "")
    if not _NUMBER.match(text) or text in {"+", "-"}:
        raise InputError(field, f"đọc được “{text}”, cần một số")
    if "," in text:  # Vietnamese: dot groups thousands, comma is the decimal mark
        text = text.replace(".", "").replace(" ", "").replace(",", ".")
    elif text.count(".") > 1 or " " in text:
        text = text.replace(".", "").replace(" ", "")
    number = Decimal(text)
    if number_problem(number):
        raise InputError(field, number_problem(number))
    return number


def parse_ratio(value, field=None) -> Decimal | None:
    """A share as a fraction: 0.757, '75,7%', '75.7 %' → Decimal('0.757').

    A bare number is taken as a fraction (as Excel stores 75,7%); the range check (≤ 1) is a
    finding for the caller, not an error here, so that '75,7' can be explained to the user.
    """
    if is_blank(value):
        return None
    try:
        if isinstance(value, str) and nfc(value).endswith("%"):
            number = parse_number(nfc(value)[:-1].strip(), field)
            if number is not None:
                return number / 100
        else:
            return parse_number(value, field)
    except InputError:
        pass
    raise InputError(field, f"đọc được “{nfc(value)}”, cần một tỉ lệ như 75,7% hoặc 0,757")


def parse_count(value, field=None) -> int | None:
    """A whole count: 3, 3.0, '3'. Fractions are errors; negatives are left to range checks."""
    number = parse_number(value, field)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise InputError(field, f"đọc được {value}, cần một số nguyên")
    return int(number)


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")


def excel_serial_to_date(serial) -> date:
    """Excel 1900 date system serial → date (serials below 61 count the fictitious 29/02/1900)."""
    days = int(to_decimal(serial))
    if days < 1:
        raise ValueError(serial)
    return EXCEL_EPOCH + timedelta(days=days if days >= 61 else days + 1)


def date_to_excel_serial(d: date) -> int:
    days = (d - EXCEL_EPOCH).days
    return days if days >= 61 else days - 1


def parse_date(value, field=None) -> date | None:
    """A date: a date/datetime, an Excel serial number, 'yyyy-mm-dd' or 'dd/mm/yyyy'."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        try:
            return excel_serial_to_date(value)
        except (ValueError, OverflowError):
            raise InputError(field, f"đọc được {value}, cần một ngày") from None
    text = nfc(value)
    match = _DMY.match(text)
    try:
        if match:
            d, m, y = (int(g) for g in match.groups())
            return date(y, m, d)
        match = _ISO.match(text)
        if match:
            y, m, d = (int(g) for g in match.groups())
            return date(y, m, d)
    except ValueError:
        raise InputError(field, f"“{text}” không phải là ngày có thật") from None
    raise InputError(field, f"đọc được “{text}”, cần một ngày dạng dd/mm/yyyy")


def fmt_date_vn(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def parse_choice(value, options, field=None) -> str | None:
    """The code of a choice, given its code ('phoi_hop') or its Vietnamese label."""
    if is_blank(value):
        return None
    text = nfc(value).casefold()
    for option in options:
        if text in (option.code.casefold(), nfc(option.label).casefold()):
            return option.code
    allowed = "; ".join(f"“{o.label}”" for o in options)
    raise InputError(field, f"đọc được “{nfc(value)}”, cần một trong: {allowed}")
