"""Templates by the thousand: each unit's file, patched from its level's workbook saved once, holds
exactly what build_template writes for that unit — every sheet, cell, style and defined name."""

import unicodedata
import zipfile

import pytest
from openpyxl import load_workbook

from dtscore.criteria import load_set
from dtscore.workbook.builder import build_template, build_units

UNITS = [
    ("xa", "X01", "UBND xã Đại Hải"),
    ("xa", "", ""),
    ("xa", "007", unicodedata.normalize("NFD", "Phường 1 <& \"Sóc\" Trăng> — ’")),
    ("huyen", "H 02 ", "  Ủy ban nhân dân huyện Châu Thành  "),
    ("tinh", "S01", "=HYPERLINK(\"x\")"),  # text a spreadsheet reads as a formula: built the slow way
]


def cells(path):
    wb = load_workbook(path)
    out = {"names": {n: str(d.attr_text) for n, d in wb.defined_names.items()}, "sheets": wb.sheetnames}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                out[ws.title, c.coordinate] = (c.value, c.data_type, c.number_format, c.quotePrefix,
                                               repr(c.font), repr(c.fill), repr(c.protection))
        out[ws.title] = (ws.protection.sheet, ws.print_title_rows, repr(ws.data_validations.dataValidation))
    return out


@pytest.mark.parametrize("formulas", ["native", "udf"])
def test_each_unit_file_is_the_template_built_for_it(tmp_path, formulas):
    cs = load_set("soctrang-2023")
    jobs = [(level, code, name, tmp_path / "batch" / f"{i}.xlsx") for i, (level, code, name) in enumerate(UNITS)]
    seen = []
    written = build_units(cs, jobs, formulas=formulas, contact="Nguyễn Văn A", progress=seen.append)
    assert written == [job[3] for job in jobs] == seen
    for i, (level, code, name) in enumerate(UNITS):
        one = build_template(cs, level, tmp_path / "one" / f"{i}.xlsx", unit_code=code, unit_name=name,
                             formulas=formulas, contact="Nguyễn Văn A")
        assert cells(written[i]) == cells(one), (level, code, name)


def test_the_patched_package_is_a_sound_zip(tmp_path):
    cs = load_set("soctrang-2023")
    [path] = build_units(cs, [("xa", "X09", "Xã Hòa Tú 1", tmp_path / "x09.xlsx")])
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        assert "Xã Hòa Tú 1" in zf.read("xl/worksheets/sheet2.xml").decode("utf-8")
        assert "placeholder" not in b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8", "replace")
