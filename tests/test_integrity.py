"""Integrity of a submission (issue 16): every name dtscore reads must point at the template's cell
for it (a retargeted name blocks ranking until appraised); the year cell is validated and a file
of another year never supersedes the current year's; names the template does not have (external,
#REF!, a deleted sheet) are ignored with a warning instead of making the file unreadable."""

import re
import sqlite3
from datetime import datetime

import openpyxl
import pytest

from dtscore.cli import main
from dtscore.validation import validate_file
from tests import hostile


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("integrity")


@pytest.fixture(scope="module")
def good(folder):
    return hostile.good_unit(folder, "X-A", seed=3)


def _off_screen(good, out, name="X04_ratio", value="1"):
    """`name` retargeted to Z900, a cell far below the form holding `value` (100 %)."""
    ref = hostile.defined_name(good, name)
    sheet = ref.rsplit("!", 1)[0]
    with __import__("zipfile").ZipFile(good) as z:
        part = hostile.part_of(z, sheet.strip("'"))
    staged = hostile.rewrite(good, out.with_name("staged-" + out.name), lambda n, d: d.replace(
        b"</sheetData>", f'<row r="900"><c r="Z900"><v>{value}</v></c></row></sheetData>'.encode()) if n == part else d)
    return hostile.retarget(staged, out, name, f"{sheet}!$Z$900")


def _ranking(path):
    wb = openpyxl.load_workbook(path)
    ws = next(ws for ws in wb if ws.title.startswith("Xếp hạng"))
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    header = list(rows[0])
    return {r[header.index("Mã đơn vị")]: dict(zip(header, r)) for r in rows[1:] if r[header.index("Mã đơn vị")]}


def test_a_name_retargeted_off_screen_is_reported_and_blocks_ranking(good, folder, tmp_path, capsys):
    inbox = tmp_path / "hop-thu"
    inbox.mkdir()
    hostile.good_unit(inbox, "X-B", seed=4)
    moved = _off_screen(good, inbox / "X-A.xlsx")
    v = validate_file(moved)
    found = [f for f in v.findings if f.code == "NAME_RETARGETED"]
    assert [f.name for f in found] == ["X04_ratio"] and found[0].key == "X04" and found[0].severity == "error"
    assert "Z900" in found[0].message and "Z900" in found[0].cell
    out = tmp_path / "kq.xlsx"
    assert main(["consolidate", str(inbox), "-o", str(out), "--no-progress"]) == 0
    ranking = _ranking(out)
    assert ranking["X-A"]["Hạng"] is None and "tên vùng bị trỏ sang ô khác" in ranking["X-A"]["Ghi chú"]
    assert ranking["X-B"]["Hạng"] == 1


@pytest.mark.parametrize("cell, code", [
    (lambda c: f'<c r="{c}"/>', "INPUT_MISSING"),
    (hostile.text_cell("2023"), "WRONG_TYPE"),
    (hostile.number_cell("2023.5"), "INPUT_OUT_OF_RANGE"),
    (hostile.number_cell("1899"), "INPUT_OUT_OF_RANGE"),
], ids=["blank", "text", "fraction", "too-old"])
def test_a_bad_year_is_an_error_and_the_unit_is_neither_ranked_nor_stored(good, tmp_path, cell, code, capsys):
    inbox = tmp_path / "hop-thu"
    inbox.mkdir()
    hostile.good_unit(inbox, "X-B", seed=4)
    hostile.set_cell_xml(good, inbox / "X-A.xlsx", "year", cell)
    v = validate_file(inbox / "X-A.xlsx")
    assert [f.code for f in v.findings if f.name == "year"] == [code]
    out, db = tmp_path / "kq.xlsx", tmp_path / "h.sqlite"
    assert main(["consolidate", str(inbox), "-o", str(out), "--db", str(db), "--no-progress"]) == 0
    assert _ranking(out)["X-A"]["Hạng"] is None
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT unit_code FROM units")] == ["X-B"]


def test_a_newer_file_of_another_year_never_supersedes_the_current_years(folder, tmp_path, capsys):
    inbox = tmp_path / "hop-thu"
    inbox.mkdir()
    hostile.good_unit(inbox, "X-A", seed=3, file_name="X-A-2023.xlsx", mtime=datetime(2023, 12, 10).timestamp())
    hostile.good_unit(inbox, "X-A", seed=5, year=2022, file_name="X-A-2022.xlsx",
                      mtime=datetime(2023, 12, 14).timestamp())  # newer, but last year's form
    hostile.good_unit(inbox, "X-B", seed=4)
    out = tmp_path / "kq.xlsx"
    assert main(["consolidate", str(inbox), "-o", str(out), "--year", "2023", "--no-progress"]) == 0
    ranking = _ranking(out)
    assert ranking["X-A"]["Hạng"] is not None and ranking["X-A"]["Tệp"].endswith("X-A-2023.xlsx")
    wb = openpyxl.load_workbook(out)
    text = " ".join(str(c) for row in wb["Phát hiện"].iter_rows(values_only=True) for c in row if c)
    assert re.search(r"X-A-2022\.xlsx.*đã có tệp của năm đang tổng hợp X-A-2023\.xlsx", text)


def test_names_the_template_does_not_have_are_ignored_with_a_warning(good, tmp_path):
    path = hostile.add_names(good, tmp_path / "X-A.xlsx", {
        "NgoaiTep": "[1]Sheet1!$A$1", "BangCu": "'Bảng cũ'!$A$1", "Hong": "#REF!", "VungRieng": "'Chấm điểm'!$A$1:$B$2",
    })
    v = validate_file(path)
    assert v.error is None and v.result is not None
    ignored = [f for f in v.findings if f.code == "NAME_IGNORED"]
    assert len(ignored) == 1 and ignored[0].severity == "warning"
    assert all(n in ignored[0].message for n in ("NgoaiTep", "BangCu", "Hong")) and "VungRieng" not in ignored[0].message
    assert not [f for f in v.findings if f.severity == "error"]
