"""Scores chosen from a list of described cases, banded values, Min-Max positions across units, and
points an assessor gives directly."""

from decimal import Decimal


def choice(option: str, points: dict) -> Decimal:
    """The points of the case the unit is in (e.g. 'phoi_hop' → điểm chuẩn − 2)."""
    return Decimal(str(points[option]))


def bands(value, edges, min_inclusive=True) -> Decimal:
    """Points of the first band whose lower edge the value reaches; edges = [(min, points), …]
    from the highest down. min_inclusive: '≥ 50 → …' (True) or '> 10% → …' (False).

    A band may carry its own edge as a third item, (min, points, inclusive), for a text that mixes
    both ("trên 0,3 lần → 1,5; từ 0,1 đến dưới 0,3 → 1,0"); None there means min_inclusive.
    A value exactly on an exclusive edge falls to the band below: it has not met the condition.
    """
    value = Decimal(value)
    for edge in edges:
        low, points = Decimal(str(edge[0])), edge[1]
        inclusive = min_inclusive if len(edge) < 3 or edge[2] is None else edge[2]
        if value > low or (inclusive and value == low):
            return Decimal(str(points))
    return Decimal(0)


def minmax(value, lowest, highest, max_points, lower_is_better=False) -> Decimal:
    """Min-Max normalisation across units: (x − min)/(max − min) × max; all equal → max."""
    value, lowest, highest = Decimal(value), Decimal(lowest), Decimal(highest)
    if highest == lowest:
        return Decimal(max_points)
    position = (highest - value) if lower_is_better else (value - lowest)
    return Decimal(max_points) * position / (highest - lowest)


def assessed(points, max_points) -> Decimal:
    """Points an assessor gives directly (survey, appraisal council), taken as given: never capped
    to max_points. Points outside [0; max] are refused before scoring (the kind's range check
    reports INPUT_OUT_OF_RANGE), so a score above the maximum cannot reach a total."""
    return Decimal(points)
