"""Excel-compatible numbers: half-up rounding and Vietnamese formatting."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)


def to_decimal(x) -> Decimal:
    """Exact decimal of a number; floats go through their shortest repr (0.1 → 0.1, as Excel shows)."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, bool):
        raise TypeError("bool is not a number")
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, float):
        return Decimal(repr(float(x)))  # float(): a numpy float64 spells itself "np.float64(…)"
    try:
        return Decimal(str(x))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {x!r}") from exc


def round_half_up(x, digits: int = 2) -> Decimal:
    """ROUND as Excel does it: halves away from zero (2.675 → 2.68, -2.5 → -3)."""
    quantum = _QUANTA.get(digits) if type(digits) is int else None  # (2.0 is refused by scaleb, as before)
    return to_decimal(x).quantize(quantum or Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


_QUANTA = {digits: Decimal(1).scaleb(-digits) for digits in range(7)}  # 1, 0.1, 0.01…: made once


def fmt_vn(x, digits: int = 2) -> str:
    """A number the Vietnamese way: decimal comma, dot for thousands (1.234,5)."""
    if x is None:
        return ""
    d = round_half_up(x, digits)
    text = f"{d:,.{digits}f}" if digits > 0 else f"{d:,.0f}"
    text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def fmt_percent_vn(ratio, digits: int = 1) -> str:
    """0.757 → '75,7%'."""
    return fmt_vn(to_decimal(ratio) * 100, digits) + "%"
