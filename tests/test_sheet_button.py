"""The template's sheet button, checked the way xlwings' Office.js binding uses it
(xlwings-server static/js/custom-scripts/sheet-buttons.js): the @script's `button` "[Shape]Sheet!Cell"
names a shape that must exist on that sheet, and selecting the cell runs the script — the shape
links to that cell, so clicking it selects the cell."""

import re
import zipfile
from xml.etree import ElementTree as ET

import pytest
from xlwings.server import custom_scripts_meta

import dtscore.udfs.button as button
from tests import validate_fixtures as vf

NS = {"xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def binding():
    """(shape, sheet, cell) as sheet-buttons.js parses the script's button reference."""
    (meta,) = [m for m in custom_scripts_meta(button) if m["function_name"] == "tinh_lai_kiem_tra"]
    shape, rest = re.match(r"^\[(.*?)\](.*)$", meta["button"]).groups()
    sheet, cell = rest.split("!")
    return shape, sheet.strip("'"), cell


def _resolve(base, target):
    if target.startswith("/"):
        return target.lstrip("/")
    parts = base.split("/")[:-1]
    for piece in target.split("/"):
        parts = parts[:-1] if piece == ".." else parts + [piece]
    return "/".join(parts)


def _rels(z, part):
    folder, name = part.rsplit("/", 1)
    path = f"{folder}/_rels/{name}.rels"
    if path not in z.namelist():
        return {}
    return {r.get("Id"): r for r in ET.fromstring(z.read(path))}


def shapes(path, sheet):
    """[(name, anchor cell, hyperlink target)] of the shapes drawn on `sheet` of an .xlsx."""
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rid = next(s.get(f"{{{NS['r']}}}id") for s in book.iterfind(".//m:sheet", NS) if s.get("name") == sheet)
        part = _resolve("xl/workbook.xml", _rels(z, "xl/workbook.xml")[rid].get("Target"))
        drawing = ET.fromstring(z.read(part)).find("m:drawing", NS)
        if drawing is None:
            return []
        dpart = _resolve(part, _rels(z, part)[drawing.get(f"{{{NS['r']}}}id")].get("Target"))
        links = _rels(z, dpart)
        out = []
        for anchor in ET.fromstring(z.read(dpart)):
            col = int(anchor.find("xdr:from/xdr:col", NS).text)
            row = int(anchor.find("xdr:from/xdr:row", NS).text)
            for pr in anchor.iterfind(".//xdr:sp/xdr:nvSpPr/xdr:cNvPr", NS):
                link = pr.find("a:hlinkClick", NS)
                target = links[link.get(f"{{{NS['r']}}}id")].get("Target") if link is not None else None
                out.append((pr.get("name"), f"{chr(ord('A') + col)}{row + 1}", target))
        return out


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sheet-button")
    return {mode: vf.build(folder, mode=mode) for mode in ("native", "udf")}


@pytest.mark.parametrize("mode", ["native", "udf"])
def test_the_template_has_the_shape_the_binding_looks_for(templates, mode):
    shape, sheet, cell = binding()
    assert (shape, sheet, cell) == ("btnKiemTra", "Chấm điểm", "W2")
    assert shapes(templates[mode], sheet) == [(shape, cell, f"#'{sheet}'!{cell}")]


def test_libreoffice_reads_the_shape_with_its_name_and_link(templates, tmp_path):
    if vf.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    shape, sheet, cell = binding()
    (saved,) = vf.convert([templates["native"]], "xlsx", tmp_path)  # opened and saved again by LibreOffice
    assert shapes(saved, sheet) == [(shape, cell, f"#'{sheet}'!{cell}")]
