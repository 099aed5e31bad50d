"""Reading the YAML files people write (criteria sets, unit input files): duplicate keys are
refused, and a read or syntax error becomes one Vietnamese line naming the line and column."""

from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    _LibYamlLoader = yaml.SafeLoader
else:
    _LibYamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it


class StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses duplicate mapping keys (a silent overwrite hides a typo)."""


class FastStrictLoader(_LibYamlLoader):
    """StrictLoader on libyaml's parser when PyYAML has it (about 10× faster). Its syntax errors
    are worded differently, so a file it refuses is read again by StrictLoader for the message."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"khóa “{key}” bị lặp", key_node.start_mark
            )
        seen.add(key)
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep)


for _loader in (StrictLoader, FastStrictLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


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


def yaml_error_vn(exc: yaml.YAMLError) -> str:
    """'YAML không hợp lệ ở dòng 3, cột 7: <problem>' on one line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f" ở dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return f"YAML không hợp lệ{where}: {' '.join(str(problem).split())}"


def read_yaml(path) -> object:
    """The parsed content of a UTF-8 YAML file; YamlReadError with a one-line reason otherwise."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise YamlReadError(os_error_vn(exc)) from None
    except UnicodeDecodeError:
        raise YamlReadError("tệp không phải văn bản UTF-8 (hãy lưu lại với mã hóa UTF-8)") from None
    try:
        return yaml.load(text, Loader=FastStrictLoader)  # noqa: S506 — safe loaders
    except yaml.YAMLError:
        pass
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise YamlReadError(yaml_error_vn(exc)) from None
