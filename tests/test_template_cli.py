"""`dtscore template`: one template, one per unit from a CSV, and the Vietnamese errors."""

import csv
import hashlib
from pathlib import Path

import openpyxl
import pytest

from dtscore.cli import main
from dtscore.workbook.filling import named_cell

EXAMPLES = Path(__file__).parent.parent / "examples"


def _named(path, *names):
    wb = openpyxl.load_workbook(path)
    return tuple(named_cell(wb, n).value for n in names)


def test_one_template_prefilled(tmp_path, capsys):
    out = tmp_path / "chau-thanh.xlsx"
    code = main(["template", "--set", "soctrang-2023", "--level", "huyen", "--unit-code", "HCT",
                 "--unit-name", "Ủy ban nhân dân huyện Châu Thành", "--year", "2023", "-o", str(out)])
    assert code == 0
    assert _named(out, "unit_code", "unit_name", "level", "year", "formula_mode") == (
        "HCT", "Ủy ban nhân dân huyện Châu Thành", "huyen", 2023, "native")
    assert "Đã tạo biểu mẫu" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["chau-thanh.xlsx"]  # no temporary file left behind


def test_level_in_vietnamese_and_udf_mode(tmp_path):
    out = tmp_path / "xa.xlsx"
    assert main(["template", "--set", "soctrang-2023", "--level", "Xã", "--formulas", "udf", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert named_cell(wb, "level").value == "xa" and "xlwings.conf" in wb.sheetnames
    assert named_cell(wb, "X03_score").value.count("DT_RATIO(") == 1


def test_one_file_per_unit_from_the_example_list(tmp_path, capsys):
    source = EXAMPLES / "units.csv"
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    with open(source, encoding="utf-8-sig", newline="") as fh:
        listed = list(csv.DictReader(fh))
    assert len(listed) >= 20 and {u["level"] for u in listed} == {"tinh", "huyen", "xa"}
    assert sum(u["level"] == "huyen" for u in listed) == 11  # Sóc Trăng's 11 district-level units
    folder = tmp_path / "bieu-mau"
    assert main(["template", "--set", "soctrang-2023", "--units", str(source), "-o", str(folder)]) == 0
    files = sorted(folder.iterdir())
    assert len(files) == len(listed)
    for unit in listed:
        got = _named(folder / f"{unit['code']}.xlsx", "unit_code", "unit_name", "level")
        assert got == (unit["code"], unit["name"], unit["level"])
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # the list is never written
    assert f"Đã tạo {len(listed)} biểu mẫu" in capsys.readouterr().out


def test_units_with_bom_semicolons_and_a_level_filter(tmp_path):
    units = tmp_path / "units.csv"
    units.write_bytes("\ufeffMã;Tên;Cấp\nA1;Sở Y tế;tỉnh\n\nB/2;UBND Phường 2;Đơn vị cấp xã\n".encode("utf-8"))
    out = tmp_path / "out"
    assert main(["template", "--set", "soctrang-2023", "--units", str(units), "--level", "xa", "-o", str(out)]) == 0
    assert [p.name for p in out.iterdir()] == ["B_2.xlsx"]  # "/" cannot be in a file name
    assert _named(out / "B_2.xlsx", "unit_code", "level") == ("B/2", "xa")


@pytest.mark.parametrize("content,message", [
    ("code,name,level\nA,Sở A,tinh\nB,Sở B,quan\n", "dòng 3: cấp “quan” không có"),
    ("code,name,level\nA,Sở A,tinh\n\nA,Sở B,xa\n", "dòng 4: mã đơn vị A đã có ở dòng 2"),
    ("code,name\nA,Sở A\n", "thiếu cột “level”"),
    ("code,name,level\n,Sở A,tinh\n", "dòng 2: thiếu mã đơn vị"),
    ("code,name,level\nA,,tinh\n", "dòng 2: thiếu tên đơn vị A"),
    ("code,name,level\n", "không có đơn vị nào"),
])
def test_bad_unit_lists_name_the_line(tmp_path, capsys, content, message):
    units = tmp_path / "units.csv"
    units.write_text(content, encoding="utf-8")
    assert main(["template", "--set", "soctrang-2023", "--units", str(units), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: ") and message in err and "Traceback" not in err
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_unit_list_not_utf8(tmp_path, capsys):
    units = tmp_path / "units.csv"
    units.write_bytes("code,name,level\nA,Sô Y tê,tinh\n".encode("cp1258"))  # a legacy Vietnamese code page
    assert main(["template", "--set", "soctrang-2023", "--units", str(units), "-o", str(tmp_path / "o")]) == 2
    assert "UTF-8" in capsys.readouterr().err


@pytest.mark.parametrize("args,message", [
    (["--level", "phuong", "-o", "x.xlsx"], "cấp “phuong” không có"),
    (["-o", "x.xlsx"], "thiếu --level"),
    (["--level", "xa", "-o", "x.csv"], "đuôi .xlsx"),
])
def test_bad_arguments(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(["template", "--set", "soctrang-2023", *args]) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_unknown_set(tmp_path, capsys):
    assert main(["template", "--set", "khong-co", "--level", "xa", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "Không tìm thấy bộ tiêu chí" in capsys.readouterr().err
