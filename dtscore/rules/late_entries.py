"""Rule kind `late_entries`: each late data entry costs a share of the points by its frequency
(Phần I.6 / II.6: "trừ 20% số điểm đối với tần suất nhập tháng, 30% … quý, 60% … 6 tháng, 100% …
năm"); a blank count means none."""

from dataclasses import dataclass

from . import counts, excel
from .base import COUNT, InputSpec, RawRule, RuleError, RuleKind
from .excel import num

_ENTRY_LABELS = {
    "late_monthly": "Số lần nhập trễ (tần suất tháng)",
    "late_quarterly": "Số lần nhập trễ (tần suất quý)",
    "late_semiannual": "Số lần nhập trễ (tần suất 6 tháng)",
    "late_annual": "Số lần nhập trễ (tần suất năm)",
}


@dataclass(frozen=True)
class Parameters:
    deductions: dict | None = None  # count name → share lost per late entry, the decision's by default

    def rates(self) -> dict:
        return {**counts.LATE_ENTRY_DEDUCTIONS, **(self.deductions or {})}


class LateEntries(RuleKind):
    name = "late_entries"
    Params = Parameters

    def parse(self, raw: RawRule) -> Parameters:
        deductions = raw.get("deductions") or {}
        unknown = sorted(set(deductions) - set(counts.LATE_ENTRY_DEDUCTIONS)) if isinstance(deductions, dict) else ["?"]
        if unknown:
            raise RuleError("deductions", f"chỉ có các mức {', '.join(counts.LATE_ENTRY_DEDUCTIONS)}, "
                                          f"không có {', '.join(unknown)}")
        rates = {}
        for name, value in deductions.items():
            rates[name] = raw.number(f"deductions.{name}", value, name)
            if not 0 <= rates[name] <= 1:
                raise RuleError(f"deductions.{name}", "mức trừ phải trong khoảng [0; 1], ví dụ 0.2 cho 20%")
        return Parameters(rates or None)

    def inputs(self, rule) -> list[InputSpec]:
        return [InputSpec(n, COUNT, label, "lần", default=0) for n, label in _ENTRY_LABELS.items()]

    def score(self, max_points, values, rule, params):
        p = self.params_of(rule)
        return counts.late_entries(max_points, *(values[n] for n in _ENTRY_LABELS), p.deductions)

    def sample(self, rule, sampler) -> dict:
        late = {n: (0 if sampler.rng.random() < sampler.quality else sampler.rng.randint(1, 2)) for n in _ENTRY_LABELS}
        return late | {"late_annual": 0}  # a yearly entry late would cost every point: rare

    def excel_native(self, rule, cells) -> str:
        """max(0, max × (1 − Σ deduction × late entries)); blank counts are none."""
        rates = self.params_of(rule).rates()
        valid = ",".join(excel.is_count_or_blank(c) for c in cells.inputs.values())
        lost = "-".join(f"{num(rates[name])}*N({cell})" for name, cell in cells.inputs.items())
        return f"IF(AND({valid}),{excel.rounded(f'MAX(0,{num(cells.max_points)}*(1-{lost}))', cells.decimals)},0)"

    def excel_udf(self, rule, cells) -> str:
        if self.params_of(rule).deductions or not excel.udf_digits_fit(cells):
            return excel.dt_score(cells)  # DT_LATE_ENTRIES knows only the decision's rates
        return f"DT_LATE_ENTRIES({num(cells.max_points)},{','.join(cells.inputs.values())})"


KIND = LateEntries()
