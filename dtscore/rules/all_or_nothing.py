"""Rule kind `all_or_nothing`: "100% … có hoạt động: Điểm = điểm chuẩn; chỉ 01 … không hoạt
động: Điểm = 0" (III.11)."""

from dataclasses import dataclass

from . import excel, ratios
from .base import COUNT, InputSpec, RuleKind
from .excel import ExcelCheck, num


@dataclass(frozen=True)
class Parameters:
    pass


class AllOrNothing(RuleKind):
    name = "all_or_nothing"
    Params = Parameters

    def inputs(self, rule) -> list[InputSpec]:
        return [InputSpec("active", COUNT, "Số tổ có hoạt động", "tổ"), InputSpec("total", COUNT, "Tổng số tổ", "tổ")]

    def check(self, values, rule, max_points=None) -> list[tuple[str, str]]:
        a, t = values.get("active"), values.get("total")
        problems = []
        if a is not None and t is not None and a > t:
            problems.append(("active", f"số tổ có hoạt động {a} lớn hơn tổng số tổ {t}"))
        if t == 0:
            problems.append(("total", "tổng số tổ bằng 0"))
        return problems

    def excel_checks(self, rule, cells) -> list[ExcelCheck]:
        active, total = cells.inputs["active"], cells.inputs["total"]
        return [ExcelCheck("active", ("active", "total"), f"{active}>{total}", "số tổ có hoạt động lớn hơn tổng số tổ"),
                ExcelCheck("total", ("total",), f"{total}=0", "tổng số tổ bằng 0")]

    def score(self, max_points, values, rule, params):
        return ratios.all_or_nothing(max_points, values["active"], values["total"])

    def sample(self, rule, sampler) -> dict:
        total = sampler.rng.randint(4, 12)
        return {"active": total if sampler.rng.random() < sampler.quality else total - 1, "total": total}

    def excel_native(self, rule, cells) -> str:
        """Every team active (active = total > 0) → max, else 0; active > total is an input error → 0."""
        active, total = cells.inputs["active"], cells.inputs["total"]
        return (
            f"IF(AND({excel.is_count(active)},{excel.is_count(total)}),"
            f"IF(AND({total}>0,{active}={total}),{excel.rounded(num(cells.max_points), cells.decimals)},0),0)"
        )

    def excel_udf(self, rule, cells) -> str:
        if not excel.udf_digits_fit(cells):
            return excel.dt_score(cells)
        return f"DT_ALL_OR_NOTHING({cells.inputs['active']},{cells.inputs['total']},{num(cells.max_points)})"


KIND = AllOrNothing()
