"""Text hygiene (issue 16): Excel's `_xHHHH_` escapes are decoded, and no control character a unit's
text carries reaches anything dtscore writes — RESULT.xlsx, CSV, HTML, the console; a file name
that is not UTF-8 is shown safely and the file is still processed; report links are relative
paths only."""

import csv
import os
import re
import sqlite3

import openpyxl
import pytest

from dtscore.cli import main
from dtscore.safecells import clean_text
from tests import hostile

ESC_NAME = "Xã _x001B_]0;bi-chiem_x0007__x001B_[2J Thuận Hòa"  # sets the window title, clears the screen
EVIDENCE = "Văn bản số 12_x000B_ngày 01/12/2023"  # a line break pasted from another program


@pytest.mark.parametrize("raw, clean", [
    ("a\x0bb", "a\nb"), ("a\r\nb", "a\nb"), ("\x1b[2Jx", "\ufffd[2Jx"), ("ab\u202ecd", "ab\ufffdcd"),
    ("\x9b31m", "\ufffd31m"), ("t\udce3p", "t\\xe3p"), ("Thuận Hòa\tx", "Thuận Hòa\tx"),
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    folder = tmp_path_factory.mktemp("text") / "hop-thu"
    folder.mkdir()
    hostile.good_unit(folder, "X-A")
    hostile.good_unit(folder, "X-B", ESC_NAME, evidence={"X03": EVIDENCE})
    hostile.non_utf8_name(folder, hostile.good_unit(folder.parent, "X-NB"))
    hostile.good_unit(folder, "X-J", file_name="javascript:alert(1).xlsx")
    return folder


def _no_controls(text):
    return not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)


def test_validate_console_shows_no_control_character_and_reads_every_file(inbox, capfd):
    code = main(["validate", str(inbox)])
    out = capfd.readouterr().out
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and _no_controls(out.replace("\n", "").replace("\t", ""))
    assert "Đã kiểm tra 4 tệp: 4 đọc được" in out
    assert "X-NB-x\\xe3-\\xc2m.xlsx" in out  # the undecodable bytes shown, the file read


def test_html_report_links_are_relative_paths_never_scripts(inbox, tmp_path, capsys):
    report = tmp_path / "bao-cao.html"
    assert main(["validate", str(inbox), "--report", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert len(hrefs) == 4
    assert all(h.startswith(("./", "../")) for h in hrefs), hrefs
    assert not any("javascript:" in h.lower() for h in hrefs)
    assert "\x1b" not in page


def test_consolidate_writes_result_csv_and_history_with_clean_text(inbox, tmp_path, capfd):
    out, csv_dir, db = tmp_path / "ket-qua.xlsx", tmp_path / "csv", tmp_path / "h.sqlite"
    code = main(["consolidate", str(inbox), "-o", str(out), "--csv", str(csv_dir), "--db", str(db), "--no-progress"])
    console = capfd.readouterr()
    assert code == 0, console.err
    assert "\x1b" not in console.out + console.err
    wb = openpyxl.load_workbook(out)
    texts = [c for ws in wb for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert all(_no_controls(t.replace("\n", "").replace("\t", "")) for t in texts)
    assert any("Văn bản số 12\nngày 01/12/2023" == t for t in texts)  # _x000B_ decoded, shown as a line break
    assert any("X-NB-x\\xe3-\\xc2m.xlsx" in t for t in texts)
    names = [os.path.basename(p) for p in os.listdir(csv_dir)]
    assert names
    for name in names:
        text = (csv_dir / name).read_text(encoding="utf-8-sig")
        assert "\x1b" not in text and "\x0b" not in text
    with open(csv_dir / "diem.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    units = {row["Mã đơn vị"] for row in rows}
    assert {"X-A", "X-B", "X-NB", "X-J"} <= units
    with sqlite3.connect(db) as conn:
        files = {r[0] for r in conn.execute("SELECT source_file FROM units")}
    assert "X-NB-x\\xe3-\\xc2m.xlsx" in files and len(files) == 4
