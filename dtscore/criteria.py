"""Criteria sets: the model and the strict loader of `dtscore/criteria/*.yaml`.

Loading is strict: an unknown or duplicate key, a wrong total, an unknown rule kind or a missing
rule parameter is a CriteriaError naming the file and the criterion.
"""

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import CriteriaError, DtscoreError
from .rules import RULE_KINDS, InputSpec, RuleError, RuleKind
from .values import nfc
from .yamlio import YamlReadError, read_yaml

BUILTIN_DIR = Path(__file__).parent / "criteria"

SET_FIELDS = {"id", "version", "title", "year", "decimals", "source", "parameters", "levels", "note", "extends", "patch", "heading"}
LEVEL_FIELDS = {"code", "title", "max_total", "reference", "criteria", "index", "note"}
CRITERION_FIELDS = {
    "key", "title", "max_points", "rule", "method", "evidence", "reference", "note",
    "source_quality", "allow_not_applicable", "children", "weight", "children_sum_differs",
}  # fmt: skip
PARAMETER_FIELDS = {"value", "label", "reference", "note"}
KEY_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9._]*")
LEVEL_TITLES = {"tinh": "Đơn vị cấp tỉnh", "huyen": "Đơn vị cấp huyện", "xa": "Đơn vị cấp xã"}


@dataclass(frozen=True)
class Criterion:
    key: str
    title: str
    max_points: Decimal
    rule: dict | None  # as written in the YAML file
    params: Any = None  # the rule's typed parameters (its kind's Params), defaults applied
    method: str = ""
    evidence: str = ""
    reference: str = ""
    note: str = ""
    source_quality: str = ""
    allow_not_applicable: bool = False
    weight: Decimal | None = None
    children: tuple = ()
    inputs: tuple = ()
    depth: int = 0

    @property
    def kind(self) -> str | None:
        return self.rule["kind"] if self.rule else None

    @property
    def rule_kind(self) -> RuleKind:
        if self.rule is None:
            raise DtscoreError(f"{self.key} là một nhóm: không có quy tắc tính điểm")
        return RULE_KINDS[self.rule["kind"]]

    @property
    def is_group(self) -> bool:
        return bool(self.children)

    def walk(self):
        """This criterion and every descendant, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def input(self, name) -> InputSpec:
        return next(spec for spec in self.inputs if spec.name == name)


@dataclass(frozen=True)
class Parameter:
    name: str
    value: object
    label: str = ""
    reference: str = ""
    note: str = ""


@dataclass(frozen=True)
class Level:
    code: str
    title: str
    max_total: Decimal
    criteria: tuple  # top-level criteria (groups or leaves)
    reference: str = ""
    index: dict | None = None
    note: str = ""

    def walk(self):
        for criterion in self.criteria:
            yield from criterion.walk()

    def leaves(self) -> list:
        """The criteria a unit scores (rows with inputs), in the decision's order."""
        return [c for c in self.walk() if not c.is_group]

    def find(self, key) -> Criterion:
        for criterion in self.walk():
            if criterion.key == key:
                return criterion
        raise DtscoreError(f"Cấp “{self.code}” không có tiêu chí “{key}”")


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    version: str
    title: str
    year: int
    decimals: int
    source: dict
    parameters: dict  # name → Parameter
    levels: dict  # code → Level, in order
    note: str = ""
    path: str = ""
    fingerprint: str = ""
    extends: str = ""
    heading: str = "THI ĐUA CHUYỂN ĐỔI SỐ"  # what the forms and results are headed, in capitals

    def level(self, code) -> Level:
        try:
            return self.levels[code]
        except KeyError:
            raise DtscoreError(
                f"Bộ tiêu chí “{self.id}” không có cấp “{code}” (có: {', '.join(self.levels)})"
            ) from None

    def parameter_values(self) -> dict:
        return {name: p.value for name, p in self.parameters.items()}


# -- loading -----------------------------------------------------------------------------------


def _read_yaml(path: Path) -> dict:
    try:
        data = read_yaml(path, keep=True)
    except YamlReadError as exc:
        raise CriteriaError(path, None, str(exc)) from None
    if not isinstance(data, dict):
        raise CriteriaError(path, None, "tệp phải là một bảng (mapping) các khóa")
    return data


def resolve_path(name_or_path) -> Path:
    """A built-in set id ('soctrang-2023') or a path to a YAML file."""
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml"} and path.exists():
        return path
    builtin = BUILTIN_DIR / f"{name_or_path}.yaml"
    if builtin.exists():
        return builtin
    known = ", ".join(available_sets())
    raise DtscoreError(f"Không tìm thấy bộ tiêu chí “{name_or_path}” (có sẵn: {known})")


def available_sets() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


def _raw_with_extends(path: Path, seen=()) -> dict:
    data = _read_yaml(path)
    if "extends" not in data:
        for name in ("patch", "remove_levels"):
            if name in data:
                raise CriteriaError(path, name, f"chỉ dùng “{name}” cùng với “extends”")
        return data
    base_path = resolve_path(data["extends"])
    if base_path in seen:
        raise CriteriaError(path, "extends", "kế thừa vòng tròn")
    base = copy.deepcopy(_raw_with_extends(base_path, (*seen, path)))
    patch = data.pop("patch", None) or {}
    removed = data.pop("remove_levels", None) or []
    codes = [lv.get("code") for lv in base.get("levels", [])]
    if not isinstance(removed, list) or any(code not in codes for code in removed):
        raise CriteriaError(path, "remove_levels", f"danh sách mã cấp của bộ gốc cần bỏ (bộ gốc có: {', '.join(map(str, codes))})")
    base["levels"] = [lv for lv in base.get("levels", []) if lv.get("code") not in removed]
    for key, value in data.items():
        if key == "parameters":
            base["parameters"] = {**base.get("parameters", {}), **value}
        else:
            base[key] = value
    by_key = {c["key"]: c for level in base.get("levels", []) for c in _walk_raw(level.get("criteria", []))}
    for key, fields in patch.items():
        if key not in by_key:
            raise CriteriaError(path, f"patch.{key}", "không có tiêu chí này trong bộ gốc")
        if not isinstance(fields, dict):
            raise CriteriaError(path, f"patch.{key}", "phải là một bảng các trường cần thay")
        by_key[key].update(fields)
    return base


def raw_set(name_or_path) -> dict:
    """A set's data as the loader reads it: a set that `extends` another is merged with its base."""
    return _raw_with_extends(resolve_path(name_or_path))


def _walk_raw(criteria):
    for c in criteria:
        if isinstance(c, dict):
            yield c
            yield from _walk_raw(c.get("children") or [])


def _same_number(value):
    """1.0 and 1 are the same figure: a set re-saved by a spreadsheet (which writes 1.0 as 1) keeps
    its fingerprint."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _same_number(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_same_number(v) for v in value]
    return value


def _fingerprint(data: dict) -> str:
    canonical = json.dumps(_same_number(data), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _num(path, key, value, what) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise CriteriaError(path, key, f"{what} phải là số, không phải {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise CriteriaError(path, key, f"{what} phải là số, không phải {value!r}") from None


def _text(path, key, value, what, required=True) -> str:
    if value is None or value == "":
        if required:
            raise CriteriaError(path, key, f"thiếu {what}")
        return ""
    if not isinstance(value, str):
        raise CriteriaError(path, key, f"{what} phải là chuỗi văn bản")
    return nfc(value)


def _check_fields(path, key, data, allowed, what):
    if not isinstance(data, dict):
        raise CriteriaError(path, key, f"{what} phải là một bảng các trường")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise CriteriaError(path, key, f"trường không hợp lệ {', '.join(unknown)} (cho phép: {', '.join(sorted(allowed))})")


def _rule_params(path, key, rule, max_points, parameters):
    """The rule's typed parameters, read once by its kind; errors name file, criterion and field."""
    if not isinstance(rule, dict) or "kind" not in rule:
        raise CriteriaError(path, f"{key}.rule", "thiếu “kind” (loại quy tắc)")
    kind = RULE_KINDS.get(rule["kind"])
    if kind is None:
        raise CriteriaError(
            path, f"{key}.rule.kind", f"loại quy tắc “{rule['kind']}” không tồn tại (có: {', '.join(RULE_KINDS)})"
        )
    try:
        return kind.load(rule, {name: p.value for name, p in parameters.items()}, max_points)
    except RuleError as exc:
        where = exc.field if exc.absolute else f"{key}.rule" + (f".{exc.field}" if exc.field else "")
        raise CriteriaError(path, where, exc.message) from None


def _build_criterion(path, raw, parameters, seen_keys, depth=0) -> Criterion:
    key = raw.get("key") if isinstance(raw, dict) else None
    where = key or "(tiêu chí không có key)"
    _check_fields(path, where, raw, CRITERION_FIELDS, "tiêu chí")
    if not key or not isinstance(key, str):
        raise CriteriaError(path, where, "thiếu “key”")
    if not KEY_PATTERN.fullmatch(key):  # every input becomes a workbook name KEY_<input>
        raise CriteriaError(path, key, "key chỉ gồm chữ cái không dấu, chữ số, “.” và “_”, bắt đầu bằng chữ cái (ví dụ D6.3)")
    if key in seen_keys:
        raise CriteriaError(path, key, "key bị trùng")
    seen_keys.add(key)
    title = _text(path, f"{key}.title", raw.get("title"), "tên tiêu chí (title)")
    if "max_points" not in raw:
        raise CriteriaError(path, key, "thiếu điểm chuẩn (max_points)")
    max_points = _num(path, f"{key}.max_points", raw["max_points"], "max_points")
    if max_points <= 0:
        raise CriteriaError(path, f"{key}.max_points", "điểm chuẩn phải lớn hơn 0")
    children = tuple(
        _build_criterion(path, child, parameters, seen_keys, depth + 1) for child in raw.get("children") or []
    )
    rule = raw.get("rule")
    params = None
    if children and rule:
        raise CriteriaError(path, key, "một nhóm (children) không có quy tắc riêng (rule)")
    if not children:
        if rule is None:
            raise CriteriaError(path, key, "thiếu quy tắc tính điểm (rule)")
        params = _rule_params(path, key, rule, max_points, parameters)
    elif "children_sum_differs" not in raw:
        total = sum(c.max_points for c in children)
        if total != max_points:
            raise CriteriaError(
                path, key, f"tổng điểm các mục con là {total}, khác điểm chuẩn {max_points} của nhóm"
                " (nếu văn bản gốc như vậy, ghi lý do vào children_sum_differs)",
            )
    quality = raw.get("source_quality", "")
    if quality not in ("", "uncertain"):
        raise CriteriaError(path, f"{key}.source_quality", "chỉ nhận giá trị “uncertain”")
    if quality and not raw.get("note"):
        raise CriteriaError(path, key, "source_quality: uncertain cần “note” trích đoạn không đọc được")
    return Criterion(
        key=key,
        title=title,
        max_points=max_points,
        rule=rule,
        params=params,
        method=_text(path, f"{key}.method", raw.get("method"), "cách tính", required=False),
        evidence=_text(path, f"{key}.evidence", raw.get("evidence"), "căn cứ", required=False),
        reference=_text(path, f"{key}.reference", raw.get("reference"), "tham chiếu (reference)"),
        note=_text(path, f"{key}.note", raw.get("note"), "ghi chú", required=False),
        source_quality=quality,
        allow_not_applicable=bool(raw.get("allow_not_applicable", False)),
        weight=_num(path, f"{key}.weight", raw["weight"], "weight") if "weight" in raw else None,
        children=children,
        inputs=tuple(RULE_KINDS[rule["kind"]].inputs(params)) if rule else (),
        depth=depth,
    )


def _check_index(path, code, index, criteria):
    """A weighted index (DTI): {kind: weighted, digits, weights_total}; weights on the top-level
    criteria only (the index's components), each > 0."""
    where = f"levels.{code}.index"
    if index is not None:
        _check_fields(path, where, index, {"kind", "digits", "weights_total"}, "chỉ số (index)")
        if index.get("kind") != "weighted":
            raise CriteriaError(path, f"{where}.kind", "chỉ có loại chỉ số “weighted” (Σ giá trị × trọng số ÷ weights_total)")
        digits = index.get("digits", 4)
        if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 6:
            raise CriteriaError(path, f"{where}.digits", "digits phải là số nguyên từ 0 đến 6")
        if _num(path, f"{where}.weights_total", index.get("weights_total", 1), "weights_total") <= 0:
            raise CriteriaError(path, f"{where}.weights_total", "weights_total phải lớn hơn 0")
    for top in criteria:
        if top.weight is not None and (index is None or top.weight <= 0):
            reason = "trọng số phải lớn hơn 0" if index is not None else "trọng số chỉ dùng khi cấp có “index”"
            raise CriteriaError(path, f"{top.key}.weight", reason)
        for inner in list(top.walk())[1:]:
            if inner.weight is not None:
                raise CriteriaError(path, f"{inner.key}.weight",
                                    "trọng số chỉ đặt ở tiêu chí cấp cao nhất (thành phần của chỉ số)")


def _build(path: Path, data: dict) -> CriteriaSet:
    _check_fields(path, None, data, SET_FIELDS, "bộ tiêu chí")
    for name in ("id", "version", "title", "year", "levels"):
        if name not in data:
            raise CriteriaError(path, name, "thiếu trường bắt buộc")
    parameters = {}
    if not isinstance(data.get("parameters") or {}, dict):
        raise CriteriaError(path, "parameters", "parameters phải là một bảng tên tham số → {value, label, …}")
    if not isinstance(data["levels"], list):
        raise CriteriaError(path, "levels", "levels phải là một danh sách các cấp")
    for name, raw in (data.get("parameters") or {}).items():
        _check_fields(path, f"parameters.{name}", raw, PARAMETER_FIELDS, "tham số")
        if "value" not in raw:
            raise CriteriaError(path, f"parameters.{name}", "thiếu “value”")
        parameters[name] = Parameter(name, raw["value"], nfc(raw.get("label", "")), raw.get("reference", ""), raw.get("note", ""))
    seen_keys: set = set()
    levels = {}
    for raw in data["levels"]:
        code = raw.get("code") if isinstance(raw, dict) else None
        _check_fields(path, f"levels.{code}", raw, LEVEL_FIELDS, "cấp")
        if not code or code in levels:
            raise CriteriaError(path, f"levels.{code}", "mỗi cấp cần một “code” riêng")
        criteria = tuple(_build_criterion(path, c, parameters, seen_keys) for c in raw.get("criteria") or [])
        if not criteria:
            raise CriteriaError(path, f"levels.{code}", "cấp không có tiêu chí nào")
        max_total = _num(path, f"levels.{code}.max_total", raw.get("max_total"), "max_total")
        total = sum(c.max_points for c in criteria)
        if total != max_total:
            raise CriteriaError(path, f"levels.{code}", f"tổng điểm chuẩn các tiêu chí là {total}, khác max_total {max_total}")
        _check_index(path, code, raw.get("index"), criteria)
        levels[code] = Level(
            code=code,
            title=nfc(raw.get("title") or LEVEL_TITLES.get(code, code)),
            max_total=max_total,
            criteria=criteria,
            reference=raw.get("reference", ""),
            index=raw.get("index"),
            note=raw.get("note", ""),
        )
    decimals = data.get("decimals", 2)
    if not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise CriteriaError(path, "decimals", "decimals phải là số nguyên từ 0 đến 6")
    if str(data["id"]) != path.stem:
        raise CriteriaError(path, "id", f"id “{data['id']}” phải trùng tên tệp “{path.stem}”")
    return CriteriaSet(
        id=str(data["id"]),
        version=str(data["version"]),
        title=nfc(data["title"]),
        year=int(data["year"]),
        decimals=decimals,
        source=data.get("source") or {},
        parameters=parameters,
        levels=levels,
        note=data.get("note", ""),
        path=str(path),
        fingerprint=_fingerprint(data),
        extends=data.get("extends", ""),
        heading=nfc(data.get("heading") or CriteriaSet.heading),
    )


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime_ns: int) -> CriteriaSet:
    p = Path(path)
    raw = _raw_with_extends(p)
    return _build(p, raw)


def load_set(name_or_path) -> CriteriaSet:
    """Load a criteria set by built-in id or path (cached while the file is unchanged)."""
    path = resolve_path(name_or_path).resolve()
    return _load_cached(str(path), path.stat().st_mtime_ns)

