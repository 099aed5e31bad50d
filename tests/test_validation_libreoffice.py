"""No false alarms: honest workbooks, filled with generated inputs (edge cases, blanks, not-applicable
switches, groups, per-unit due dates) and calculated by a real spreadsheet engine (LibreOffice),
validate without FORMULA_TAMPERED or CELL_VALUE_STALE, on every rule kind and in both formula
modes' layouts; and a changed cached score on any of them is caught."""

import random
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dtscore.criteria import load_set
from dtscore.validation import validate_file
from dtscore.workbook.builder import build_template
from dtscore.workbook.filling import fill
from tests import template_inputs as ti
from tests import validate_fixtures as vf

pytestmark = pytest.mark.skipif(vf.soffice() is None, reason="LibreOffice (soffice) is not installed")

ALL_KINDS = str(Path(__file__).parent / "data" / "template-all-kinds.yaml")  # every rule kind, groups, KAD
SETS = [(ALL_KINDS, "mix"), ("soctrang-2023", "tinh"), ("soctrang-2023", "xa")]
UNITS_PER_LEVEL = 5
TODAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def calculated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("honest")
    rng = random.Random(20231015)
    files = []
    for set_id, level in SETS:
        cs = load_set(set_id)
        template = build_template(cs, level, folder / f"mau-{cs.id}-{level}.xlsx")
        for i in range(UNITS_PER_LEVEL):
            params = ti.parameters(rng, cs) if rng.random() < 0.3 else {}
            inputs, claimed = ti.unit_inputs(rng, cs, level, params)
            wb = load_workbook(template)
            fill(wb, inputs=inputs, claimed=claimed, parameters=params)
            path = folder / f"{cs.id}-{level}-{i}.xlsx"
            wb.save(path)
            files.append(path)
    return vf.convert(files, "xlsx", folder / "calculated")


def test_libreoffice_calculated_workbooks_raise_no_workbook_alarm(calculated):
    for path in calculated:
        v = validate_file(path, today=TODAY, criteria_sets=[ALL_KINDS])
        assert v.error is None and v.result is not None, (path.name, v.error, v.findings)
        alarms = [(f.code, f.name, f.message) for f in v.findings if f.code in ("FORMULA_TAMPERED", "CELL_VALUE_STALE")]
        assert alarms == [], path.name
        shown = {row.key: v.submission.cells[f"{row.key}_score"].value for row in v.result.criteria}
        assert any(isinstance(value, (int, float)) for value in shown.values())  # LibreOffice did calculate


def test_a_wrong_cached_score_is_caught_in_every_file(calculated, tmp_path):
    for path in calculated:
        wb = load_workbook(path)
        ws, coord = vf.destination(wb, "total_score")
        edited = vf.rewrite_cells(path, tmp_path / path.name, ws.title, {coord: lambda e: vf.set_cached_value(e, 999)})
        v = validate_file(edited, today=TODAY, criteria_sets=[ALL_KINDS])
        stale = [f for f in v.findings if f.code == "CELL_VALUE_STALE"]
        assert [f.name for f in stale] == ["total_score"], path.name
