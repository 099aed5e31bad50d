"""Reading YAML: libyaml's parser (when PyYAML has it) reads the same data as the pure-Python one,
and a refused file gets the same one-line message either way."""

import pytest
import yaml

from dtscore import yamlio
from dtscore.criteria import available_sets, resolve_path


@pytest.mark.parametrize("name", available_sets())
def test_both_parsers_read_the_same_sets(name):
    text = resolve_path(name).read_text(encoding="utf-8")
    assert yaml.load(text, Loader=yamlio.FastStrictLoader) == yaml.load(text, Loader=yamlio.StrictLoader)


@pytest.mark.parametrize("text,message", [
    ("a: 1\na: 2\n", "YAML không hợp lệ ở dòng 2, cột 1: khóa “a” bị lặp"),
    ("a:\n\t- 1\n", "YAML không hợp lệ ở dòng 2, cột 1: found character '\\t' that cannot start any token"),
    ("a: b: c\n", "YAML không hợp lệ ở dòng 1, cột 5: mapping values are not allowed here"),
])  # fmt: skip
def test_a_refused_file_gets_one_vietnamese_line(tmp_path, text, message):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(yamlio.YamlReadError) as caught:
        yamlio.read_yaml(path)
    assert str(caught.value) == message


def test_libyaml_is_used_when_present():
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML built without libyaml")
    assert issubclass(yamlio.FastStrictLoader, yaml.CSafeLoader)
