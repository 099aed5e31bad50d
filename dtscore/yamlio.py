"""Reading the YAML files people write (criteria sets, unit input files): duplicate keys are
refused, and a read or syntax error becomes one Vietnamese line naming the line and column.

A criteria set is read by every command and by every worker process; its parsed content is kept
in the user's cache as JSON, named by the digest of the text, so that a later process neither
parses the YAML (about 10 ms with libyaml) nor imports PyYAML (as much again)."""

import hashlib
import json
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .atomic import write_text_atomic
from .cachedir import cache_dir
from .errors import DtscoreError

if TYPE_CHECKING:
    import yaml


@lru_cache(maxsize=1)
def loaders() -> tuple:
    """(FastStrictLoader, StrictLoader): safe YAML loaders that refuse duplicate mapping keys (a silent
    overwrite hides a typo), the first on libyaml's parser when PyYAML has it (about 10× faster). Its
    syntax errors are worded differently, so a file it refuses is read again by the second for the
    message. PyYAML is imported here, on the first YAML actually parsed."""
    import yaml

    def construct_mapping(loader, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"khóa “{key}” bị lặp", key_node.start_mark)
            seen.add(key)
        return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep)

    fast: Any = type("FastStrictLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})
    strict: Any = type("StrictLoader", (yaml.SafeLoader,), {})
    for loader in (fast, strict):
        loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return fast, strict


class YamlReadError(Exception):
    """The file cannot be read or parsed; str() is a one-line Vietnamese reason."""


def os_error_vn(exc: OSError) -> str:
    """An OSError as a short Vietnamese reason (strerror is English on most systems)."""
    if isinstance(exc, FileNotFoundError):
        return "không tìm thấy tệp"
    if isinstance(exc, IsADirectoryError):
        return "đây là một thư mục, không phải tệp"
    if isinstance(exc, PermissionError):
        return "không có quyền đọc tệp"
    return f"không đọc được tệp ({exc.strerror or type(exc).__name__})"


def yaml_error_vn(exc: "yaml.YAMLError") -> str:
    """'YAML không hợp lệ ở dòng 3, cột 7: <problem>' on one line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f" ở dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return f"YAML không hợp lệ{where}: {' '.join(str(problem).split())}"


# Part of a kept file's name: changed whenever what the loaders accept or how content is kept changes,
# so that no content kept by an earlier version is read.
_KEPT_FORMAT = "1\0"


def read_yaml(path, keep=False) -> object:
    """The parsed content of a UTF-8 YAML file; YamlReadError with a one-line reason otherwise.
    keep: the content is kept in the user's cache (see the module's docstring) and read from there."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise YamlReadError(os_error_vn(exc)) from None
    except UnicodeDecodeError:
        raise YamlReadError("tệp không phải văn bản UTF-8 (hãy lưu lại với mã hóa UTF-8)") from None
    folder = cache_dir() if keep else None
    if folder is None:
        return _parse(text)
    kept = folder / f"yaml-{hashlib.sha256((_KEPT_FORMAT + text).encode('utf-8')).hexdigest()[:32]}.json"
    try:
        return json.loads(kept.read_text(encoding="utf-8"), object_hook=_from_json)
    except (OSError, ValueError):
        pass  # not kept yet (or unreadable): parse, and keep it for the next process
    data = _parse(text)
    try:
        if _text_keys(data):  # json would silently turn a key 1 into "1"
            write_text_atomic(kept, json.dumps(data, ensure_ascii=False, default=_to_json))
    except (TypeError, ValueError, DtscoreError):
        pass  # a value JSON cannot hold as it is (a set…) or a read-only home: parsed each time
    return data


def _parse(text: str) -> object:
    import yaml

    fast, strict = loaders()
    try:
        return yaml.load(text, Loader=fast)  # noqa: S506 — safe loaders
    except yaml.YAMLError:
        pass
    try:
        return yaml.load(text, Loader=strict)  # noqa: S506
    except yaml.YAMLError as exc:
        raise YamlReadError(yaml_error_vn(exc)) from None


# Dates are the one YAML scalar JSON has no type for: kept as {"\u0000date": "2023-03-31"}.
_DATE, _DATETIME = "\0date", "\0datetime"


def _text_keys(data) -> bool:
    """Whether every mapping key is text, and none is one of the date markers."""
    if isinstance(data, dict):
        return all(isinstance(k, str) and k not in (_DATE, _DATETIME) and _text_keys(v) for k, v in data.items())
    if isinstance(data, list):
        return all(_text_keys(v) for v in data)
    return True


def _to_json(value):
    """JSON for what json.dumps cannot write itself; TypeError for anything but dates."""
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, date):
        return {_DATE: value.isoformat()}
    raise TypeError(type(value).__name__)


def _from_json(obj: dict):
    if len(obj) == 1:
        if _DATE in obj:
            return date.fromisoformat(obj[_DATE])
        if _DATETIME in obj:
            return datetime.fromisoformat(obj[_DATETIME])
    return obj
