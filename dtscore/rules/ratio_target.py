"""Rule kind `ratio_target`: "Đạt ≥ chỉ tiêu: Điểm = điểm chuẩn; đạt < chỉ tiêu: Điểm = tỉ lệ
đạt/chỉ tiêu × điểm chuẩn" (a target of 1 is the plain "Tỉ lệ đạt × điểm chuẩn")."""

from dataclasses import dataclass
from decimal import Decimal

from ..decimals import fmt_percent_vn
from . import excel, ratios
from .base import NOT_APPLICABLE, RATIO, RawRule
from .excel import num
from .ratio_input import RatioKind, read_input


@dataclass(frozen=True)
class Parameters:
    target: Decimal
    input: str = "ratio"


class RatioTarget(RatioKind):
    name = "ratio_target"
    Params = Parameters

    def parse(self, raw: RawRule) -> Parameters:
        return Parameters(raw.fraction("target"), read_input(raw))

    def score(self, max_points, values, rule, params):
        target = self.params_of(rule).target
        if values.get("ratio") is None:  # counts: one division, so exact halves stay exact
            score = ratios.count_target(max_points, values["numerator"], values["denominator"], target)
            return NOT_APPLICABLE if score is None else score
        return ratios.ratio_target(max_points, values["ratio"], target)

    def score_ratios(self, top, ratio, p):
        """ratios.ratio_target column-wise; np.maximum(0, x) keeps 0 when x == 0, as max(ZERO, x)."""
        import numpy as np

        return np.where(ratio >= p.target, top, np.maximum(np.array(ratios.ZERO, dtype=object), top * ratio / p.target))

    def input_unit(self, rule, spec) -> str:
        if spec.type != RATIO:
            return spec.unit
        return f"% (chỉ tiêu {fmt_percent_vn(self.params_of(rule).target, 2)})".replace(",00%", "%")

    def excel_native(self, rule, cells) -> str:
        """ratio ≥ target → max, else max × ratio ÷ target (multiplied before the one division, as
        the engine does, so an exact half stays exact for ROUND)."""
        m, t = num(cells.max_points), self.params_of(rule).target

        def score(r, n, d):
            if n is None:
                below = f"{m}*{r}" if t == 1 else f"{m}*{r}/{num(t)}"
            else:
                below = f"{m}*{n}/{d}" if t == 1 else f"{m}*{n}/({d}*{num(t)})"
            return f"IF({r}>={num(t)},{m},{below})"

        return excel.ratio_based(score, cells.inputs, cells.decimals, cells.allow_not_applicable)

    def excel_udf_call(self, rule, cells) -> str:
        return f"DT_RATIO({cells.inputs['ratio']},{num(self.params_of(rule).target)},{num(cells.max_points)})"


KIND = RatioTarget()
