"""The rendered check: each level's template printed to PDF by LibreOffice is what an official gets
on paper — A4, the score sheet in landscape, every criterion in order, totals and the signature."""

import re

import pytest

from dtscore.criteria import load_set
from dtscore.workbook import libreoffice
from dtscore.workbook.render import SAMPLE_UNITS, render_pdfs, score_sheet_page

pytestmark = pytest.mark.skipif(not libreoffice.available(), reason="LibreOffice (soffice) is not installed")

A4 = (595, 842)  # points, portrait


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    return render_pdfs(load_set("soctrang-2023"), tmp_path_factory.mktemp("render"))


def _page_sizes(pdf) -> list:
    import subprocess

    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True).stdout
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


@pytest.mark.parametrize("level,count", [("tinh", 16), ("huyen", 15), ("xa", 14)])
def test_printed_score_sheet(pdfs, level, count):
    pdf = pdfs[level]
    pages = libreoffice.pdf_pages_text(pdf)
    first = score_sheet_page(pdf)
    sizes = _page_sizes(pdf)
    assert len(sizes) == len(pages) >= first
    assert all(size in (A4, A4[::-1]) for size in sizes)  # every page A4
    end = next(i for i, text in enumerate(pages, 1) if i > first and "THAM SỐ CỦA BỘ TIÊU CHÍ" in text)
    assert sizes[first - 1] == A4[::-1]  # the score sheet is landscape
    text = "\n".join(pages[first - 1 : end - 1])  # the score sheet's pages only
    keys = re.findall(r"\b([THX]\d\d)\b", text)
    expected = [f"{level[0].upper()}{i:02d}" for i in range(1, count + 1)]
    assert [k for k in dict.fromkeys(keys)] == expected  # each criterion, in the decision's order
    assert "BẢNG TỰ CHẤM ĐIỂM THI ĐUA CHUYỂN ĐỔI SỐ NĂM 2023" in pages[first - 1]
    assert f"Đơn vị: {SAMPLE_UNITS[level]}" in pages[first - 1]  # the formula was computed
    assert "Điểm tự" in pages[first] or "Điểm tự" in pages[first - 1]  # headers (repeated on each page)
    for words in ("TỔNG CỘNG", "THỦ TRƯỞNG ĐƠN VỊ", "NGƯỜI LẬP BIỂU"):
        assert words in text
    assert "#NAME?" not in text and "Err:" not in text and "#VALUE!" not in text


def test_first_page_picture(pdfs, tmp_path):
    png = libreoffice.page_png(pdfs["huyen"], tmp_path / "huyen.png", page=score_sheet_page(pdfs["huyen"]), dpi=40)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > height  # landscape
