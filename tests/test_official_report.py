"""`dtscore report RESULT.xlsx -o bao-cao.docx`: the department's report in the Nghị định 30/2020
format. Its tables are the result's (read here from RESULT.xlsx with pandas, independently of the
report's reader), the annex keeps ties together, and LibreOffice opens it and renders it to A4 PDF."""

import re
import shutil
import subprocess

import docx
import openpyxl
import pandas as pd
import pytest

from dtscore.cli import main
from dtscore.decimals import fmt_vn
from dtscore.demo import run_demo
from dtscore.workbook import libreoffice

TOP = 2


def sheet_table(ws, header_row=4) -> pd.DataFrame:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    data = []
    for r in rows[1:]:
        if all(v is None for v in r):
            break
        data.append(r)
    return pd.DataFrame(data, columns=list(rows[0]))


def docx_table(table) -> list:
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    demo = run_demo(root / "demo", progress=False, echo=lambda *_: None)
    out = root / "bao-cao.docx"
    assert main(["report", str(demo.result), "-o", str(out), "--top", str(TOP)]) == 0
    return {"result": openpyxl.load_workbook(demo.result), "docx": docx.Document(str(out)), "path": out, "root": root}


def rankings(wb) -> dict:
    return {ws["A1"].value.split(" — ")[-1]: sheet_table(ws) for ws in wb.worksheets if ws.title.startswith("Xếp hạng")}


def expected_rows(sheet, columns=("Hạng", "Mã đơn vị", "Tên đơn vị", "Điểm xếp hạng")) -> list:
    rows = []
    for _, r in sheet.iterrows():
        rank = "—" if pd.isna(r["Hạng"]) else str(int(r["Hạng"]))
        rows.append([rank, r["Mã đơn vị"], r["Tên đơn vị"], fmt_vn(r["Điểm xếp hạng"], 2)][:len(columns)])
    return rows


def test_one_ranking_table_per_level_equal_to_the_result(report):
    tables = [docx_table(t) for t in report["docx"].tables]
    for level, sheet in rankings(report["result"]).items():
        expected = expected_rows(sheet)
        found = [t for t in tables if t[0][:2] == ["Hạng", "Mã đơn vị"] and len(t[0]) == 5
                 and [row[:4] for row in t[1:]] == expected]
        assert len(found) == 1, level


def test_the_annex_proposes_the_first_n_of_each_level_ties_together(report):
    tables = [docx_table(t) for t in report["docx"].tables]
    annex = [t for t in tables if t[0] == ["Hạng", "Mã đơn vị", "Tên đơn vị", "Điểm xếp hạng"]]
    levels = rankings(report["result"])
    assert len(annex) == len(levels)
    for table, (level, sheet) in zip(annex, levels.items()):
        ranked = sheet[sheet["Hạng"].notna() & (sheet["Hạng"].astype(float) <= TOP)]
        assert [row for row in table[1:]] == expected_rows(ranked), level
    tinh = levels["ĐƠN VỊ CẤP TỈNH"]
    assert sorted(tinh["Hạng"].dropna().astype(int))[:3] == [1, 2, 2]  # the demo's tie at rank 2
    assert len(annex[0]) - 1 == 3  # both units of rank 2 are proposed with top 2


def test_units_not_submitted_and_the_appraisal(report):
    overview = report["result"]["Tổng hợp"]
    cells = [[c.value for c in row] for row in overview.iter_rows()]
    start = next(i for i, r in enumerate(cells) if isinstance(r[0], str) and r[0].startswith("ĐƠN VỊ CHƯA NỘP"))
    missing = [r[1] for r in cells[start + 2:] if r[1]]
    tables = [docx_table(t) for t in report["docx"].tables]
    table = next(t for t in tables if t[0] == ["STT", "Cấp", "Mã đơn vị", "Tên đơn vị"])
    assert [row[2] for row in table[1:]] == missing and missing
    applied = sheet_table(report["result"]["Thẩm định"])
    applied = applied[applied["Kết quả"] == "Đã áp dụng"]
    text = "\n".join(p.text for p in report["docx"].paragraphs)
    units = applied["Mã đơn vị"].nunique()
    assert f"{applied.groupby(['Mã đơn vị', 'Tiêu chí']).ngroups} tiêu chí của {units} đơn vị" in text


def test_the_administrative_format(report):
    doc = report["docx"]
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= section.top_margin.mm <= 25 and 20 <= section.bottom_margin.mm <= 25
    assert 30 <= section.left_margin.mm <= 35 and 15 <= section.right_margin.mm <= 20
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
             if r.text.strip()]
    assert {r.font.name for r in runs} == {"Times New Roman"}
    body = [r.font.size.pt for p in doc.paragraphs if p.style.name == "Normal" for r in p.runs if r.text.strip()]
    assert set(body) <= {11, 12, 13, 14} and body.count(14) > len(body) / 2  # the text itself in 14 pt
    head = docx_table(doc.tables[0])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head[0][1] and "Độc lập - Tự do - Hạnh phúc" in head[0][1]
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in head[0][0] and head[1][0].startswith("Số:")
    assert re.search(r"ngày\s+tháng\s+năm", head[1][1])
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text and "Kính gửi:" in text and "Phụ lục" in text
    assert len(doc.inline_shapes) == 1  # the chart


@pytest.mark.skipif(not libreoffice.available() or not shutil.which("pdftotext"),
                    reason="LibreOffice Writer and poppler-utils are needed")
def test_libreoffice_renders_it_to_a4_pdf(report):
    (pdf,) = libreoffice.convert([report["path"]], report["root"] / "pdf", "pdf:writer_pdf_Export", recalc=False)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                             check=True).stdout)
    for sheet in rankings(report["result"]).values():
        for name in sheet["Tên đơn vị"]:
            assert re.sub(r"\s+", "", name) in text
    assert "BÁOCÁO" in text and "Kínhgửi" in text
