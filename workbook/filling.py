"""Filling a template through its defined names (tests, fixtures, benchmarks, demos): the same
dictionaries dtscore.scoring.score_unit takes go into the cells an official would type into."""

from openpyxl import Workbook

from dtscore.safecells import set_cell


def named_cell(wb: Workbook, name: str):
    """The one cell a workbook-scoped defined name points to."""
    try:
        defined = wb.defined_names[name]
    except KeyError:
        raise KeyError(f"the workbook has no defined name {name!r}") from None
    sheet, ref = next(iter(defined.destinations))
    return wb[sheet][ref.replace("$", "")]


def fill(wb: Workbook, inputs=None, claimed=None, evidence=None, notes=None, parameters=None, unit=None) -> Workbook:
    """Write values into the named cells: inputs {key: {input name: value}} (KEY_<input>; use the
    input name "not_applicable" for the switch), claimed/evidence/notes {key: value}, parameters
    {name: value} (param_<name>), unit {"code": …, "name": …}. Values go in as given (dates, floats,
    labels); None clears a cell."""
    for key, values in (inputs or {}).items():
        for name, value in values.items():
            named_cell(wb, f"{key}_{name}").value = value
    for suffix, values in (("claimed", claimed), ("evidence", evidence), ("note", notes)):
        for key, value in (values or {}).items():
            named_cell(wb, f"{key}_{suffix}").value = value
    for name, value in (parameters or {}).items():
        named_cell(wb, f"param_{name}").value = value
    for field in ("code", "name"):
        if unit and field in unit:
            set_cell(named_cell(wb, f"unit_{field}"), unit[field])  # a name from a CSV is never a formula
    return wb


def input_names(level) -> list:
    """(key, input name) of every input cell of a level, the not-applicable switches included."""
    out: list = []
    for crit in level.walk():
        out.extend((crit.key, spec.name) for spec in crit.inputs)
        if crit.allow_not_applicable:
            out.append((crit.key, "not_applicable"))
    return out


def clear(wb: Workbook, level) -> Workbook:
    """Blank every input, self-score, evidence and note cell (reusing one workbook for many units)."""
    for key, name in input_names(level):
        named_cell(wb, f"{key}_{name}").value = None
    for crit in level.walk():
        for suffix in ("evidence", "note") if crit.is_group else ("claimed", "evidence", "note"):
            named_cell(wb, f"{crit.key}_{suffix}").value = None  # a group's self-score is a subtotal
    return wb
