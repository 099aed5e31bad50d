"""A rule kind defined here, in the test, works end to end through the one registry: the loader
(typed parameters, errors naming file, criterion and field), the engine, a native template
recalculated by LibreOffice, and the UDF template's DT_SCORE called through xlwings' call path.

The toy rule: "mỗi sáng kiến được per_item điểm, tối đa điểm chuẩn". Expected values are the hand
calculation: 3 × 0,5 = 1,5; 7 × 0,5 = 3,5 → capped at 2; 0 → 0.
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from dtscore import criteria, rules
from dtscore.errors import CriteriaError
from dtscore.rules import excel
from dtscore.scoring import SCORED, UNSCORED, score_unit
from dtscore.udfs import functions
from dtscore.workbook import libreoffice
from dtscore.workbook.builder import make_workbook, save_atomic
from dtscore.workbook.filling import fill, named_cell
from dtscore.workbook.layout import SHEET_SCORE
from tests.xlwings_calls import Caller, Repeating


@dataclass(frozen=True)
class PerItemParams:
    per_item: Decimal


class PerItem(rules.RuleKind):
    name = "toy_per_item"
    Params = PerItemParams

    def parse(self, raw):
        per_item = raw.number("per_item")
        if per_item <= 0:
            raise rules.RuleError("per_item", "per_item phải lớn hơn 0")
        return PerItemParams(per_item)

    def inputs(self, rule):
        return [rules.InputSpec("count", rules.COUNT, "Số sáng kiến", "sáng kiến")]

    def score(self, max_points, values, rule, params):
        return min(Decimal(max_points), values["count"] * self.params_of(rule).per_item)

    def excel_native(self, rule, cells):
        count, top = cells.inputs["count"], excel.num(cells.max_points)
        product = f"{count}*{excel.num(self.params_of(rule).per_item)}"
        return f"IF({excel.is_count(count)},{excel.rounded(f'MIN({top},{product})', cells.decimals)},0)"


SET = """\
id: toy-set
version: "1"
title: Bộ tiêu chí thử
year: 2023
levels:
  - code: xa
    max_total: 10
    criteria:
      - key: T1
        title: Sáng kiến chuyển đổi số
        max_points: 2
        reference: "thử"
        rule: {kind: toy_per_item, per_item: PER_ITEM}
      - key: T2
        title: Điểm hội đồng
        max_points: 8
        reference: "thử"
        rule: {kind: assessed}
"""


@pytest.fixture
def toy_set(tmp_path, monkeypatch):
    """The toy kind registered and a set using it, found by id as a built-in set is."""
    monkeypatch.setitem(rules.RULE_KINDS, PerItem.name, PerItem())
    monkeypatch.setattr(criteria, "BUILTIN_DIR", tmp_path)
    (tmp_path / "toy-set.yaml").write_text(SET.replace("PER_ITEM", "0.5"), encoding="utf-8")
    return criteria.load_set("toy-set")


def test_the_loader_reads_the_toy_parameters_once(toy_set):
    crit = toy_set.level("xa").find("T1")
    assert crit.params == PerItemParams(Decimal("0.5"))
    assert [s.name for s in crit.inputs] == ["count"]


def test_the_loader_names_file_criterion_and_field(toy_set, tmp_path):
    bad = tmp_path / "toy-bad.yaml"
    bad.write_text(SET.replace("toy-set", "toy-bad").replace("PER_ITEM", "-1"), encoding="utf-8")
    with pytest.raises(CriteriaError) as exc:
        criteria.load_set(bad)
    assert (exc.value.file, exc.value.key) == (str(bad.resolve()), "T1.rule.per_item")
    assert "per_item phải lớn hơn 0" in str(exc.value)
    missing = tmp_path / "toy-missing.yaml"
    missing.write_text(SET.replace("toy-set", "toy-missing").replace(", per_item: PER_ITEM", ""), encoding="utf-8")
    with pytest.raises(CriteriaError, match="T1.rule: quy tắc toy_per_item thiếu tham số per_item"):
        criteria.load_set(missing)


@pytest.mark.parametrize("count, expected", [(3, "1.5"), (7, "2"), (0, "0")])
def test_the_engine_scores_the_toy_kind(toy_set, count, expected):
    result = score_unit(toy_set, "xa", {"T1": {"count": count}, "T2": {"points": 8}})
    row = result.criterion("T1")
    assert (row.status, row.score) == (SCORED, Decimal(expected))
    assert result.total == Decimal(expected) + 8


def test_the_engine_reports_a_wrong_toy_input(toy_set):
    result = score_unit(toy_set, "xa", {"T1": {"count": "ba"}})
    assert result.criterion("T1").status == UNSCORED
    assert [f.code for f in result.findings if f.key == "T1"] == ["WRONG_TYPE"]


@pytest.mark.skipif(not libreoffice.available(), reason="LibreOffice (soffice) is not installed")
def test_a_native_template_recalculated_by_libreoffice(toy_set, tmp_path):
    wb = make_workbook(toy_set, "xa", formulas="native")
    score_cell = named_cell(wb, "T1_score").coordinate
    paths = []
    for count in (3, 7, 0):
        fill(wb, inputs={"T1": {"count": count}, "T2": {"points": 8}})
        paths.append(save_atomic(wb, tmp_path / f"toy-{count}.xlsx"))
    sheet_number = wb.sheetnames.index(SHEET_SCORE) + 1
    outputs = libreoffice.sheet_to_csv(paths, tmp_path / "out", sheet_number, SHEET_SCORE)
    column = ord(score_cell[0]) - ord("A") + 1
    row = int(score_cell[1:])
    got = [float(libreoffice.read_csv_grid(out)[(row, column)]) for out in outputs]
    assert got == [1.5, 2.0, 0.0]


def test_the_udf_template_calls_dt_score_through_xlwings(toy_set):
    wb = make_workbook(toy_set, "xa", formulas="udf")
    count_cell = named_cell(wb, "T1_count").coordinate
    formula = named_cell(wb, "T1_score").value
    assert formula == f'=DT_SCORE("toy-set","T1",${count_cell[0]}${count_cell[1:]})'
    caller = Caller(functions)
    try:
        assert caller.value("DT_SCORE", "toy-set", "T1", Repeating(3)) == 1.5
        assert caller.value("DT_SCORE", "toy-set", "T1", Repeating(7)) == 2
        assert caller.value("DT_SCORE", "toy-set", "T1", Repeating("ba")).startswith("DT_SCORE: T1 – Số sáng kiến")
    finally:
        caller.close()
