"""Adding up a unit's criterion rows: groups (sum of their children, capped at their maximum),
not-applicable parts (lowering the maximum), the total, the total on a 100 scale and the weighted
index. Used by scoring and again by consolidation when it replaces scores."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .criteria import Criterion, Level
from .decimals import round_half_up
from .results import NOT_APPLICABLE, PENDING, SCORED, CriterionResult


@dataclass(frozen=True)
class Totals:
    total: Decimal
    max_total: Decimal
    total_100: Decimal | None
    index: Decimal | None


def add_up(level: Level, rows: dict, decimals: int, only=None) -> Totals:
    """Recompute every group row of `rows` ({key: CriterionResult}) from its children, bottom up,
    and the level's totals. Leaf rows are taken as they are. `only`: the criteria scored alone
    (one Excel cell): the totals are theirs, and there is no index."""

    def group(crit: Criterion) -> CriterionResult:
        row = rows[crit.key]
        if not crit.is_group:
            return row
        children = [group(child) for child in crit.children]
        row.applicable_max = crit.max_points - sum((c.max_points - c.applicable_max for c in children), Decimal(0))
        if all(c.status == NOT_APPLICABLE for c in children):
            row.status, row.score, row.applicable_max = NOT_APPLICABLE, None, Decimal(0)
        else:
            row.score = min(sum((c.score for c in children if c.score is not None), Decimal(0)), crit.max_points)
            row.status = PENDING if any(c.status == PENDING for c in children) else SCORED
        return row

    top = [group(crit) for crit in (level.criteria if only is None else only)]
    total = sum((r.score for r in top if r.score is not None), Decimal(0))
    max_total = level.max_total - sum((r.max_points - r.applicable_max for r in top), Decimal(0))
    total_100 = round_half_up(total / max_total * 100, decimals) if max_total > 0 else None
    return Totals(total, max_total, total_100, weighted_index(level, top) if only is None else None)


def weighted_index(level: Level, top: list) -> Decimal | None:
    """Weighted index roll-up (DTI): Σ value × weight ÷ weights_total, value = score ÷ applicable
    max in [0, 1], rounded half-up to `digits` (4: the published DTI convention).

    A component that does not apply at all leaves the sum with its weight, and the rest is brought
    back to the full scale (Σ value × weight ÷ Σ applicable weights × Σ weights ÷ weights_total):
    achieved ÷ applicable maximum, as for the total. Nothing applicable → None, not 0 ÷ 0.
    Computed in fractions, so an exact half at the last digit rounds up as Excel's ROUND does.
    """
    spec = level.index
    if not spec:
        return None
    weights_total = Fraction(str(spec.get("weights_total", 1)))
    weight_of = {c.key: (c.weight if c.weight is not None else c.max_points) for c in level.criteria}
    achieved, applicable, every = Fraction(0), Fraction(0), Fraction(0)
    for row in top:
        weight = Fraction(str(weight_of[row.key]))
        every += weight
        if row.applicable_max > 0:
            applicable += weight
            achieved += Fraction(str(row.score or 0)) / Fraction(str(row.applicable_max)) * weight
    if applicable == 0:
        return None
    index = achieved / applicable * every / weights_total
    return round_half_up(Decimal(index.numerator) / Decimal(index.denominator), int(spec.get("digits", 4)))
