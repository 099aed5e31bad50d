"""The authoring workbook: export → import of every built-in set keeps its fingerprint; an edited
workbook compiles to the set edited the same way by hand; each malformed workbook gives one error
naming its sheet and cell."""

import copy
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import yaml

from dtscore.cli import main
from dtscore.criteria import available_sets, load_set, raw_set
from dtscore.criteria_workbook import compile_workbook, export_workbook, import_workbook
from dtscore.errors import CriteriaError

SET = "soctrang-2023"


@pytest.mark.parametrize("name", available_sets())
def test_export_then_import_gives_the_same_set(tmp_path, name):
    book = export_workbook(name, tmp_path / "tieu-chi.xlsx")
    compiled = import_workbook(book, tmp_path / f"{name}.yaml")
    original, again = load_set(name), load_set(compiled)
    assert again.fingerprint == original.fingerprint
    assert [c.key for lv in again.levels.values() for c in lv.walk()] == [
        c.key for lv in original.levels.values() for c in lv.walk()]


def test_cli_export_and_import(tmp_path, capsys):
    assert main(["criteria", "export", SET, "-o", str(tmp_path / "tieu-chi.xlsx")]) == 0
    assert main(["criteria", "import", str(tmp_path / "tieu-chi.xlsx"), "-o", str(tmp_path / f"{SET}.yaml")]) == 0
    out = capsys.readouterr().out
    assert load_set(SET).fingerprint in out and "xa 14 tiêu chí" in out


# -- helpers that read the workbook as an official sees it ---------------------------------------


def _column(ws, code):
    """The column whose header ends with “(code)”."""
    for cell in ws[1]:
        if str(cell.value or "").endswith(f"({code})"):
            return cell.column
    raise AssertionError(code)


def _row(ws, key, row_type=None, parent=None):
    key_col, type_col, parent_col = _column(ws, "key"), _column(ws, "row"), _column(ws, "parent")
    for row in range(2, ws.max_row + 1):
        if (ws.cell(row, key_col).value == key and row_type in (None, ws.cell(row, type_col).value)
                and parent in (None, ws.cell(row, parent_col).value)):
            return row
    raise AssertionError(key)


def _cell(ws, key, code, row_type=None):
    return ws.cell(_row(ws, key, row_type), _column(ws, code))


@pytest.fixture
def book(tmp_path):
    path = export_workbook(SET, tmp_path / "tieu-chi.xlsx")
    return path, openpyxl.load_workbook(path)


def _expected_fingerprint(tmp_path, raw):
    folder = tmp_path / "expected"
    folder.mkdir()
    (folder / f"{raw['id']}.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_set(folder / f"{raw['id']}.yaml").fingerprint


def test_an_edited_workbook_compiles_to_the_set_edited_by_hand(tmp_path, book):
    path, wb = book
    ws = wb["Tiêu chí"]
    _cell(ws, "X03", "target").value = 0.7  # a changed target (was 60%)
    at = _row(ws, "khong", "Lựa chọn", parent="X14")  # a new option of X14, before “Không tổ chức hoạt động”
    ws.insert_rows(at)
    for code, value in {"level": "xa", "row": "Lựa chọn", "key": "mot_phan", "parent": "X14",
                        "title": "Có hoạt động nhưng chưa đủ", "points": 2}.items():
        ws.cell(at, _column(ws, code)).value = value
    ws.delete_rows(_row(ws, "X13"))  # a removed criterion (5 points) …
    levels = wb["Cấp"]
    levels.cell(4, _column(levels, "max_total")).value = 95  # … and the level's total follows
    assert levels.cell(4, _column(levels, "code")).value == "xa"
    wb.save(path)

    raw = copy.deepcopy(raw_set(SET))
    xa = next(lv for lv in raw["levels"] if lv["code"] == "xa")
    by_key = {c["key"]: c for c in xa["criteria"]}
    by_key["X03"]["rule"]["target"] = 0.7
    by_key["X14"]["rule"]["options"].insert(3, {"code": "mot_phan", "label": "Có hoạt động nhưng chưa đủ", "points": 2})
    xa["criteria"].remove(by_key["X13"])
    xa["max_total"] = 95

    compiled = load_set(import_workbook(path, tmp_path / f"{SET}.yaml"))
    assert compiled.fingerprint == _expected_fingerprint(tmp_path, raw)
    assert [o.code for o in compiled.level("xa").find("X14").inputs[0].options] == [
        "phong_trao", "thiet_thuc", "chua_thiet_thuc", "mot_phan", "khong"]


# -- malformed workbooks: one error each, naming the cell ---------------------------------------


def _set(sheet, key, code, value, row_type=None):
    def edit(wb):
        cell = _cell(wb[sheet], key, code, row_type)
        cell.value = value
        return sheet, cell.coordinate
    return edit


def _duplicate_key(wb):
    cell = _cell(wb["Tiêu chí"], "T03", "key")
    cell.value = "T02"
    return "Tiêu chí", cell.coordinate


def _options_under_a_ratio(wb):
    ws = wb["Tiêu chí"]
    _cell(ws, "X14", "kind").value = "ratio_target"
    _cell(ws, "X14", "target").value = 1
    return "Tiêu chí", ws.cell(_row(ws, "phong_trao", parent="X14"), _column(ws, "row")).coordinate


def _level_total(wb):
    _cell(wb["Tiêu chí"], "T03", "points").value = 9  # was 5: the level no longer adds up to 100
    ws = wb["Cấp"]
    return "Cấp", ws.cell(2, _column(ws, "max_total")).coordinate


def _bad_date(wb):
    ws = wb["Tham số"]
    cell = ws.cell(2, _column(ws, "value"))
    cell.value = "31/02/2024"
    return "Tham số", cell.coordinate


def _empty_required_parameter(wb):
    cell = _cell(wb["Tiêu chí"], "X05", "target")
    cell.value = None
    return "Tiêu chí", cell.coordinate


MALFORMED = {
    "unknown rule kind": (_set("Tiêu chí", "T04", "kind", "ti_le"), "loại quy tắc “ti_le” không có"),
    "points as words": (_set("Tiêu chí", "T04", "points", "tám"), "phải là một số"),
    "duplicate key": (_duplicate_key, "bị trùng"),
    "unknown group": (_set("Tiêu chí", "H04", "parent", "NHOM_X"), "không có nhóm “NHOM_X”"),
    "unknown row type": (_set("Tiêu chí", "T05", "row", "Dòng lạ"), "loại dòng phải là một trong"),
    "options under a ratio": (_options_under_a_ratio, "phải nằm dưới một tiêu chí có loại quy tắc “choice”"),
    "undeclared level": (_set("Tiêu chí", "X02", "level", "huyện cũ"), "chưa khai ở trang “Cấp”"),
    "target above 100%": (_set("Tiêu chí", "X04", "target", 95), "target phải trong khoảng (0; 1]"),
    "level total": (_level_total, "khác max_total"),
    "impossible date": (_bad_date, "không có thật"),
    "parameter of another kind": (_set("Tiêu chí", "X14", "target", 0.5), "không có tham số target"),
    "required parameter blank": (_empty_required_parameter, "cần tham số target"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_workbook_names_its_cell(book, case):
    path, wb = book
    edit, words = MALFORMED[case]
    sheet, coordinate = edit(wb)
    wb.save(path)
    with pytest.raises(CriteriaError) as err:
        compile_workbook(path)
    message = str(err.value)
    assert f"trang “{sheet}”, ô {coordinate} " in message, message
    assert words in message, message
    assert "\n" not in message


def test_a_missing_sheet_is_named(book):
    path, wb = book
    del wb["Cấp"]
    wb.save(path)
    with pytest.raises(CriteriaError, match="thiếu trang “Cấp”"):
        compile_workbook(path)


def test_cli_reports_a_bad_cell_without_a_traceback(book, tmp_path, capsys):
    path, wb = book
    _set("Tiêu chí", "T04", "kind", "ti_le")(wb)
    wb.save(path)
    assert main(["criteria", "import", str(path), "-o", str(tmp_path / f"{SET}.yaml")]) == 2
    err = capsys.readouterr().err
    assert "Lỗi:" in err and "Traceback" not in err and not (tmp_path / f"{SET}.yaml").exists()


def test_dates_typed_as_dates_and_numbers_typed_as_text_are_read(book, tmp_path):
    path, wb = book
    ws = wb["Tham số"]
    ws.cell(2, _column(ws, "value")).value = datetime(2024, 3, 31)
    _cell(wb["Tiêu chí"], "X03", "target").value = "0,6"  # typed with a decimal comma, as text
    wb.save(path)
    cs = load_set(import_workbook(path, tmp_path / f"{SET}.yaml"))
    assert str(cs.parameters["plan_due"].value) == "2024-03-31"
    assert cs.level("xa").find("X03").rule["target"] == 0.6


def test_the_workbook_offers_drop_downs_and_a_guide(book):
    _, wb = book
    assert wb.sheetnames[0] == "Hướng dẫn" and "dtscore criteria import" in str(wb["Hướng dẫn"]["A4"].value)
    ws = wb["Tiêu chí"]
    ranges = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in ws.data_validations.dataValidation}
    kind_letter = openpyxl.utils.get_column_letter(_column(ws, "kind"))
    row_letter = openpyxl.utils.get_column_letter(_column(ws, "row"))
    assert "Danh mục" in ranges[kind_letter] and "Danh mục" in ranges[row_letter]
    lists = wb["Danh mục"]
    assert "late_months" in [c.value for c in lists["B"]] and "Nhóm" in [c.value for c in lists["A"]]


def test_the_source_file_is_never_written(book, tmp_path):
    path, _ = book
    before = Path(path).read_bytes()
    import_workbook(path, tmp_path / f"{SET}.yaml")
    assert Path(path).read_bytes() == before
