"""The registry of rule kinds: for each kind, its parameters, its inputs and how it scores.

The arithmetic lives in the small pure functions of lateness, ratios, counts and choices; this
module only says which inputs a kind takes and how its rule parameters feed those functions.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from ..decimals import fmt_vn
from . import choices, counts, lateness, ratios

DATE, RATIO, COUNT, NUMBER, CHOICE = "date", "ratio", "count", "number", "choice"
INPUT_TYPES = (DATE, RATIO, COUNT, NUMBER, CHOICE)


class _Marker:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


NOT_APPLICABLE = _Marker("NOT_APPLICABLE")  # the criterion does not apply: its maximum is lowered
PENDING = _Marker("PENDING")  # scored only across units, at consolidation (minmax)


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    points: Decimal


@dataclass(frozen=True)
class InputSpec:
    name: str
    type: str
    label: str
    unit: str = ""
    options: tuple = ()
    default: object = None  # the value a blank stands for (None: a blank is missing)

    def to_dict(self) -> dict:
        out = {"name": self.name, "type": self.type, "label": self.label}
        if self.unit:
            out["unit"] = self.unit
        if self.options:
            out["options"] = [{"code": o.code, "label": o.label, "points": float(o.points)} for o in self.options]
        return out


@dataclass(frozen=True)
class RuleKind:
    """A kind of rule: `inputs(rule)` lists what a unit fills in; `score(max, values, rule, params)`
    returns the unrounded score; `check(values, rule, max_points)` returns (input, message) range
    problems (max_points is passed by keyword-compatible position and may be None)."""

    name: str
    required: tuple
    optional: tuple
    inputs: callable
    score: callable
    check: callable = field(default=lambda values, rule, max_points=None: [])


def _options(rule):
    return tuple(Option(o["code"], o["label"], Decimal(str(o["points"]))) for o in rule["options"])


# -- late_months -------------------------------------------------------------------------------

_DOC_LABELS = {"plan_issued": "Ngày ban hành Kế hoạch", "report_submitted": "Ngày ban hành Báo cáo kết quả"}


def _late_inputs(rule):
    return [InputSpec(name, DATE, _DOC_LABELS.get(name, name), "ngày") for name in rule["due"]]


def _late_score(max_points, values, rule, params):
    names = list(rule["due"])
    dues = [params[rule["due"][n]] for n in names]
    return lateness.late_deduction(
        max_points, dues, [values[n] for n in names], rule.get("mode", lateness.STARTED), rule.get("max_deduction")
    )


# -- ratios ------------------------------------------------------------------------------------


def _ratio_inputs(rule):
    if rule.get("input") == "counts":
        return [
            InputSpec("numerator", COUNT, "Số đạt (tử số)", "số"),
            InputSpec("denominator", COUNT, "Tổng số (mẫu số)", "số"),
        ]
    return [InputSpec("ratio", RATIO, "Tỉ lệ đạt", "%")]


def _ratio_value(values):
    """The achieved ratio, from `ratio` or from `numerator`/`denominator`."""
    if values.get("ratio") is not None:
        return values["ratio"]
    return ratios.share(values["numerator"], values["denominator"])


def _counts_check(values, rule, max_points=None):
    n, d = values.get("numerator"), values.get("denominator")
    if n is not None and d is not None and n > d:
        return [("numerator", f"tử số {n} lớn hơn mẫu số {d}")]
    return []


def _ratio_score(max_points, values, rule, params):
    target = Decimal(str(rule["target"]))
    if values.get("ratio") is None:  # counts: one division, so exact halves stay exact
        score = ratios.count_target(max_points, values["numerator"], values["denominator"], target)
        return NOT_APPLICABLE if score is None else score
    return ratios.ratio_target(max_points, values["ratio"], target)


def _gate_score(max_points, values, rule, params):
    ratio = _ratio_value(values)
    return NOT_APPLICABLE if ratio is None else ratios.threshold_gate(max_points, ratio, Decimal(str(rule["threshold"])))


def _gated_score(max_points, values, rule, params):
    floor, factor = Decimal(str(rule["floor"])), Decimal(str(rule.get("factor", 1)))
    inclusive = rule.get("floor_inclusive", True)
    if values.get("ratio") is not None:
        return ratios.gated_ratio(max_points, values["ratio"], floor, factor, inclusive)
    score = ratios.gated_count(max_points, values["numerator"], values["denominator"], floor, factor, inclusive)
    return NOT_APPLICABLE if score is None else score


# -- counts ------------------------------------------------------------------------------------

_ENTRY_LABELS = {
    "late_monthly": "Số lần nhập trễ (tần suất tháng)",
    "late_quarterly": "Số lần nhập trễ (tần suất quý)",
    "late_semiannual": "Số lần nhập trễ (tần suất 6 tháng)",
    "late_annual": "Số lần nhập trễ (tần suất năm)",
}


def _entries_score(max_points, values, rule, params):
    deductions = {k: Decimal(str(v)) for k, v in (rule.get("deductions") or {}).items()}
    return counts.late_entries(
        max_points,
        values["late_monthly"],
        values["late_quarterly"],
        values["late_semiannual"],
        values["late_annual"],
        deductions,
    )


def _team_inputs(rule):
    return [
        InputSpec("active", COUNT, "Số tổ có hoạt động", "tổ"),
        InputSpec("total", COUNT, "Tổng số tổ", "tổ"),
    ]


def _team_check(values, rule, max_points=None):
    a, t = values.get("active"), values.get("total")
    problems = []
    if a is not None and t is not None and a > t:
        problems.append(("active", f"số tổ có hoạt động {a} lớn hơn tổng số tổ {t}"))
    if t == 0:
        problems.append(("total", "tổng số tổ bằng 0"))
    return problems


def _steps_score(max_points, values, rule, params):
    return counts.count_steps(values["count"], rule["steps"], rule.get("else", 0))


# -- choices and bands -------------------------------------------------------------------------


def _choice_inputs(rule):
    return [InputSpec("option", CHOICE, "Mức đạt được", "", _options(rule))]


def _choice_score(max_points, values, rule, params):
    return choices.choice(values["option"], {o.code: o.points for o in _options(rule)})


def _bands_inputs(rule):
    if rule.get("input", "value") == "ratio":
        return [InputSpec("ratio", RATIO, "Tỉ lệ đạt", "%")]
    return [InputSpec("value", NUMBER, rule.get("label", "Giá trị đạt được"), rule.get("unit", ""))]


def _bands_score(max_points, values, rule, params):
    value = values["ratio"] if rule.get("input") == "ratio" else values["value"]
    edges = [(b["min"], b["points"], b.get("inclusive")) for b in rule["bands"]]
    return choices.bands(value, edges, rule.get("min_inclusive", True))


# -- points given by an assessor -----------------------------------------------------------------


def _assessed_inputs(rule):
    return [InputSpec("points", NUMBER, rule.get("label", "Điểm được đánh giá"), "điểm")]


def _assessed_check(values, rule, max_points=None):
    points = values.get("points")
    if points is not None and max_points is not None and points > max_points:
        return [("points", f"điểm được đánh giá {fmt_vn(points, 4)} vượt điểm chuẩn {fmt_vn(max_points, 4)}")]
    return []


def _minmax_inputs(rule):
    return [InputSpec("value", NUMBER, rule.get("label", "Giá trị"), rule.get("unit", ""))]


RULE_KINDS = {
    k.name: k
    for k in [
        RuleKind("late_months", ("due",), ("mode", "max_deduction"), _late_inputs, _late_score),
        RuleKind("ratio_target", ("target",), ("input",), _ratio_inputs, _ratio_score, _counts_check),
        RuleKind("threshold_gate", ("threshold",), ("input",), _ratio_inputs, _gate_score, _counts_check),
        RuleKind("gated_ratio", ("floor",), ("factor", "input", "floor_inclusive"), _ratio_inputs, _gated_score,
                 _counts_check),
        RuleKind(
            "late_entries",
            (),
            ("deductions",),
            lambda rule: [InputSpec(n, COUNT, label, "lần", default=0) for n, label in _ENTRY_LABELS.items()],
            _entries_score,
        ),
        RuleKind("choice", ("options",), (), _choice_inputs, _choice_score),
        RuleKind(
            "all_or_nothing",
            (),
            (),
            _team_inputs,
            lambda m, v, rule, p: ratios.all_or_nothing(m, v["active"], v["total"]),
            _team_check,
        ),
        RuleKind(
            "count_steps",
            ("steps",),
            ("else", "label"),
            lambda rule: [InputSpec("count", COUNT, rule.get("label", "Số lượng"), "")],
            _steps_score,
        ),
        RuleKind("bands", ("bands",), ("input", "min_inclusive", "label", "unit"), _bands_inputs, _bands_score),
        RuleKind("minmax", (), ("lower_is_better", "label", "unit"), _minmax_inputs, lambda *a: PENDING),
        RuleKind(
            "assessed",
            (),
            ("label",),
            _assessed_inputs,
            lambda m, v, rule, p: choices.assessed(v["points"], m),
            _assessed_check,
        ),
    ]
}
