"""Every workbook dtscore writes prints whole: rendered to PDF by LibreOffice (one soffice run for
all of them), every visible cell's full text is on the pages, every page is A4 and carries its
footer "Trang n/m", and the page setup leaves the footer room to print."""

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from dtscore.cli import main
from dtscore.criteria import load_set
from dtscore.demo import run_demo
from dtscore.workbook import libreoffice
from dtscore.workbook.builder import build_template

pytestmark = pytest.mark.skipif(not libreoffice.available() or not shutil.which("pdftotext"),
                                reason="LibreOffice and poppler-utils are needed")

A4 = (595, 842)  # points, either orientation
SEVERAL_TABLES = {("ket-qua-2023", "Tổng hợp")}  # each table has its own header: none to repeat


def squash(text) -> str:
    return re.sub(r"\s+", "", str(text))


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    root = tmp_path_factory.mktemp("printing")
    demo = run_demo(root / "demo", progress=False, echo=lambda *_: None)
    report = root / "bao-cao-kiem-tra.xlsx"
    inbox = sorted(Path(demo.inbox).glob("*.xlsx"))[:4]
    assert main(["validate", *map(str, inbox), "--report", str(report)]) in (0, 1)
    template = build_template(load_set("soctrang-2023"), "huyen", root / "mau-huyen.xlsx",
                              unit_name="Ủy ban nhân dân huyện Châu Thành")
    books = [Path(demo.result), Path(demo.appraisal_filled), report, template]
    pdfs = libreoffice.convert(books, root / "pdf", "pdf", recalc=False)
    return list(zip(books, pdfs))


def pdf_pages(pdf) -> list:
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = raw.split("\f")
    return pages[:-1] if not pages[-1].strip() else pages


def page_sizes(pdf) -> set:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return {tuple(sorted(round(float(x)) for x in m)) for m in re.findall(r"size:\s+([\d.]+) x ([\d.]+)", info)}


def printed_cells(path):
    """(sheet, cell, text) of every text cell that prints: visible sheets, inside the print area."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        area = None
        if ws.print_area:
            area = openpyxl.utils.range_boundaries(ws.print_area[0].split("!")[-1].replace("$", "")
                                                   if isinstance(ws.print_area, list) else
                                                   ws.print_area.split("!")[-1].replace("$", ""))
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value.strip() or cell.value.startswith("="):
                    continue
                if area and not (area[0] <= cell.column <= area[2] and area[1] <= cell.row <= area[3]):
                    continue
                yield ws.title, cell.coordinate, cell.value


def test_every_cell_prints_whole(printed):
    for book, pdf in printed:
        text = squash("".join(pdf_pages(pdf)))
        cut = [(s, c, v[:60]) for s, c, v in printed_cells(book) if squash(v) not in text]
        assert not cut, f"{book.name}: {len(cut)} cells not printed whole, e.g. {cut[:5]}"


def words_outside_the_printable_area(pdf, side=0.4 * 72):
    """Words that run into the side margins: text a page cuts off at its edge (the PDF keeps
    clipped text, so finding it on a page is not enough). Rotated chart labels have odd vertical
    boxes, so only the sides are checked; the footer's room is checked in the page setup."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    outside, page = [], 0
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">|<word xMin="([\d.]+)" yMin="[\d.]+" '
                         r'xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out):
        if m.group(1):
            page, width = page + 1, float(m.group(1))
            continue
        x0, x1 = float(m.group(3)), float(m.group(4))
        if x0 < side - 1 or x1 > width - side + 1:
            outside.append((page, m.group(6)))
    return outside


def test_no_text_runs_off_the_page(printed):
    for book, pdf in printed:
        assert not words_outside_the_printable_area(pdf), book.name


def test_every_page_is_a4_with_its_footer(printed):
    for book, pdf in printed:
        pages = pdf_pages(pdf)
        assert page_sizes(pdf) == {A4}, book.name
        for n, page in enumerate(pages, start=1):
            assert f"Trang {n}/{len(pages)}" in page, f"{book.name} page {n}"


def test_the_page_setup_fits_width_repeats_headers_and_leaves_room_for_the_footer(printed):
    for book, _ in printed:
        for ws in openpyxl.load_workbook(book).worksheets:
            if ws.sheet_state != "visible":
                continue
            setup = (book.name, ws.title)
            assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4, setup
            if ws.title != "Biểu đồ":  # one chart per page by manual breaks, which fitting would ignore
                assert ws.sheet_properties.pageSetUpPr.fitToPage, setup
                assert int(ws.page_setup.fitToHeight) == 0 and int(ws.page_setup.fitToWidth) in (1, 2), setup
            assert "Trang &P/&N" in ws.oddFooter.center.text, setup
            # LibreOffice prints the footer in (bottom margin − footer distance): one 11 pt line needs ~0.25"
            assert ws.page_margins.bottom - ws.page_margins.footer >= 0.3, setup
            one_table = ws.max_row > 6 and ws.title not in ("Hướng dẫn", "Thông tin", "Biểu đồ")
            one_table = one_table and (book.stem, ws.title) not in SEVERAL_TABLES
            if one_table and not book.name.startswith("mau-"):
                assert ws.print_title_rows, setup
