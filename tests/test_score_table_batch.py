"""DT_SCORE_TABLE scores a table at once (dtscore.batch); each of its cells must be what DT_SCORE
shows for that unit's criterion alone, and each total what score_unit gives the unit — on
generated tables of typed text, numbers, blanks, error cells and spare blank rows."""

import gc

import numpy as np
import pytest

from dtscore.criteria import load_set
from dtscore.scoring import score_unit
from dtscore.udfs import functions
from dtscore.values import is_blank
from tests.test_batch import POOLS, _pool

ERRORS = ["#N/A", "#DIV/0!", " #value! "]


@pytest.mark.parametrize("level_code", ["xa", "huyen", "tinh"])
def test_each_cell_is_dt_score_of_that_unit(level_code):
    cs = load_set("soctrang-2023")
    level = cs.level(level_code)
    rng = np.random.default_rng(len(level_code))
    slots = [(leaf, spec) for leaf in level.leaves() for spec in leaf.inputs]
    rows = []
    for n in range(240):
        if n % 37 == 0:
            rows.append([None] * len(slots))  # a spare row
            continue
        rows.append([(pool := _pool(spec) + ERRORS[: n % 2])[rng.integers(len(pool))] for _, spec in slots])
    keys = [[leaf.key for leaf in level.leaves()]]
    table = functions.DT_SCORE_TABLE("soctrang-2023", level_code, keys, rows)
    assert not isinstance(table, str), table
    for row, shown in zip(rows, table):
        if all(is_blank(v) for v in row):
            assert shown == [""] * (len(keys[0]) + 1)
            continue
        it, raw = iter(row), {}
        for leaf in level.leaves():
            values = [next(it) for _ in leaf.inputs]
            single = functions.DT_SCORE("soctrang-2023", leaf.key, *values)
            expected = single.removeprefix("DT_SCORE: ") if isinstance(single, str) else single
            assert shown[len(raw)] == expected, (leaf.key, values)
            raw[leaf.key] = {s.name: v for s, v in zip(leaf.inputs, values) if not functions.xl.is_error(v)}
        assert shown[-1] == functions.xl.to_excel(score_unit(cs, level_code, raw).total)


def test_pools_cover_every_input_type():
    assert set(POOLS) == {"date", "ratio", "count", "number"}


def test_the_cyclic_collector_runs_again_after_a_table():
    gc.enable()
    functions.DT_SCORE_TABLE("soctrang-2023", "xa", [["X03"]], [[0.54], ["#N/A"], ["abc"]])
    assert gc.isenabled()
    gc.disable()
    try:  # a caller's own pause is left as it was
        functions.DT_SCORE_TABLE("soctrang-2023", "xa", [["X03"]], [[0.54]])
        assert not gc.isenabled()
    finally:
        gc.enable()
