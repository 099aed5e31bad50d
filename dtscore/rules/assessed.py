"""Rule kind `assessed`: points an assessor gives directly (survey, appraisal council), 0 to
điểm chuẩn, taken as given."""

from dataclasses import dataclass

from ..decimals import fmt_vn
from . import choices, excel
from .base import NUMBER, InputSpec, RawRule, RuleKind
from .excel import ExcelCheck, num


@dataclass(frozen=True)
class Parameters:
    label: str = "Điểm được đánh giá"


class Assessed(RuleKind):
    name = "assessed"
    Params = Parameters

    def parse(self, raw: RawRule) -> Parameters:
        return Parameters(raw.text("label", "Điểm được đánh giá"))

    def inputs(self, rule) -> list[InputSpec]:
        return [InputSpec("points", NUMBER, self.params_of(rule).label, "điểm")]

    def check(self, values, rule, max_points=None) -> list[tuple[str, str]]:
        points = values.get("points")
        if points is not None and max_points is not None and points > max_points:
            return [("points", f"điểm được đánh giá {fmt_vn(points, 4)} vượt điểm chuẩn {fmt_vn(max_points, 4)}")]
        return []

    def excel_checks(self, rule, cells) -> list[ExcelCheck]:
        points = cells.inputs["points"]
        return [ExcelCheck("points", ("points",), f"{points}>{num(cells.max_points)}", "điểm được đánh giá vượt điểm chuẩn")]

    def score(self, max_points, values, rule, params):
        return choices.assessed(values["points"], max_points)

    def excel_native(self, rule, cells) -> str:
        """Points taken as they are when 0 ≤ points ≤ max (else an input error → 0)."""
        points = cells.inputs["points"]
        valid = f"IF(ISNUMBER({points}),AND({points}>=0,{points}<={num(cells.max_points)}),FALSE)"
        return f"IF({valid},{excel.rounded(points, cells.decimals)},0)"


KIND = Assessed()
