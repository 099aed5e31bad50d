"""History across the 1 July 2025 merger: a new ward is compared with the weighted mean of the
units it replaced (or with their results listed, when the province gives no weights), and every
comparison says which basis it used."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from dtscore.cli import main
from dtscore.consolidation import consolidate_reads
from dtscore.criteria import load_set
from dtscore.errors import InputError
from dtscore.history import record, year_units
from dtscore.merger import LISTED, WEIGHTED, previous_with_merger, read_mapping
from dtscore.reading import Read
from dtscore.result_tables import comparison_table
from dtscore.sampledata import sample_unit
from dtscore.scoring import score_unit
from dtscore.validation import Validation

CS = load_set("soctrang-2023")
MAPPING = """new_code,new_name,old_code,old_name,weight
31507,Phường Sóc Trăng,P5,Phường 5,3
31507,Phường Sóc Trăng,31507,Phường 6,1
31543,Phường Phú Lợi,P1,Phường 1,
31543,Phường Phú Lợi,P2,Phường 2,
"""


def cons_of(year, units, seed):
    reads = []
    for n, (code, name) in enumerate(units):
        s = sample_unit(CS, "xa", code, name, seed=seed + n)
        r = score_unit(CS, "xa", s.inputs, s.claimed, s.evidence, unit={"code": code, "name": name, "year": year})
        reads.append(Read(f"/hop-thu/{code}.xlsx", 0.0, Validation(f"/hop-thu/{code}.xlsx", f"{code}-{year}", result=r)))
    return consolidate_reads(reads)


@pytest.fixture
def history(tmp_path):
    db, mapping = tmp_path / "lich-su.sqlite", tmp_path / "sap-nhap.csv"
    mapping.write_text(MAPPING, encoding="utf-8")
    record(cons_of(2024, [("P5", "Phường 5"), ("31507", "Phường 6"), ("P1", "Phường 1"), ("P2", "Phường 2"),
                          ("X9", "Xã Chín")], seed=10), db)
    now = cons_of(2025, [("31507", "Phường Sóc Trăng"), ("31543", "Phường Phú Lợi"), ("X9", "Xã Chín")], seed=40)
    record(now, db)
    return db, mapping, now


def test_the_mapping_is_read_with_its_basis(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(MAPPING.replace("new_code,new_name,old_code,old_name,weight", "Mã mới;Tên mới;Mã cũ;Tên cũ;Trọng số")
                    .replace(",", ";"), encoding="utf-8")
    mapping = read_mapping(path)
    assert mapping["31507"].basis == WEIGHTED and mapping["31543"].basis == LISTED
    assert [f.code for f in mapping["31507"].formers] == ["P5", "31507"]


@pytest.mark.parametrize("text, words", [
    ("new_code,old_code\n31507,\n", "dòng 2: thiếu old_code"),
    ("new_code,old_code,weight\n31507,P5,ba\n", "dòng 2: trọng số “ba” không phải số"),
    ("new_code,old_code\n31507,P5\n31507,P5\n", "dòng 3: đơn vị cũ P5 đã ghi cho 31507 ở dòng 2"),
    ("ma,ten\n1,2\n", "dòng 1: thiếu cột “new_code”"),
])
def test_a_bad_mapping_names_its_line(tmp_path, text, words):
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=words):
        read_mapping(path)


def test_previous_year_rows_combine_the_former_units(history):
    db, mapping, _ = history
    before = year_units(db, 2024)
    combined = previous_with_merger(before, read_mapping(mapping), 2024)
    p5, p6 = before["p5"]["rank_value"], before["31507"]["rank_value"]
    expected = ((3 * p5 + 1 * p6) / 4).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # by hand: weights 3 and 1
    ward = combined["31507"]
    assert ward["rank_value"] == expected and ward["rank"] is None
    assert "bình quân gia quyền" in ward["basis"] and "Phường 5 (P5)" in ward["basis"] and "trọng số 3" in ward["basis"]
    listed = combined["31543"]
    assert listed["rank_value"] is None and "Không có trọng số" in listed["basis"]
    assert "Phường 1 (P1)" in listed["basis"] and "Phường 2 (P2)" in listed["basis"]
    assert not {"p5", "p1", "p2"} & set(combined) and combined["x9"] == before["x9"]  # X9 was not merged


def test_so_sanh_nam_truoc_compares_with_the_former_units_and_says_so(history):
    db, mapping, now = history
    now.previous = previous_with_merger(year_units(db, 2024), read_mapping(mapping), 2024)
    table = comparison_table(now)
    rows = {r[1]: r for r in table.rows}
    assert set(rows) == {"31507", "31543", "X9"}  # the former units are not listed as “not submitted”
    ward = rows["31507"]
    this_year = next(e for g in now.groups for e in g.entries if e.code == "31507").rank_value
    assert ward[3] == now.previous["31507"]["rank_value"]
    assert ward[7] == this_year - now.previous["31507"]["rank_value"]
    assert ward[8] is None  # ranks of different sets of units are not compared
    assert "bình quân gia quyền" in ward[9] and "01/7/2025" in ward[9]
    assert rows["31543"][3] is None and rows["31543"][7] is None and "Không có trọng số" in rows["31543"][9]


def test_history_cli_shows_the_former_units_and_the_basis(history, capsys):
    db, mapping, _ = history
    assert main(["history", "--unit", "31507", "--db", str(db), "--merger", str(mapping)]) == 0
    out = capsys.readouterr().out
    before = year_units(db, 2024)
    weighted = ((3 * before["p5"]["rank_value"] + before["31507"]["rank_value"]) / 4).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)
    own = year_units(db, 2025)["31507"]["rank_value"]
    assert "Đơn vị 31507 — Phường Sóc Trăng: trước sáp nhập (01/7/2025)" in out
    # 31507 was Phường 6's code in 2024: that year is shown as a former unit's, not as the ward's own
    assert "Phường 6 (31507)" in out and not any(line.startswith("2024 ") for line in out.splitlines())
    assert "Năm 2024: Đơn vị hình thành ngày 01/7/2025 từ 2 đơn vị cũ: so với bình quân gia quyền" in out
    delta = (own - weighted).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    shown = format(delta, "f").rstrip("0").rstrip(".").replace(".", ",")  # 5,70 is written 5,7
    assert f"{'+' if delta > 0 else ''}{shown} điểm" in out
    assert main(["history", "--unit", "31543", "--db", str(db), "--merger", str(mapping)]) == 0
    assert "không so sánh thành một con số" in capsys.readouterr().out
