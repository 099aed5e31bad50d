"""DT_* functions called the way Office.js calls them (every argument a 2-D array, dates as serial
numbers, percentages as fractions, blanks as null, error cells as error objects), through
xlwings.server.custom_functions_call. Expected values are worked out by hand from the decision's
text (002_…: "Tỉ lệ đạt/95*điểm chuẩn … 90/95*4", "trừ 01 điểm/tháng", "trừ 20% … tháng, 30% … quý,
60% … 6 tháng, 100% … năm") and the worked example examples/xa-phuong-1.yaml."""

from datetime import date, datetime

import pytest

from dtscore.udfs import functions
from tests.xlwings_calls import OMITTED, Caller, ExcelError, Repeating, payload, serial

SET = "soctrang-2023"


@pytest.fixture(scope="module")
def xl():
    caller = Caller(functions)
    yield caller
    caller.close()


def col(*values):
    return [[v] for v in values]


def row(*values):
    return [list(values)]


# -- DT_RATIO ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "achieved, target, max_points, expected",
    [
        (0.9, 0.95, 4, 3.79),  # the decision's example: 90/95*4 = 3,789… (it prints 3,8)
        (0.95, 0.95, 4, 4),  # "Đạt >=95%: Điểm = điểm chuẩn"
        (0.99, 0.95, 4, 4),
        (0.54, 0.6, 10, 9),  # X03 of xa-phuong-1: 54/60 × 10
        (0.87, 1, 6, 5.22),  # X05: "Tỉ lệ đạt × điểm chuẩn"
        (0.991, 1, 10, 9.91),
        (0.5, 1, 0.25, 0.13),  # 0,125: half-up like Excel (Python's round gives 0,12)
        (0, 1, 10, 0),
        ("75,7%", 1, 10, 7.57),  # a share typed as text
        (0.9, "95%", 4, 3.79),
    ],
)
def test_ratio(xl, achieved, target, max_points, expected):
    assert xl.value("DT_RATIO", achieved, target, max_points) == expected


@pytest.mark.parametrize(
    "achieved, target, max_points, message",
    [
        (1.5, 0.95, 4, "DT_RATIO: tỉ lệ 1,5 > 100%"),
        (95, 0.95, 4, "DT_RATIO: tỉ lệ 95 > 100% — nhập 95% hoặc 0,95"),
        (-0.1, 0.95, 4, "DT_RATIO: tỉ lệ -0,1 < 0"),
        ("abc", 0.95, 4, "DT_RATIO: tỉ lệ: đọc được “abc”, cần một tỉ lệ như 75,7% hoặc 0,757"),
        (ExcelError("#N/A"), 0.95, 4, "DT_RATIO: ô tỉ lệ đang lỗi #N/A"),
        (0.9, None, 4, "DT_RATIO: thiếu chỉ tiêu"),
        (0.9, 0, 4, "DT_RATIO: chỉ tiêu 0 phải lớn hơn 0 và không quá 100%"),
        (0.9, 1.2, 4, "DT_RATIO: chỉ tiêu 1,2 phải lớn hơn 0 và không quá 100%"),
        (0.9, 0.95, 0, "DT_RATIO: điểm chuẩn 0 phải lớn hơn 0"),
        (0.9, 0.95, None, "DT_RATIO: thiếu điểm chuẩn"),
        (0.9, 0.95, ExcelError("#REF!"), "DT_RATIO: ô điểm chuẩn đang lỗi #REF!"),
    ],
)
def test_ratio_bad_input_gives_a_vietnamese_message(xl, achieved, target, max_points, message):
    assert xl.value("DT_RATIO", achieved, target, max_points) == message


def test_ratio_blank_is_blank_and_a_range_is_read_as_its_cells(xl):
    assert xl.value("DT_RATIO", None, 0.95, 4) == ""
    assert xl.value("DT_RATIO", "", 0.95, 4) == ""
    assert xl.value("DT_RATIO", "   ", 0.95, 4) == ""


# -- thresholds, shares, counts ----------------------------------------------------------------


@pytest.mark.parametrize(
    "args, expected",
    [((0.79, 0.8, 2), 0), ((0.8, 0.8, 2), 2), ((1, 1, 3), 3), ((0.999, 1, 3), 0), ((None, 0.8, 2), "")],
)
def test_threshold(xl, args, expected):
    assert xl.value("DT_THRESHOLD", *args) == expected


@pytest.mark.parametrize(
    "args, expected",
    [
        ((27, 30), 0.9),
        ((1, 3), pytest.approx(1 / 3, rel=1e-15)),
        ((0, 5), 0),
        ((None, None), ""),
        ((0, 0), "DT_SHARE: mẫu số bằng 0, không tính được tỉ lệ"),
        ((31, 30), "DT_SHARE: tử số 31 lớn hơn mẫu số 30"),
        ((5, None), "DT_SHARE: chưa nhập mẫu số"),
        ((-1, 3), "DT_SHARE: tử số -1 là số âm"),
    ],
)
def test_share(xl, args, expected):
    assert xl.value("DT_SHARE", *args) == expected


@pytest.mark.parametrize(
    "args, expected",
    [
        ((5, 2, 1), 1.5),  # 5 × (1 − 2·20% − 1·30%)
        ((10, 1), 8),
        ((5,), 5),  # nothing late
        ((5, None, None, None, None), 5),  # blank cells: none late
        ((5, OMITTED, 1), 3.5),
        ((5, 0, 0, 0, 1), 0),  # one late annual entry: 100%
        ((5, 6), 0),  # deductions beyond the maximum stop at 0
        ((5, 1, 1, 1), 0),
        ((5, 1.5), "DT_LATE_ENTRIES: số lần trễ tháng: đọc được 1.5, cần một số nguyên"),
        ((5, -1), "DT_LATE_ENTRIES: số lần trễ tháng -1 là số âm"),
    ],
)
def test_late_entries(xl, args, expected):
    assert xl.value("DT_LATE_ENTRIES", *args) == expected


@pytest.mark.parametrize(
    "args, expected",
    [
        ((6, 7, 8), 0),  # X11 of xa-phuong-1: one team inactive → 0
        ((7, 7, 8), 8),
        ((None, None, 8), ""),
        ((8, 7, 8), "DT_ALL_OR_NOTHING: số tổ có hoạt động 8 lớn hơn tổng số tổ 7"),
        ((0, 0, 8), "DT_ALL_OR_NOTHING: tổng số tổ bằng 0"),
        ((7, None, 8), "DT_ALL_OR_NOTHING: chưa nhập tổng số tổ"),
    ],
)
def test_all_or_nothing(xl, args, expected):
    assert xl.value("DT_ALL_OR_NOTHING", *args) == expected


# -- lateness ----------------------------------------------------------------------------------

DUES = col(date(2023, 3, 31), date(2023, 12, 15))  # soctrang-2023's plan_due and report_due


@pytest.mark.parametrize(
    "due, done, mode, expected",
    [
        (date(2023, 3, 31), date(2023, 3, 31), OMITTED, 0),
        (date(2023, 3, 31), date(2023, 3, 1), OMITTED, 0),  # early
        (date(2023, 3, 31), date(2023, 4, 1), OMITTED, 1),  # one day late is a month begun
        (date(2023, 3, 31), date(2023, 4, 30), OMITTED, 1),  # EDATE(31/3; 1) = 30/4
        (date(2023, 3, 31), date(2023, 5, 1), OMITTED, 2),
        (date(2023, 3, 31), date(2023, 4, 30), "completed", 1),
        (date(2023, 3, 31), date(2023, 4, 29), "completed", 0),
        (date(2023, 12, 15), date(2024, 1, 16), "started", 2),
        (date(2023, 12, 15), date(2024, 1, 16), "Completed", 1),
        (date(2023, 12, 15), None, OMITTED, ""),  # not issued: nothing to count
        (date(2023, 12, 15), "16/01/2024", None, 2),  # a date typed as text; a blank mode is the default
        (date(2023, 12, 15), datetime(2024, 1, 16, 15, 30), OMITTED, 2),  # date and time
        (None, date(2024, 1, 16), OMITTED, "DT_LATE_MONTHS: thiếu hạn"),
        (date(2023, 12, 15), "32/01/2024", OMITTED,
         "DT_LATE_MONTHS: ngày ban hành: “32/01/2024” không phải là ngày có thật"),
        (date(2023, 12, 15), date(2024, 1, 16), "tháng",
         "DT_LATE_MONTHS: cách đếm (mode) “tháng” không hợp lệ, dùng \"started\" hoặc \"completed\""),
    ],
)
def test_late_months(xl, due, done, mode, expected):
    assert xl.value("DT_LATE_MONTHS", due, done, mode) == expected


@pytest.mark.parametrize(
    "max_points, dues, dones, extra, expected",
    [
        # X01 of xa-phuong-1: plan on time; report 16/01/2024, 1 month and 1 day after 15/12 → 2 months
        (8, DUES, col(date(2023, 3, 31), date(2024, 1, 16)), (), 6),
        (8, DUES, row(date(2023, 3, 31), date(2024, 1, 16)), (), 6),  # a row against a column: cells count
        (8, DUES, col(date(2023, 3, 31), date(2024, 1, 16)), ("completed",), 7),  # only whole months
        # X02: plan on 01/04/2023, one day late → 1 month; report on time
        (5, DUES, col(date(2023, 4, 1), date(2023, 12, 15)), (), 4),
        (8, DUES, col(date(2023, 3, 31), None), (), 0),  # the report was never issued
        (8, DUES, col(None, None), (), 0),
        (8, date(2023, 3, 31), date(2023, 7, 1), (), 4),  # single cells: 4 months begun
        (8, date(2023, 3, 31), date(2023, 7, 1), (OMITTED, 1), 7),  # at most 1 month deducted
        (8, date(2023, 3, 31), date(2024, 3, 31), (), 0),  # 12 months: never below 0
        (0.5, date(2023, 3, 31), date(2023, 3, 31), (), 0.5),
        (8, DUES, col(serial(date(2023, 3, 31)) + 0.75, "16/01/2024"), (), 6),  # a serial with a time, a text date
    ],
)
def test_penalty_months(xl, max_points, dues, dones, extra, expected):
    assert xl.value("DT_PENALTY_MONTHS", max_points, dues, dones, *extra) == expected


@pytest.mark.parametrize(
    "dues, dones, extra, message",
    [
        (DUES, col(date(2023, 3, 31)), (), "due_dates có 2 ô nhưng done_dates có 1 ô — cần bằng nhau"),
        (col(date(2023, 3, 31), None), col(date(2023, 3, 31), date(2023, 12, 1)), (), "thiếu hạn thứ 2"),
        (DUES, col(date(2023, 3, 31), ExcelError("#VALUE!")), (), "ô ngày ban hành thứ 2 đang lỗi #VALUE!"),
        (DUES, col("hôm qua", None), (), "ngày ban hành thứ 1: đọc được “hôm qua”, cần một ngày dạng dd/mm/yyyy"),
        (DUES, col(None, None), (OMITTED, -1), "số tháng trừ tối đa -1 là số âm"),
    ],
)
def test_penalty_months_bad_input(xl, dues, dones, extra, message):
    assert xl.value("DT_PENALTY_MONTHS", 8, dues, dones, *extra) == f"DT_PENALTY_MONTHS: {message}"


# -- choices, bands, min-max, rounding ---------------------------------------------------------

X14_LABELS = col(
    "Tổ chức hoạt động cụ thể, thiết thực theo yêu cầu và phong trào, hoạt động nhằm nâng cao kết quả chuyển đổi số"
    " của địa phương",
    "Tổ chức hoạt động cụ thể, thiết thực theo yêu cầu",
    "Có hoạt động, nhưng chưa cụ thể, thiết thực theo yêu cầu",
    "Không tổ chức hoạt động",
    None,  # spare rows of the list are skipped
)
X14_POINTS = col(8, 3, 1, 0, None)


@pytest.mark.parametrize(
    "option, expected",
    [
        ("Tổ chức hoạt động cụ thể, thiết thực theo yêu cầu", 3),
        ("  tổ chức hoạt động cụ thể, thiết thực theo yêu cầu ", 3),  # case and spaces do not matter
        ("Không tổ chức hoạt động", 0),
        (None, ""),
    ],
)
def test_choice(xl, option, expected):
    assert xl.value("DT_CHOICE", option, X14_LABELS, X14_POINTS) == expected


def test_choice_bad_input(xl):
    unknown = xl.value("DT_CHOICE", "Có", X14_LABELS, X14_POINTS)
    assert unknown.startswith("DT_CHOICE: lựa chọn: đọc được “Có”, cần một trong: “Tổ chức hoạt động")
    assert xl.value("DT_CHOICE", "Có", col("Có", "Không"), col(0.25)) == (
        "DT_CHOICE: vùng lựa chọn có 2 ô nhưng vùng điểm có 1 ô — cần bằng nhau"
    )
    assert xl.value("DT_CHOICE", "Có", col("Có", "có"), col(0.25, 0)) == (
        "DT_CHOICE: lựa chọn “có” bị lặp trong vùng lựa chọn"
    )
    assert xl.value("DT_CHOICE", "Có", col("Có", "Không"), col(0.25, None)) == (
        "DT_CHOICE: thiếu vùng điểm (ô thứ 2)"
    )


BAND_EDGES, BAND_POINTS = col(50, 40, 30, 10), col(20, 15, 10, 5)  # "≥50 full, 40–50 → 15, 30–40 → 10, 10–30 → 5"


@pytest.mark.parametrize(
    "value, edges, points, extra, expected",
    [
        (45, BAND_EDGES, BAND_POINTS, (), 15),
        (50, BAND_EDGES, BAND_POINTS, (), 20),
        (40, BAND_EDGES, BAND_POINTS, (), 15),  # lower edges are inclusive
        (10, BAND_EDGES, BAND_POINTS, (), 5),
        (9, BAND_EDGES, BAND_POINTS, (), 0),
        (45, col(10, 30, 40, 50), col(5, 10, 15, 20), (), 15),  # the order of the list does not matter
        (50, BAND_EDGES, BAND_POINTS, (False,), 15),  # "> 50" wanted
        # DTI tiers "> 10% full (10), > 7% → 70%, > 3% → 30%"
        (0.1, col(0.1, 0.07, 0.03), col(10, 7, 3), (False,), 7),
        (0.11, col(0.1, 0.07, 0.03), col(10, 7, 3), ("FALSE",), 10),
        (0.03, col(0.1, 0.07, 0.03), col(10, 7, 3), (0,), 0),
        ("12%", col(0.1, 0.07, 0.03), col(10, 7, 3), (False,), 10),
        (None, BAND_EDGES, BAND_POINTS, (), ""),
        (45, BAND_EDGES, BAND_POINTS, ("có lẽ",), "DT_BANDS: min_inclusive: đọc được “có lẽ”, cần TRUE hoặc FALSE"),
    ],
)
def test_bands(xl, value, edges, points, extra, expected):
    assert xl.value("DT_BANDS", value, edges, points, *extra) == expected


@pytest.mark.parametrize(
    "args, expected",
    [
        ((30, col(10, 30, 50), 10), 5),  # (30 − 10) / (50 − 10) × 10
        ((50, col(10, 30, 50), 10), 10),
        ((20, col(10, 30, 50), 10, True), 7.5),  # lower is better: (50 − 20) / 40 × 10
        ((7, col(7, 7, None), 4), 4),  # all equal: full points
        ((None, col(10, 30, 50), 10), ""),
        ((60, col(10, 30, 50), 10), "DT_MINMAX: giá trị 60 nằm ngoài vùng so sánh [10; 50]"),
        ((30, col(None, None), 10), "DT_MINMAX: vùng so sánh (values_range) không có số nào"),
    ],
)
def test_minmax(xl, args, expected):
    assert xl.value("DT_MINMAX", *args) == expected


@pytest.mark.parametrize(
    "args, expected",
    [
        ((2.675, 2), 2.68),  # Python's round(2.675, 2) gives 2.67
        ((0.125,), 0.13),  # 2 decimals by default
        ((1.005, 2), 1.01),
        ((-2.5, 0), -3),  # halves away from zero, like ROUND
        ((1234, -2), 1200),
        ((None,), 0),  # like ROUND on a blank cell
        ((2.5, 1.5), "DT_ROUND: số chữ số (digits) 1,5 phải là số nguyên từ -15 đến 15"),
    ],
)
def test_round(xl, args, expected):
    assert xl.value("DT_ROUND", *args) == expected


# -- criteria sets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, inputs, expected",
    [
        ("X03", (0.54,), 9),
        ("X03", ("54%",), 9),
        ("X01", (date(2023, 3, 31), date(2024, 1, 16)), 6),  # due dates from the set: 31/03 and 15/12/2023
        ("X01", (row(date(2023, 3, 31), date(2024, 1, 16)),), 6),  # both inputs as one range
        ("X02", (date(2023, 4, 1), date(2023, 12, 15)), 4),
        ("X01", (None, None), 0),  # not issued: 0, as the decision says
        ("X11", (6, 7), 0),
        ("X11", (7, 7), 8),
        ("X14", ("Tổ chức hoạt động cụ thể, thiết thực theo yêu cầu",), 3),
        ("X14", ("thiet_thuc",), 3),  # a code works too
        ("T03", (0.9,), 3.79),  # Phần I, tiêu chí 3: the decision's example
        ("T06", (2, 1, None, None), 1.5),  # late entries, tỉnh level
        ("X03", (None,), ""),  # nothing entered yet
        ("X11", (None, None), ""),
    ],
)
def test_score(xl, key, inputs, expected):
    assert xl.value("DT_SCORE", SET, key, Repeating(*inputs)) == expected


@pytest.mark.parametrize(
    "criteria_set, key, inputs, message",
    [
        (SET, "X03", (1.5,), "X03 – Tỉ lệ đạt: 1,5 > 1: nhập 1,5% hoặc 0,015"),
        (SET, "X03", (ExcelError("#DIV/0!"),), "ô X03_ratio đang lỗi #DIV/0!"),
        (SET, "X11", (6, None), "X11 – chưa nhập “Tổng số tổ”"),
        (SET, "X11", (8, 7), "X11: số tổ có hoạt động 8 lớn hơn tổng số tổ 7"),
        (SET, "X01", (date(2023, 3, 31),),
         "X01 cần 2 số liệu (Ngày ban hành Kế hoạch; Ngày ban hành Báo cáo kết quả), nhận 1"),
        (SET, "X99", (1,), "bộ tiêu chí soctrang-2023 không có tiêu chí “X99”"),
        (SET, None, (1,), "thiếu mã tiêu chí"),
        ("khong-co", "X03", (0.5,), "Không tìm thấy bộ tiêu chí “khong-co”"),
        ("/etc/passwd.yaml", "X03", (0.5,), "bộ tiêu chí “/etc/passwd.yaml”: chỉ dùng mã bộ tiêu chí có sẵn"),
    ],
)
def test_score_bad_input(xl, criteria_set, key, inputs, message):
    assert xl.value("DT_SCORE", criteria_set, key, Repeating(*inputs)).startswith(f"DT_SCORE: {message}")


def test_score_of_a_cross_unit_criterion_points_to_minmax(xl):
    from dtscore.criteria import load_set

    cs = load_set("bacgiang-dti-huyen-2024")
    key = next(c.key for lv in cs.levels.values() for c in lv.leaves() if c.kind == "minmax")
    assert xl.value("DT_SCORE", cs.id, key, Repeating(12)) == (
        f"DT_SCORE: {key}: điểm so sánh giữa các đơn vị — tính khi tổng hợp (DT_MINMAX)"
    )


XA_KEYS = [[f"X{i:02d}" for i in range(1, 15)]]
# examples/xa-phuong-1.yaml, in the order `dtscore criteria show soctrang-2023 --level xa` lists the inputs
PHUONG_1 = [date(2023, 3, 31), date(2024, 1, 16), date(2023, 4, 1), date(2023, 12, 15), 0.54, 1, 0.87, 0.991,
            0.7, 1, 0.93, 0.45, 6, 7, 0.24, 0.51, "thiet_thuc"]  # fmt: skip
# its scores worked out by hand: X01 8−2, X02 5−1, X03 54/60×10, X04 10, X05 0,87×6, X06 0,991×10, X07 0,7×6,
# X08 6, X09 0,93×6, X10 0,45×6, X11 one team inactive → 0, X12 24/30×6, X13 ≥ 50% → 5, X14 3
PHUONG_1_SCORES = [6, 4, 9, 10, 5.22, 9.91, 4.2, 6, 5.58, 2.7, 0, 4.8, 5, 3, 75.41]


def test_score_table_scores_a_block_of_units_and_spills_a_2d_result(xl):
    second = [None, None, None, None, 0.6, None, None, None, None, None, None, None, None, None, None, None, None]
    blank = [None] * 17
    erroneous = list(PHUONG_1)
    erroneous[4] = ExcelError("#N/A")
    erroneous[13] = 5  # 6 active teams out of 5
    result = xl.call("DT_SCORE_TABLE", SET, "xa", XA_KEYS, [PHUONG_1, second, blank, erroneous])
    assert result[0] == PHUONG_1_SCORES
    # a unit that entered only X03: the unissued documents score 0, the rest is not entered yet
    assert result[1] == [0, 0, 10, "", "", "", "", "", "", "", "", "", "", "", 10]
    assert result[2] == [""] * 15  # a blank row (e.g. spare rows below the list) stays blank
    assert result[3][2] == "ô X03_ratio đang lỗi #N/A"
    assert result[3][10] == "X11: số tổ có hoạt động 6 lớn hơn tổng số tổ 5"
    assert result[3][14] == pytest.approx(75.41 - 9)  # the total counts unscored criteria as 0, as the engine


def test_score_table_keys_default_to_every_criterion_and_can_be_a_subset(xl):
    assert xl.call("DT_SCORE_TABLE", SET, "Đơn vị cấp xã", None, [PHUONG_1]) == [PHUONG_1_SCORES]
    assert xl.call("DT_SCORE_TABLE", SET, "xa", [["X14", "X03"]], [["thiet_thuc", 0.54], [None, 0.3]]) == [
        [3, 9, 12],
        ["", 5, 5],
    ]
    assert xl.call("DT_SCORE_TABLE", SET, "xa", col("X03"), 0.54) == [[9, 9]]  # one key, one cell


@pytest.mark.parametrize(
    "level, keys, inputs, message",
    [
        ("xa", [["X03", "X04"]], [[0.5]], "vùng số liệu có 1 cột, cần 2 (X03: 1; X04: 1)"),
        ("xa", [["X03", "X03"]], [[0.5, 0.5]], "mã tiêu chí bị lặp trong keys: X03"),
        ("xa", [["X03", "T03"]], [[0.5, 0.5]], "Cấp “xa” không có tiêu chí “T03”"),
        ("phuong", [["X03"]], [[0.5]], "Bộ tiêu chí “soctrang-2023” không có cấp “phuong” (có: tinh, huyen, xa)"),
        ("xa", [["X03"]], None, "thiếu vùng số liệu (inputs)"),
    ],
)
def test_score_table_bad_layout(xl, level, keys, inputs, message):
    assert xl.call("DT_SCORE_TABLE", SET, level, keys, inputs) == [[f"DT_SCORE_TABLE: {message}"]]


def test_every_function_answers_a_payload_of_blanks_and_errors_with_a_value_never_an_exception(xl):
    """Whatever the cells hold, a cell gets a number, a blank or a message."""
    for name, info in ((n, getattr(functions, n).__xlfunc__) for n in functions.__all__):
        width = len(info["args"])
        for filler in (None, ExcelError("#N/A"), "???", True, -1, 1e300):
            args = [Repeating(filler) if a["vararg"] else filler for a in info["args"]]
            result = xl.call(name, *args[:width])
            assert isinstance(result, list) and all(isinstance(r, list) for r in result)
            for value in (v for r in result for v in r):
                assert isinstance(value, (int, float, str)), (name, filler, value)
                if isinstance(value, str) and value:
                    assert value.startswith(f"{name}: ") and "Traceback" not in value, (name, filler, value)
                    assert "không mong đợi" not in value, (name, filler, value)


def test_payload_is_what_office_js_sends():
    body = payload("DT_SCORE", SET, "X01", Repeating(date(2023, 3, 31), None), OMITTED)
    assert body["args"] == [[[SET]], [["X01"]], [[[45016]], [[None]]], None]
    assert serial(date(2024, 1, 16)) == 45307  # Excel: =DATE(2024;1;16) shows 45307 as a number
