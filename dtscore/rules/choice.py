"""Rule kind `choice`: the unit picks the described case it is in; each case has its points
(e.g. "phối hợp" → điểm chuẩn − 2)."""

from dataclasses import dataclass

from . import choices, excel
from .base import CHOICE, InputSpec, Option, RawRule, RuleError, RuleKind


@dataclass(frozen=True)
class Parameters:
    options: tuple  # Option, in the decision's order


class Choice(RuleKind):
    name = "choice"
    Params = Parameters

    def parse(self, raw: RawRule) -> Parameters:
        listed = raw.get("options")
        if not isinstance(listed, list) or not listed:
            raise RuleError("options", "options phải là danh sách các lựa chọn {code, label, points}")
        codes = [o.get("code") for o in listed if isinstance(o, dict)]
        if len(codes) != len(listed) or len(set(codes)) != len(codes):
            raise RuleError("options", "mỗi lựa chọn cần một “code” riêng")
        options = []
        for o in listed:
            where = f"options.{o['code']}"
            unknown = sorted(set(o) - {"code", "label", "points"})
            if unknown:
                raise RuleError(where, f"trường không hợp lệ {', '.join(unknown)} (cho phép: code, label, points)")
            label = o.get("label")
            if not label:
                raise RuleError(f"{where}.label", "thiếu nhãn")
            if not isinstance(label, str):
                raise RuleError(f"{where}.label", "nhãn phải là chuỗi văn bản")
            options.append(Option(o["code"], label, raw.points(o.get("points"))))
        return Parameters(tuple(options))

    def inputs(self, rule) -> list[InputSpec]:
        return [InputSpec("option", CHOICE, "Mức đạt được", "", self.params_of(rule).options)]

    def score(self, max_points, values, rule, params):
        return choices.choice(values["option"], {o.code: o.points for o in self.params_of(rule).options})

    def sample(self, rule, sampler) -> dict:
        options = sorted(self.params_of(rule).options, key=lambda o: -o.points)
        q = sampler.quality
        weights = [q**i * (1 if i == 0 else 1 - q + 0.1) for i in range(len(options))]
        return {"option": sampler.rng.choices(options, weights=weights)[0].code}

    def excel_native(self, rule, cells) -> str:
        """The points of the chosen option, found by its Vietnamese label (or its code); blank → 0."""
        labels, points, codes = cells.options
        key = excel.match_key(cells.inputs["option"], self.params_of(rule).options)
        by_label = f"INDEX({points},MATCH({key},{labels},0))"
        by_code = f"INDEX({points},MATCH({key},{codes},0))"
        return excel.rounded(f"IFERROR({by_label},IFERROR({by_code},0))", cells.decimals)

    def excel_udf(self, rule, cells) -> str:
        if not excel.udf_digits_fit(cells):
            return excel.dt_score(cells)
        labels, points, _codes = cells.options
        return f"DT_CHOICE({cells.inputs['option']},{labels},{points})"


KIND = Choice()
