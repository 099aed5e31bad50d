"""`dtscore units`: the official list after the 1 July 2025 reform. Cần Thơ (with the former Sóc
Trăng and Hậu Giang) has 103 commune-level units, 31 wards and 72 communes (Nghị quyết
1668/NQ-UBTVQH15); the whole country 34 provinces and 3,321 units."""

import csv

import pytest

from dtscore.adminunits import build_units, find_province
from dtscore.cli import main
from dtscore.criteria import load_set
from dtscore.errors import DtscoreError
from dtscore.unitlist import read_unit_list, resolve_level


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_can_tho_has_103_communes_and_wards_with_official_codes(tmp_path, capsys):
    out = tmp_path / "units.csv"
    assert main(["units", "--province", "Cần Thơ", "--level", "xa", "-o", str(out)]) == 0
    assert "103 đơn vị cấp xã (31 phường, 72 xã)" in capsys.readouterr().out
    rows = _rows(out)
    assert len(rows) == 103 and {r["level"] for r in rows} == {"xa"}
    assert sum(r["division_type"] == "phường" for r in rows) == 31
    assert all(len(r["code"]) == 5 and r["code"].isdigit() for r in rows)
    assert len({r["code"] for r in rows}) == 103
    names = {r["name"] for r in rows}
    assert {"Phường Ninh Kiều", "Phường Sóc Trăng", "Phường Vị Thanh", "Xã Cù Lao Dung"} <= names  # three former provinces
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel on Windows reads the accents


def test_the_country_has_34_provinces_and_3321_commune_units():
    from vietnam_provinces import Province, Ward

    assert len(list(Province.iter_all())) == 34
    assert len(list(Ward.iter_all())) == 3321


def test_departments_come_first_and_the_file_is_read_unchanged_by_templates_and_consolidation(tmp_path):
    departments = tmp_path / "so-nganh.csv"
    departments.write_text("code,name,level\nSTTTT,Sở Khoa học và Công nghệ,tinh\nSNV,Sở Nội vụ,tinh\n", encoding="utf-8")
    out = tmp_path / "units.csv"
    assert main(["units", "--province", "92", "--departments", str(departments), "-o", str(out)]) == 0
    listed = read_unit_list(out)  # the one reader templates and consolidation use
    assert [u.code for u in listed[:2]] == ["STTTT", "SNV"] and len(listed) == 105
    cs = load_set("soctrang-2023")
    assert {resolve_level(cs, u.level) for u in listed} == {"tinh", "xa"}


@pytest.mark.parametrize("query", ["can tho", "Thành phố Cần Thơ", "CẦN THƠ", "92"])
def test_a_province_is_found_by_name_or_code(query):
    assert find_province(query).name == "Thành phố Cần Thơ"


def test_a_former_province_is_explained():
    with pytest.raises(DtscoreError, match="Sóc Trăng và Hậu Giang nay thuộc Cần Thơ"):
        build_units("Sóc Trăng")


def test_a_department_code_equal_to_a_commune_code_is_refused(tmp_path):
    departments = tmp_path / "so-nganh.csv"
    departments.write_text("code,name,level\n31135,Sở Trùng Mã,tinh\n", encoding="utf-8")
    with pytest.raises(DtscoreError, match="31135 trùng"):
        build_units("Cần Thơ", departments=departments)
