"""Rule kind `gated_ratio`: 100% → điểm chuẩn; from a floor up to 100% → tỉ lệ × điểm chuẩn
(× factor); below the floor → 0 (DTI 6.3: "80% < Tỷ lệ < 100%: Tỷ lệ × Điểm tối đa")."""

from dataclasses import dataclass
from decimal import Decimal

from . import excel, ratios
from .base import NOT_APPLICABLE, RawRule
from .excel import num
from .ratio_input import RatioKind, read_input


@dataclass(frozen=True)
class Parameters:
    floor: Decimal
    factor: Decimal = Decimal(1)
    input: str = "ratio"
    floor_inclusive: bool = True


class GatedRatio(RatioKind):
    name = "gated_ratio"
    Params = Parameters

    def parse(self, raw: RawRule) -> Parameters:
        factor = raw.number("factor") if "factor" in raw else Decimal(1)
        return Parameters(raw.fraction("floor"), factor, read_input(raw), raw.flag("floor_inclusive", True))

    def score(self, max_points, values, rule, params):
        p = self.params_of(rule)
        if values.get("ratio") is not None:
            return ratios.gated_ratio(max_points, values["ratio"], p.floor, p.factor, p.floor_inclusive)
        score = ratios.gated_count(max_points, values["numerator"], values["denominator"], p.floor, p.factor,
                                   p.floor_inclusive)
        return NOT_APPLICABLE if score is None else score

    def score_ratios(self, top, ratio, p):
        """ratios.gated_ratio column-wise (gated_count with denominator 1, the same operations)."""
        import numpy as np

        one, zero = Decimal(1), np.array(ratios.ZERO, dtype=object)
        reach = Decimal(str(p.floor)) * one
        below = (ratio < reach) | ((ratio == reach) & (not p.floor_inclusive))
        share = np.maximum(zero, top * Decimal(str(p.factor)) * ratio / one)
        return np.where(ratio >= one, top, np.where(below.astype(bool), zero, share))

    def excel_native(self, rule, cells) -> str:
        """100% → max; floor ≤ ratio < 100% → max × factor × ratio; below the floor (or on it, when
        the floor is exclusive) → 0."""
        p = self.params_of(rule)
        m = num(cells.max_points)
        scale = "" if p.factor == 1 else f"*{num(p.factor)}"

        def score(r, n, d):
            below = f"{r}<{num(p.floor)}" if p.floor_inclusive else f"{r}<={num(p.floor)}"
            share = r if n is None else f"{n}/{d}"
            return f"IF({r}>=1,{m},IF({below},0,{m}{scale}*{share}))"

        return excel.ratio_based(score, cells.inputs, cells.decimals, cells.allow_not_applicable)


KIND = GatedRatio()
