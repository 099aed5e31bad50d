"""Realistic made-up submissions for the demo, the tests and the benchmarks: for every criterion of
a level, inputs of the kind its rule takes (dates around the due dates, ratios, counts, options),
a self-score equal to the engine's score, and evidence text. Deterministic for a given seed."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from .criteria import CriteriaSet
from .decimals import round_half_up
from .rules import CHOICE, COUNT, DATE, RATIO
from .scoring import SCORED, score_unit


@dataclass
class SampleUnit:
    code: str
    name: str
    level: str
    inputs: dict = field(default_factory=dict)  # {key: {input: value}}: dates, Decimal ratios, ints, option codes
    claimed: dict = field(default_factory=dict)  # {key: Decimal}
    evidence: dict = field(default_factory=dict)  # {key: text}


def _ratio(rng, quality) -> Decimal:
    low = max(0.0, quality - 0.35)
    return round_half_up(rng.uniform(low, 1.0) if rng.random() > quality / 2 else 1.0, 3)


def _date_around(rng, due: date, quality) -> date:
    if rng.random() < quality:
        return due - timedelta(days=rng.randint(0, 40))
    return due + timedelta(days=rng.randint(1, 75))


@dataclass
class _Sampler:
    """Made-up values for one criterion; its rule kind says which (RuleKind.sample)."""

    rng: random.Random
    quality: float
    params: dict
    max_points: Decimal

    def ratio(self) -> Decimal:
        return _ratio(self.rng, self.quality)

    def date_around(self, due: date) -> date:
        return _date_around(self.rng, due, self.quality)

    def value(self, spec):
        rng = self.rng
        if spec.type == RATIO:
            return self.ratio()
        if spec.type == COUNT:
            return rng.randint(0, 10)
        if spec.type == CHOICE:
            return rng.choice(spec.options).code
        if spec.type == DATE:
            return date(2023, rng.randint(1, 12), rng.randint(1, 28))
        return round_half_up(rng.uniform(0, float(self.max_points)), 2)


EVIDENCE = ["Kế hoạch số {n}/KH-UBND ngày {d}", "Báo cáo số {n}/BC-UBND ngày {d}", "Số liệu Cổng DVC tỉnh ngày {d}",
            "Hệ thống QLVB&ĐH, trích xuất ngày {d}", "Quyết định số {n}/QĐ-UBND ngày {d}"]


def sample_unit(cs: CriteriaSet, level_code: str, code: str, name: str, seed=0, quality=None) -> SampleUnit:
    """A unit of `level_code` with plausible inputs; its self-scores equal the engine's scores."""
    rng = random.Random(f"{cs.id}/{level_code}/{code}/{seed}")
    quality = rng.uniform(0.55, 0.95) if quality is None else quality
    params = cs.parameter_values()
    unit = SampleUnit(code, name, level_code)
    for crit in cs.level(level_code).leaves():
        unit.inputs[crit.key] = crit.rule_kind.sample(crit.params, _Sampler(rng, quality, params, crit.max_points))
        day = date(cs.year, rng.randint(1, 12), rng.randint(1, 28))
        unit.evidence[crit.key] = rng.choice(EVIDENCE).format(n=rng.randint(1, 250), d=day.strftime("%d/%m/%Y"))
    result = score_unit(cs, level_code, unit.inputs, unit=unit_dict(unit))
    unit.claimed = {r.key: r.score for r in result.criteria if not r.is_group and r.status == SCORED}
    return unit


def unit_dict(unit: SampleUnit) -> dict:
    return {"code": unit.code, "name": unit.name}


def cell_values(cs: CriteriaSet, level_code: str, inputs: dict) -> dict:
    """Inputs as an official types them into the template: ratios as fractions (the cell shows
    %), dates as dates, options as their Vietnamese labels; anything else as given."""
    specs = {(c.key, s.name): s for c in cs.level(level_code).leaves() for s in c.inputs}
    out: dict = {}
    for key, values in inputs.items():
        out[key] = {}
        for name, value in values.items():
            spec = specs.get((key, name))
            if spec is not None and spec.options and any(o.code == value for o in spec.options):
                value = next(o.label for o in spec.options if o.code == value)
            elif isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, date) and not isinstance(value, datetime):
                value = datetime(value.year, value.month, value.day)
            out[key][name] = value
    return out
