"""Rule kind `late_months`: documents due by a date lose a point per month late (Phần I–III,
tiêu chí 1–2: "trễ so với thời gian quy định thì sẽ trừ 01 điểm/tháng")."""

from dataclasses import dataclass
from datetime import date

from . import excel, lateness
from .base import DATE, InputSpec, RawRule, RuleError, RuleKind
from .excel import num

_DOC_LABELS = {"plan_issued": "Ngày ban hành Kế hoạch", "report_submitted": "Ngày ban hành Báo cáo kết quả"}


@dataclass(frozen=True)
class Parameters:
    due: dict  # date input name → the set parameter holding its due date
    mode: str = lateness.STARTED
    max_deduction: int | None = None


def months_late_formula(due, done, mode=lateness.STARTED) -> str:
    """Months `done` came after `due`, as lateness.months_late. k = the month offset that puts
    EDATE(due, k) in done's month; "started" counts a begun month (k, or k+1 past that day),
    "completed" only full months (k, or k−1 before that day). Dates are whole days (INT)."""
    k = f"((YEAR({done})-YEAR({due}))*12+MONTH({done})-MONTH({due}))"
    if mode == lateness.COMPLETED:
        step = f"{k}-IF(EDATE({due},{k})<=INT({done}),0,1)"
    else:
        step = f"{k}+IF(INT({done})<=EDATE({due},{k}),0,1)"
    return f"IF(INT({done})<=INT({due}),0,{step})"


class LateMonths(RuleKind):
    name = "late_months"
    Params = Parameters
    blank_is_not_done = True

    def parse(self, raw: RawRule) -> Parameters:
        mode = raw.get("mode", lateness.STARTED)
        if mode not in lateness.MODES:
            raise RuleError("mode", f"mode phải là {' hoặc '.join(lateness.MODES)}")
        cap = raw.get("max_deduction")
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 0):
            raise RuleError("max_deduction", "max_deduction phải là số nguyên ≥ 0 (số tháng trừ tối đa)")
        due = raw.get("due")
        if not isinstance(due, dict) or not due:
            raise RuleError("due", "due phải nối mỗi ô ngày với một tham số hạn")
        if raw.parameters is not None:
            for doc, param in due.items():
                if param not in raw.parameters:
                    raise RuleError(f"due.{doc}", f"không có tham số “{param}” trong parameters")
                if not isinstance(raw.parameters[param], date):
                    raise RuleError(f"parameters.{param}", "hạn phải là một ngày dạng yyyy-mm-dd (không đặt trong "
                                    "ngoặc kép)", absolute=True)
        return Parameters(dict(due), mode, cap)

    def inputs(self, rule) -> list[InputSpec]:
        p = self.params_of(rule)
        return [InputSpec(name, DATE, _DOC_LABELS.get(name, name), "ngày", deadline=param)
                for name, param in p.due.items()]

    def score(self, max_points, values, rule, params):
        p = self.params_of(rule)
        names = list(p.due)
        dues = [params[p.due[n]] for n in names]
        return lateness.late_deduction(max_points, dues, [values[n] for n in names], p.mode, p.max_deduction)

    def sample(self, rule, sampler) -> dict:
        return {name: sampler.date_around(sampler.params[param]) for name, param in self.params_of(rule).due.items()}

    def excel_native(self, rule, cells) -> str:
        """max(0, max − Σ months late), the sum capped; a document not issued (blank) → 0."""
        p = self.params_of(rule)
        names = list(p.due)
        dues, dones = [cells.dues[n] for n in names], [cells.inputs[n] for n in names]
        months = "+".join(months_late_formula(due, done, p.mode) for due, done in zip(dues, dones, strict=True))
        if p.max_deduction is not None:
            months = f"MIN({num(p.max_deduction)},{months})"
        issued = ",".join(f"ISNUMBER({done})" for done in dones)
        return f"IF(AND({issued}),{excel.rounded(f'MAX(0,{num(cells.max_points)}-({months}))', cells.decimals)},0)"

    def excel_udf(self, rule, cells) -> str:
        """DT_PENALTY_MONTHS(max, due dates, done dates, [mode], [max_deduction]): its result
        (max − whole months) needs no rounding when the maximum has at most UDF_DIGITS decimals,
        so it serves sets rounded otherwise too."""
        p = self.params_of(rule)
        scaled = cells.max_points * 10**excel.UDF_DIGITS
        if not excel.udf_digits_fit(cells) and scaled != int(scaled):
            return excel.dt_score(cells)
        args = [num(cells.max_points), cells.due_range, cells.done_range]
        if p.mode != lateness.STARTED or p.max_deduction is not None:
            args.append(excel.text(p.mode))
        if p.max_deduction is not None:
            args.append(num(p.max_deduction))
        return f"DT_PENALTY_MONTHS({','.join(args)})"


KIND = LateMonths()
