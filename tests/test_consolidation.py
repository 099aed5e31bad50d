"""Consolidating an inbox of generated, filled workbooks (all three Sóc Trăng levels, with a claim
error, a tie, a not-applicable criterion, a blocking error, a duplicate, a corrupt file, a foreign
file, a name typed in decomposed Unicode, an injection attempt, a unit that sent nothing).

Expected rankings are recomputed here, independently of dtscore.consolidation: each unit's total
from the engine (dtscore.scoring, tested against the decision elsewhere), then pandas'
rank(method="min") — the 1, 2, 2, 4 convention."""

import csv
import re
import unicodedata
import zipfile
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pandas as pd
import pytest
from openpyxl.chart import BarChart
from openpyxl.chart.chartspace import ChartSpace
from openpyxl.chart.reader import read_chart
from openpyxl.xml.functions import fromstring

from dtscore.cli import main
from dtscore.criteria import load_set
from dtscore.sampledata import cell_values, sample_unit
from dtscore.scoring import UNSCORED, score_unit
from tests.fillers import write_unit

CS = load_set("soctrang-2023")
YEAR = 2023
INJECTION = '=HYPERLINK("http://vi-du.invalid","bấm vào đây")'
NAME_NFC = "UBND xã Thuận Hòa"


def _unit(level, code, name, seed=1):
    s = sample_unit(CS, level, code, name, seed=seed)
    return {"level": level, "code": code, "name": name, "inputs": {k: dict(v) for k, v in s.inputs.items()},
            "claimed": dict(s.claimed), "evidence": dict(s.evidence)}


def _units():
    u = {}
    for code, name in [("T-A", "Sở A"), ("T-B", "Sở B"), ("T-C", "Sở C"), ("T-E", "Sở E"), ("T-F", "@Sở F")]:
        u[code] = _unit("tinh", code, name)
    u["T-B"]["inputs"]["T09"] = {"ratio": Decimal("0.757")}  # 75,7% × 6 = 4,542 → 4,54 …
    u["T-B"]["claimed"]["T09"] = Decimal(6)  # … but the unit claimed 6
    u["T-D"] = dict(_unit("tinh", "T-C", "Sở C"), code="T-D", name="Sở D")  # T-C's figures: a tie
    u["T-E"]["inputs"]["T15"] = {"not_applicable": "Không áp dụng"}
    u["T-E"]["claimed"].pop("T15", None)
    u["T-F"]["evidence"]["T03"] = INJECTION
    for code in ("H-A", "H-B", "H-C", "H-D"):
        u[code] = _unit("huyen", code, f"Huyện {code}")
    u["H-B"]["inputs"]["H05"] = {"ratio": "nhiều"}  # text in a ratio cell: H05 cannot be scored
    u["H-D"]["inputs"]["H01"] = {"plan_issued": datetime(2023, 3, 1), "report_submitted": datetime(2024, 1, 16)}
    for code in ("X-A", "X-B", "X-C", "X-E"):
        u[code] = _unit("xa", code, f"Xã {code}")
    u["X-B"]["name"] = unicodedata.normalize("NFD", NAME_NFC)  # typed on a Mac
    return u


UNITS = _units()
OLD_H_C = dict(_unit("huyen", "H-C", "Huyện H-C", seed=99))  # the first, superseded file of H-C


def _cell_inputs(unit):
    return cell_values(CS, unit["level"], unit["inputs"])


def _write(folder, unit, name=None, mtime=None):
    return write_unit(CS, unit["level"], folder / (name or f"{unit['code']}.xlsx"), code=unit["code"],
                      name=unit["name"], inputs=_cell_inputs(unit), claimed=unit["claimed"],
                      evidence=unit["evidence"], year=YEAR, mtime=mtime)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("consolidation")
    inbox = root / "inbox"
    inbox.mkdir()
    for unit in UNITS.values():
        _write(inbox, unit, mtime=datetime(2023, 12, 14).timestamp())
    _write(inbox, OLD_H_C, name="H-C-ban-dau.xlsx", mtime=datetime(2023, 12, 1).timestamp())
    (inbox / "hong.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    foreign = openpyxl.Workbook()
    foreign.active["A1"] = "Bảng lương tháng 12"
    foreign.save(inbox / "khac.xlsx")
    (inbox / "ghi-chu.txt").write_text("không phải hồ sơ", encoding="utf-8")
    units_csv = root / "units.csv"
    rows = ["code,name,level"] + [f"{u['code']},{unicodedata.normalize('NFC', u['name'])},{u['level']}"
                                  for c, u in UNITS.items() if c != "X-E"] + ["X-D,Xã X-D,xa"]
    units_csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = root / "KET_QUA.xlsx"
    code = main(["consolidate", str(inbox), "-o", str(out), "--units", str(units_csv), "--csv", str(root / "csv"),
                 "--db", str(root / "h.sqlite"), "--workers", "2", "--no-progress"])
    assert code == 0
    return {"root": root, "out": out, "wb": openpyxl.load_workbook(out), "csv": root / "csv"}


# -- reading the result ------------------------------------------------------------------------


def table(ws, header_row=4) -> pd.DataFrame:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    header = list(rows[0])
    data = [r for r in rows[1:] if any(v is not None for v in r)]
    return pd.DataFrame(data, columns=header)


def expected_result(unit):
    return score_unit(CS, unit["level"], unit["inputs"], unit["claimed"], unit["evidence"],
                      unit={"code": unit["code"], "name": unit["name"]})


def rank_basis(level_code, result):
    """The documented ranking figure: the total, brought back to the level's 100 points when a
    criterion did not apply (hạ điểm chuẩn); half-up to 2 decimals."""
    if result.max_total == CS.level(level_code).max_total:
        return result.total
    return (result.total / result.max_total * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


SHEETS = {"tinh": "Xếp hạng cấp tỉnh", "huyen": "Xếp hạng cấp huyện", "xa": "Xếp hạng cấp xã"}


@pytest.mark.parametrize("level", ["tinh", "huyen", "xa"])
def test_ranking_matches_an_independent_ranking(run, level):
    sheet = table(run["wb"][SHEETS[level]])
    units = [u for u in UNITS.values() if u["level"] == level]
    expected = []
    for u in units:
        result = expected_result(u)
        blocked = any(r.status == UNSCORED for r in result.criteria)
        expected.append({"code": u["code"], "total": result.total, "value": None if blocked else rank_basis(level, result),
                         "claimed": result.claimed_total})
    exp = pd.DataFrame(expected)
    exp["rank"] = exp["value"].astype(float).rank(method="min", ascending=False)
    got = sheet.set_index("Mã đơn vị")
    assert sorted(got.index) == sorted(exp["code"])
    for _, e in exp.iterrows():
        row = got.loc[e["code"]]
        assert Decimal(str(row["Điểm tính"])) == e["total"]
        assert Decimal(str(row["Điểm tự chấm"])) == e["claimed"]
        if pd.isna(e["rank"]):
            assert row["Hạng"] is None or pd.isna(row["Hạng"])
        else:
            assert int(row["Hạng"]) == int(e["rank"]), e["code"]
            assert Decimal(str(row["Điểm xếp hạng"])) == e["value"]
    ranks = [r for r in sheet["Hạng"] if r is not None and not pd.isna(r)]
    assert ranks == sorted(ranks), "ranked rows first, best first"


def test_tie_shares_a_rank_and_skips_the_next(run):
    sheet = table(run["wb"][SHEETS["tinh"]]).set_index("Mã đơn vị")
    tie = int(sheet.loc["T-C", "Hạng"])
    assert int(sheet.loc["T-D", "Hạng"]) == tie
    below = [int(r) for r in sheet["Hạng"] if int(r) > tie]
    if below:
        assert min(below) == tie + 2


def test_claim_error_and_not_applicable(run):
    sheet = table(run["wb"][SHEETS["tinh"]]).set_index("Mã đơn vị")
    assert Decimal(str(sheet.loc["T-B", "T09\n(6 đ)"])) == Decimal("4.54")  # 0,757 × 6 = 4,542
    assert sheet.loc["T-B", "Số lỗi"] >= 1
    assert sheet.loc["T-E", "T15\n(4 đ)"] == "KAD"
    assert Decimal(str(sheet.loc["T-E", "Điểm chuẩn áp dụng"])) == 96
    findings = table(run["wb"]["Phát hiện"])
    mismatch = findings[(findings["Mã đơn vị"] == "T-B") & (findings["Mã phát hiện"] == "CLAIM_MISMATCH")]
    assert list(mismatch["Tiêu chí"]) == ["T09"]
    assert mismatch["Ô"].iloc[0] and "T09_claimed" == mismatch["Tên định danh"].iloc[0]


def test_blocking_error_is_listed_flagged_not_ranked(run):
    ws = run["wb"][SHEETS["huyen"]]
    sheet = table(ws)
    row = sheet[sheet["Mã đơn vị"] == "H-B"]
    assert len(row) == 1
    assert row["Hạng"].isna().all()
    assert "Chưa xếp hạng" in row["Ghi chú"].iloc[0] and "H05" in row["Ghi chú"].iloc[0]
    assert row.index[0] == len(sheet) - 1, "unranked units come after the ranked ones"
    excel_row = 5 + row.index[0]
    assert ws.cell(excel_row, 1).fill.fgColor.rgb.endswith("FCE4D6")


def test_duplicate_keeps_the_newest_and_reports_both(run):
    sheet = table(run["wb"][SHEETS["huyen"]]).set_index("Mã đơn vị")
    assert sheet.loc["H-C", "Tệp"] == "H-C.xlsx"
    assert Decimal(str(sheet.loc["H-C", "Điểm tính"])) == expected_result(UNITS["H-C"]).total
    findings = table(run["wb"]["Phát hiện"])
    assert set(findings[findings["Mã phát hiện"] == "DUPLICATE_UNIT"]["Tệp"]) == {"H-C.xlsx"}
    assert set(findings[findings["Mã phát hiện"] == "SUPERSEDED"]["Tệp"]) == {"H-C-ban-dau.xlsx"}


def test_corrupt_foreign_and_other_files_are_reported(run):
    files = table(run["wb"]["Tệp"])
    status = {f.rsplit("/", 1)[-1]: s for f, s in zip(files["Tệp"], files["Tình trạng"])}
    assert status["hong.xlsx"] == "không đọc được"
    assert status["khac.xlsx"] == "không đọc được"
    assert status["ghi-chu.txt"].startswith("bỏ qua")
    assert status["H-C-ban-dau.xlsx"].startswith("bỏ qua")
    findings = table(run["wb"]["Phát hiện"])
    unreadable = findings[findings["Mã phát hiện"].isin(["FILE_UNREADABLE", "NOT_SCORED"])]
    assert set(unreadable["Tệp"]) == {"hong.xlsx", "khac.xlsx"}
    assert all(isinstance(m, str) and m for m in unreadable["Nội dung"])


def test_unit_list_nfc_missing_and_unknown(run):
    findings = table(run["wb"]["Phát hiện"])
    assert findings[(findings["Mã đơn vị"] == "X-B") & (findings["Mã phát hiện"] == "UNIT_NAME_DIFFERS")].empty
    assert set(findings[findings["Mã phát hiện"] == "UNKNOWN_UNIT"]["Mã đơn vị"]) == {"X-E"}
    ws = run["wb"]["Tổng hợp"]
    levels = table(ws)
    levels = levels[levels["Cấp"].notna() & levels["Cấp"].astype(str).str.startswith("Đơn vị")].set_index("Cấp")
    levels = levels[~levels.index.duplicated()]  # the levels table comes first; the units missing follow
    xa = levels.loc["Đơn vị cấp xã"]
    assert (xa["Đã nộp"], xa["Chưa nộp"], xa["Trong danh sách"]) == (4, 1, 5)
    huyen = levels.loc["Đơn vị cấp huyện"]
    assert (huyen["Đã nộp"], huyen["Chưa xếp hạng"]) == (4, 1)
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "X-D" in values


def test_level_statistics(run):
    levels = table(run["wb"]["Tổng hợp"])
    levels = levels[levels["Cấp"].astype(str).str.startswith("Đơn vị")].set_index("Cấp")
    levels = levels[~levels.index.duplicated()]  # the levels table comes first; the units missing follow
    for level, title in (("tinh", "Đơn vị cấp tỉnh"), ("xa", "Đơn vị cấp xã")):
        sheet = table(run["wb"][SHEETS[level]])
        ranked = sheet[sheet["Hạng"].notna()]["Điểm xếp hạng"].astype(float)
        row = levels.loc[title]
        assert row["Điểm trung bình"] == pytest.approx(ranked.mean())
        assert row["Trung vị"] == pytest.approx(ranked.median())
        assert row["Thấp nhất"] == pytest.approx(ranked.min())
        assert row["Cao nhất"] == pytest.approx(ranked.max())


# -- charts ------------------------------------------------------------------------------------

def charts(path):
    """Every chart of the workbook, read back with openpyxl's chart reader from the chart XML."""
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)):
            chart = read_chart(ChartSpace.from_tree(fromstring(z.read(name))))
            assert isinstance(chart, BarChart), name  # a native chart, not a picture
            (series,) = chart.series
            category = series.cat.strRef or series.cat.numRef
            title = "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))
            yield {"dir": chart.type, "title": title, "val": series.val.numRef.f, "cat": category.f}


def resolve(wb, ref):
    sheet, cells = ref.rsplit("!", 1)
    ws = wb[sheet.strip("'").replace("''", "'")]
    return [c.value for row in ws[cells.replace("$", "")] for c in (row if isinstance(row, tuple) else (row,))]


def test_native_charts_reference_the_rankings_and_criterion_shares(run):
    found = list(charts(run["out"]))
    with zipfile.ZipFile(run["out"]) as z:
        assert not [n for n in z.namelist() if n.startswith("xl/media/")], "charts, not pictures"
    ranking = [c for c in found if c["dir"] == "bar"]
    shares = [c for c in found if c["dir"] == "col"]
    assert len(ranking) == 3 and len(shares) == 3
    for level in ("tinh", "huyen", "xa"):
        sheet = table(run["wb"][SHEETS[level]])
        ranked = sheet[sheet["Hạng"].notna()]
        chart = next(c for c in ranking if SHEETS[level] in c["val"])
        assert resolve(run["wb"], chart["val"]) == list(ranked["Điểm xếp hạng"])
        assert resolve(run["wb"], chart["cat"]) == list(ranked["Tên đơn vị"])
    # the criterion chart of the province level: average score ÷ maximum, over ranked units
    sheet = table(run["wb"][SHEETS["tinh"]])
    ranked = sheet[sheet["Hạng"].notna()]
    chart = next(c for c in shares if "tỉnh" in c["title"])
    keys = resolve(run["wb"], chart["cat"])
    assert keys == [c.key for c in CS.level("tinh").walk()]
    for key, share in zip(keys, resolve(run["wb"], chart["val"])):
        crit = CS.level("tinh").find(key)
        column = ranked[f"{key}\n({int(crit.max_points)} đ)"]
        scores = column[column != "KAD"].astype(float)
        assert share == pytest.approx(scores.mean() / float(crit.max_points)), key


# -- print and injection -----------------------------------------------------------------------


def test_sheets_are_vietnamese_a4_landscape_times_new_roman(run):
    wb = run["wb"]
    assert wb.sheetnames[:2] == ["Tổng hợp", "Biểu đồ"]
    assert {"Phát hiện", "Điểm", "Số liệu", "Tệp", "Thông tin"} <= set(wb.sheetnames)
    for name in [*SHEETS.values(), "Phát hiện"]:
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.print_title_rows == "$4:$4"
        assert ws.cell(4, 1).font.name == "Times New Roman"
        assert ws.cell(5, 2).font.name == "Times New Roman"


def test_formula_injection_is_neutralised(run):
    wb = run["wb"]
    ws = wb[SHEETS["tinh"]]
    name_cells = [c for row in ws.iter_rows(min_row=5) for c in row if c.value == "@Sở F"]
    assert name_cells and all(c.data_type == "s" and c.quotePrefix for c in name_cells)
    evidence = [c for row in wb["Điểm"].iter_rows(min_row=5) for c in row if c.value == INJECTION]
    assert evidence and all(c.data_type == "s" and c.quotePrefix for c in evidence)
    with zipfile.ZipFile(run["out"]) as z:  # no cell of the result is a formula
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)
    raw = (run["csv"] / "diem.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows the accents
    with open(run["csv"] / "diem.csv", encoding="utf-8-sig", newline="") as fh:
        fields = [f for row in csv.reader(fh) for f in row]
    assert "'" + INJECTION in fields and INJECTION not in fields
    assert not [f for f in fields if f[:1] in ("=", "+", "-", "@")]


def test_csv_ranking_equals_the_sheet(run):
    with open(run["csv"] / "xep-hang-soctrang-2023-tinh.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    sheet = table(run["wb"][SHEETS["tinh"]])
    assert [r["Mã đơn vị"] for r in rows] == list(sheet["Mã đơn vị"])
    assert [Decimal(r["Điểm xếp hạng"]) for r in rows] == [Decimal(str(v)) for v in sheet["Điểm xếp hạng"]]


# -- history of the run ------------------------------------------------------------------------


def test_history_rows_and_a_second_identical_run_changes_nothing(run):
    import hashlib
    import sqlite3

    db = run["root"] / "h.sqlite"
    with sqlite3.connect(db) as conn:
        units = dict(conn.execute("SELECT unit_code, source_sha256 FROM units WHERE year = 2023"))
        before = list(conn.iterdump())
    assert sorted(units) == sorted(UNITS)  # every unit of the run, the unranked one too
    inbox = run["root"] / "inbox"
    assert units["H-C"] == hashlib.sha256((inbox / "H-C.xlsx").read_bytes()).hexdigest()
    assert main(["consolidate", str(inbox), "-o", str(run["root"] / "lai.xlsx"), "--units",
                 str(run["root"] / "units.csv"), "--db", str(db), "--no-progress"]) == 0
    with sqlite3.connect(db) as conn:
        assert list(conn.iterdump()) == before


def test_the_console_names_the_units_that_sent_nothing(run, capsys):
    out = run["root"] / "lai-2.xlsx"
    assert main(["consolidate", str(run["root"] / "inbox"), "-o", str(out), "--units", str(run["root"] / "units.csv"),
                 "--no-progress"]) == 0
    text = capsys.readouterr().out
    line = next(line for line in text.splitlines() if "Đơn vị cấp xã" in line)
    assert "1 chưa nộp (Xã X-D – X-D)" in line


def test_the_result_is_the_same_whether_written_in_one_process_or_several(run, monkeypatch):
    """With workers, RESULT.xlsx's raw tables are built and generated in forked processes and the
    other tables' rows generated in a pool (forced here for a small inbox): every sheet, cell,
    style, row height and column width is what one process writes."""
    from dtscore import result_workbook, sheet_stream

    monkeypatch.setattr(result_workbook, "FORK_FROM_UNITS", 0)
    monkeypatch.setattr(sheet_stream, "PARALLEL_FROM", 0)
    books = []
    for workers in (1, 2):
        out = run["root"] / f"KQ-{workers}.xlsx"
        assert main(["consolidate", str(run["root"] / "inbox"), "-o", str(out), "--units", str(run["root"] / "units.csv"),
                     "--workers", str(workers), "--no-progress"]) == 0
        books.append(openpyxl.load_workbook(out))
    one, forked = books
    assert forked.sheetnames == one.sheetnames
    for name in one.sheetnames:
        a, b = one[name], forked[name]
        assert (b.max_row, b.max_column, b.freeze_panes, b.auto_filter.ref) == (a.max_row, a.max_column, a.freeze_panes,
                                                                               a.auto_filter.ref), name
        assert sorted(map(str, b.merged_cells.ranges)) == sorted(map(str, a.merged_cells.ranges)), name
        for row_a, row_b in zip(a.iter_rows(), b.iter_rows()):
            for x, y in zip(row_a, row_b):
                assert (y.value, y.number_format, y.quotePrefix, repr(y.font), repr(y.border), repr(y.fill),
                        repr(y.alignment)) == (x.value, x.number_format, x.quotePrefix, repr(x.font), repr(x.border),
                                               repr(x.fill), repr(x.alignment)), f"{name}!{x.coordinate}"
        assert {r: d.height for r, d in b.row_dimensions.items()} == {r: d.height for r, d in a.row_dimensions.items()}
        assert {c: d.width for c, d in b.column_dimensions.items()} == {c: d.width for c, d in a.column_dimensions.items()}
