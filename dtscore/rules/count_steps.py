"""Rule kind `count_steps`: points by a count, read from a list (0 late tasks → steps[0], 1 →
steps[1], …; past the list → else)."""

from dataclasses import dataclass, field
from decimal import Decimal

from . import counts, excel
from .base import COUNT, InputSpec, RawRule, RuleError, RuleKind
from .excel import num


@dataclass(frozen=True)
class Parameters:
    steps: tuple
    otherwise: Decimal = field(default=Decimal(0), metadata={"yaml": "else"})
    label: str = "Số lượng"


class CountSteps(RuleKind):
    name = "count_steps"
    Params = Parameters

    def parse(self, raw: RawRule) -> Parameters:
        steps = raw.get("steps")
        if not isinstance(steps, list) or not steps:
            raise RuleError("steps", "steps phải là danh sách điểm theo số lượng: [điểm khi 0, khi 1, …]")
        points = tuple(raw.points(s) for s in steps)
        return Parameters(points, raw.points(raw.get("else", 0)), raw.text("label", "Số lượng"))

    def inputs(self, rule) -> list[InputSpec]:
        return [InputSpec("count", COUNT, self.params_of(rule).label, "")]

    def score(self, max_points, values, rule, params):
        p = self.params_of(rule)
        return counts.count_steps(values["count"], p.steps, p.otherwise)

    def sample(self, rule, sampler) -> dict:
        return {"count": 0 if sampler.rng.random() < sampler.quality else sampler.rng.randint(1, 4)}

    def excel_native(self, rule, cells) -> str:
        """steps[count] (0 → steps[0], …), past the list → otherwise."""
        p = self.params_of(rule)
        count = cells.inputs["count"]
        choose = f"CHOOSE({count}+1,{','.join(num(s) for s in p.steps)})"
        body = excel.rounded(f"IF({count}<{len(p.steps)},{choose},{num(p.otherwise)})", cells.decimals)
        return f"IF({excel.is_count(count)},{body},0)"


KIND = CountSteps()
