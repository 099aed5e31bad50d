"""What the kinds scored on an achieved share have in common: the share is typed as a ratio, or
as numerator and denominator counts (rule `input: counts`); either form is accepted for the other;
a zero denominator makes the criterion not applicable."""

from decimal import Decimal

from . import excel, ratios
from .base import COUNT, RATIO, InputSpec, RawRule, RuleError, RuleKind
from .excel import ExcelCheck

RATIO_SPECS = [InputSpec("ratio", RATIO, "Tỉ lệ đạt", "%")]
COUNT_SPECS = [
    InputSpec("numerator", COUNT, "Số đạt (tử số)", "số"),
    InputSpec("denominator", COUNT, "Tổng số (mẫu số)", "số"),
]


def read_input(raw: RawRule) -> str:
    """"ratio" (the default) or "counts"; only "counts" may be written."""
    if raw.get("input", "counts") != "counts":
        raise RuleError("input", "input chỉ nhận giá trị “counts” (tử số và mẫu số)")
    return raw.get("input", "ratio")


def achieved(values) -> Decimal | None:
    """The achieved ratio, from `ratio` or from `numerator`/`denominator` (None: denominator 0)."""
    if values.get("ratio") is not None:
        return values["ratio"]
    return ratios.share(values["numerator"], values["denominator"])


class RatioKind(RuleKind):
    """Base of ratio_target, threshold_gate and gated_ratio (their Params have `input`)."""

    def inputs(self, rule) -> list[InputSpec]:
        return list(COUNT_SPECS if self.params_of(rule).input == "counts" else RATIO_SPECS)

    def alternatives(self, rule) -> list[list[InputSpec]]:
        return [list(RATIO_SPECS), list(COUNT_SPECS)]

    def score_batch(self, max_points, values, rule, params) -> list:
        """`score` of many units: the typed ratios column-wise by the kind's `score_ratios` (numpy
        object arrays of Decimal: the same Decimal operations, so the same results), the counts
        (one division each, exact) through `score`."""
        import numpy as np  # only the batch engine calls this; scoring one unit never loads numpy

        typed = [i for i, v in enumerate(values) if v.get("ratio") is not None]
        out = [None if v.get("ratio") is not None else self.score(max_points, v, rule, params) for v in values]
        if typed:
            ratio = np.empty(len(typed), dtype=object)
            ratio[:] = [values[i]["ratio"] for i in typed]
            top = np.array(Decimal(max_points), dtype=object)
            for i, score in zip(typed, self.score_ratios(top, ratio, self.params_of(rule)).tolist()):
                out[i] = score
        return out

    def score_ratios(self, top, ratio, p):
        """The kind's score of each typed ratio (numpy object arrays; `top` is điểm chuẩn)."""
        raise NotImplementedError

    def check(self, values, rule, max_points=None) -> list[tuple[str, str]]:
        n, d = values.get("numerator"), values.get("denominator")
        if n is not None and d is not None and n > d:
            return [("numerator", f"tử số {n} lớn hơn mẫu số {d}")]
        return []

    def excel_checks(self, rule, cells) -> list[ExcelCheck]:
        if "denominator" not in cells.inputs:
            return []
        n, d = cells.inputs["numerator"], cells.inputs["denominator"]
        checks = [ExcelCheck("numerator", ("numerator", "denominator"), f"{n}>{d}", "tử số lớn hơn mẫu số")]
        if not cells.allow_not_applicable:  # otherwise nothing to count makes the criterion not applicable
            checks.append(ExcelCheck("denominator", ("numerator", "denominator"), f"AND({d}=0,{n}=0)",
                                     "mẫu số bằng 0, không tính được tỉ lệ"))
        return checks

    def sample(self, rule, sampler) -> dict:
        if self.params_of(rule).input == "counts":
            total = sampler.rng.randint(5, 400)
            return {"numerator": int(total * sampler.ratio()), "denominator": total}
        return {"ratio": sampler.ratio()}

    def excel_udf(self, rule, cells) -> str:
        body = self.excel_udf_call(rule, cells) if "ratio" in cells.inputs and excel.udf_digits_fit(cells) else None
        body = body or excel.dt_score(cells)
        if "denominator" in cells.inputs:  # nothing to count: not applicable (or 0), as the engine says
            d = cells.inputs["denominator"]
            empty = excel.text(excel.NA_TEXT) if cells.allow_not_applicable else "0"
            body = f"IF(AND(ISNUMBER({d}),N({d})=0),{empty},{body})"
        return body

    def excel_udf_call(self, rule, cells) -> str | None:
        """The kind's own DT_* call on a ratio cell, if it has one."""
        return None
