"""The DT_* functions called directly from Python, as the classic Windows add-in calls them: date
cells arrive as datetimes, numbers as floats, ranges as lists of rows, error cells (err_to_str) as
'#N/A', omitted optional arguments as their defaults and blank cells as None."""

from datetime import datetime
from decimal import Decimal

import pytest

from dtscore.udfs import functions as f

SET = "soctrang-2023"


def test_ratio_and_friends():
    assert f.DT_RATIO(0.9, 0.95, 4) == 3.79  # the decision's example
    assert f.DT_RATIO(Decimal("0.9"), Decimal("0.95"), Decimal(4)) == 3.79
    assert f.DT_RATIO(0.5, 1.0, 0.25) == 0.13  # half-up
    assert f.DT_RATIO(None, 0.95, 4) == ""
    assert f.DT_RATIO(1.5, 0.95, 4) == "DT_RATIO: tỉ lệ 1,5 > 100%"
    assert f.DT_RATIO("#N/A", 0.95, 4) == "DT_RATIO: ô tỉ lệ đang lỗi #N/A"
    assert f.DT_THRESHOLD(0.8, 0.8, 2.0) == 2
    assert f.DT_SHARE(27.0, 30.0) == 0.9
    assert f.DT_ROUND(2.675) == 2.68
    assert f.DT_ROUND(2.675, None) == 2.68  # a blank digits cell is the default


def test_dates_arrive_as_datetimes_in_the_classic_add_in():
    dues = [[datetime(2023, 3, 31)], [datetime(2023, 12, 15)]]
    dones = [[datetime(2023, 3, 31)], [datetime(2024, 1, 16)]]
    assert f.DT_PENALTY_MONTHS(8.0, dues, dones) == 6
    assert f.DT_PENALTY_MONTHS(8.0, dues, dones, None, None) == 6  # blank optional cells
    assert f.DT_PENALTY_MONTHS(8.0, dues, dones, "completed") == 7
    assert f.DT_PENALTY_MONTHS(8.0, dues, [[datetime(2023, 3, 31)], [None]]) == 0
    assert f.DT_PENALTY_MONTHS(8.0, datetime(2023, 3, 31), datetime(2023, 4, 1)) == 7  # single cells
    assert f.DT_LATE_MONTHS(datetime(2023, 12, 15), datetime(2024, 1, 16)) == 2
    assert f.DT_LATE_MONTHS(datetime(2023, 12, 15), 45307.0) == 2  # a serial number works too


def test_lists_and_flags():
    assert f.DT_CHOICE("Không", [["Có"], ["Không"]], [[0.25], [0.0]]) == 0
    assert f.DT_CHOICE("có", ["Có", "Không"], [0.25, 0.0]) == 0.25  # a 1-D list is a row
    assert f.DT_BANDS(45.0, [[50.0], [40.0], [30.0], [10.0]], [[20.0], [15.0], [10.0], [5.0]]) == 15
    assert f.DT_BANDS(50.0, [[50.0], [40.0]], [[20.0], [15.0]], False) == 15
    assert f.DT_MINMAX(20.0, [[10.0], [30.0], [50.0]], 10.0, True) == 7.5
    assert f.DT_LATE_ENTRIES(5.0, 2.0, 1.0) == 1.5
    assert f.DT_ALL_OR_NOTHING(7.0, 7.0, 8.0) == 8


def test_criteria_set_functions():
    assert f.DT_SCORE(SET, "X03", 0.54) == 9
    assert f.DT_SCORE(SET, "X01", datetime(2023, 3, 31), datetime(2024, 1, 16)) == 6
    assert f.DT_SCORE(SET, "X01", [[datetime(2023, 3, 31), datetime(2024, 1, 16)]]) == 6
    assert f.DT_SCORE(SET, "X03") == "DT_SCORE: X03 cần 1 số liệu (Tỉ lệ đạt), nhận 0"
    table = f.DT_SCORE_TABLE(SET, "xa", [["X03", "X11"]], [[0.54, 7.0, 7.0], [None, None, None]])
    assert table == [[9, 8, 17], ["", "", ""]]


def test_a_set_file_path_is_accepted_outside_a_shared_server(monkeypatch, tmp_path):
    from dtscore.criteria import resolve_path

    path = tmp_path / "soctrang-2023.yaml"
    path.write_text(resolve_path(SET).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.delenv("XLWINGS_ON_SERVER")
    assert f.DT_SCORE(str(path), "X03", 0.54) == 9
    monkeypatch.setenv("XLWINGS_ON_SERVER", "true")
    assert f.DT_SCORE(str(path), "X03", 0.54).startswith("DT_SCORE: bộ tiêu chí “")


@pytest.mark.parametrize("name", f.__all__)
def test_nothing_escapes_as_an_exception(name):
    func = getattr(f, name)
    nargs = len(func.__xlfunc__["args"])
    for junk in (object(), float("nan"), [[1, 2], [3]], {"a": 1}, "#SPILL!", 10**20):
        result = func(*([junk] * nargs))
        assert isinstance(result, (str, int, float, list)), (name, junk, result)
        if isinstance(result, str) and result:
            assert result.startswith(f"{name}: ") and "không mong đợi" not in result, result


def test_help_text_is_one_line():
    for name in f.__all__:
        doc = getattr(f, name).__doc__
        assert doc and "\n" not in doc and len(doc) <= 255
