"""Rule kind `minmax`: a value scored across the units of a level at consolidation,
(x − min)/(max − min) × điểm chuẩn; one unit alone is "pending"."""

from dataclasses import dataclass

from . import choices, excel
from .base import NUMBER, PENDING, InputSpec, RawRule, RuleKind


@dataclass(frozen=True)
class Parameters:
    lower_is_better: bool = False
    label: str = "Giá trị"
    unit: str = ""


class MinMax(RuleKind):
    name = "minmax"
    Params = Parameters
    across_units = True

    def parse(self, raw: RawRule) -> Parameters:
        return Parameters(raw.flag("lower_is_better", False), raw.text("label", "Giá trị"), raw.text("unit", ""))

    def inputs(self, rule) -> list[InputSpec]:
        p = self.params_of(rule)
        return [InputSpec("value", NUMBER, p.label, p.unit)]

    def score(self, max_points, values, rule, params):
        return PENDING

    def score_across(self, rule, value, lowest, highest, max_points):
        """The unrounded score of `value` among the units' values from `lowest` to `highest`."""
        return choices.minmax(value, lowest, highest, max_points, self.params_of(rule).lower_is_better)

    def sample(self, rule, sampler) -> dict:
        return {"value": sampler.rng.randint(1, 15)}

    def excel_native(self, rule, cells) -> str:
        """A valid value waits for consolidation; blank or negative scores 0."""
        value = cells.inputs["value"]
        return f"IF({excel.is_nonnegative(value)},{excel.text(excel.PENDING_TEXT)},0)"

    def excel_udf(self, rule, cells) -> str:
        return excel.text(excel.PENDING_TEXT)


KIND = MinMax()
