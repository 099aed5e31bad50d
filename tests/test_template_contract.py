"""The template workbook contract (docs/DESIGN.md, "Workbook contract"): generated workbooks opened
with openpyxl, as a reader or a fixture builder sees them."""

from datetime import date, datetime

import openpyxl
import pytest
from openpyxl.utils.cell import coordinate_from_string, range_boundaries

from dtscore.criteria import load_set
from dtscore.workbook.builder import build_template

SET = "soctrang-2023"
# From the decision (002_…): Phần I has 16 criteria, Phần II 15, Phần III 14, each part 100 points.
DECISION_KEYS = {
    "tinh": [f"T{i:02d}" for i in range(1, 17)],
    "huyen": [f"H{i:02d}" for i in range(1, 16)],
    "xa": [f"X{i:02d}" for i in range(1, 15)],
}
HEADER_NAMES = {"unit_code", "unit_name", "level", "year", "criteria_set", "criteria_version", "criteria_fingerprint"}
SHEETS = ["Hướng dẫn", "Thông tin", "Chấm điểm", "Tham số"]


@pytest.fixture(scope="module")
def soctrang():
    return load_set(SET)


@pytest.fixture(scope="module")
def workbooks(soctrang, tmp_path_factory):
    """Every level × both formula modes, built once for the module."""
    folder = tmp_path_factory.mktemp("templates")
    out = {}
    for level in DECISION_KEYS:
        for mode in ("native", "udf"):
            path = build_template(soctrang, level, folder / f"{level}-{mode}.xlsx", unit_code=f"U-{level}",
                                  unit_name="UBND huyện Châu Thành", year=2023, formulas=mode, contact="Nguyễn Văn A")
            out[level, mode] = openpyxl.load_workbook(path)
    return out


CASES = [(level, mode) for level in DECISION_KEYS for mode in ("native", "udf")]


def _names(wb) -> dict:
    """defined name → (sheet, 'A1'); fails unless every name is workbook-scoped and one cell."""
    out = {}
    for name, dn in wb.defined_names.items():
        dests = list(dn.destinations)
        assert len(dests) == 1, f"{name} points to {dn.attr_text}"
        sheet, ref = dests[0]
        assert sheet in wb.sheetnames, f"{name} → missing sheet {sheet}"
        ref = ref.replace("$", "")
        assert ":" not in ref, f"{name} is a range {ref}"
        out[name] = (sheet, ref)
    for ws in wb.worksheets:  # no sheet-scoped names: the contract is workbook-scoped
        assert not ws.defined_names, f"sheet-scoped names on {ws.title}"
    return out


def _cell(wb, names, name):
    sheet, ref = names[name]
    return wb[sheet][ref]


def _row(ref):
    return coordinate_from_string(ref)[1]


def _validation_of(ws, ref):
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            min_col, min_row, max_col, max_row = range_boundaries(rng.coord)
            col, row = openpyxl.utils.column_index_from_string(coordinate_from_string(ref)[0]), _row(ref)
            if min_col <= col <= max_col and min_row <= row <= max_row:
                return dv
    return None


@pytest.mark.parametrize("level,mode", CASES)
def test_sheets_and_header_names(workbooks, soctrang, level, mode):
    wb = workbooks[level, mode]
    assert wb.sheetnames[:4] == SHEETS
    names = _names(wb)
    values = {n: _cell(wb, names, n).value for n in HEADER_NAMES}
    assert values == {
        "unit_code": f"U-{level}", "unit_name": "UBND huyện Châu Thành", "level": level, "year": 2023,
        "criteria_set": SET, "criteria_version": soctrang.version, "criteria_fingerprint": soctrang.fingerprint,
    }
    assert all(names[n][0] == "Thông tin" for n in HEADER_NAMES)
    assert _cell(wb, names, "formula_mode").value == mode
    if mode == "udf":
        conf = wb["xlwings.conf"]
        assert (conf["A1"].value, conf["B1"].value) == ("UDF Modules", "dtscore.udfs.functions")
    else:
        assert "xlwings.conf" not in wb.sheetnames


@pytest.mark.parametrize("level,mode", CASES)
def test_every_criterion_once_in_the_decisions_order(workbooks, soctrang, level, mode):
    wb = workbooks[level, mode]
    names = _names(wb)
    keys = DECISION_KEYS[level]
    rows = [_row(names[f"{k}_score"][1]) for k in keys]
    assert rows == sorted(rows) and len(set(rows)) == len(rows)
    sheet = wb["Chấm điểm"]
    listed = [sheet[f"B{r}"].value for r in range(1, sheet.max_row + 1) if sheet[f"B{r}"].value in set(keys)]
    assert listed == keys  # each key once, nothing else in the key column
    for key, row in zip(keys, rows):
        for suffix in ("claimed", "evidence", "note"):
            assert _row(names[f"{key}_{suffix}"][1]) == row, (key, suffix)


@pytest.mark.parametrize("level,mode", CASES)
def test_names_are_exactly_the_contract(workbooks, soctrang, level, mode):
    wb = workbooks[level, mode]
    names = set(_names(wb))
    expected = HEADER_NAMES | {"total_claimed", "total_score", "formula_mode", "check_summary"}
    expected |= {f"param_{p}" for p in ("plan_due", "report_due", "team_plan_due", "team_report_due")}
    for crit in soctrang.level(level).walk():
        expected |= {f"{crit.key}_{s}" for s in ("claimed", "score", "evidence", "note", "status")}
        expected |= {f"{crit.key}_{spec.name}" for spec in crit.inputs}
        if crit.allow_not_applicable:
            expected.add(f"{crit.key}_not_applicable")
    assert names == expected
    if level == "tinh":  # the decision's inputs by name, spot-checked
        assert {"T01_plan_issued", "T01_report_submitted", "T02_option", "T03_ratio", "T06_late_annual",
                "T15_numerator", "T15_denominator", "T15_not_applicable"} <= names
    if level == "xa":
        assert {"X11_active", "X11_total", "X12_ratio"} <= names


@pytest.mark.parametrize("level,mode", CASES)
def test_parameters_are_real_dates(workbooks, level, mode):
    wb = workbooks[level, mode]
    names = _names(wb)
    # Điều 2 khoản 1: results by 15/12; plan_due is the set's assumed 31/03.
    assert _cell(wb, names, "param_report_due").value in (datetime(2023, 12, 15), date(2023, 12, 15))
    assert _cell(wb, names, "param_plan_due").value in (datetime(2023, 3, 31), date(2023, 3, 31))
    assert all(names[f"param_{p}"][0] == "Tham số" for p in ("plan_due", "report_due"))
    assert wb["Tham số"].protection.sheet
    assert not any(c.protection.locked is False for row in wb["Tham số"].iter_rows() for c in row)


EXPECTED_VALIDATION = {"date": "date", "ratio": "decimal", "count": "whole", "number": "decimal", "choice": "list"}


@pytest.mark.parametrize("level,mode", CASES)
def test_inputs_validated_unlocked_and_coloured(workbooks, soctrang, level, mode):
    wb = workbooks[level, mode]
    names = _names(wb)
    sheet = wb["Chấm điểm"]
    params = wb["Tham số"]
    for crit in soctrang.level(level).leaves():
        for spec in crit.inputs:
            name = f"{crit.key}_{spec.name}"
            ref = names[name][1]
            cell = sheet[ref]
            assert cell.protection.locked is False, name
            dv = _validation_of(sheet, ref)
            assert dv is not None and dv.type == EXPECTED_VALIDATION[spec.type], name
            assert dv.showErrorMessage and dv.error and dv.errorTitle, name
            if spec.type == "ratio":
                assert (dv.formula1, dv.formula2) == ("0", "1")
                assert cell.number_format == "0.0%"
            if spec.type == "date":
                assert cell.number_format == "dd/mm/yyyy"
            if spec.type == "choice":  # the dropdown lists exactly the option labels, in order
                target = dv.formula1.split("!")[1].replace("$", "")
                listed = [c.value for row in params[target] for c in row]
                assert listed == [o.label for o in spec.options], name
        for suffix in ("claimed", "evidence", "note"):
            ref = names[f"{crit.key}_{suffix}"][1]
            assert sheet[ref].protection.locked is False, (crit.key, suffix)
            assert _validation_of(sheet, ref) is not None, (crit.key, suffix)
        if crit.allow_not_applicable:
            ref = names[f"{crit.key}_not_applicable"][1]
            assert sheet[ref].protection.locked is False
            assert _validation_of(sheet, ref).formula1 == '"Không áp dụng"'
        score = sheet[names[f"{crit.key}_score"][1]]
        assert score.protection.locked is not False and str(score.value).startswith("=")
        assert ("DT_" in score.value) == (mode == "udf"), crit.key
    for ws in wb.worksheets:
        if ws.title != "xlwings.conf":
            assert ws.protection.sheet, ws.title
    claimed = [names[f"{k}_claimed"][1] for k in DECISION_KEYS[level]]
    ranges = [str(cf.sqref) for cf in sheet.conditional_formatting]
    assert any(all(_row(ref) >= range_boundaries(r)[1] and _row(ref) <= range_boundaries(r)[3]
                   and r.startswith("H") for ref in claimed) for r in ranges)


@pytest.mark.parametrize("level,mode", CASES)
def test_points_add_up_to_100(workbooks, level, mode):
    wb = workbooks[level, mode]
    names = _names(wb)
    sheet = wb["Chấm điểm"]
    points = [sheet[f"D{_row(names[f'{k}_score'][1])}"].value for k in DECISION_KEYS[level]]
    assert sum(points) == 100
    total_row = _row(names["total_score"][1])
    assert sheet[f"D{total_row}"].value == 100


@pytest.mark.parametrize("level,mode", CASES)
def test_printable(workbooks, level, mode):
    sheet = workbooks[level, mode]["Chấm điểm"]
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "THỦ TRƯỞNG ĐƠN VỊ" in texts
    assert sheet["A1"].font.name == "Times New Roman"


@pytest.mark.parametrize("set_id", ["bacgiang-dti-huyen-2024", "soctrang-sotttt-cchc-2022", "soctrang-2023-draft"])
def test_other_sets_follow_the_contract(set_id, tmp_path):
    cs = load_set(set_id)
    for level in cs.levels:
        wb = openpyxl.load_workbook(build_template(cs, level, tmp_path / f"{level}.xlsx"))
        names = _names(wb)
        crits = list(cs.level(level).walk())
        rows = [_row(names[f"{c.key}_score"][1]) for c in crits]
        assert rows == sorted(rows) and len(set(rows)) == len(rows)
        for crit in crits:
            for spec in crit.inputs:
                assert _validation_of(wb["Chấm điểm"], names[f"{crit.key}_{spec.name}"][1]) is not None
        sheet = wb["Chấm điểm"]
        top = [sheet[f"D{_row(names[f'{c.key}_score'][1])}"].value for c in cs.level(level).criteria]
        assert sum(top) == cs.level(level).max_total
