"""`dtscore demo`: the README's main-job command, run whole on a fresh folder."""

import os
from pathlib import Path

import openpyxl
import pytest

from dtscore.cli import main


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    work = tmp_path_factory.mktemp("demo-cwd")
    before = os.getcwd()
    os.chdir(work)  # the default output folder is relative to where the command runs
    try:
        code = main(["demo", "--no-progress"])
    finally:
        os.chdir(before)
    return code, work


def test_demo_runs_the_year_and_says_where_the_result_is(demo, capsys):
    code, work = demo
    assert code == 0
    out = work / "dtscore-output"
    assert sorted(p.name for p in work.iterdir()) == ["dtscore-output"], "nothing written outside the output folder"
    for name in ("units.csv", "ket-qua-2022.xlsx", "ket-qua-2023.xlsx", "phieu-tham-dinh.xlsx", "lich-su.sqlite"):
        assert (out / name).is_file(), name
    templates = list((out / "mau-bieu").glob("*.xlsx"))
    listed = (out / "units.csv").read_text(encoding="utf-8-sig").strip().splitlines()[1:]
    assert len(templates) == len(listed)
    wb = openpyxl.load_workbook(out / "ket-qua-2023.xlsx")
    assert {"Tổng hợp", "Biểu đồ", "Xếp hạng cấp tỉnh", "Xếp hạng cấp huyện", "Xếp hạng cấp xã", "Phát hiện",
            "Thẩm định", "So sánh năm trước"} <= set(wb.sheetnames)
    codes = {r[6] for r in wb["Phát hiện"].iter_rows(min_row=5, values_only=True)}
    assert {"CLAIM_MISMATCH", "DUPLICATE_UNIT", "SUPERSEDED", "FILE_UNREADABLE", "NOT_APPLICABLE", "APPRAISED"} <= codes


def test_demo_refuses_a_folder_it_did_not_make(tmp_path, capsys):
    (tmp_path / "mine.txt").write_text("giữ nguyên", encoding="utf-8")
    assert main(["demo", "-o", str(tmp_path), "--no-progress"]) == 2
    assert "đã có dữ liệu khác" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def test_demo_history_command_works_on_its_database(demo, capsys):
    _, work = demo
    db = Path(work) / "dtscore-output" / "lich-su.sqlite"
    code = (Path(work) / "dtscore-output" / "units.csv").read_text(encoding="utf-8-sig").splitlines()[1].split(",")[0]
    capsys.readouterr()
    assert main(["history", "--unit", code, "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert "2022" in text and "2023" in text


def test_units_that_sent_nothing_are_listed_with_their_level_in_words(demo):
    """The demo's HTD-TTTD (a town of Trần Đề) sends nothing: the reviewer reads its level as a title."""
    _, work = demo
    rows = (work / "dtscore-output" / "csv" / "chua-nop.csv").read_text(encoding="utf-8-sig").splitlines()
    assert any(row.startswith("Đơn vị cấp xã,HTD-TTTD,") for row in rows), rows
