"""The batch engine (dtscore.batch) against the scalar engine, the reference: on generated tables
across every rule kind, level and set — typed text, numbers, blanks, out-of-range values, wrong
types, error cells, not-applicable switches, self-scores and evidence — every row's scores,
statuses, totals and findings (codes, messages, cells, in order) equal score_unit's.

The default run checks 1,000,000 criterion evaluations in all (issue 14's property test), spread
over the sets' levels: ≈ 50 s of CPU, the scalar reference being the cost. DTSCORE_BATCH_EVALUATIONS
sets another number (e.g. 20000 for a quick run while developing).
"""

import math
import os
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from dtscore.batch import distinct, score_table, table_units
from dtscore.criteria import available_sets, load_set
from dtscore.rules import CHOICE, COUNT, DATE, NUMBER, RATIO
from dtscore.scoring import score_unit

EVALUATIONS = int(os.environ.get("DTSCORE_BATCH_EVALUATIONS", "1000000"))
CHUNK = 20_000  # evaluations per generated table: the test process stays small
TODAY = date(2024, 2, 1)
LEVELS = [(name, code) for name in available_sets() for code in load_set(name).levels]

POOLS = {
    DATE: [None, "", "31/03/2023", "15/05/2023", "1/4/2023", "2023-03-31", " 16/01/2024 ", datetime(2023, 3, 20),
           datetime(2024, 1, 16), date(2023, 12, 15), 45016, 45016.0, "31/02/2023", "abc", date(2022, 1, 1),
           datetime(2030, 1, 1), -5, True, "#N/A"],
    RATIO: [None, "", 0.9, 0.757, 1, 0, 1.5, 75.7, -0.1, "90%", "75,7%", "0,9", "1.200", "abc", True, 0.125,
            "100%", 101, 0.5, 0.95, 1.0, "  ", "45 %"],
    COUNT: [None, "", 0, 3, 12, 5.0, 2.5, -1, "7", "1.200", "abc", True, 10**16, 400, 1],
    NUMBER: [None, "", 0, 45, "12,5", -3, "x", 12.75, 0.07, 1000, "1.234,5"],
}  # fmt: skip
SWITCH = [None] * 12 + ["x", True, "không áp dụng", 0, "", "Có", "no"]
CLAIMED = [None, "", 0, 1, 2.5, 3.79, 4, 10, 100, "abc", "3,5", -1, 0.25, 5]
EVIDENCE = [None, "", "  ", "Văn bản số 12/UBND", 0]


def _pool(spec) -> list:
    if spec.type == CHOICE:
        labels = [o.label for o in spec.options] + [o.code for o in spec.options]
        return [None, "", "sai", *labels, labels[0].upper(), f"  {labels[0]}  "]
    return POOLS[spec.type]


def _column(rng, pool, rows) -> np.ndarray:
    values = np.empty(len(pool), dtype=object)
    values[:] = pool
    return values[rng.integers(0, len(pool), rows)]


def generate(cs, level_code, rows, seed) -> dict:
    """The columns of a table of `rows` units, every cell drawn from the pools at once (vectorized)."""
    rng = np.random.default_rng(seed)
    columns = {}
    for crit in cs.level(level_code).walk():
        if crit.is_group:
            columns[f"{crit.key}_not_applicable"] = _column(rng, SWITCH, rows)
            columns[f"{crit.key}_claimed"] = _column(rng, CLAIMED, rows)
            continue
        specs = [s for form in [crit.inputs, *crit.rule_kind.alternatives(crit.params)] for s in form]
        for spec in {s.name: s for s in specs}.values():
            columns[f"{crit.key}_{spec.name}"] = _column(rng, _pool(spec), rows)
        columns[f"{crit.key}_not_applicable"] = _column(rng, SWITCH, rows)
        columns[f"{crit.key}_claimed"] = _column(rng, CLAIMED, rows)
        columns[f"{crit.key}_evidence"] = _column(rng, EVIDENCE, rows)
    return columns


def _rows(criteria: int) -> int:
    """Rows of each level's table: EVALUATIONS spread evenly over the levels, rounded up."""
    return max(50, math.ceil(EVALUATIONS / len(LEVELS) / criteria))


def test_the_tables_hold_the_evaluations_asked_for():
    assert sum(_rows(len(load_set(n).level(c).leaves())) * len(load_set(n).level(c).leaves()) for n, c in LEVELS) >= EVALUATIONS


@pytest.mark.parametrize("name,level_code", LEVELS)
def test_batch_equals_scalar_on_generated_tables(name, level_code):
    cs = load_set(name)
    leaves = cs.level(level_code).leaves()
    rows = _rows(len(leaves))
    seed = len(name) * 100 + len(level_code)
    step = max(1, CHUNK // len(leaves))
    for start in range(0, rows, step):
        _check_table(cs, level_code, generate(cs, level_code, min(step, rows - start), seed=seed + start))


def _check_table(cs, level_code, columns):
    leaves = cs.level(level_code).leaves()
    batch = score_table(cs, level_code, pd.DataFrame(columns), today=TODAY)
    scores = {key: column.tolist() for key, column in batch.scores().items()}
    statuses = {key: column.tolist() for key, column in batch.statuses().items()}
    findings = batch.findings()
    for row, (inputs, claimed, evidence) in enumerate(table_units(columns, batch.rows)):
        unit = score_unit(cs, level_code, inputs, claimed, evidence, today=TODAY)
        assert batch.unit_result(row) == unit, row  # every criterion row (claimed, evidence, inputs), findings, totals
        assert findings[row] == unit.findings, row
        assert [(scores[leaf.key][row], statuses[leaf.key][row]) for leaf in leaves] == [
            (r.score, r.status) for r in unit.criteria if not r.is_group], row
        assert (batch.total[row], batch.max_total[row], batch.total_100[row], batch.index[row]) == (
            unit.total, unit.max_total, unit.total_100, unit.index), row


def test_every_rule_kind_is_covered():
    covered = {leaf.kind for name, code in LEVELS for leaf in load_set(name).level(code).leaves()}
    from dtscore.rules import RULE_KINDS

    assert covered == set(RULE_KINDS)


def test_equal_values_read_differently_are_told_apart():
    column = np.empty(11, dtype=object)
    column[:] = [1, 1.0, True, None, "1", 1, 0.0, -0.0, Decimal("1.0"), Decimal("1"), None]
    codes, cells = distinct(column)
    assert len(cells) == 9 and codes[0] == codes[5] and codes[3] == codes[10]
    assert [repr(cells[c]) for c in codes] == [repr(v) for v in column]


@pytest.mark.parametrize("values", [
    [0.0, None, -0.0, 1.5, float("nan"), 1.5, 0.0, None],  # one type: blanks and signed zeros
    [Decimal("1.0"), None, Decimal("1"), Decimal("1.0"), Decimal("1.00")],  # one type: exponents
    [1.5, np.float64(1.5), 2, np.int64(2), True, 1, None, 1.5],  # look-alikes of other types
    [date(2023, 3, 31), None, datetime(2023, 3, 31), date(2023, 3, 31)],
])  # fmt: skip
def test_distinct_tells_apart_what_is_read_differently(values):
    column = np.empty(len(values), dtype=object)
    column[:] = values
    codes, cells = distinct(column)
    spelled = [(type(v), repr(v)) if v is not None and v == v else None for v in values]  # NaN: blank
    assert [(type(cells[c]), repr(cells[c])) if cells[c] is not None else None for c in codes] == spelled
    assert len(cells) == len(set(spelled))


def test_a_text_column_keeps_blanks_blank():
    column = np.empty(4, dtype=object)
    column[:] = [None, "x", None, "  "]
    codes, cells = distinct(column)
    assert [cells[c] for c in codes] == [None, "x", None, "  "]


def test_a_missing_column_is_blank():
    cs = load_set("soctrang-2023")
    frame = pd.DataFrame({"X03_ratio": np.array(["90%", None], dtype=object)})
    batch = score_table(cs, "xa", frame)
    expected = [score_unit(cs, "xa", {"X03": {"ratio": v}}) for v in ("90%", None)]
    assert batch.findings() == [u.findings for u in expected]
    assert batch.total == [u.total for u in expected]


def test_missing_values_of_pandas_are_blank_cells():
    cs = load_set("soctrang-2023")
    frame = pd.DataFrame({
        "X03_ratio": pd.Series([np.nan, pd.NA, None, "90%", pd.NaT], dtype=object),
        "X03_claimed": [np.nan, 1.0, 2.5, np.nan, 3.0],  # a float64 column
        "X01_plan_issued": pd.Series([pd.NaT, pd.Timestamp("2023-03-31"), None, pd.NaT, pd.Timestamp("2023-05-02")]),
        "X03_evidence": pd.Series([np.nan, "Văn bản", pd.NA, None, " "], dtype=object),
    })
    batch = score_table(cs, "xa", frame, today=TODAY)
    for row in range(len(frame)):
        cells = {name: frame[name].to_numpy(dtype=object)[row] for name in frame.columns}  # Python values
        cells = {name: None if pd.isna(value) else value for name, value in cells.items()}
        expected = score_unit(cs, "xa", {"X03": {"ratio": cells["X03_ratio"]}, "X01": {"plan_issued": cells["X01_plan_issued"]}},
                              {"X03": cells["X03_claimed"]}, {"X03": cells["X03_evidence"]}, today=TODAY)
        assert batch.unit_result(row) == expected, row


def test_score_batch_equals_score_on_each_value():
    """Every criterion's kind: score_batch on many values = score on each (typed ratios on the
    floors, targets and thresholds, just around them, exact halves; counts, zero denominators)."""
    from dtscore.rules.ratio_input import RatioKind

    ratios = sorted({Decimal(n) / 1000 for n in range(0, 1001, 7)} | {Decimal(x) for x in ("0.8", "0.95", "0.5", "0.9999", "1", "0.80001", "0.79999", "0.535", "0.2675")})
    checked = 0
    for name, level_code in LEVELS:
        cs = load_set(name)
        params = cs.parameter_values()
        for crit in cs.level(level_code).leaves():
            kind = crit.rule_kind
            if not isinstance(kind, RatioKind):
                continue
            values = [{"ratio": r} for r in ratios] + [{"numerator": n, "denominator": d} for n in (0, 1, 3, 7) for d in (0, 7, 8, 9)]
            expected = [kind.score(crit.max_points, v, crit.params, params) for v in values]
            got = kind.score_batch(crit.max_points, values, crit.params, params)
            assert [(type(g), g) for g in got] == [(type(e), e) for e in expected], crit.key
            checked += 1
    assert checked >= 3


def test_numpy_floats_read_as_the_floats_they_are():
    cs = load_set("soctrang-2023")
    typed = [0.757, 1.0, 75.7, 0.0]
    expected = [score_unit(cs, "xa", {"X03": {"ratio": v}}, {"X03": v * 10}, today=TODAY) for v in typed]
    assert [score_unit(cs, "xa", {"X03": {"ratio": np.float64(v)}}, {"X03": np.float64(v * 10)}, today=TODAY)
            for v in typed] == expected
    frame = pd.DataFrame({"X03_ratio": pd.Series([np.float64(v) for v in typed], dtype=object),
                          "X03_claimed": pd.Series([np.float64(v * 10) for v in typed], dtype=object)})
    batch = score_table(cs, "xa", frame, today=TODAY)
    assert [batch.unit_result(row) for row in range(len(typed))] == expected
