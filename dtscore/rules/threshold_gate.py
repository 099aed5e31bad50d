"""Rule kind `threshold_gate`: "Đạt ≥ ngưỡng: Điểm = điểm chuẩn; đạt < ngưỡng: Điểm = 0"
(e.g. tiêu chí I.14)."""

from dataclasses import dataclass
from decimal import Decimal

from ..decimals import fmt_percent_vn
from . import excel, ratios
from .base import NOT_APPLICABLE, RATIO, RawRule
from .excel import num
from .ratio_input import RatioKind, achieved, read_input


@dataclass(frozen=True)
class Parameters:
    threshold: Decimal
    input: str = "ratio"


class ThresholdGate(RatioKind):
    name = "threshold_gate"
    Params = Parameters

    def parse(self, raw: RawRule) -> Parameters:
        return Parameters(raw.fraction("threshold"), read_input(raw))

    def score(self, max_points, values, rule, params):
        ratio = achieved(values)
        return NOT_APPLICABLE if ratio is None else ratios.threshold_gate(max_points, ratio, self.params_of(rule).threshold)

    def score_ratios(self, top, ratio, p):
        """ratios.threshold_gate column-wise."""
        import numpy as np

        return np.where(ratio >= p.threshold, top, np.array(ratios.ZERO, dtype=object))

    def input_unit(self, rule, spec) -> str:
        if spec.type != RATIO:
            return spec.unit
        return f"% (ngưỡng {fmt_percent_vn(self.params_of(rule).threshold, 2)})".replace(",00%", "%")

    def excel_native(self, rule, cells) -> str:
        """ratio ≥ threshold → max, else 0."""
        gate, m = num(self.params_of(rule).threshold), num(cells.max_points)
        return excel.ratio_based(lambda r, n, d: f"IF({r}>={gate},{m},0)", cells.inputs, cells.decimals,
                                 cells.allow_not_applicable)

    def excel_udf_call(self, rule, cells) -> str:
        return f"DT_THRESHOLD({cells.inputs['ratio']},{num(self.params_of(rule).threshold)},{num(cells.max_points)})"


KIND = ThresholdGate()
