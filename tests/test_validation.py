"""The validation core on generated templates filled with openpyxl: a clean workbook has no
finding, and each workbook-level finding code is provoked by its own fixture, located by cell
and defined name. Expected scores are the hand calculations of validate_fixtures.CLEAN_HUYEN."""

from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName

from dtscore.validation import normalize_formula, validate_file
from tests import validate_fixtures as vf


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("validation")
    out = {"dir": folder}
    for mode in ("native", "udf"):
        out[f"template-{mode}"] = vf.build(folder, mode=mode)
        out[f"clean-{mode}"] = vf.fill(out[f"template-{mode}"], folder / f"clean-{mode}.xlsx", vf.clean_values())
    return out


def variant(files, name, changes, mode="native"):
    values = vf.clean_values()
    values.update(changes)
    return vf.fill(files[f"template-{mode}"], files["dir"] / f"{name}.xlsx", values)


def codes(validation):
    return [f.code for f in validation.findings]


def only(validation, code):
    found = [f for f in validation.findings if f.code == code]
    assert found, f"no {code} in {[(f.code, f.message) for f in validation.findings]}"
    return found


@pytest.mark.parametrize("mode", ["native", "udf"])
def test_clean_workbook_has_no_findings_and_the_hand_calculated_scores(files, mode):
    v = validate_file(files[f"clean-{mode}"], today=vf.TODAY)
    assert v.error is None
    assert v.findings == []
    assert {row.key: row.score for row in v.result.criteria} == {k: Decimal(s) for k, s in vf.HUYEN_SCORES.items()}
    assert v.result.total == vf.HUYEN_TOTAL
    assert v.result.claimed_total == vf.HUYEN_TOTAL
    assert v.submission.formula_mode == mode
    assert v.submission.unit == {"code": "H01", "name": "Huyện Châu Thành"}


def test_to_dict_is_the_score_json_plus_file(files):
    v = validate_file(files["clean-native"], today=vf.TODAY)
    d = v.to_dict()
    assert d["file"] == str(files["clean-native"])
    assert "error" not in d
    assert d["total"] == 84.56 and d["claimed_total"] == 84.56
    assert [c["key"] for c in d["criteria"]] == list(vf.HUYEN_SCORES)
    assert d["findings"] == []
    assert len(v.sha256) == 64


def test_the_issue_example_self_score_6_instead_of_4_54_is_located(files):
    # "Điểm = 75,7% * 6": the unit scored 6 where 6 × 75,7% = 4,542 → 4,54
    path = variant(files, "claim", {"H09_ratio": 0.757, "H09_claimed": 6})
    v = validate_file(path, today=vf.TODAY)
    (f,) = only(v, "CLAIM_MISMATCH")
    assert f.key == "H09" and f.name == "H09_claimed"
    assert f.cell == vf.coordinate_of(path, "H09_claimed")
    assert "6" in f.message and "4,54" in f.message and "1,46" in f.message
    assert v.result.criterion("H09").score == Decimal("4.54")


# -- TEMPLATE_MISMATCH ----------------------------------------------------------------------------


def _edit(files, name, edit, mode="native"):
    wb = load_workbook(files[f"clean-{mode}"])
    edit(wb)
    path = files["dir"] / f"{name}.xlsx"
    wb.save(path)
    return path


def _set(wb, name, value):
    ws, coord = vf.destination(wb, name)
    ws[coord] = value


def test_wrong_fingerprint_is_a_template_mismatch_on_its_cell(files):
    path = _edit(files, "fingerprint", lambda wb: _set(wb, "criteria_fingerprint", "0123456789abcdef"))
    v = validate_file(path, today=vf.TODAY)
    (f,) = only(v, "TEMPLATE_MISMATCH")
    assert f.name == "criteria_fingerprint" and f.cell == vf.coordinate_of(path, "criteria_fingerprint")
    assert "0123456789abcdef" in f.message and f.severity == "error"
    assert v.result is not None  # the inputs are still scored for the reviewer


def test_an_unknown_criteria_set_cannot_be_scored(files):
    path = _edit(files, "set-id", lambda wb: _set(wb, "criteria_set", "soctrang-2019"))
    v = validate_file(path, today=vf.TODAY)
    assert v.error is None and v.result is None
    (f,) = v.findings
    assert f.code == "TEMPLATE_MISMATCH" and f.name == "criteria_set" and "soctrang-2019" in f.message
    assert v.to_dict()["criteria"] == [] and v.to_dict()["findings"][0]["code"] == "TEMPLATE_MISMATCH"


def test_an_old_version_is_a_template_mismatch(files):
    path = _edit(files, "version", lambda wb: _set(wb, "criteria_version", "2022.1"))
    (f,) = only(validate_file(path, today=vf.TODAY), "TEMPLATE_MISMATCH")
    assert f.name == "criteria_version" and "2022.1" in f.message and "2023.1" in f.message


def test_a_criterion_row_whose_names_are_gone_is_a_template_mismatch(files):
    def drop_h05(wb):
        for name in [n for n in wb.defined_names if n.startswith("H05_")]:
            del wb.defined_names[name]

    v = validate_file(_edit(files, "row-missing", drop_h05), today=vf.TODAY)
    (f,) = only(v, "TEMPLATE_MISMATCH")
    assert f.key == "H05" and "H05_score" in f.message and "H05_ratio" in f.message


def test_reordered_rows_are_a_template_mismatch(files):
    def swap_h04_h05(wb):  # the rows of H04 and H05 exchanged (names follow their cells)
        pairs = [("H04_ratio", "H05_ratio"), ("H04_claimed", "H05_claimed"), ("H04_score", "H05_score"),
                 ("H04_evidence", "H05_evidence"), ("H04_note", "H05_note")]
        for a, b in pairs:
            ra, rb = wb.defined_names[a].attr_text, wb.defined_names[b].attr_text
            wb.defined_names[a] = DefinedName(a, attr_text=rb)
            wb.defined_names[b] = DefinedName(b, attr_text=ra)

    v = validate_file(_edit(files, "reordered", swap_h04_h05), today=vf.TODAY)
    assert any(f.code == "TEMPLATE_MISMATCH" and "Thứ tự" in f.message for f in v.findings)


def test_a_duplicated_row_is_a_template_mismatch(files):
    def point_h06_at_h05(wb):
        for suffix in ("score", "claimed"):
            wb.defined_names[f"H06_{suffix}"] = DefinedName(f"H06_{suffix}", attr_text=wb.defined_names[f"H05_{suffix}"].attr_text)

    v = validate_file(_edit(files, "duplicated", point_h06_at_h05), today=vf.TODAY)
    assert any(f.code == "TEMPLATE_MISMATCH" and "H05" in f.message and "H06" in f.message for f in v.findings)


def test_a_changed_due_date_parameter_is_flagged_and_used(files):
    from datetime import datetime

    # "Tham số" edited: team reports due 31/12 instead of 15/12, so H02's report of 20/12 is on
    # time and H02 gets its full 5 points — the formulas use the cell, so the engine does too
    path = _edit(files, "param", lambda wb: _set(wb, "param_team_report_due", datetime(2023, 12, 31)))
    v = validate_file(path, today=vf.TODAY)
    (f,) = only(v, "TEMPLATE_MISMATCH")
    assert f.severity == "warning" and f.name == "param_team_report_due" and "31/12/2023" in f.message
    assert v.result.criterion("H02").score == Decimal(5)


# -- FORMULA_TAMPERED -----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["native", "udf"])
def test_a_typed_number_over_the_score_formula_is_tampering(files, mode):
    path = _edit(files, f"typed-{mode}", lambda wb: _set(wb, "H09_score", 6), mode)
    v = validate_file(path, today=vf.TODAY)
    (f,) = only(v, "FORMULA_TAMPERED")
    assert f.key == "H09" and f.name == "H09_score" and f.cell == vf.coordinate_of(path, "H09_score")
    assert "6" in f.message
    assert v.result.criterion("H09").score == Decimal("4.8")  # the engine still computes from the inputs


def test_the_tampering_check_cannot_switch_itself_off(files, monkeypatch):
    """The template formulas come from the builder; if they cannot be had, validation fails loudly
    instead of silently skipping FORMULA_TAMPERED (it once swallowed ImportError/AttributeError)."""
    from dtscore import validation

    def broken(*args):
        raise AttributeError("the builder changed")

    monkeypatch.setattr(validation, "expected_formulas", broken)
    path = _edit(files, "typed-unchecked", lambda wb: _set(wb, "H09_score", 6))
    with pytest.raises(AttributeError):
        validate_file(path, today=vf.TODAY)


def test_an_edited_formula_is_tampering(files):
    path = _edit(files, "edited", lambda wb: _set(wb, "H09_score", "=6*0.757"))
    (f,) = only(validate_file(path, today=vf.TODAY), "FORMULA_TAMPERED")
    assert f.name == "H09_score" and "=6*0.757" in f.message


def test_formulas_are_compared_as_excel_and_libreoffice_write_them():
    assert normalize_formula("=IF(A1>0,FALSE(),$B$2)") == normalize_formula("=if( a1>0, FALSE, B2 )")
    assert normalize_formula('=IF(A1="x y","",1)') != normalize_formula('=IF(A1="X Y","",1)')  # text kept
    assert normalize_formula("=_xludf.DT_RATIO(F1,0.95,4)") == normalize_formula("=DT_RATIO(F1,0.95,4)")
    assert normalize_formula("=XLWINGS.DT_RATIO(F1,0.95,4)") == normalize_formula("=DT_RATIO(F1,0.95,4)")
    assert normalize_formula("=_xlfn.IFS(A1,1)") == normalize_formula("=IFS(A1,1)")
    assert normalize_formula("=6*0.757") != normalize_formula("=6*0.75")


# -- CELL_VALUE_STALE -----------------------------------------------------------------------------


def test_a_cached_value_that_differs_from_the_engine_is_stale(files):
    # a program that does not recalculate: the cached H09 score still says 6 while the inputs give 4,8
    wb = load_workbook(files["clean-native"])
    ws, coord = vf.destination(wb, "H09_score")
    _, total = vf.destination(wb, "total_score")
    path = vf.rewrite_cells(files["clean-native"], files["dir"] / "stale.xlsx", ws.title,
                            {coord: lambda e: vf.set_cached_value(e, 6),
                             total: lambda e: vf.set_cached_value(e, "84.56")})
    v = validate_file(path, today=vf.TODAY)
    (f,) = only(v, "CELL_VALUE_STALE")
    assert f.name == "H09_score" and f.cell == f"'{ws.title}'!{coord}"
    assert "6" in f.message and "4,8" in f.message
    assert "FORMULA_TAMPERED" not in codes(v)  # the formula itself is intact


def test_a_typed_number_in_the_file_xml_is_tampering_not_staleness(files):
    wb = load_workbook(files["clean-native"])
    ws, coord = vf.destination(wb, "H09_score")
    path = vf.rewrite_cells(files["clean-native"], files["dir"] / "typed-xml.xlsx", ws.title,
                            {coord: lambda e: vf.set_typed_number(e, 6)})
    v = validate_file(path, today=vf.TODAY)
    assert [f.code for f in v.findings if f.name == "H09_score"] == ["FORMULA_TAMPERED"]


def test_a_total_off_because_of_a_tampered_cell_is_that_consequence_not_staleness(files):
    # H09 typed over as 6 (the formula gives 4,8) and the file recalculated: the total shows
    # 84,56 + 1,2 — recalculating keeps it wrong, so no "Ctrl+Alt+F9"; the cause is listed first
    wb = load_workbook(files["clean-native"])
    ws, coord = vf.destination(wb, "H09_score")
    _, total = vf.destination(wb, "total_score")
    path = vf.rewrite_cells(files["clean-native"], files["dir"] / "typed-and-total.xlsx", ws.title,
                            {coord: lambda e: vf.set_typed_number(e, 6),
                             total: lambda e: vf.set_cached_value(e, "85.76")})
    v = validate_file(path, today=vf.TODAY)
    tampered, stale = only(v, "FORMULA_TAMPERED")[0], only(v, "CELL_VALUE_STALE")[0]
    assert stale.name == "total_score" and "85,76" in stale.message and "84,56" in stale.message
    assert "Ctrl+Alt+F9" not in stale.message and vf.coordinate_of(path, "H09_score") in stale.message
    assert v.findings.index(tampered) < v.findings.index(stale)


# -- WRONG_TYPE -----------------------------------------------------------------------------------


def test_a_percentage_typed_as_text_is_wrong_type_and_scores_as_the_formula_does(files):
    v = validate_file(variant(files, "text-percent", {"H08_ratio": "90%"}), today=vf.TODAY)
    (f,) = only(v, "WRONG_TYPE")
    assert f.key == "H08" and f.name == "H08_ratio"
    assert "“90%”" in f.message and "tỉ lệ" in f.message  # what was read, what is expected
    # the template's formula cannot compute with text (ISNUMBER fails): 0, as the engine blocks it
    assert v.result.criterion("H08").score == 0
    assert [c for c in codes(v) if c == "WRONG_TYPE"] == ["WRONG_TYPE"]  # one finding, not two


def test_a_date_typed_as_text_is_wrong_type(files):
    v = validate_file(variant(files, "text-date", {"H01_plan_issued": "15/5/2023"}), today=vf.TODAY)
    (f,) = only(v, "WRONG_TYPE")
    assert f.name == "H01_plan_issued" and "“15/5/2023”" in f.message and "ngày" in f.message
    assert "15/05/2023" in f.message  # the date it was meant to be


def test_unreadable_text_is_reported_once_with_what_was_read(files):
    v = validate_file(variant(files, "text-junk", {"H04_ratio": "khoảng chín mươi"}), today=vf.TODAY)
    (f,) = only(v, "WRONG_TYPE")
    assert f.name == "H04_ratio" and "khoảng chín mươi" in f.message
    assert f.cell == vf.coordinate_of(files["clean-native"], "H04_ratio")


def test_a_self_score_typed_as_text_is_wrong_type(files):
    v = validate_file(variant(files, "text-claim", {"H04_claimed": "9,46"}), today=vf.TODAY)
    (f,) = only(v, "WRONG_TYPE")
    assert f.name == "H04_claimed" and "9,46" in f.message
    assert v.result.claimed_total == vf.HUYEN_TOTAL - Decimal("9.46")  # SUM skips text, as Excel's total


def test_every_finding_names_criterion_cell_and_name(files):
    path = variant(files, "many", {"H08_ratio": "90%", "H09_claimed": 6, "H03_option": None, "H11_evidence": None})
    v = validate_file(path, today=vf.TODAY)
    assert len(v.findings) >= 4
    for f in v.findings:
        assert f.key and f.cell and f.name, f
        assert f.cell.startswith("'Chấm điểm'!")


def test_a_missing_unit_code_is_reported_on_thong_tin(files):
    path = _edit(files, "no-unit", lambda wb: (_set(wb, "unit_code", None), _set(wb, "unit_name", None)))
    v = validate_file(path, today=vf.TODAY)
    found = {f.name: f for f in v.findings if f.code == "INPUT_MISSING"}
    assert set(found) == {"unit_code", "unit_name"}
    assert found["unit_code"].severity == "error" and found["unit_name"].severity == "warning"
    assert found["unit_code"].cell == vf.coordinate_of(path, "unit_code")
