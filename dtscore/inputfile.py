"""A unit's input file for `dtscore score`: YAML with criteria_set, level, unit, inputs, claimed,
evidence and optional parameters. Errors name the file and the field."""

from pathlib import Path

from .criteria import CriteriaSet, load_set
from .errors import DtscoreError, InputError
from .yamlio import YamlReadError, read_yaml

FIELDS = {"criteria_set", "level", "unit", "inputs", "claimed", "evidence", "parameters", "year"}


class UnitInput:
    def __init__(self, criteria_set: CriteriaSet, level, unit, inputs, claimed, evidence, parameters):
        self.criteria_set, self.level, self.unit = criteria_set, level, unit
        self.inputs, self.claimed, self.evidence, self.parameters = inputs, claimed, evidence, parameters


def read_input_file(path) -> UnitInput:
    path = Path(path)
    try:
        data = read_yaml(path)
    except YamlReadError as exc:
        raise DtscoreError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise DtscoreError(f"{path}: tệp phải là một bảng các khóa (criteria_set, level, unit, inputs…)")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise DtscoreError(f"{path}: khóa không hợp lệ {', '.join(unknown)} (cho phép: {', '.join(sorted(FIELDS))})")
    for name in ("criteria_set", "level"):
        if not data.get(name):
            raise DtscoreError(f"{path}: thiếu “{name}”")
    cs = load_set(data["criteria_set"])
    level = cs.level(str(data["level"]))
    known = {c.key for c in level.walk()}
    sections = {}
    for section in ("inputs", "claimed", "evidence"):
        value = data.get(section) or {}
        if not isinstance(value, dict):
            raise DtscoreError(f"{path}: “{section}” phải là một bảng theo mã tiêu chí")
        stray = sorted(str(k) for k in value if k not in known)
        if stray:
            raise DtscoreError(f"{path}: {section}: không có tiêu chí {', '.join(stray)} ở cấp {level.code}")
        sections[section] = value
    for key, values in sections["inputs"].items():
        if not isinstance(values, dict):
            raise InputError(f"{path}: inputs.{key}", "phải là một bảng tên số liệu → giá trị")
        crit = level.find(key)
        if crit.children:  # a group takes only its switch: all its criteria not applicable
            allowed = {"not_applicable"} if crit.allow_not_applicable else set()
        else:
            allowed = {s.name for s in crit.inputs} | {"not_applicable"}
            allowed |= {s.name for form in crit.rule_kind.alternatives(crit.params) for s in form}
        stray = sorted(set(values) - allowed)
        if stray and not allowed:
            raise InputError(f"{path}: inputs.{key}", "là một nhóm tiêu chí không thể chuyển sang “không áp dụng”: "
                             "hãy nhập số liệu cho từng tiêu chí con")
        if stray:
            raise InputError(f"{path}: inputs.{key}", f"không có số liệu {', '.join(stray)} (cần: {', '.join(sorted(allowed))})")
    unit = data.get("unit") or {}
    if not isinstance(unit, dict):
        raise DtscoreError(f"{path}: “unit” phải có code và name")
    return UnitInput(cs, level.code, unit, sections["inputs"], sections["claimed"], sections["evidence"],
                     data.get("parameters") or {})
