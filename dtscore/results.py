"""The result of scoring a unit: per-criterion rows (`CriterionResult`), the unit's totals
(`UnitResult`) and the statuses a row can have; `to_dict` is the JSON the CLI and reports print."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

SCORED, NOT_APPLICABLE, PENDING, UNSCORED = "scored", "not_applicable", "pending", "unscored"


@dataclass
class CriterionResult:
    key: str
    title: str
    max_points: Decimal  # the criterion's own maximum
    applicable_max: Decimal  # lowered when (part of) it does not apply
    score: Decimal | None
    status: str
    claimed: Decimal | None = None
    evidence: str = ""
    inputs: dict = field(default_factory=dict)
    depth: int = 0
    is_group: bool = False

    @property
    def difference(self) -> Decimal | None:
        if self.claimed is None or self.score is None:
            return None
        return self.claimed - self.score

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "max_points": _num(self.max_points),
            "applicable_max": _num(self.applicable_max),
            "score": _num(self.score),
            "claimed": _num(self.claimed),
            "difference": _num(self.difference),
            "status": self.status,
            "is_group": self.is_group,
            "inputs": {k: _json_value(v) for k, v in self.inputs.items()},
            "evidence": self.evidence,
        }


@dataclass
class UnitResult:
    criteria_set: str
    version: str
    fingerprint: str
    level: str
    unit: dict
    criteria: list  # CriterionResult, groups before their children, document order
    findings: list
    total: Decimal
    max_total: Decimal
    total_100: Decimal | None
    claimed_total: Decimal | None
    index: Decimal | None = None

    def criterion(self, key) -> CriterionResult:
        for c in self.criteria:  # a plain loop: called for every unit and criterion of a national result
            if c.key == key:
                return c
        raise StopIteration(key)

    def to_dict(self) -> dict:
        out = {
            "criteria_set": self.criteria_set,
            "version": self.version,
            "fingerprint": self.fingerprint,
            "level": self.level,
            "unit": self.unit,
            "total": _num(self.total),
            "max_total": _num(self.max_total),
            "total_100": _num(self.total_100),
            "claimed_total": _num(self.claimed_total),
            "criteria": [c.to_dict() for c in self.criteria],
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.index is not None:
            out["index"] = _num(self.index)
        return out


def _num(x):
    if x is None:
        return None
    return int(x) if x == x.to_integral_value() else float(x)


def _json_value(v):
    if isinstance(v, Decimal):
        return _num(v)
    if isinstance(v, date):
        return v.isoformat()
    return v
