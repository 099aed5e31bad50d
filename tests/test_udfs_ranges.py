"""udfs.ranges.Cells converts a range in bulk for Office.js: whatever the cells, the argument and
the result must be exactly what xlwings' own per-cell conversion gives (the reference here is
xlwings itself, run on the same values)."""

import asyncio
import copy
import random
from datetime import date

from xlwings import conversion

from dtscore.udfs.ranges import Cells, plain_argument, plain_result

ERROR = {"type": "Error", "basicValue": "#DIV/0!", "errorType": "Div0"}
DATA_TYPE = {"type": "Double", "basicValue": 3.0}
ARGUMENT_CELLS = [None, "", " ", 0, 1, -2, 0.5, 45291, 1e300, True, False, "90%", "Đạt chuẩn", "#N/A", "#khác",
                  ERROR, DATA_TYPE]  # fmt: skip
RESULT_CELLS = [None, "", 0, 7, 1.5, -0.25, True, "X03: không áp dụng", "#N/A", "#khác", float("nan"),
                float("inf"), date(2023, 3, 31)]  # fmt: skip
OPTIONS = {"err_to_str": True, "ndim": 2}


def grids(cells, plain, seed, count=400):
    """Random ranges; half of them only of plain cells, so that both paths are taken."""
    rng = random.Random(seed)
    simple = [c for c in cells if type(c) in plain]
    for _ in range(count):
        pool, width = (simple if rng.random() < 0.5 else cells), rng.randint(1, 5)
        yield [[rng.choice(pool) for _ in range(width)] for _ in range(rng.randint(1, 6))]


def read(value, options):
    return conversion.read(None, copy.deepcopy(value), options, engine_name="officejs")


def write(value, options):
    options = {"runtime": "1.4", "date_format": None, **options}
    return asyncio.run(conversion.async_write(copy.deepcopy(value), None, options, engine_name="officejs"))


def test_arguments_are_read_as_xlwings_reads_them():
    fast = 0
    for grid in grids(ARGUMENT_CELLS, {float, int, str, bool, type(None)}, seed=14):
        assert read(grid, {**OPTIONS, "convert": Cells}) == read(grid, OPTIONS), grid
        fast += plain_argument(copy.deepcopy(grid)) is not None
    assert fast > 100  # the bulk path was taken, not only xlwings' own


def test_a_single_cell_and_a_row_keep_xlwings_shapes():
    for value in (0.5, "", None, "#N/A", ERROR, [1, "", None]):
        assert read(value, {**OPTIONS, "convert": Cells}) == read(value, OPTIONS)


def test_results_are_written_as_xlwings_writes_them():
    fast = 0
    for grid in grids(RESULT_CELLS, {float, int, str, bool, type(None)}, seed=3321):
        expected, got = write(grid, {}), write(grid, {"convert": Cells})
        assert repr(got) == repr(expected), grid  # repr: NaN written as an error, not compared as a float
        fast += plain_result(copy.deepcopy(grid)) is not None
    assert fast > 50


def test_a_message_instead_of_a_table_is_written_as_text():
    message = "DT_SCORE_TABLE: vùng số liệu có 3 cột, cần 17"
    assert write(message, {"convert": Cells}) == write(message, {}) == [[message]]
