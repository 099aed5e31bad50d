"""The expected template formulas are built once per set, level and mode and then read from the
cache folder by every later process; what is read is what the builder writes."""

import json

import pytest
from openpyxl import load_workbook

from dtscore.criteria import load_set
from dtscore.workbook import builder, expected


def _entries(folder) -> list:
    """The template answers kept in the cache folder (criteria sets are kept there too)."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith("yaml-"))


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("DTSCORE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(expected, "_KNOWN", {})
    return tmp_path / "cache"


@pytest.mark.parametrize("mode", ["native", "udf"])
def test_the_formulas_are_those_of_a_built_template(fresh, tmp_path, mode):
    cs = load_set("soctrang-2023")
    path = builder.build_template(cs, "xa", tmp_path / "xa.xlsx", formulas=mode)
    wb = load_workbook(path)
    written = {}
    for name, defined in wb.defined_names.items():
        sheet, coord = next(iter(defined.destinations))
        value = wb[sheet][coord.replace("$", "")].value
        if isinstance(value, str) and value.startswith("="):
            written[name] = value
    assert len(written) > 14
    assert expected.expected_formulas(cs, "xa", mode) == written


def test_a_new_process_reads_the_cache_instead_of_building(fresh, monkeypatch):
    cs = load_set("soctrang-2023")
    first = expected.expected_formulas(cs, "huyen", "native")
    [file] = _entries(fresh)
    assert dict(map(tuple, json.loads(file.read_text(encoding="utf-8")))) == first

    monkeypatch.setattr(expected, "_KNOWN", {})  # as in a new process
    monkeypatch.setattr(builder, "make_workbook", lambda *a, **k: pytest.fail("built again"))
    assert expected.expected_formulas(cs, "huyen", "native") == first


def test_another_set_level_or_mode_is_another_entry(fresh):
    cs, draft = load_set("soctrang-2023"), load_set("soctrang-2023-draft")
    for s, level, mode in ((cs, "xa", "native"), (cs, "xa", "udf"), (cs, "huyen", "native"), (draft, "xa", "native")):
        expected.expected_formulas(s, level, mode)
    assert len(_entries(fresh)) == 4


def test_an_unreadable_cache_entry_is_built_again(fresh):
    cs = load_set("soctrang-2023")
    good = expected.expected_formulas(cs, "xa", "native")
    [file] = _entries(fresh)
    file.write_text("{not json", encoding="utf-8")
    expected._KNOWN.clear()
    assert expected.expected_formulas(cs, "xa", "native") == good
    assert dict(map(tuple, json.loads(file.read_text(encoding="utf-8")))) == good


def test_without_a_cache_folder_the_formulas_are_built_each_time(fresh, monkeypatch):
    cs = load_set("soctrang-2023")
    good = expected.expected_formulas(cs, "xa", "native")
    expected._KNOWN.clear()
    monkeypatch.setattr(expected, "cache_dir", lambda: None)  # an account without a home folder
    built = []
    real = builder.make_workbook
    monkeypatch.setattr(builder, "make_workbook", lambda *a, **k: built.append(1) or real(*a, **k))
    assert expected.expected_formulas(cs, "xa", "native") == good and built
