"""Long table sheets generated as sheet XML (dtscore.sheet_stream) look exactly as the same table
written cell by cell through openpyxl: values, number formats, alignment, quote prefix, row
heights, and the sheet's header, filter, freeze and print setup."""

import os
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from dtscore import sheet_stream, styles, xlsx_style
from dtscore.result_tables import Column, Table, Val
from dtscore.workbook import libreoffice

STYLE = ("alignment", "font", "border", "fill", "protection")
LONG = "Kế hoạch ứng dụng công nghệ thông tin, phát triển chính quyền số và bảo đảm an toàn thông tin mạng " * 3


def table():
    columns = [Column("Mã", 8), Column("Tên đơn vị", 20, wrap=True), Column("Điểm", 9, "0.00"), Column("Giá trị", 14),
               Column("Ghi chú", 30, wrap=True)]
    rows = [
        ["X01", "UBND xã Đại Hải", 3.79, Val(Decimal("0.757"), "0.0%"), ""],
        ["X02", "Phường 1 <& \"Sóc\" Trăng>", Decimal("2.50"), Val(date(2023, 3, 31), "dd/mm/yyyy"), LONG],
        ["=1+1", "+84 299", 0, datetime(2023, 12, 15, 8, 30), "@mention"],
        ["X04", "  khoảng trắng  ", -1.5, date(2024, 1, 16), "dòng 1\ndòng 2"],
        ["X05", None, None, True, 12345678901234],
        ["X06", "Ủy ban", 1e-7, "15/05/2023", Val(0.5, "0.0%")],
    ]
    return Table("t", "BẢNG THỬ", columns, rows)


def write(path, stream, workers=1, early=False, styled=False, make=table):
    """The table written cell by cell through openpyxl (stream=False), streamed (True) or built and
    generated in a forked process ("forked"); `early`: its rows start being generated
    (start_rows, frame_tables) before another sheet adds styles of its own; `styled`: bordered
    cells, two rows filled (as a ranking's flagged units)."""
    wb = openpyxl.Workbook()
    styles.use_times_new_roman(wb)
    wb.active.title = "Tổng hợp"
    ws = wb.create_sheet("Điểm")
    xlsx_style.write_title(ws, 1, "BẢNG THỬ", "Mỗi dòng một tiêu chí.")
    if stream == "forked":
        xlsx_style.write_table_forked(ws, make, 4, workers)
    else:
        xlsx_style.write_table(ws, make(), 4, styled=styled, stream=stream, fill_rows=range(8, 10) if styled else (),
                               fill=styles.FLAG_FILL if styled else None)
    styles.page_setup(ws, 4)
    if early:
        xlsx_style.start_rows(wb, workers)
        xlsx_style.frame_tables(wb)
    after = wb.create_sheet("Tệp")
    after["A1"] = "sau"
    xlsx_style.write_table(after, Table("s", "SAU", [Column("Số", 8, "0.000"), Column("Ngày", 12, "dd/mm/yy")],
                                        [[Decimal("1.5"), date(2023, 1, 2)]]), 4)
    return xlsx_style.save_atomically(wb, path, workers)


@pytest.fixture(scope="module", params=[(True, 1, False, False), (True, 2, False, False), (True, 1, True, False),
                                        (True, 2, True, False), (True, 1, False, True), (True, 2, True, True),
                                        ("forked", 2, False, False), ("forked", 2, True, False)],
                ids=["one process", "forked generator", "started early", "forked early", "styled", "styled forked",
                     "built elsewhere", "built elsewhere, framed early"])
def books(tmp_path_factory, request):
    folder = tmp_path_factory.mktemp("stream")
    stream, workers, early, styled = request.param
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sheet_stream, "PARALLEL_FROM", 0)
        return [openpyxl.load_workbook(write(folder / f"{name}.xlsx", stream if name == "stream" else False, workers,
                                             early, styled)) for name in ("cells", "stream")]


def assert_same_cells(cells, stream):
    assert stream.max_row == cells.max_row == 10
    for row in range(1, 11):
        for col in range(1, 6):
            a, b = cells.cell(row, col), stream.cell(row, col)
            assert (b.value, b.number_format, b.quotePrefix) == (a.value, a.number_format, a.quotePrefix), b.coordinate
            if a.value is not None or a.border.left.style:  # an empty cell shows only a border or a fill
                assert [repr(getattr(b, k)) for k in STYLE] == [repr(getattr(a, k)) for k in STYLE], b.coordinate
        assert stream.row_dimensions[row].height == cells.row_dimensions[row].height
    for letter in "ABCDE":
        assert stream.column_dimensions[letter].width == cells.column_dimensions[letter].width


def test_every_cell_is_as_openpyxl_writes_it(books):
    assert_same_cells(*(b["Điểm"] for b in books))


@pytest.mark.parametrize("step", ["sizing", "generating"])
def test_a_table_process_that_dies_leaves_its_work_to_this_one(tmp_path, monkeypatch, step):
    """write_table_forked: the forked process dies before it sends the sized columns, or after; this
    process then builds what is missing itself, and the sheet is the same."""
    parent = os.getpid()

    def in_the_child_only(real):
        def dying(*args):
            if os.getpid() != parent:
                os._exit(1)
            return real(*args)
        return dying

    make = table
    if step == "sizing":
        make = in_the_child_only(table)
    else:
        monkeypatch.setattr(xlsx_style, "rows_part", in_the_child_only(xlsx_style.rows_part))
    forked = openpyxl.load_workbook(write(tmp_path / "forked.xlsx", "forked", 2, make=make))
    cells = openpyxl.load_workbook(write(tmp_path / "cells.xlsx", False))
    assert_same_cells(cells["Điểm"], forked["Điểm"])


def test_the_values_read_back(books):
    ws = books[1]["Điểm"]
    assert [c.value for c in ws[6]] == ["X02", "Phường 1 <& \"Sóc\" Trăng>", 2.5, datetime(2023, 3, 31), LONG]
    assert ws["A7"].value == "=1+1" and ws["A7"].data_type == "s" and ws["A7"].quotePrefix
    assert ws["B8"].value == "  khoảng trắng  " and ws["D7"].value == datetime(2023, 12, 15, 8, 30)
    assert ws["D9"].value is True and ws["E9"].value == 12345678901234 and ws["D5"].number_format == "0.0%"


def test_sheet_setup_and_the_other_sheets_are_kept(books):
    cells, stream = books
    for name in ("Tổng hợp", "Điểm", "Tệp"):
        a, b = cells[name], stream[name]
        assert (b.freeze_panes, b.auto_filter.ref, b.print_title_rows) == (a.freeze_panes, a.auto_filter.ref,
                                                                           a.print_title_rows)
        assert (b.page_setup.orientation, b.page_setup.paperSize, b.oddFooter.center.text) == (
            a.page_setup.orientation, a.page_setup.paperSize, a.oddFooter.center.text)
    assert stream.sheetnames == cells.sheetnames and stream["Tệp"]["A1"].value == "sau"
    for ref in ("A5", "B5"):  # styles added after the rows started keep their own numbers
        a, b = cells["Tệp"][ref], stream["Tệp"][ref]
        assert (b.value, b.number_format, repr(b.border)) == (a.value, a.number_format, repr(a.border))
    assert stream["Điểm"].dimensions == "A1:E10"


@pytest.mark.skipif(not libreoffice.available(), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_generated_sheet(tmp_path):
    path = write(tmp_path / "stream.xlsx", stream=True)
    [csv_path] = libreoffice.sheet_to_csv([path], tmp_path / "csv", 2, "Điểm", recalc=False)
    grid = libreoffice.read_csv_grid(csv_path)
    assert [grid.get((6, c)) for c in range(1, 4)] == ["X02", "Phường 1 <& \"Sóc\" Trăng>", "2.5"]
    assert grid[7, 1] == "=1+1" and grid[9, 5] == "12345678901234" and grid[5, 4] == "75.7%"


def test_each_row_is_in_the_sheet_xml_once_and_in_order(tmp_path):
    import re
    import zipfile

    path = write(tmp_path / "stream.xlsx", stream=True)
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        numbers = [int(n) for n in re.findall(r'<row r="(\d+)"', zf.read("xl/worksheets/sheet2.xml").decode())]
    assert numbers == sorted(set(numbers)) and numbers[-7:] == [4, 5, 6, 7, 8, 9, 10]
