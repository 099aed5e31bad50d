"""The registry of rule kinds: every kind is one module of this package (its parameters, inputs,
score, input checks and Excel formulas); `RULE_KINDS` maps a YAML `kind:` to it. The arithmetic the
decision describes lives in the small pure functions of lateness, ratios, counts and choices.

Adding a rule kind: write dtscore/rules/<kind>.py (a `RuleKind` subclass and `KIND = …()`), list it
below, and test it; the loader, the engine, both template modes and the UDFs go through here.
"""

from . import (
    all_or_nothing,
    assessed,
    bands,
    choice,
    choices,
    count_steps,
    counts,
    gated_ratio,
    late_entries,
    late_months,
    lateness,
    minmax,
    ratio_target,
    ratios,
    threshold_gate,
)
from .base import (
    CHOICE,
    COUNT,
    DATE,
    INPUT_TYPES,
    NOT_APPLICABLE,
    NUMBER,
    PENDING,
    RATIO,
    ExcelCheck,
    FormulaCells,
    InputSpec,
    Option,
    RawRule,
    RuleError,
    RuleKind,
)

RULE_KINDS: dict[str, RuleKind] = {
    kind.name: kind
    for kind in (
        late_months.KIND,
        ratio_target.KIND,
        threshold_gate.KIND,
        gated_ratio.KIND,
        late_entries.KIND,
        choice.KIND,
        all_or_nothing.KIND,
        count_steps.KIND,
        bands.KIND,
        minmax.KIND,
        assessed.KIND,
    )
}


def register(kind: RuleKind) -> RuleKind:
    """Add a rule kind defined elsewhere (a province's own kind, a test's toy kind)."""
    RULE_KINDS[kind.name] = kind
    return kind


__all__ = [
    "CHOICE", "COUNT", "DATE", "INPUT_TYPES", "NOT_APPLICABLE", "NUMBER", "PENDING", "RATIO", "RULE_KINDS",
    "ExcelCheck", "FormulaCells", "InputSpec", "Option", "RawRule", "RuleError", "RuleKind", "choices", "counts", "lateness",
    "ratios", "register",
]  # fmt: skip
