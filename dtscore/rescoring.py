"""Replacing criterion scores in a scored unit and adding up again.

Consolidation changes scores after `score_unit`: a Min-Max criterion is only known once every unit
of the level is in, and an appraisal may replace a score. The totals must then be added up exactly
as `score_unit` does: both use dtscore.aggregation.
"""

import copy
from decimal import Decimal

from .aggregation import add_up
from .criteria import CriteriaSet
from .results import SCORED, UnitResult


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

    totals = add_up(level, rows, cs.decimals)
    out.total, out.max_total, out.total_100, out.index = totals.total, totals.max_total, totals.total_100, totals.index
    return out
