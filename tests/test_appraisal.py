"""Appraisal (thẩm định): the sheet reviewers fill in, and consolidation applying it — a verified
input re-scores the criterion through the engine, a verified score replaces it; self-score,
computed and appraised kept side by side with who and why."""

import contextlib
import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from dtscore.appraisal import COLUMNS
from dtscore.cli import main
from dtscore.criteria import load_set
from dtscore.sampledata import cell_values, sample_unit
from dtscore.scoring import score_unit
from tests.fillers import write_unit

CS = load_set("soctrang-2023")
REVIEWER = "Lê Văn C — Sở TTTT"


def unit(code, **overrides):
    s = sample_unit(CS, "huyen", code, f"Huyện {code}", seed=3)
    return {"code": code, "inputs": {**{k: dict(v) for k, v in s.inputs.items()}, **overrides},
            "claimed": dict(s.claimed), "evidence": dict(s.evidence)}


UNITS = {"H1": unit("H1"), "H2": unit("H2"), "H3": unit("H3", H05={"ratio": "nhiều"})}
# Entries that must be refused, each with the words its message must contain (the rule it breaks).
REFUSED_ENTRIES = {
    ("H1", "H07_ratio"): {"Số liệu thẩm định": "70,5%"},  # text pasted where a ratio belongs
    ("H3", "H08_ratio"): {"Số liệu thẩm định": -0.2},  # a ratio is 0–100 %
    ("H2", "H01_plan_issued"): {"Điểm thẩm định (nhập)": 99},  # H01 is worth 8 points
    ("H2", "H04_ratio"): {"Số liệu thẩm định": 0.6},  # reason removed below
    ("H3", "H04_ratio"): {"Số liệu thẩm định": 0.6, "no reviewer": True},
}
REFUSAL_WORDS = {
    ("H1", "H07_ratio"): ["H07", "chữ “70,5%”", "không phải một tỉ lệ"],
    ("H3", "H08_ratio"): ["H08", "-20%", "ngoài 0–100%"],
    ("H2", "H01_plan_issued"): ["H01", "99", "ngoài khoảng 0 – 8"],
    ("H2", "H04_ratio"): ["H04", "thiếu Lý do"],
    ("H3", "H04_ratio"): ["H04", "thiếu Người thẩm định"],
    ("H1", "H99_ratio"): ["H99", "Đơn vị cấp huyện không có tiêu chí “H99”"],
}


def engine(u, **overrides):
    return score_unit(CS, "huyen", {**u["inputs"], **overrides}, u["claimed"], u["evidence"],
                      unit={"code": u["code"], "name": f"Huyện {u['code']}"})


def table(ws, header_row=4) -> pd.DataFrame:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    return pd.DataFrame([r for r in rows[1:] if any(v is not None for v in r)], columns=list(rows[0]))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("appraisal")
    inbox = root / "inbox"
    for u in UNITS.values():
        write_unit(CS, "huyen", inbox / f"{u['code']}.xlsx", code=u["code"], name=f"Huyện {u['code']}",
                   inputs=cell_values(CS, "huyen", u["inputs"]), claimed=u["claimed"], evidence=u["evidence"])
    first = root / "KQ1.xlsx"
    assert main(["consolidate", str(inbox), "-o", str(first), "--no-progress"]) == 0
    sheet = root / "tham-dinh.xlsx"
    assert main(["appraisal-sheet", str(first), "-o", str(sheet)]) == 0
    wb = openpyxl.load_workbook(sheet)
    ws = wb["Thẩm định"]
    col = {h: i + 1 for i, h in enumerate(COLUMNS)}
    entries = {("H1", "H04_ratio"): {"Số liệu thẩm định": 0.5, "Lý do": "Kiểm tra xác suất 12/12: 50%",
                                     "Người thẩm định": REVIEWER},
               ("H3", "H05_ratio"): {"Số liệu thẩm định": 0.95, "Lý do": "Số liệu hệ thống QLVB&ĐH",
                                     "Người thẩm định": REVIEWER},
               ("H2", "H15_option"): {"Điểm thẩm định (nhập)": 3, "Lý do": "Không có minh chứng hoạt động",
                                      "Người thẩm định": REVIEWER},
               **{(code, name): {**entry, **({"Lý do": "Kiểm tra xác suất"} if "Lý do" not in entry else {}),
                                  **({"Người thẩm định": REVIEWER} if "no reviewer" not in entry else {})}
                  for (code, name), entry in REFUSED_ENTRIES.items()}}
    entries[("H2", "H04_ratio")].pop("Lý do")  # missing reason
    for entry in entries.values():
        entry.pop("no reviewer", None)
    rows = {}
    for row in range(5, ws.max_row + 1):
        key = (ws.cell(row, col["Mã đơn vị"]).value, ws.cell(row, col["Tên định danh"]).value)
        rows[key] = row
        for header, value in entries.get(key, {}).items():
            ws.cell(row, col[header]).value = value
    stray = ws.max_row + 1  # a unit that is not in the inbox
    for header, value in {"Bộ tiêu chí": CS.id, "Cấp": "huyen", "Mã đơn vị": "ZZ", "Tiêu chí": "H04",
                          "Tên định danh": "H04_ratio", "Số liệu thẩm định": 0.2, "Lý do": "?",
                          "Người thẩm định": REVIEWER}.items():
        ws.cell(stray, col[header]).value = value
    unknown = stray + 1  # a criterion the level does not have
    for header, value in {"Bộ tiêu chí": CS.id, "Cấp": "huyen", "Mã đơn vị": "H1", "Tiêu chí": "H99",
                          "Tên định danh": "H99_ratio", "Số liệu thẩm định": 0.5, "Lý do": "?",
                          "Người thẩm định": REVIEWER}.items():
        ws.cell(unknown, col[header]).value = value
    rows[("H1", "H99_ratio")] = unknown
    filled = root / "tham-dinh-da-nhap.xlsx"
    wb.save(filled)
    final = root / "KQ2.xlsx"
    console = io.StringIO()
    with contextlib.redirect_stdout(console):
        assert main(["consolidate", str(inbox), "-o", str(final), "--appraisal", str(filled), "--no-progress",
                     "--csv", str(root / "csv")]) == 0
    again = root / "tham-dinh-2.xlsx"
    assert main(["appraisal-sheet", str(final), "-o", str(again)]) == 0
    return {"sheet": sheet, "first": openpyxl.load_workbook(first), "final": openpyxl.load_workbook(final),
            "again": again, "console": console.getvalue(), "rows": rows, "csv": root / "csv"}


def test_the_sheet_lists_every_input_with_locked_and_validated_cells(run):
    wb = openpyxl.load_workbook(run["sheet"])
    assert wb.sheetnames[:2] == ["Hướng dẫn", "Thẩm định"] and wb["Danh mục"].sheet_state == "hidden"
    ws = wb["Thẩm định"]
    sheet = table(ws)
    assert list(sheet.columns) == COLUMNS
    per_unit = sum(len(c.inputs) for c in CS.level("huyen").leaves())
    assert len(sheet) == 3 * per_unit
    h1 = sheet[(sheet["Mã đơn vị"] == "H1") & (sheet["Tên định danh"] == "H04_ratio")].iloc[0]
    assert h1["Đơn vị báo cáo"] == pytest.approx(float(UNITS["H1"]["inputs"]["H04"]["ratio"]))
    assert Decimal(str(h1["Điểm tính"])) == engine(UNITS["H1"]).criterion("H04").score
    assert ws.protection.sheet
    col = {h: i + 1 for i, h in enumerate(COLUMNS)}
    assert not ws.cell(5, col["Số liệu thẩm định"]).protection.locked
    assert not ws.cell(5, col["Lý do"]).protection.locked
    assert ws.cell(5, col["Điểm tính"]).protection.locked
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "decimal", "date", "whole"} <= kinds
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert all(dv.formula1.startswith("'Danh mục'!") for dv in lists)


def test_verified_input_rescores_verified_score_replaces(run):
    ranking = table(run["final"]["Xếp hạng cấp huyện"]).set_index("Mã đơn vị")
    h1 = engine(UNITS["H1"])
    h1_checked = engine(UNITS["H1"], H04={"ratio": Decimal("0.5")})
    assert h1_checked.criterion("H04").score == Decimal("6.25")  # 10 × 50% ÷ 80%
    assert Decimal(str(ranking.loc["H1", "Điểm tính"])) == h1.total
    assert Decimal(str(ranking.loc["H1", "Điểm thẩm định"])) == h1_checked.total
    h2 = engine(UNITS["H2"])
    assert Decimal(str(ranking.loc["H2", "Điểm thẩm định"])) == h2.total - h2.criterion("H15").score + 3
    h3 = engine(UNITS["H3"], H05={"ratio": Decimal("0.95")})
    assert h3.criterion("H05").score == Decimal("9.5")  # 10 × 95%: the blocking error is resolved
    assert Decimal(str(ranking.loc["H3", "Điểm thẩm định"])) == h3.total
    values = ranking["Điểm thẩm định"].astype(float)
    assert (ranking["Hạng"].astype(int) == values.rank(method="min", ascending=False).astype(int)).all()
    before = table(run["first"]["Xếp hạng cấp huyện"]).set_index("Mã đơn vị")
    assert pd.isna(before.loc["H3", "Hạng"]), "before the appraisal H3 could not be ranked"


def test_scores_side_by_side_with_who_and_why(run):
    scores = table(run["final"]["Điểm"])
    row = scores[(scores["Mã đơn vị"] == "H1") & (scores["Tiêu chí"] == "H04")].iloc[0]
    assert Decimal(str(row["Điểm tự chấm"])) == UNITS["H1"]["claimed"]["H04"]
    assert Decimal(str(row["Điểm tính"])) == engine(UNITS["H1"]).criterion("H04").score
    assert Decimal(str(row["Điểm thẩm định"])) == Decimal("6.25")
    assert (row["Lý do"], row["Người thẩm định"]) == ("Kiểm tra xác suất 12/12: 50%", REVIEWER)
    applied = table(run["final"]["Thẩm định"])
    applied = applied[applied["Kết quả"] == "Đã áp dụng"]
    assert set(zip(applied["Mã đơn vị"], applied["Tên định danh"])) == {
        ("H1", "H04_ratio"), ("H3", "H05_ratio"), ("H2", "H15_score")}
    assert set(applied["Người thẩm định"]) == {REVIEWER}


@pytest.mark.parametrize("entry", list(REFUSAL_WORDS), ids=lambda e: "-".join(e))
def test_an_unusable_entry_is_refused_with_its_message(run, entry):
    code, name = entry
    row = f"dòng {run['rows'][entry]}:"
    findings = table(run["final"]["Phát hiện"])
    problems = findings[(findings["Mã phát hiện"] == "APPRAISAL_PROBLEM") & (findings["Mã đơn vị"] == code)]
    matching = [m for m in problems["Nội dung"] if row in m]
    assert len(matching) == 1 and all(w in matching[0] for w in REFUSAL_WORDS[entry]), problems["Nội dung"].tolist()
    assert "không áp dụng" in matching[0] and set(problems["Mức độ"]) == {"lỗi"}
    console = [line for line in run["console"].splitlines() if row in line]
    assert len(console) == 1 and all(w in console[0] for w in REFUSAL_WORDS[entry])
    sheet = table(run["final"]["Thẩm định"])
    score_entry = "Điểm thẩm định (nhập)" in REFUSED_ENTRIES.get(entry, {})
    shown = name.split("_")[0] + "_score" if score_entry else name
    refused = sheet[(sheet["Mã đơn vị"] == code) & (sheet["Tên định danh"] == shown)]
    assert len(refused) == 1 and refused.iloc[0]["Kết quả"].startswith("KHÔNG ÁP DỤNG")
    scores = table(run["final"]["Điểm"])
    key = name.split("_")[0]
    if key != "H99":  # never applied: the appraised score is the computed one
        crit = scores[(scores["Mã đơn vị"] == code) & (scores["Tiêu chí"] == key)].iloc[0]
        assert crit["Điểm thẩm định"] == crit["Điểm tính"] and pd.isna(crit["Lý do"])


def test_the_console_says_what_was_applied_and_refused(run):
    assert "áp dụng 3 tiêu chí của 3 đơn vị; không áp dụng 7 mục" in run["console"]
    assert "ZZ" in run["console"]  # the unit that is not in the inbox


def test_a_refused_text_value_does_not_unrank_the_unit(run):
    ranking = table(run["final"]["Xếp hạng cấp huyện"]).set_index("Mã đơn vị")
    h1 = engine(UNITS["H1"], H04={"ratio": Decimal("0.5")})
    assert Decimal(str(ranking.loc["H1", "Điểm thẩm định"])) == h1.total
    assert not pd.isna(ranking.loc["H1", "Hạng"])


def test_a_new_sheet_from_an_appraised_result_keeps_the_entries(run):
    sheet = table(openpyxl.load_workbook(run["again"])["Thẩm định"])
    h1 = sheet[(sheet["Mã đơn vị"] == "H1") & (sheet["Tên định danh"] == "H04_ratio")].iloc[0]
    assert h1["Số liệu thẩm định"] == pytest.approx(0.5)
    assert (h1["Lý do"], h1["Người thẩm định"]) == ("Kiểm tra xác suất 12/12: 50%", REVIEWER)
    h2 = sheet[(sheet["Mã đơn vị"] == "H2") & (sheet["Tiêu chí"] == "H15")].iloc[0]
    assert h2["Điểm thẩm định (nhập)"] == 3


def test_not_an_appraisal_file(tmp_path, capsys):
    other = tmp_path / "khac.xlsx"
    openpyxl.Workbook().save(other)
    inbox = tmp_path / "inbox"
    u = UNITS["H1"]
    write_unit(CS, "huyen", inbox / "H1.xlsx", code="H1", name="Huyện H1",
               inputs=cell_values(CS, "huyen", u["inputs"]), claimed=u["claimed"])
    assert main(["consolidate", str(inbox), "-o", str(tmp_path / "r.xlsx"), "--appraisal", str(other),
                 "--no-progress"]) == 2
    assert "không có trang “Thẩm định”" in capsys.readouterr().err
    assert main(["appraisal-sheet", str(other), "-o", str(tmp_path / "a.xlsx")]) == 2
    assert "không phải tệp kết quả" in capsys.readouterr().err


def test_people_read_level_and_status_names_csv_keeps_codes(run):
    for sheet in ("Điểm", "Số liệu", "Thẩm định", "Phát hiện"):
        assert set(table(run["final"][sheet])["Cấp"].dropna()) == {"Cấp huyện"}, sheet
    assert set(table(openpyxl.load_workbook(run["sheet"])["Thẩm định"])["Cấp"]) == {"Cấp huyện"}
    statuses = set(table(run["final"]["Điểm"])["Trạng thái"])
    assert statuses <= {"đã tính", "chưa tính được", "không áp dụng", "chờ tổng hợp", "nhóm"} and "đã tính" in statuses
    csv = pd.read_csv(run["csv"] / "diem.csv", encoding="utf-8-sig")
    assert set(csv["Cấp"]) == {"huyen"} and "scored" in set(csv["Trạng thái"])
