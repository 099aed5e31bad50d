"""The template's self-check, computed by a real spreadsheet engine and held against the engine.

Templates of every level of every built-in set (and of tests/data/template-all-kinds.yaml, which has
every rule kind) are filled with a generated corpus of the mistakes units make
(tests/self_check_corpus.py), recalculated by LibreOffice in ONE soffice process, and every
criterion's status, counts, cell flags and first-problem address, the summary and the "Tự kiểm tra"
list must agree with what `dtscore validate` finds in the same file (the oracle: dtscore.validation,
Decimal arithmetic in Python; the formulas under test are Excel text evaluated by LibreOffice).
"""

import random
from datetime import date
from pathlib import Path

import pytest

from dtscore.criteria import available_sets, load_set
from dtscore.findings import ERROR, WARNING, summary_vn
from dtscore.validation import validate_file
from dtscore.workbook import layout as L
from dtscore.workbook import libreoffice
from dtscore.workbook import self_check as sc
from dtscore.workbook.builder import make_workbook, save_atomic
from dtscore.workbook.check_sheet import FIRST_ROW
from dtscore.workbook.filling import clear, fill, named_cell
from tests.self_check_corpus import CASES, unit_with_mistakes
from tests.template_inputs import parameters

pytestmark = pytest.mark.skipif(not libreoffice.available(), reason="LibreOffice (soffice) is not installed")

DATA = Path(__file__).parent / "data"
SEED = 20231215
UNITS_PER_LEVEL = 3
ALL_KINDS_UNITS = 10
# What the self-check covers: everything the engine says about the unit's own inputs. The rest
# (template mismatch, tampered formulas, stale values) only dtscore validate and the button check.
CHECKED = {"INPUT_MISSING", "INPUT_OUT_OF_RANGE", "WRONG_TYPE", "CLAIM_MISMATCH", "CLAIM_ABOVE_MAX",
           "MISSING_EVIDENCE", "NOT_APPLICABLE"}
# The words a status uses for each finding code (the test's own reading of the Vietnamese text).
WORDS = {
    "INPUT_MISSING": ("chưa nhập",),
    "WRONG_TYPE": ("không đọc được", "không có trong danh sách"),
    "INPUT_OUT_OF_RANGE": ("phải từ 0%", "là số âm", "trước năm", "ở tương lai", "lớn hơn", "bằng 0", "vượt điểm chuẩn"),
    "CLAIM_MISMATCH": ("khác điểm tính", "không áp dụng nhưng có điểm"),
    "CLAIM_ABOVE_MAX": ("vượt điểm chuẩn",),
    "MISSING_EVIDENCE": ("căn cứ",),
    "NOT_APPLICABLE": ("không áp dụng",),
}
SHEETS = [L.SHEET_GUIDE, L.SHEET_INFO, L.SHEET_SCORE, L.SHEET_PARAMS, L.SHEET_CHECK]


def _plan():
    plan = [(set_id, level, UNITS_PER_LEVEL) for set_id in available_sets() for level in load_set(set_id).levels]
    return plan + [(str(DATA / "template-all-kinds.yaml"), "mix", ALL_KINDS_UNITS)]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """Fill, save, recalculate everything in one LibreOffice run; read back every sheet."""
    rng = random.Random(SEED)
    today = date.today()
    folder, out_dir = tmp_path_factory.mktemp("filled"), tmp_path_factory.mktemp("recalculated")
    cases, counts = [], {}
    for number, (set_id, level, n) in enumerate(_plan()):
        cs = load_set(set_id)
        wb = make_workbook(cs, level, formulas="native")
        for i in range(n):
            params = parameters(rng, cs)
            inputs, claimed, evidence = unit_with_mistakes(rng, cs, level, params, today, counts)
            clear(wb, cs.level(level))
            unit = {"code": rng.choice(["", "STTTT", "H01"]), "name": rng.choice(["", "Sở Thông tin và Truyền thông"])}
            fill(wb, inputs, claimed, evidence, parameters={**cs.parameter_values(), **params}, unit=unit)
            path = save_atomic(wb, folder / f"{number:02d}-{cs.id}-{level}-{i}.xlsx")
            cases.append((path, cs, level))
    sheets = libreoffice.sheets_to_csv([c[0] for c in cases], out_dir, SHEETS)
    out = []
    for (path, cs, level), csvs in zip(cases, sheets):
        validation = validate_file(path, today=today, criteria_sets=[cs])
        findings = [f for f in validation.findings if f.code in CHECKED]
        grids = {name: libreoffice.read_csv_values(csvs[name]) for name in (L.SHEET_SCORE, L.SHEET_CHECK)}
        out.append((path, cs, level, _template(cs, level), findings, grids))
    return out, counts


_TEMPLATES = {}


def _template(cs, level):
    if (cs.id, level) not in _TEMPLATES:
        _TEMPLATES[cs.id, level] = make_workbook(cs, level, formulas="native")
    return _TEMPLATES[cs.id, level]


def _coord(cell_ref: str) -> str:
    return cell_ref.split("!", 1)[1]


def _reading_order(wb, crit) -> list:
    """The criterion's cells in the order the status reads them: inputs, switch, self-score, evidence."""
    names = [f"{crit.key}_{s.name}" for s in crit.inputs] + [f"{crit.key}_not_applicable", f"{crit.key}_claimed",
                                                              f"{crit.key}_evidence", f"{crit.key}_score"]
    return [named_cell(wb, n).coordinate for n in names if n in wb.defined_names]


def _first(findings, order):
    """The finding the status must show: the first error, else the first warning, in reading order."""
    rank = {ERROR: 0, WARNING: 1}
    return min(findings, key=lambda f: (rank[f.severity], order.index(_coord(f.cell))))


def test_corpus_covers_every_rule_kind_and_mistake(checked):
    _, counts = checked
    assert sum(counts.values()) >= 300
    kinds = {kind for kind, _ in counts}
    assert kinds >= {c.kind for c in load_set(str(DATA / "template-all-kinds.yaml")).level("mix").leaves()}
    assert {case for _, case in counts} == set(CASES)
    for kind in kinds:  # every kind gets the mistakes of its inputs
        assert {case for k, case in counts if k == kind} >= {"valid", "missing", "text", "out_of_range", "wrong_claim"}, kind


def test_every_status_agrees_with_the_engine(checked):
    results, _ = checked
    problems, compared = [], 0
    for path, cs, level, wb, findings, grids in results:
        values = grids[L.SHEET_SCORE]
        by_key = {}
        for f in findings:
            by_key.setdefault(f.key, []).append(f)
        for crit in cs.level(level).walk():
            compared += 1
            row = named_cell(wb, f"{crit.key}_status").row
            status = values.get(f"{L.STATUS.letter}{row}", "")
            errors = values.get(f"{L.ERRORS.letter}{row}", 0)
            warnings = values.get(f"{L.WARNINGS.letter}{row}", 0)
            target = values.get(f"{L.TARGET.letter}{row}", "")
            own = by_key.get(crit.key, [])
            where = f"{path.name} {crit.key}: status {status!r}, engine {[(f.code, f.cell) for f in own]}"
            if (errors, warnings) != (sum(f.severity == ERROR for f in own), sum(f.severity == WARNING for f in own)):
                problems.append(f"{where}: counts {errors}/{warnings}")
                continue
            if not own:
                if status not in (sc.OK_TEXT, sc.PARTS_TEXT, sc.GROUP_NA_TEXT) or target not in ("", None):
                    problems.append(f"{where}: should have no problem")
                elif crit.is_group and status == sc.PARTS_TEXT and not any(
                    by_key.get(c.key) for c in crit.walk() if c is not crit
                ):
                    problems.append(f"{where}: no part has a problem")
                continue
            first = _first(own, _reading_order(wb, crit))
            same_cell = [f for f in own if f.cell == first.cell and f.severity == first.severity]
            if not status.startswith(sc.PREFIX[first.severity]) or target != _coord(first.cell):
                problems.append(f"{where}: first problem is {first.code} at {first.cell}, status points at {target}")
            elif not any(word in status for f in same_cell[:1] for word in WORDS[f.code]):
                problems.append(f"{where}: status does not say {first.code}")
    assert not problems, f"{len(problems)} of {compared} statuses differ:\n" + "\n".join(problems[:30])
    assert compared > 500


def test_offending_cells_are_flagged_for_colouring(checked):
    """Each input, self-score and evidence cell: 2 (red) with an error, 1 (orange) with only warnings."""
    results, _ = checked
    problems, flagged = [], 0
    for path, cs, level, wb, findings, grids in results:
        values = grids[L.SHEET_SCORE]
        worst = {}
        for f in findings:
            coord = _coord(f.cell)
            worst[coord] = max(worst.get(coord, 0), 2 if f.severity == ERROR else 1)
        for crit in cs.level(level).walk():
            for name in [f"{crit.key}_{s.name}" for s in crit.inputs] + [f"{crit.key}_not_applicable",
                                                                           f"{crit.key}_claimed", f"{crit.key}_evidence"]:
                if name not in wb.defined_names or (crit.is_group and not name.endswith("not_applicable")):
                    continue
                cell = named_cell(wb, name)
                flag_column = {L.VALUE.letter: L.VALUE_FLAG, L.CLAIMED.letter: L.CLAIM_FLAG,
                               L.EVIDENCE.letter: L.EVIDENCE_FLAG}[cell.column_letter]
                got = values.get(f"{flag_column.letter}{cell.row}", 0) or 0
                flagged += got > 0
                if got != worst.get(cell.coordinate, 0):
                    problems.append(f"{path.name} {name}: flag {got}, engine {worst.get(cell.coordinate, 0)}")
    assert not problems, f"{len(problems)} cells:\n" + "\n".join(problems[:30])
    assert flagged > 300


def test_summary_and_list_agree_with_the_engine(checked):
    results, _ = checked
    for path, cs, level, wb, findings, grids in results:
        values, listed = grids[L.SHEET_SCORE], grids[L.SHEET_CHECK]
        summary = values[named_cell(wb, "check_summary").coordinate]
        assert summary.startswith(summary_vn(findings)), (path.name, summary, summary_vn(findings))
        # the unit's code and name, then every criterion with a problem, in the decision's order, linked
        unit_code = [f for f in findings if f.key is None and f.name == "unit_code"]
        assert listed[f"D{FIRST_ROW}"].startswith(sc.PREFIX[ERROR]) == bool(unit_code), path.name
        keys = []
        for crit in cs.level(level).walk():
            row = named_cell(wb, f"{crit.key}_status").row
            if values.get(f"{L.ERRORS.letter}{row}", 0) + values.get(f"{L.WARNINGS.letter}{row}", 0) > 0:
                keys.append((crit.key, f"{L.SHEET_SCORE}!{values[f'{L.TARGET.letter}{row}']}",
                             values[f"{L.STATUS.letter}{row}"]))
        rows = range(FIRST_ROW + 2, FIRST_ROW + 2 + len(list(cs.level(level).walk())))
        shown = [(listed[f"B{r}"], listed[f"C{r}"], listed[f"D{r}"]) for r in rows if listed.get(f"B{r}")]
        assert shown == keys, path.name
        assert [k for k, *_ in keys] == [c.key for c in cs.level(level).walk() if any(f.key == c.key for f in findings)]


def test_no_error_value_anywhere(checked):
    """No sheet of any recalculated workbook shows an error value (#NAME?, #VALUE!, Err:…)."""
    results, _ = checked
    for path, *_, grids in results:
        for sheet, values in grids.items():
            bad = {c: v for c, v in values.items() if isinstance(v, str) and v.startswith(("#", "Err:"))}
            assert not bad, (path.name, sheet, bad)


def test_opened_without_recalculation_no_error_value(tmp_path):
    """LibreOffice told never to recalculate (it then computes only formulas without a cached value,
    which is every formula openpyxl writes): a blank template and one with mistakes show no error."""
    paths = []
    for set_id in available_sets():
        cs = load_set(set_id)
        for level in cs.levels:
            paths.append(save_atomic(make_workbook(cs, level, formulas="native"), tmp_path / f"{set_id}-{level}.xlsx"))
    cs = load_set("soctrang-2023")
    wb = make_workbook(cs, "huyen", formulas="native")
    inputs, claimed, evidence = unit_with_mistakes(random.Random(1), cs, "huyen", {}, date.today(), {})
    fill(wb, inputs, claimed, evidence)
    paths.append(save_atomic(wb, tmp_path / "mistakes.xlsx"))
    for csvs in libreoffice.sheets_to_csv(paths, tmp_path / "out", SHEETS, recalc=False):
        for csv in csvs.values():
            bad = {c: v for c, v in libreoffice.read_csv_values(csv).items() if isinstance(v, str) and v.startswith(("#", "Err:"))}
            assert not bad, (csv.name, bad)


@pytest.mark.parametrize("level", ["tinh", "huyen", "xa"])
def test_udf_template_has_the_same_self_check(level):
    """The UDF-mode template shows the same statuses: its self-check cells hold the same formulas
    (they read only the cells, whatever computes the score)."""
    cs = load_set("soctrang-2023")
    native, udf = (make_workbook(cs, level, formulas=mode)[L.SHEET_SCORE] for mode in ("native", "udf"))
    columns = [L.STATUS] + list(L.HIDDEN_COLUMNS[1:])
    cells = [f"{c.letter}{r}" for c in columns for r in range(1, native.max_row + 1)]
    assert sum(1 for c in cells if native[c].value) > 100
    assert [native[c].value for c in cells] == [udf[c].value for c in cells]


def test_reader_skips_the_self_check(tmp_path):
    """KEY_status and check_summary are the template's formulas, never taken for inputs or strays."""
    from dtscore.workbook.reader import read_workbook

    cs = load_set("soctrang-2023")
    sub = read_workbook(save_atomic(make_workbook(cs, "xa"), tmp_path / "xa.xlsx"))
    assert not sub.stray_names
    assert all("status" not in values for values in sub.inputs.values())
    assert "X01_status" in sub.cells and "check_summary" in sub.cells


def test_blank_unit_code_and_name_are_coloured():
    """'Thông tin': the unit's code (an error when blank) and name (a warning) are coloured too."""
    wb = make_workbook(load_set("soctrang-2023"), "xa")
    info = wb[L.SHEET_INFO]
    rules_by_cell = {str(cf.sqref): [r.formula[0] for r in cf.rules] for cf in info.conditional_formatting}
    for name in ("unit_code", "unit_name"):
        coord = named_cell(wb, name).coordinate
        assert rules_by_cell.get(coord) == [sc.blank(coord)], name
