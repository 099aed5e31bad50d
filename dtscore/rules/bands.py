"""Rule kind `bands`: the points of the highest band whose lower edge the value reaches, for a
text such as "trên 0,3 lần → 1,5; từ 0,1 đến dưới 0,3 → 1,0" (each band may be ≥ or >)."""

from dataclasses import dataclass
from decimal import Decimal

from . import choices, excel
from .base import NUMBER, RATIO, InputSpec, RawRule, RuleError, RuleKind
from .excel import num


@dataclass(frozen=True)
class Band:
    min: Decimal
    points: Decimal
    inclusive: bool  # "từ" (≥) or "trên" (>), the rule's min_inclusive where the band says nothing


@dataclass(frozen=True)
class Parameters:
    bands: tuple  # Band, from the highest edge down
    input: str = "value"  # or "ratio"
    min_inclusive: bool = True
    label: str = "Giá trị đạt được"
    unit: str = ""

    def edges(self) -> list:
        return [(b.min, b.points, b.inclusive) for b in self.bands]


class Bands(RuleKind):
    name = "bands"
    Params = Parameters

    def parse(self, raw: RawRule) -> Parameters:
        listed = raw.get("bands")
        if not isinstance(listed, list) or not listed:
            raise RuleError("bands", "bands phải là danh sách các khung {min, points}, từ mức cao xuống thấp")
        what = raw.get("input", "value")
        if what not in ("value", "ratio"):
            raise RuleError("input", "input của bands chỉ nhận “value” (số) hoặc “ratio” (tỉ lệ)")
        min_inclusive = raw.flag("min_inclusive", True)
        bands, previous = [], None
        for number, band in enumerate(listed, 1):
            where = f"bands[{number}]"
            if not isinstance(band, dict):
                raise RuleError(where, "khung phải là một bảng các trường")
            unknown = sorted(set(band) - {"min", "points", "inclusive"})
            if unknown:
                raise RuleError(where, f"trường không hợp lệ {', '.join(unknown)} (cho phép: inclusive, min, points)")
            for name in ("min", "points"):
                if name not in band:
                    raise RuleError(where, f"khung thiếu “{name}”")
            low = raw.number(f"{where}.min", band["min"], "min")
            inclusive = band.get("inclusive", min_inclusive)
            if not isinstance(inclusive, bool):
                raise RuleError(f"{where}.inclusive", "inclusive phải là true (≥, “từ”) hoặc false (>, “trên”)")
            if what == "ratio" and not 0 <= low <= 1:
                raise RuleError(f"{where}.min", f"mức {low} của tỉ lệ phải trong [0; 1], ví dụ 0.1 cho 10%")
            if previous is not None and low >= previous:
                raise RuleError(f"{where}.min", f"các khung phải xếp từ mức cao xuống thấp: {low} đứng sau {previous}")
            previous = low
            bands.append(Band(low, band["points"], inclusive))
        bands = [Band(b.min, raw.points(b.points), b.inclusive) for b in bands]
        return Parameters(tuple(bands), what, min_inclusive, raw.text("label", "Giá trị đạt được"), raw.text("unit", ""))

    def inputs(self, rule) -> list[InputSpec]:
        p = self.params_of(rule)
        if p.input == "ratio":
            return [InputSpec("ratio", RATIO, "Tỉ lệ đạt", "%")]
        return [InputSpec("value", NUMBER, p.label, p.unit)]

    def score(self, max_points, values, rule, params):
        p = self.params_of(rule)
        return choices.bands(values[p.input], p.edges(), p.min_inclusive)

    def sample(self, rule, sampler) -> dict:
        p = self.params_of(rule)
        if p.input == "ratio":
            return {"ratio": sampler.ratio()}
        top = max(b.min for b in p.bands)
        return {"value": int(top * Decimal(str(sampler.rng.uniform(0.3, 1.3))))}

    def excel_native(self, rule, cells) -> str:
        """Points of the first band (highest first) whose lower edge the value reaches."""
        p = self.params_of(rule)
        value = cells.inputs[p.input]
        expr = "0"
        for band in reversed(p.bands):
            expr = f"IF({value}{'>=' if band.inclusive else '>'}{num(band.min)},{num(band.points)},{expr})"
        valid = excel.is_ratio(value) if p.input == "ratio" else excel.is_nonnegative(value)
        return f"IF({valid},{excel.rounded(expr, cells.decimals)},0)"


KIND = Bands()
