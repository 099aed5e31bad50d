"""Reading YAML: libyaml's parser (when PyYAML has it) reads the same data as the pure-Python one,
and a refused file gets the same one-line message either way."""

import subprocess
import sys
from datetime import date, datetime

import pytest
import yaml

from dtscore import yamlio
from dtscore.cachedir import cache_dir
from dtscore.criteria import available_sets, resolve_path


@pytest.mark.parametrize("name", available_sets())
def test_both_parsers_read_the_same_sets(name):
    text = resolve_path(name).read_text(encoding="utf-8")
    fast, strict = yamlio.loaders()
    assert yaml.load(text, Loader=fast) == yaml.load(text, Loader=strict)


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
    assert issubclass(yamlio.loaders()[0], yaml.CSafeLoader)


# -- a criteria set's parsed content, kept in the user's cache --------------------------------------


def _typed(value):
    """The value with every scalar's type made part of it (1, 1.0 and True compare equal in Python)."""
    if isinstance(value, dict):
        return {_typed(k): _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


def _kept_files():
    return sorted(cache_dir().glob("yaml-*.json"))


@pytest.mark.parametrize("name", available_sets())
def test_a_kept_set_reads_exactly_what_yaml_parses(name):
    path = resolve_path(name)
    parsed = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    first = yamlio.read_yaml(path, keep=True)
    kept = yamlio.read_yaml(path, keep=True)  # from the JSON file now
    assert _typed(first) == _typed(parsed) and _typed(kept) == _typed(parsed)


def test_keeping_follows_the_text_and_refuses_what_json_would_change(tmp_path):
    path = tmp_path / "set.yaml"
    before = set(_kept_files())
    path.write_text("id: a\ndue: 2023-03-31\nat: 2023-03-31 08:00:00\nn: [1, 1.0, true, null, '1']\n", encoding="utf-8")
    assert yamlio.read_yaml(path, keep=True) == yamlio.read_yaml(path, keep=True)
    assert yamlio.read_yaml(path, keep=True)["due"] == date(2023, 3, 31)
    assert yamlio.read_yaml(path, keep=True)["at"] == datetime(2023, 3, 31, 8, 0)
    assert len(set(_kept_files()) - before) == 1
    path.write_text("id: b\n", encoding="utf-8")  # edited: another digest, never the old content
    assert yamlio.read_yaml(path, keep=True) == {"id": "b"}
    # a key that is no text, a set, a key like the date marker: read right, never kept
    for text, expected in [("1: a\n", {1: "a"}), ("s: !!set {a}\n", {"s": {"a"}}),
                           ('"\\0date": "2023-03-31"\n', {"\0date": "2023-03-31"})]:
        path.write_text(text, encoding="utf-8")
        kept = set(_kept_files())
        assert yamlio.read_yaml(path, keep=True) == expected == yamlio.read_yaml(path, keep=True)
        assert set(_kept_files()) == kept, text


def test_a_damaged_kept_file_is_parsed_again(tmp_path):
    path = tmp_path / "set.yaml"
    path.write_text("id: c\nx: [1, 2]\n", encoding="utf-8")
    before = set(_kept_files())
    yamlio.read_yaml(path, keep=True)
    (kept,) = set(_kept_files()) - before
    kept.write_text('{"id": "c", "x": [1, ', encoding="utf-8")
    assert yamlio.read_yaml(path, keep=True) == {"id": "c", "x": [1, 2]}


def test_a_process_reading_a_kept_set_does_not_import_yaml():
    code = ("import sys; from dtscore.criteria import load_set; load_set('soctrang-2023'); "
            "print('yaml' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
            for _ in range(2)]
    assert runs[1] == "False", runs


def test_without_a_cache_folder_a_set_is_read_and_nothing_kept(monkeypatch):
    monkeypatch.setattr(yamlio, "cache_dir", lambda: None)  # an account without a home folder
    path = resolve_path("soctrang-2023")
    assert yamlio.read_yaml(path, keep=True) == yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
