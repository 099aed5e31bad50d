"""What every rule kind is made of: the input description (`InputSpec`), the typed-parameter
reading (`RawRule`, `RuleError`) and the `RuleKind` base class whose methods a kind module
overrides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Protocol

from ..errors import DtscoreError
from . import excel
from .excel import ExcelCheck, FormulaCells

DATE, RATIO, COUNT, NUMBER, CHOICE = "date", "ratio", "count", "number", "choice"
INPUT_TYPES = (DATE, RATIO, COUNT, NUMBER, CHOICE)


class Marker:
    """A score that is not a number: the rule says the criterion is out, or is scored later."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


NOT_APPLICABLE = Marker("NOT_APPLICABLE")  # the criterion does not apply: its maximum is lowered
PENDING = Marker("PENDING")  # scored only across units, at consolidation (minmax)

Score = Decimal | Marker


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    points: Decimal


@dataclass(frozen=True)
class InputSpec:
    """One value a unit fills in for a criterion: the public description of a kind's inputs
    (`KEY_<name>` in the workbook, the data dictionary, the self-check formulas)."""

    name: str
    type: str
    label: str
    unit: str = ""
    options: tuple = ()
    default: object = None  # the value a blank stands for (None: a blank is missing)
    deadline: str = ""  # date inputs: the set parameter holding the due date, shown beside the cell

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "label": self.label}
        if self.unit:
            out["unit"] = self.unit
        if self.options:
            out["options"] = [{"code": o.code, "label": o.label, "points": float(o.points)} for o in self.options]
        return out


class RuleError(DtscoreError):
    """A rule parameter is wrong. `field` is relative to the rule ("bands[2].min", "" for the rule
    itself) unless `absolute` (a set parameter the rule names); the loader adds file and key."""

    def __init__(self, field: str, message: str, absolute: bool = False):
        self.field, self.message, self.absolute = field, message, absolute
        super().__init__(f"{field}: {message}" if field else message)


@dataclass(frozen=True)
class RawRule:
    """A rule as written in YAML, with readers that check a parameter and say which one is wrong.
    `parameters` (the set's year parameters) and `max_points` are None outside a loader."""

    data: Mapping
    parameters: Mapping | None = None
    max_points: Decimal | None = None

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def number(self, name: str, value: Any = None, what: str | None = None) -> Decimal:
        value = self.data.get(name) if value is None else value
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise RuleError(name, f"{what or name} phải là số, không phải {value!r}")
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise RuleError(name, f"{what or name} phải là số, không phải {value!r}") from None

    def fraction(self, name: str) -> Decimal:
        """A share in (0; 1]: target, threshold, floor."""
        value = self.number(name)
        if not 0 < value <= 1:
            raise RuleError(name, f"{name} phải trong khoảng (0; 1], ví dụ 0.95 cho 95%")
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            raise RuleError(name, f"{name} phải là true hoặc false")
        return value

    def text(self, name: str, default: str) -> str:
        value = self.data.get(name, default)
        return value if isinstance(value, str) else str(value)

    def points(self, value: Any) -> Decimal:
        """Points a rule gives, within [0; max_points] of its criterion."""
        points = self.number("", value, "điểm")
        if points < 0 or (self.max_points is not None and points > self.max_points):
            raise RuleError("", f"điểm {value} nằm ngoài [0; {self.max_points}]")
        return points


class Sampler(Protocol):
    """Plausible made-up values for the demo and the tests (dtscore.sampledata provides it)."""

    rng: Any  # random.Random
    quality: float  # 0–1: how good the made-up unit is
    params: Mapping  # the set's year parameters

    def ratio(self) -> Decimal: ...

    def date_around(self, due) -> Any: ...

    def value(self, spec: InputSpec) -> Any: ...


class RuleKind:
    """A kind of rule. A kind module subclasses this, names its typed `Params` (a frozen dataclass
    whose fields are the YAML parameters; a field's metadata "yaml" gives another YAML name) and
    overrides what differs:

    parse(raw) -> Params                      checks and converts the parameters, defaults applied
    inputs(rule) -> [InputSpec]               what a unit fills in
    score(max_points, values, rule, params)   the unrounded score (Decimal, NOT_APPLICABLE, PENDING)
    score_batch(max_points, [values], …)      score of many units at once (default: score on each)
    check(values, rule, max_points)           [(input name, message)]: input problems that block scoring
    excel_native(rule, cells) -> str          the plain-Excel formula (no leading "=")
    excel_udf(rule, cells) -> str             the DT_* call of a UDF-mode template
    excel_checks(rule, cells) -> [ExcelCheck] `check`'s problems (and the kind's other errors on
                                              valid inputs) as Excel conditions, for the self-check
    sample(rule, sampler) -> {input: value}   plausible inputs of a made-up unit (demo, tests)

    `rule` is the parsed Params or the YAML mapping (parsed on the way in); `values` are inputs
    already parsed to their types; `params` are the set's year parameters by name.
    """

    name: ClassVar[str]
    Params: ClassVar[type]
    across_units: ClassVar[bool] = False  # scored at consolidation from every unit's value (minmax)
    blank_is_not_done: ClassVar[bool] = False  # a blank date is a document not issued: 0, not "missing"

    # -- parameters ------------------------------------------------------------------------------

    def yaml_names(self) -> dict[str, bool]:
        """YAML parameter name → required."""
        out = {}
        for f in fields(self.Params):
            required = f.default is MISSING and f.default_factory is MISSING
            out[f.metadata.get("yaml", f.name)] = required
        return out

    def load(self, raw: Mapping, parameters: Mapping | None = None, max_points: Decimal | None = None):
        """The typed parameters of a rule written in YAML; RuleError names the wrong parameter."""
        names = self.yaml_names()
        given = set(raw) - {"kind"}
        missing = [n for n, required in names.items() if required and n not in given]
        unknown = sorted(given - set(names))
        if missing:
            raise RuleError("", f"quy tắc {self.name} thiếu tham số {', '.join(missing)}")
        if unknown:
            raise RuleError("", f"quy tắc {self.name} không có tham số {', '.join(unknown)}")
        return self.parse(RawRule(raw, parameters, max_points))

    def parse(self, raw: RawRule):
        return self.Params()

    def params_of(self, rule):
        return rule if isinstance(rule, self.Params) else self.load(rule)

    # -- scoring ---------------------------------------------------------------------------------

    def inputs(self, rule) -> list[InputSpec]:
        raise NotImplementedError

    def alternatives(self, rule) -> list[list[InputSpec]]:
        """Other input forms a unit may use instead of the declared one (first one filled wins)."""
        return []

    def score(self, max_points, values: dict, rule, params: Mapping) -> Score:
        raise NotImplementedError

    def score_batch(self, max_points, values: list[dict], rule, params: Mapping) -> list:
        """`score` of each of many units' values (the batch engine: one call per criterion, on
        its distinct values). A kind may compute it column-wise; it must equal `score` on each."""
        return [self.score(max_points, v, rule, params) for v in values]

    def check(self, values: dict, rule, max_points=None) -> list[tuple[str, str]]:
        return []

    def input_unit(self, rule, spec: InputSpec) -> str:
        """The text beside an input cell of the template (unit, target)."""
        return spec.unit

    def sample(self, rule, sampler: Sampler) -> dict:
        return {spec.name: sampler.value(spec) for spec in self.inputs(rule)}

    # -- Excel -----------------------------------------------------------------------------------

    def excel_native(self, rule, cells: FormulaCells) -> str:
        raise NotImplementedError(f"rule kind {self.name!r} has no native formula")

    def excel_udf(self, rule, cells: FormulaCells) -> str:
        """DT_SCORE with the set's own rule: right for every kind, so the default."""
        return excel.dt_score(cells)

    def excel_checks(self, rule, cells: FormulaCells) -> list[ExcelCheck]:
        """The problems `check` finds, as conditions over the input cells; the checks every input
        type has (blank, unreadable, out of range) come from its InputSpec, not from here."""
        return []

