"""Scores chosen from a list of described cases, and banded values."""

from decimal import Decimal


def choice(option: str, points: dict) -> Decimal:
    """The points of the case the unit is in (e.g. 'phoi_hop' → điểm chuẩn − 2)."""
    return Decimal(str(points[option]))


def bands(value, edges, min_inclusive=True) -> Decimal:
    """Points of the first band whose lower edge the value reaches; edges = [(min, points), …]
    from the highest down. min_inclusive: '≥ 50 → …' (True) or '> 10% → …' (False)."""
    value = Decimal(value)
    for low, points in edges:
        low = Decimal(str(low))
        if value > low or (min_inclusive and value == low):
            return Decimal(str(points))
    return Decimal(0)


def minmax(value, lowest, highest, max_points, lower_is_better=False) -> Decimal:
    """Min-Max normalisation across units: (x − min)/(max − min) × max; all equal → max."""
    value, lowest, highest = Decimal(value), Decimal(lowest), Decimal(highest)
    if highest == lowest:
        return Decimal(max_points)
    position = (highest - value) if lower_is_better else (value - lowest)
    return Decimal(max_points) * position / (highest - lowest)
