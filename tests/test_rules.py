"""The pure functions, table by table: lateness against an independent EDATE (dateutil), rounding
against the literal results of Excel's ROUND, and the parsers on Vietnamese input."""

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from dateutil.relativedelta import relativedelta

from dtscore.decimals import fmt_percent_vn, fmt_vn, round_half_up, to_decimal
from dtscore.errors import InputError
from dtscore.rules import Option, choices, counts, lateness, ratios
from dtscore.values import (
    date_to_excel_serial,
    excel_serial_to_date,
    parse_choice,
    parse_count,
    parse_date,
    parse_number,
    parse_ratio,
)

# -- lateness: an independent implementation -----------------------------------------------------


def reference_edate(start: date, months: int) -> date:
    """EDATE by dateutil: same day n months on, clamped to the month's end (31/01 + 1 → 28/02)."""
    return start + relativedelta(months=months)


def reference_months_late(due: date, done: date, mode: str) -> int:
    """Walk m upward, as the decision reads: started = the smallest m with done ≤ EDATE(due, m);
    completed = the largest m with EDATE(due, m) ≤ done."""
    if done <= due:
        return 0
    m = 0
    if mode == "started":
        while done > reference_edate(due, m):
            m += 1
        return m
    while reference_edate(due, m + 1) <= done:
        m += 1
    return m


def _due_dates():
    """Month ends, mid-months and the awkward 29th/30th, over a leap year and its neighbours."""
    for year in (2023, 2024, 2025):
        for month in range(1, 13):
            for day in (1, 15, 28, 29, 30, 31):
                try:
                    yield date(year, month, day)
                except ValueError:
                    pass


@pytest.mark.parametrize("mode", ["started", "completed"])
def test_months_late_agrees_with_an_independent_edate_walk(mode):
    checked = 0
    for due in _due_dates():
        for offset in list(range(-2, 70)) + list(range(70, 420, 7)):
            done = due + timedelta(days=offset)
            got = lateness.months_late(due, done, mode)
            want = reference_months_late(due, done, mode)
            assert got == want, f"{mode}: hạn {due}, ban hành {done}: {got} ≠ {want}"
            checked += 1
    assert checked > 10_000


@pytest.mark.parametrize(
    "due, done, started, completed",
    [
        (date(2023, 3, 31), date(2023, 3, 31), 0, 0),  # on the day
        (date(2023, 3, 31), date(2023, 3, 1), 0, 0),  # early
        (date(2023, 3, 31), date(2023, 4, 1), 1, 0),  # one day late = one month begun
        (date(2023, 3, 31), date(2023, 4, 30), 1, 1),  # EDATE(31/03, 1) = 30/04
        (date(2023, 3, 31), date(2023, 5, 1), 2, 1),
        (date(2023, 1, 31), date(2023, 2, 28), 1, 1),  # February has no 31st
        (date(2023, 1, 31), date(2023, 3, 1), 2, 1),
        (date(2024, 1, 31), date(2024, 2, 28), 1, 0),  # leap year: EDATE = 29/02
        (date(2024, 1, 31), date(2024, 2, 29), 1, 1),
        (date(2023, 11, 30), date(2023, 12, 30), 1, 1),
        (date(2023, 11, 30), date(2023, 12, 31), 2, 1),
        (date(2023, 12, 15), date(2024, 1, 15), 1, 1),  # across the new year
        (date(2023, 12, 15), date(2024, 1, 16), 2, 1),
        (date(2023, 3, 31), date(2023, 12, 31), 9, 9),
    ],
)
def test_months_late_table(due, done, started, completed):
    assert lateness.months_late(due, done) == started  # default mode is the decision's
    assert lateness.months_late(due, done, "started") == started
    assert lateness.months_late(due, done, "completed") == completed


def test_months_late_rejects_an_unknown_mode():
    with pytest.raises(ValueError):
        lateness.months_late(date(2023, 3, 31), date(2023, 4, 1), "rounded")


@pytest.mark.parametrize("months", range(-30, 31))
def test_edate_matches_dateutil(months):
    for start in _due_dates():
        assert lateness.edate(start, months) == reference_edate(start, months)


PLAN_DUE, REPORT_DUE = date(2023, 3, 31), date(2023, 12, 15)


@pytest.mark.parametrize(
    "dones, mode, cap, expected",
    [
        ([date(2023, 3, 31), date(2023, 12, 15)], "started", None, "8"),
        ([date(2023, 4, 1), date(2023, 12, 15)], "started", None, "7"),
        ([date(2023, 5, 15), date(2024, 2, 20)], "started", None, "3"),  # 2 + 3 months
        ([date(2023, 12, 31), date(2023, 12, 15)], "started", None, "0"),  # 9 months: floored at 0
        ([date(2023, 12, 31), date(2023, 12, 15)], "completed", 6, "2"),  # the draft's cap
        ([date(2023, 4, 1), date(2023, 12, 16)], "completed", 6, "8"),  # no month completed
        ([None, date(2023, 12, 15)], "started", None, "0"),  # not issued → 0
        ([date(2023, 3, 31), None], "completed", 6, "0"),  # not issued → 0, the cap does not help
    ],
)
def test_late_deduction(dones, mode, cap, expected):
    assert lateness.late_deduction(8, [PLAN_DUE, REPORT_DUE], dones, mode, cap) == D(expected)


# -- ratios, counts, choices ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "max_points, ratio, target, expected",
    [
        (4, "0.9", "0.95", D(4) * D("0.9") / D("0.95")),  # the decision's example, unrounded
        (4, "0.95", "0.95", "4"),
        (4, "1", "0.95", "4"),
        (10, "0.72", "0.8", "9"),
        (6, "0.757", "1", "4.542"),
        (6, "0.13375", "0.3", "2.675"),  # exact: multiplied before dividing
        (6, "0", "0.3", "0"),
    ],
)
def test_ratio_target(max_points, ratio, target, expected):
    assert ratios.ratio_target(max_points, D(ratio), D(target)) == D(expected)


@pytest.mark.parametrize(
    "max_points, numerator, denominator, target, expected",
    [
        (4, 3, 4, "1", "3"),
        (6, 1, 240, "1", "0.025"),  # exact, though 1/240 is not a finite decimal
        (6, 1, 1200, "1", "0.005"),
        (4, 171, 190, "0.95", D(4) * 171 / (190 * D("0.95"))),
        (4, 5, 4, "1", "4"),  # above the target: capped (the range check reports it elsewhere)
    ],
)
def test_count_target(max_points, numerator, denominator, target, expected):
    assert ratios.count_target(max_points, numerator, denominator, D(target)) == D(expected)


def test_count_target_with_nothing_to_count_is_none():
    assert ratios.count_target(4, 0, 0, D(1)) is None
    assert ratios.share(0, 0) is None
    assert ratios.share(3, 4) == D("0.75")


@pytest.mark.parametrize(
    "ratio, expected", [("0.5", "5"), ("0.4999", "0"), ("0.49999999", "0"), ("1", "5"), ("0", "0"), ("0.62", "5")]
)
def test_threshold_gate(ratio, expected):
    assert ratios.threshold_gate(5, D(ratio), D("0.5")) == D(expected)


@pytest.mark.parametrize("active, total, expected", [(7, 7, 8), (6, 7, 0), (0, 7, 0), (1, 1, 8), (0, 0, 0)])
def test_all_or_nothing(active, total, expected):
    assert ratios.all_or_nothing(8, active, total) == D(expected)


@pytest.mark.parametrize(
    "late, expected",
    [
        ((0, 0, 0, 0), "5"),
        ((1, 0, 0, 0), "4"),
        ((0, 1, 0, 0), "3.5"),
        ((0, 0, 1, 0), "2"),
        ((0, 0, 0, 1), "0"),
        ((2, 1, 0, 0), "1.5"),
        ((5, 0, 0, 0), "0"),
        ((3, 0, 1, 0), "0"),  # −1 floored at 0
        ((0, 0, 2, 0), "0"),
        ((0, 4, 0, 0), "0"),  # 1 − 1,2 floored
        ((1, 1, 0, 0), "2.5"),
    ],
)
def test_late_entries(late, expected):
    assert counts.late_entries(5, *late) == D(expected)


def test_late_entries_deductions_can_be_changed_by_a_set():
    assert counts.late_entries(5, 1, deductions={"late_monthly": D("0.1")}) == D("4.5")


@pytest.mark.parametrize("code, expected", [("to_chuc", "5"), ("phoi_hop", "3"), ("khong", "0")])
def test_choice(code, expected):
    assert choices.choice(code, {"to_chuc": D(5), "phoi_hop": D(3), "khong": D(0)}) == D(expected)


# -- rounding: Excel's ROUND is half away from zero on the decimal value ----------------------------


@pytest.mark.parametrize(
    "value, digits, excel",
    [
        (2.675, 2, "2.68"),  # Python's round(2.675, 2) gives 2.67
        (1.005, 2, "1.01"),  # round(1.005, 2) gives 1.0
        (-2.5, 0, "-3"),  # round(-2.5) gives -2
        (0.285, 2, "0.29"),  # round(0.285, 2) gives 0.28
        (2.5, 0, "3"),
        (0.5, 0, "1"),
        (1.5, 0, "2"),
        (-1.005, 2, "-1.01"),
        (3.7894736842105, 2, "3.79"),
        (3.7894736842105, 1, "3.8"),
        (4.542, 2, "4.54"),
        (4.9998, 2, "5.00"),
        (97.4895833, 2, "97.49"),
        (1234.5678, 0, "1235"),
        ("2.675", 2, "2.68"),
        (D("2.665"), 2, "2.67"),
        (8, 2, "8.00"),
    ],
)
def test_round_half_up_matches_excel(value, digits, excel):
    assert round_half_up(value, digits) == D(excel)
    assert str(round_half_up(value, digits)) == excel


def test_python_round_would_be_wrong_here():
    # why the engine never uses round(): these are the cases above where it differs from Excel
    assert round(2.675, 2) == 2.67 and round(1.005, 2) == 1.0 and round(-2.5) == -2 and round(0.285, 2) == 0.28


def test_to_decimal_goes_through_the_shortest_float_repr():
    assert to_decimal(0.1) == D("0.1")
    assert to_decimal(2.675) == D("2.675")
    with pytest.raises(TypeError):
        to_decimal(True)
    with pytest.raises(ValueError):
        to_decimal("abc")


@pytest.mark.parametrize(
    "value, digits, text",
    [(1234.5, 2, "1.234,5"), (3.79, 2, "3,79"), (8, 2, "8"), (4.5, 2, "4,5"), (None, 2, ""), (-1.46, 2, "-1,46"),
     (1234567, 0, "1.234.567"), (2.675, 2, "2,68"), (0.757 * 100, 4, "75,7")],
)  # fmt: skip
def test_fmt_vn(value, digits, text):
    assert fmt_vn(value, digits) == text


def test_fmt_percent_vn():
    assert fmt_percent_vn(D("0.757")) == "75,7%"
    assert fmt_percent_vn(1) == "100%"


# -- parsing what users write -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("75,7%", "0.757"),
        ("75.7%", "0.757"),
        ("75,7 %", "0.757"),
        (" 75,7% ", "0.757"),
        ("100%", "1"),
        ("0%", "0"),
        ("0,5%", "0.005"),
        (0.757, "0.757"),
        ("0,757", "0.757"),
        ("0.757", "0.757"),
        (1, "1"),
        (D("0.9"), "0.9"),
        ("75,7", "75.7"),  # a bare 75,7 is read as is: the range check explains it (test_findings)
    ],
)
def test_parse_ratio(raw, expected):
    assert parse_ratio(raw, "H07_ratio") == D(expected)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank_values_are_none(raw):
    assert parse_ratio(raw) is None
    assert parse_number(raw) is None
    assert parse_count(raw) is None
    assert parse_date(raw) is None


@pytest.mark.parametrize("raw", ["chín mươi", "%", "75,7%%", "90 phần trăm", "1,2,3%"])
def test_parse_ratio_errors_name_the_field(raw):
    with pytest.raises(InputError) as exc:
        parse_ratio(raw, "T03_ratio")
    assert exc.value.field == "T03_ratio"
    assert str(exc.value).startswith("T03_ratio: ")
    assert "cần một tỉ lệ" in str(exc.value)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("12,5", "12.5"),
        ("1.234,5", "1234.5"),
        ("1 234,5", "1234.5"),
        ("1.234.567", "1234567"),
        ("1\u00a0234", "1234"),
        ("-3", "-3"),
        ("+2", "2"),
        (",5", "0.5"),
        (3, "3"),
        (2.5, "2.5"),
        ("4,54", "4.54"),
        ("4.54", "4.54"),
    ],
)
def test_parse_number(raw, expected):
    assert parse_number(raw, "x") == D(expected)


@pytest.mark.parametrize("raw", ["12a", "sáu", True, "1,2,3", "-", "1.2.3,4,5", "12 %"])
def test_parse_number_errors(raw):
    with pytest.raises(InputError) as exc:
        parse_number(raw, "H07_claimed")
    assert "H07_claimed" in str(exc.value) and "cần một số" in str(exc.value)


@pytest.mark.parametrize("raw, expected", [("3", 3), (3.0, 3), ("0", 0), ("-1", -1), ("12", 12), (D("4.0"), 4)])
def test_parse_count(raw, expected):
    assert parse_count(raw) == expected


@pytest.mark.parametrize("raw", ["2,5", 2.5, "hai"])
def test_parse_count_errors(raw):
    with pytest.raises(InputError):
        parse_count(raw, "X11_active")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("15/03/2023", date(2023, 3, 15)),
        ("5/3/2023", date(2023, 3, 5)),
        ("15-03-2023", date(2023, 3, 15)),
        ("15.03.2023", date(2023, 3, 15)),
        ("2023-03-15", date(2023, 3, 15)),
        ("2023-03-15T00:00:00", date(2023, 3, 15)),
        ("2023-03-15 08:30:00", date(2023, 3, 15)),
        (date(2023, 3, 15), date(2023, 3, 15)),
        (datetime(2023, 3, 15, 10, 0), date(2023, 3, 15)),
        (45000, date(2023, 3, 15)),  # an Excel serial (a date cell read as a number)
        (45000.75, date(2023, 3, 15)),  # with a time of day
        (45351, date(2024, 2, 29)),  # the leap day
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw, "T01_plan_issued") == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        ("31/02/2023", "không phải là ngày có thật"),
        ("29/02/2023", "không phải là ngày có thật"),
        ("2023-13-01", "không phải là ngày có thật"),
        ("15/3/23", "cần một ngày dạng dd/mm/yyyy"),
        ("ngày 15 tháng 3", "cần một ngày dạng dd/mm/yyyy"),
        ("03/15/2023x", "cần một ngày dạng dd/mm/yyyy"),
        (0, "cần một ngày"),
        (True, "cần một ngày"),
    ],
)
def test_parse_date_errors(raw, message):
    with pytest.raises(InputError) as exc:
        parse_date(raw, "T01_plan_issued")
    assert str(exc.value).startswith("T01_plan_issued: ") and message in str(exc.value)


@pytest.mark.parametrize("d", [date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(2023, 3, 15), date(2024, 2, 29)])
def test_excel_serials_round_trip(d):
    assert excel_serial_to_date(date_to_excel_serial(d)) == d


def test_excel_serial_known_values():
    # Excel: =DATE(1900;1;1) is 1, =DATE(1900;3;1) is 61 (after the fictitious 29/02/1900), =DATE(2023;3;15) is 45000
    assert date_to_excel_serial(date(1900, 1, 1)) == 1
    assert date_to_excel_serial(date(1900, 3, 1)) == 61
    assert date_to_excel_serial(date(2023, 3, 15)) == 45000


OPTIONS = (Option("to_chuc", "Tổ chức triển khai", D(5)), Option("phoi_hop", "Phối hợp triển khai", D(3)))


@pytest.mark.parametrize(
    "raw, code",
    [
        ("phoi_hop", "phoi_hop"),
        ("PHOI_HOP", "phoi_hop"),
        ("Phối hợp triển khai", "phoi_hop"),
        ("  phối hợp triển khai ", "phoi_hop"),
        ("Pho\u0302\u0301i ho\u031b\u0323p trie\u0302\u0309n khai", "phoi_hop"),  # decomposed (NFD) input
    ],
)
def test_parse_choice(raw, code):
    assert parse_choice(raw, OPTIONS, "T13_option") == code


def test_parse_choice_error_lists_the_labels():
    with pytest.raises(InputError) as exc:
        parse_choice("có", OPTIONS, "T13_option")
    assert "“Tổ chức triển khai”" in str(exc.value) and "“Phối hợp triển khai”" in str(exc.value)
