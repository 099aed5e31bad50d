"""Competition ranking and the summary statistics of a level.

Ranks follow the usual competition convention: equal scores share a rank and the next rank is
skipped (1, 2, 2, 4). Scores are compared exactly (they are Decimals already rounded half-up the
way the decision reports them), so 82.50 and 82.5 tie and 82.49 does not.
"""

from decimal import Decimal
from statistics import median


def competition_ranks(values) -> list:
    """The rank of each value, highest first; None values get no rank (None)."""
    present = sorted((v for v in values if v is not None), reverse=True)
    first_position: dict = {}
    for position, value in enumerate(present, start=1):
        first_position.setdefault(value, position)
    return [None if v is None else first_position[v] for v in values]


def summary(values) -> dict:
    """count, mean, median, min, max of the values that are not None (mean/median unrounded)."""
    present = [Decimal(v) for v in values if v is not None]
    if not present:
        return {"count": 0, "mean": None, "median": None, "min": None, "max": None}
    return {
        "count": len(present),
        "mean": sum(present, Decimal(0)) / len(present),
        "median": Decimal(median(present)),
        "min": min(present),
        "max": max(present),
    }
