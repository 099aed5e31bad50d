"""The dtscore add-in (.xlam) for the classic Excel runtime: opened as the zip it is, its ribbon
checked against the VBA it ships (read back with oletools, independently of how it was built), its
settings sheet read as Excel's VBA reads it, and the Python entry point the ribbon button runs —
derived from the VBA's own RunMain and the add-in's file name — run on a real filled workbook."""

import copy
import io
import re
import sys
import warnings
import zipfile
from xml.etree import ElementTree

import pytest
import xlwings as xw

with warnings.catch_warnings():  # oletools still uses pyparsing's old camelCase names
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser

from dtscore.udfs import addin
from tests import validate_fixtures as vf
from tests.button_payload import book_payload

RIBBON = "{http://schemas.microsoft.com/office/2006/01/customui}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
VIETNAMESE = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


@pytest.fixture(scope="module")
def xlam():
    return addin.build()


@pytest.fixture(scope="module")
def vba(xlam) -> dict:
    """{module name: source} of the add-in's VBA project."""
    parser = VBA_Parser(addin.ADDIN_NAME, data=xlam)
    return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}


def ribbon(xlam):
    with zipfile.ZipFile(io.BytesIO(xlam)) as zf:
        return ElementTree.fromstring(zf.read("customUI/customUI.xml"))  # raises if not well-formed


def test_the_vba_project_is_xlwings_own_untouched(xlam):
    with zipfile.ZipFile(io.BytesIO(xlam)) as built, zipfile.ZipFile(io.BytesIO(addin.xlwings_addin_source())) as src:
        assert built.read("xl/vbaProject.bin") == src.read("xl/vbaProject.bin")
        assert built.namelist() == src.namelist()
        assert "customUI/customUI.xml" in built.read("_rels/.rels").decode()


def test_the_vba_keeps_xlwings_licence_notice(vba):
    assert "xlwings is distributed under a BSD 3-clause license" in vba["xlwings"]


def test_ribbon_tab_and_vietnamese_labels(xlam):
    root = ribbon(xlam)
    tab = root.find(f"{RIBBON}ribbon/{RIBBON}tabs/{RIBBON}tab")
    assert tab.get("label") == "dtscore"
    labels = [e.get("label").replace("&&", "&") for e in tab.iter() if e.get("label")]  # && shows one &
    assert "Tính lại & kiểm tra" in labels and "Hướng dẫn" in labels
    texts = labels + [e.get(a) for e in tab.iter() for a in ("title", "screentip", "supertip") if e.get(a)]
    assert all(VIETNAMESE & set(t.lower()) for t in texts if t != "dtscore")
    assert all("&" not in t for t in texts if t not in labels)  # a lone & would vanish or underline
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_every_ribbon_callback_exists_in_the_vba(xlam, vba):
    callbacks = [(e.get("id"), e.get(a)) for e in ribbon(xlam).iter() for a in e.keys() if a.startswith(("on", "get"))]
    assert callbacks, "the button must run something"
    for control, callback in callbacks:
        module, _, procedure = callback.rpartition(".")
        sources = [vba[module]] if module else list(vba.values())
        pattern = rf"^\s*(Public\s+)?Sub\s+{procedure}\s*\(\s*control\s+As\s+IRibbonControl\s*\)"
        assert any(re.search(pattern, s, re.M | re.I) for s in sources), f"{control}: {callback} not in the VBA"


def settings(xlam) -> tuple[str, dict]:
    """(sheet name, {key: value}) of the add-in's only sheet, read as the VBA's GetConfigFromSheet does."""
    with zipfile.ZipFile(io.BytesIO(xlam)) as zf:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        shared = [si.findtext(f"{MAIN}t") for si in ElementTree.fromstring(zf.read("xl/sharedStrings.xml"))]
        sheet = ElementTree.fromstring(zf.read("xl/worksheets/sheet1.xml"))
    name = book.find(f"{MAIN}sheets/{MAIN}sheet").get("name")
    cells = {}
    for c in sheet.iter(f"{MAIN}c"):
        if c.get("t") == "s":
            cells[c.get("r")] = shared[int(c.findtext(f"{MAIN}v"))]
        elif c.get("t") == "inlineStr":
            cells[c.get("r")] = c.findtext(f"{MAIN}is/{MAIN}t")
        elif c.findtext(f"{MAIN}v") is not None:
            cells[c.get("r")] = c.findtext(f"{MAIN}v")
    config, row = {}, 1
    while cells.get(f"A{row}"):  # A1 down to the first blank, as Range("A1").End(xlDown)
        config[cells[f"A{row}"].upper()] = cells.get(f"B{row}", "")
        row += 1
    return name, config


def test_the_settings_sheet_is_the_one_the_vba_reads(xlam, vba):
    project = re.search(r'PROJECT_NAME As String = "(\w+)"', vba["xlwings"]).group(1)
    assert 'wb.Sheets(PROJECT_NAME & ".conf")' in vba["xlwings"]
    name, config = settings(xlam)
    assert name == f"{project}.conf"
    assert config["UDF MODULES"] == "dtscore.udfs.functions"
    assert config["INTERPRETER_WIN"] == r"%LOCALAPPDATA%\dtscore\venv\Scripts\pythonw.exe"
    assert config["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"
    assert 'GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")' in vba["xlwings"]
    _, custom = settings(addin.build(interpreter=r"C:\Users\cb\AppData\Local\dtscore\venv\Scripts\pythonw.exe"))
    assert custom["INTERPRETER_WIN"] == r"C:\Users\cb\AppData\Local\dtscore\venv\Scripts\pythonw.exe"


def ribbon_command(vba) -> str:
    """The Python command RibbonMyAddin.RunMain passes to RunPython, for this add-in's file name:
    the VBA takes the file name up to its last dot as the module."""
    body = vba["RibbonMyAddin"]
    assert 'mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))' in body
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in body
    module = addin.ADDIN_NAME[: addin.ADDIN_NAME.rindex(".")]
    return f"import {module};{module}.main()"


@pytest.mark.skipif(vf.soffice() is None, reason="LibreOffice computes what Excel would show")
def test_the_ribbon_entry_point_checks_the_active_workbook(vba, tmp_path):
    """The exact command the ribbon runs, on a filled workbook as Excel shows it (LibreOffice
    computed its formulas): the caller is the open workbook, as xw.Book.caller() gives it."""
    faulty = {**vf.clean_values(), "H09_ratio": 0.757, "H09_claimed": 6}
    filled = vf.fill(vf.build(tmp_path, mode="native"), tmp_path / "don-vi.xlsx", faulty)
    shown = vf.convert([filled], "xlsx", tmp_path / "shown")[0]
    book = xw.Book(json=copy.deepcopy(book_payload(shown)))
    book.set_mock_caller()
    try:
        exec(ribbon_command(vba), {})  # noqa: S102 — the string is the ribbon's own RunPython command
    finally:
        del xw.Book._mock_caller
    actions = book.json()["actions"]
    assert any(a["func"] == "addSheet" and a["args"][1] == "Kiểm tra" for a in actions)
    alert = next(a for a in actions if a["func"] == "alert")
    assert alert["args"][0].startswith("1 lỗi, 0 cảnh báo")  # 75,7% of H09 scored 6 by the unit
    listed = [v for a in actions if a["func"] == "setValues" for row in a["values"] for v in row]
    assert "H09" in listed
    assert "dtscore.udfs.button" in sys.modules
