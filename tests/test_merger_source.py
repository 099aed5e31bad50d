"""The draft sap-nhap.csv from vietnamadminunits' data: Cần Thơ's 103 new units took in the 263
communes and wards of the former Cần Thơ, Hậu Giang and Sóc Trăng (Nghị quyết
1668/NQ-UBTVQH15), each former unit once; Phường Sóc Trăng is the former Phường 5, 6, 7 and 8 of
the city of Sóc Trăng."""

import csv

from dtscore.cli import main
from dtscore.merger import LISTED, read_mapping


def test_the_draft_mapping_of_can_tho(tmp_path, capsys):
    units, draft = tmp_path / "units.csv", tmp_path / "sap-nhap.csv"
    assert main(["units", "--province", "Cần Thơ", "--sap-nhap", str(draft), "-o", str(units)]) == 0
    assert "263 đơn vị cũ → 103 đơn vị mới" in capsys.readouterr().out
    with open(draft, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 263 and len({r["old_code"] for r in rows}) == 263
    with open(units, encoding="utf-8-sig", newline="") as fh:
        assert {r["new_code"] for r in rows} == {u["code"] for u in csv.DictReader(fh)}
    soc_trang = sorted((r["old_code"], r["old_name"]) for r in rows if r["new_name"] == "Phường Sóc Trăng")
    assert [name.split(" (")[0] for _, name in soc_trang] == ["Phường 5", "Phường 7", "Phường 8", "Phường 6"]
    assert {r["new_code"] for r in rows if r["new_name"] == "Phường Sóc Trăng"} == {"31507"}
    mapping = read_mapping(draft)  # the draft is a mapping dtscore reads as it is
    assert len(mapping) == 103 and mapping["31507"].basis == LISTED
    # the two packages give Phường Thốt Nốt and Phường Thuận Hưng different codes: the draft
    # follows the unit list, and says so
    thot_not = [r for r in rows if r["new_name"] == "Phường Thốt Nốt"]
    assert {r["new_code"] for r in thot_not} == {"31212"} and "gói vietnamadminunits ghi 31207" in thot_not[0]["ghi_chu"]
    split = [r for r in rows if "một phần" in r["ghi_chu"]]
    assert split and all("kiểm tra lại" in r["ghi_chu"] for r in split)
