"""The button "Tính lại & kiểm tra" run the way xlwings Server runs it: the book payload Excel
posts (built from a generated, filled template whose formulas LibreOffice calculated, i.e. the
values Excel would show), `xlwings.server.custom_scripts_call` on the @script, and the actions it
sends back — which cells it writes, the "Kiểm tra" sheet, the colours. No input, self-score,
evidence or note cell is ever written."""

import asyncio
import copy

import pytest
import xlwings as xw
from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter
from xlwings.server import custom_scripts_call, custom_scripts_meta

import dtscore.udfs.button as button
from tests import validate_fixtures as vf
from tests.button_payload import book_payload

pytestmark = pytest.mark.skipif(vf.soffice() is None, reason="LibreOffice computes what Excel would show")

SCORE_SHEET = "Chấm điểm"
WRITES = {"setValues", "setFormula", "rangeClearContents", "rangeClear", "sheetClear", "sheetClearContents"}


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """Filled workbooks as Excel shows them (LibreOffice recalculated them), both modes."""
    work = tmp_path_factory.mktemp("button")
    native, udf = vf.build(work, mode="native"), vf.build(work, mode="udf")
    faulty = {**vf.clean_values(), "H09_ratio": 0.757, "H09_claimed": 6, "H08_ratio": "90%", "H03_evidence": None}
    filled = [
        vf.fill(native, work / "clean.xlsx", vf.clean_values()),
        vf.fill(native, work / "faulty.xlsx", faulty),
        vf.fill(udf, work / "udf.xlsx", vf.clean_values()),
    ]
    shown = dict(zip(("clean", "faulty", "udf"), vf.convert(filled, "xlsx", work / "shown")))
    return {"template-native": native, "template-udf": udf, **shown}


def press(payload):
    """Run the script as xlwings Server does; returns the actions sent back to Excel."""
    book = xw.Book(json=copy.deepcopy(payload))  # the remote book edits its payload in place
    result = asyncio.run(custom_scripts_call(button, "tinh_lai_kiem_tra", typehint_to_value={xw.Book: book}))
    return result.json()["actions"]


def sheet_names(payload, actions):
    names = [s["name"] for s in payload["sheets"]]
    for a in actions:
        if a["func"] == "addSheet":
            names.insert(a["args"][0], a["args"][1])
    return names


def cells_of(action):
    rows = range(action["start_row"] + 1, action["start_row"] + action["row_count"] + 1)
    cols = range(action["start_column"] + 1, action["start_column"] + action["column_count"] + 1)
    return {f"{get_column_letter(c)}{r}" for r in rows for c in cols}


def written(payload, actions, sheet):
    """{cell: action} for the writing actions on `sheet`."""
    names = sheet_names(payload, actions)
    out = {}
    for a in actions:
        if a["func"] in WRITES and a["sheet_position"] is not None and names[a["sheet_position"]] == sheet:
            for c in cells_of(a):
                out[c] = a
    return out


def colours(payload, actions, sheet):
    names = sheet_names(payload, actions)
    out = {}
    for a in actions:
        if a["func"] == "setRangeColor" and names[a["sheet_position"]] == sheet:
            for c in cells_of(a):
                out[c] = a["args"][0].upper()
    return out


def name_cells(path):
    """{defined name: cell} on "Chấm điểm", read from the file with openpyxl."""
    wb = load_workbook(path)
    out = {}
    for name in wb.defined_names:
        ws, coord = vf.destination(wb, name)
        if ws.title == SCORE_SHEET:
            out[name] = coord
    return out


def unit_cells(path):
    """Every cell the unit fills: inputs, self-scores, evidence, notes (all names but computed ones)."""
    return {c for n, c in name_cells(path).items() if not n.endswith("_score") and n not in ("total_score", "total_claimed")}


def check_sheet(payload, actions):
    """The rows written to "Kiểm tra" as {cell: value} and its formulas."""
    names = sheet_names(payload, actions)
    values, formulas = {}, {}
    for a in actions:
        if a["func"] in ("setValues", "setFormula") and names[a["sheet_position"]] == button.CHECK_SHEET:
            r0, c0 = a["start_row"], a["start_column"]
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    target = formulas if a["func"] == "setFormula" else values
                    target[f"{get_column_letter(c0 + j + 1)}{r0 + i + 1}"] = v
    return values, formulas


def test_the_script_is_registered_for_a_sheet_button():
    (meta,) = [m for m in custom_scripts_meta(button) if m["function_name"] == "tinh_lai_kiem_tra"]
    assert meta["button"].startswith("[btnKiemTra]")


def test_a_clean_workbook_changes_nothing_and_says_so(books):
    payload = book_payload(books["clean"])
    actions = press(payload)
    assert written(payload, actions, SCORE_SHEET) == {}
    assert colours(payload, actions, SCORE_SHEET) == {}
    assert ("addSheet", [len(payload["sheets"]), button.CHECK_SHEET]) in [(a["func"], a["args"]) for a in actions]
    values, _ = check_sheet(payload, actions)
    assert values["A2"] == "Kết quả: Không có lỗi"
    assert "84,56 / 100" in values["A4"]
    (alert,) = [a for a in actions if a["func"] == "alert"]
    assert alert["args"][0].startswith("Không có lỗi")
    widths = {a["start_column"]: a["args"][0] for a in actions if a["func"] == "setColumnWidth"}
    assert widths[6] == 90 * 7  # the message column is wide enough to read (Office.js: points)


def test_faults_are_listed_linked_coloured_and_only_the_score_is_repaired(books):
    cells = name_cells(books["faulty"])
    # the official typed 6 over the H09 score (Excel shows 6; inputs give 6 × 75,7% = 4,54)
    payload = book_payload(books["faulty"], shown={(SCORE_SHEET, cells["H09_score"]): 6})
    actions = press(payload)

    writes = written(payload, actions, SCORE_SHEET)
    assert set(writes) == {cells["H09_score"]}  # nothing else on the score sheet
    action = writes[cells["H09_score"]]
    template = load_workbook(books["template-native"])
    ws, coord = vf.destination(template, "H09_score")
    assert action["func"] == "setFormula" and action["values"] == [[ws[coord].value]]  # the template's own formula
    assert not set(writes) & unit_cells(books["faulty"])

    values, formulas = check_sheet(payload, actions)
    rows = {values[f"E{r}"]: r for r in range(button.HEADER_ROW + 1, button.HEADER_ROW + 30) if values.get(f"E{r}")}
    assert {"H09_claimed", "H08_ratio", "H09_score", "H03_evidence"} <= set(rows)
    r = rows["H08_ratio"]
    assert values[f"B{r}"] == "lỗi" and values[f"F{r}"] == "Sai kiểu dữ liệu" and "“90%”" in values[f"G{r}"]
    ref = f"'{SCORE_SHEET}'!{cells['H08_ratio']}"
    assert formulas[f"D{r}"] == f'=HYPERLINK("#{ref}","{ref}")'
    # errors: H09's claim 6 ≠ 4,54; "90%" typed as text; H08's claim 9 ≠ 0 (text scores nothing)
    # warnings: H09's score cell showed 6; H03 has points but no evidence
    assert values["A2"] == "Kết quả: 3 lỗi, 2 cảnh báo"

    painted = colours(payload, actions, SCORE_SHEET)
    assert painted[cells["H09_claimed"]] == button.SEVERITY_FILL["error"]
    assert painted[cells["H08_ratio"]] == button.SEVERITY_FILL["error"]
    assert painted[cells["H08_claimed"]] == button.SEVERITY_FILL["error"]
    assert painted[cells["H03_evidence"]] == button.SEVERITY_FILL["warning"]
    assert painted[cells["H09_score"]] == button.SEVERITY_FILL["warning"]  # showed 6, not 4,54
    (alert,) = [a for a in actions if a["func"] == "alert"]
    assert alert["args"][0].startswith("3 lỗi, 2 cảnh báo")


def test_a_udf_workbook_without_the_functions_gets_plain_formulas(books):
    # Excel without the DT_* functions shows #NAME? in every computed cell
    cells = name_cells(books["udf"])
    computed = [n for n in cells if n.endswith("_score")]
    shown = {(SCORE_SHEET, cells[n]): "#NAME?" for n in computed}
    payload = book_payload(books["udf"], shown=shown)
    actions = press(payload)
    writes = written(payload, actions, SCORE_SHEET)
    assert set(writes) == {cells[n] for n in computed}
    native = load_workbook(books["template-native"])  # the same layout, plain-Excel formulas
    for name in computed:
        ws, coord = vf.destination(native, name)
        assert writes[cells[name]]["values"] == [[ws[coord].value]]
        assert "DT_" not in ws[coord].value


def test_a_second_press_restores_the_colours_it_painted(books):
    cells = name_cells(books["faulty"])
    first = book_payload(books["faulty"], shown={(SCORE_SHEET, cells["H09_score"]): 6})
    actions = press(first)
    # Excel after the first press: "Kiểm tra" lists the findings; the official then fixed H08, H09's
    # ratio and claim (the clean values) but H03's evidence is still missing
    values, formulas = check_sheet(first, actions)
    sheet = [[""] * 7 for _ in range(button.HEADER_ROW + 10)]
    for coord, value in {**values, **formulas}.items():
        col, row = ord(coord[0]) - 64, int(coord[1:])
        sheet[row - 1][col - 1] = "" if str(value).startswith("=") else value
    second = book_payload(books["clean"], shown={(SCORE_SHEET, cells["H03_evidence"]): ""})
    second["sheets"].append({"name": button.CHECK_SHEET, "values": sheet, "pictures": [], "tables": []})
    actions = press(second)
    assert not [a for a in actions if a["func"] == "addSheet"]
    assert [a["func"] for a in actions if a["func"].startswith("sheetClear")] == ["sheetClear"]
    painted = colours(second, actions, SCORE_SHEET)
    template = load_workbook(books["template-native"])

    def template_fill(name):
        ws, coord = vf.destination(template, name)
        return "#" + ws[coord].fill.fgColor.rgb[-6:].upper()

    for name in ("H09_claimed", "H08_ratio", "H08_claimed", "H09_score"):  # back to the template's colour
        assert painted[cells[name]] == template_fill(name), name
    assert painted[cells["H03_evidence"]] == button.SEVERITY_FILL["warning"]  # still missing
    assert written(second, actions, SCORE_SHEET) == {}


def test_a_failure_is_a_vietnamese_alert_not_a_traceback(books, monkeypatch):
    from dtscore.errors import DtscoreError

    def broken(*args, **kwargs):
        raise DtscoreError("Không tìm thấy bộ tiêu chí “x”")

    monkeypatch.setattr(button, "validate_submission", broken)
    actions = press(book_payload(books["clean"]))
    (alert,) = [a for a in actions if a["func"] == "alert"]
    assert alert["args"][0] == "Không tính lại và kiểm tra được: Không tìm thấy bộ tiêu chí “x”"
    assert not [a for a in actions if a["func"] in WRITES]
