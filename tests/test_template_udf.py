"""UDF-mode templates: every "Điểm tính" formula calls a DT_* function that udfs/functions.py
defines, with arguments it accepts, and — called the way Excel calls it through Office.js
(xlwings.server.custom_functions_call) with the cells of filled templates — returns the engine's
score for every scored criterion."""

import random
import re
from decimal import Decimal

import pytest

from dtscore.criteria import load_set
from dtscore.decimals import round_half_up, to_decimal
from dtscore.scoring import SCORED, score_unit
from dtscore.workbook.builder import make_workbook
from dtscore.workbook.filling import clear, fill, named_cell

functions = pytest.importorskip("dtscore.udfs.functions")
from tests import xlwings_calls as server  # noqa: E402
from tests.template_inputs import parameters, unit_inputs  # noqa: E402

PLAN = [("soctrang-2023", "tinh", 8), ("soctrang-2023", "huyen", 8), ("soctrang-2023", "xa", 8),
        ("soctrang-2023-draft", "huyen", 4), ("bacgiang-dti-huyen-2024", "huyen", 2),
        ("soctrang-sotttt-cchc-2022", "so", 2)]
CALL = re.compile(r"(DT_[A-Z_]+)\(")
RANGE = re.compile(r"^(?:'((?:[^']|'')+)'!)?\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$")


def _call_text(formula):
    """(function name, argument texts) of the one DT_* call in a formula."""
    match = CALL.search(formula)
    assert match, formula
    depth, start, args, quoted = 1, match.end(), [], False
    for i in range(match.end(), len(formula)):
        ch = formula[i]
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                args.append(formula[start:i])
                break
        elif ch == "," and depth == 1:
            args.append(formula[start:i])
            start = i + 1
    assert len(CALL.findall(formula)) == 1, formula  # one call, never nested
    return match.group(1), args


def _value(wb, sheet, coord):
    """A cell's value; a cell holding a plain reference (the due dates) is followed."""
    value = wb[sheet][coord].value
    if isinstance(value, str) and value.startswith("="):
        match = RANGE.match(value[1:])
        assert match and not match.group(4), value
        return _value(wb, (match.group(1) or sheet).replace("''", "'"), f"{match.group(2)}{match.group(3)}")
    return float(value) if isinstance(value, Decimal) else value  # a number cell, as Excel passes it


def _argument(wb, text):
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    match = RANGE.match(text)
    if not match:
        return float(text)
    sheet = (match.group(1) or "Chấm điểm").replace("''", "'")
    if not match.group(4):
        return _value(wb, sheet, f"{match.group(2)}{match.group(3)}")
    assert match.group(2) == match.group(4), text  # the ranges are single columns
    return [[_value(wb, sheet, f"{match.group(2)}{row}")] for row in range(int(match.group(3)), int(match.group(5)) + 1)]


@pytest.fixture(scope="module")
def caller():
    c = server.Caller(functions)
    yield c
    c.close()


def test_rounding_agrees_with_the_functions():
    from dtscore.rules.excel import UDF_DIGITS

    assert UDF_DIGITS == functions.DIGITS


def test_calls_exist_with_accepted_arguments():
    import inspect

    for set_id, level, _ in PLAN:
        cs = load_set(set_id)
        wb = make_workbook(cs, level, formulas="udf")
        assert wb["xlwings.conf"]["B1"].value == "dtscore.udfs.functions"
        for crit in cs.level(level).leaves():
            formula = named_cell(wb, f"{crit.key}_score").value
            if crit.kind == "minmax":
                assert "DT_" not in formula  # scored across units at consolidation
                continue
            name, args = _call_text(formula)
            assert name in functions.__all__, (crit.key, name)
            params = inspect.signature(getattr(functions, name)).parameters.values()
            if any(p.kind == p.VAR_POSITIONAL for p in params):
                assert len(args) >= 3, (crit.key, formula)
            else:
                required = sum(p.default is p.empty for p in params)
                assert required <= len(args) <= len(params), (crit.key, formula)


def test_udf_scores_equal_the_engine(caller):
    rng = random.Random(3)
    problems, compared = [], 0
    for set_id, level, n in PLAN:
        cs = load_set(set_id)
        wb = make_workbook(cs, level, formulas="udf")
        leaves = cs.level(level).leaves()
        for _ in range(n):
            params = parameters(rng, cs)
            inputs, claimed = unit_inputs(rng, cs, level, params)
            clear(wb, cs.level(level))
            fill(wb, inputs, claimed, parameters={**cs.parameter_values(), **params})
            result = score_unit(cs, level, inputs, claimed, parameters=params)
            for crit in leaves:
                row = result.criterion(crit.key)
                if row.status != SCORED or crit.kind == "minmax":
                    continue  # blanks, refused inputs, KAD: the guards are plain formulas (LibreOffice test)
                option = (inputs.get(crit.key) or {}).get("option")
                if crit.kind == "choice" and option in {o.code for o in crit.inputs[0].options}:
                    continue  # DT_CHOICE reads the labels the dropdown offers; a code is the engine's extra
                name, args = _call_text(named_cell(wb, f"{crit.key}_score").value)
                values = [_argument(wb, a) for a in args]
                if name == "DT_SCORE":
                    values = values[:2] + [server.Repeating(*values[2:])]
                got = caller.value(name, *values)
                compared += 1
                ok = isinstance(got, (int, float)) and round_half_up(to_decimal(got), cs.decimals) == row.score
                if not ok:
                    problems.append(f"{set_id} {crit.key}: {name} → {got!r}, dtscore {row.score}; {inputs.get(crit.key)}")
    assert not problems, f"{len(problems)} of {compared}:\n" + "\n".join(problems[:30])
    assert compared > 300
