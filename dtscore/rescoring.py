"""Replacing criterion scores in a scored unit and adding up again.

Consolidation changes scores after `score_unit`: a Min-Max criterion is only known once every unit
of the level is in, and an appraisal may replace a score. The totals must then be added up exactly
as `score_unit` does (a group is the sum of its children, capped at its maximum; the total is the
sum of the top-level rows; a not-applicable part lowers the maximum).
"""

import copy
from decimal import Decimal

from .criteria import CriteriaSet
from .decimals import round_half_up
from .scoring import NOT_APPLICABLE, PENDING, SCORED, UnitResult
from .scoring import _index as weighted_index  # the index formula lives in scoring; reuse, not copy


def with_scores(cs: CriteriaSet, result: UnitResult, scores: dict) -> UnitResult:
    """A copy of `result` where each leaf criterion in `scores` ({key: Decimal}) has that score,
    with group scores, totals, the score on 100 and the index recomputed."""
    out = copy.deepcopy(result)
    if not scores:
        return out
    level = cs.level(result.level)
    rows = {row.key: row for row in out.criteria}
    for key, score in scores.items():
        row = rows[key]
        if row.is_group:
            raise ValueError(f"{key} is a group: only leaf criteria take a score")
        row.score, row.status, row.applicable_max = Decimal(score), SCORED, row.max_points
    # A criterion scored now is no longer "pending consolidation".
    out.findings = [f for f in out.findings if not (f.code == "PENDING_CONSOLIDATION" and f.key in scores)]

    def add_up(crit):
        row = rows[crit.key]
        if not crit.is_group or row.status == NOT_APPLICABLE and all(
            rows[c.key].status == NOT_APPLICABLE for c in crit.walk() if c is not crit
        ):
            return row
        children = [add_up(child) for child in crit.children]
        row.applicable_max = crit.max_points - sum((c.max_points - c.applicable_max for c in children), Decimal(0))
        if all(c.status == NOT_APPLICABLE for c in children):
            row.status, row.score, row.applicable_max = NOT_APPLICABLE, None, Decimal(0)
        else:
            row.score = min(sum((c.score for c in children if c.score is not None), Decimal(0)), crit.max_points)
            row.status = PENDING if any(c.status == PENDING for c in children) else SCORED
        return row

    top = [add_up(crit) for crit in level.criteria]
    out.total = sum((r.score for r in top if r.score is not None), Decimal(0))
    out.max_total = level.max_total - sum((r.max_points - r.applicable_max for r in top), Decimal(0))
    out.total_100 = round_half_up(out.total / out.max_total * 100, cs.decimals) if out.max_total > 0 else None
    out.index = weighted_index(level, top)
    return out
