"""The DT_* Excel functions (xlwings user-defined functions / Office.js custom functions).

Every function is a thin adapter: it reads its Excel arguments (udfs.adapters), calls the dtscore
engine (dtscore.rules, dtscore.scoring) and converts the result; the arithmetic is the engine's.
Conventions (docs/excel-functions.md is generated from this module):

- percentages are fractions (a cell showing 90% holds 0,9); dates are date cells, Excel serial
  numbers or dd/mm/yyyy text;
- a blank data cell gives a blank result (nothing to score yet), except where the decision gives
  blanks a meaning (an unissued document scores 0; no late entries written down means none);
- a blank or wrong *parameter* (target, maximum, due date, criteria set…) and any bad value give a
  short Vietnamese message naming the argument, e.g. "DT_RATIO: tỉ lệ 1,5 > 100%";
- scores are rounded half-up to 2 decimals, like Excel's ROUND and the criteria sets.

Namespace: the functions carry no xlwings sub-namespace (no `__xlwings_func_namespace__`), so the
classic add-in and xlwings Lite show them as DT_RATIO…; a self-hosted xlwings Server sets its add-in
namespace to DTSCORE (XLWINGS_FUNCTIONS_NAMESPACE=DTSCORE), so Office.js formulas read
=DTSCORE.DT_RATIO(…). See docs/excel-install.md.
"""

from datetime import date
from decimal import InvalidOperation

import xlwings as xw

try:  # the batch engine needs pandas; where there is none (xlwings Lite's Pyodide) tables go row by row
    import numpy as np
    import pandas as pd

    from dtscore.batch import no_cycle_collection, score_table
except ImportError:
    pd = None
from dtscore.rules import Option, choices, counts, lateness, ratios
from dtscore.rules.excel import UDF_DIGITS
from dtscore.scoring import NOT_APPLICABLE, PENDING, score_unit
from dtscore.values import is_blank, nfc, parse_choice

from . import adapters as xl
from .adapters import Example, excel_function
from .ranges import Cells

__all__ = [
    "DT_RATIO", "DT_THRESHOLD", "DT_SHARE", "DT_PENALTY_MONTHS", "DT_LATE_MONTHS", "DT_LATE_ENTRIES",
    "DT_ALL_OR_NOTHING", "DT_CHOICE", "DT_BANDS", "DT_MINMAX", "DT_ROUND", "DT_SCORE", "DT_SCORE_TABLE",
]  # fmt: skip

CATEGORY = "dtscore — Chuyển đổi số"  # the function wizard's category (classic add-in)
DIGITS = UDF_DIGITS  # scores are shown to 2 decimals, as in the decision and the criteria sets


def _arg(name, doc, **options):
    """@xw.arg with the Vietnamese help Excel shows, and error cells passed as text ('#N/A')
    instead of None so that an error is reported, not mistaken for a blank."""
    return xw.arg(name, doc=doc, err_to_str=True, **options)


_MAX = "Điểm chuẩn (điểm tối đa) của tiêu chí, ví dụ 10"


# -- ratios ------------------------------------------------------------------------------------


@xw.func(category=CATEGORY)
@_arg("achieved", "Tỉ lệ đạt: ô định dạng % (90%) hoặc số thập phân 0,9. Ô trống → kết quả trống")
@_arg("target", "Chỉ tiêu của tiêu chí, ví dụ 95%; đạt từ chỉ tiêu trở lên được đủ điểm")
@_arg("max_points", _MAX)
@excel_function(
    Example("=DT_RATIO(90%; 95%; 4)", 0.9, 0.95, 4, note="ví dụ của Quyết định: 90/95×4 = 3,789…, Quyết định ghi 3,8"),
    Example("=DT_RATIO(50%; 100%; 0,25)", 0.5, 1, 0.25, note="0,125 làm tròn nửa lên"),
)
def DT_RATIO(achieved, target, max_points):
    """Điểm theo tỉ lệ đạt so với chỉ tiêu: điểm chuẩn × min(1; tỉ lệ đạt ÷ chỉ tiêu),
    làm tròn 2 chữ số thập phân."""
    share = xl.ratio(achieved, "tỉ lệ")
    goal = xl.target(target, "chỉ tiêu")
    top = xl.points(max_points)
    if share is None:
        return xl.BLANK
    return xl.score(ratios.ratio_target(top, share, goal), DIGITS)


@xw.func(category=CATEGORY)
@_arg("achieved", "Tỉ lệ đạt: ô định dạng % hoặc số thập phân. Ô trống → kết quả trống")
@_arg("threshold", "Ngưỡng, ví dụ 80%: đạt từ ngưỡng trở lên được đủ điểm, dưới ngưỡng 0 điểm")
@_arg("max_points", _MAX)
@excel_function(Example("=DT_THRESHOLD(79%; 80%; 2)", 0.79, 0.8, 2))
def DT_THRESHOLD(achieved, threshold, max_points):
    """Điểm đạt/không đạt theo ngưỡng: tỉ lệ đạt ≥ ngưỡng → điểm chuẩn; dưới ngưỡng → 0."""
    share = xl.ratio(achieved, "tỉ lệ")
    gate = xl.target(threshold, "ngưỡng")
    top = xl.points(max_points)
    if share is None:
        return xl.BLANK
    return xl.score(ratios.threshold_gate(top, share, gate), DIGITS)


@xw.func(category=CATEGORY)
@_arg("numerator", "Số đạt (tử số), ví dụ số hồ sơ xử lý đúng hạn")
@_arg("denominator", "Tổng số (mẫu số), lớn hơn 0")
@excel_function(Example("=DT_SHARE(27; 30)", 27, 30))
def DT_SHARE(numerator, denominator):
    """Tỉ lệ đạt = tử số ÷ mẫu số (phân số 0–1, định dạng ô % để hiện 90%); không làm tròn.
    Dùng làm tỉ lệ cho DT_RATIO, DT_THRESHOLD."""
    top = xl.nonnegative(numerator, "tử số")
    bottom = xl.nonnegative(denominator, "mẫu số")
    if top is None and bottom is None:
        return xl.BLANK
    if top is None or bottom is None:
        raise xl.UdfError(f"chưa nhập {'tử số' if top is None else 'mẫu số'}")
    share = ratios.share(top, bottom)
    if share is None:
        raise xl.UdfError("mẫu số bằng 0, không tính được tỉ lệ")
    if share > 1:
        raise xl.UdfError(f"tử số {xl.fmt(top)} lớn hơn mẫu số {xl.fmt(bottom)}")
    return xl.to_excel(share)


# -- lateness ----------------------------------------------------------------------------------

_MODE = (
    "Cách đếm tháng trễ: \"started\" (mặc định, theo Quyết định: trễ 1 ngày tính 1 tháng) hoặc "
    "\"completed\" (chỉ đếm tháng tròn)"
)


_DUES = [[date(2023, 3, 31)], [date(2023, 12, 15)]]  # the examples' due dates (soctrang-2023's)


def _mode(value) -> str:
    mode = xl.text(value, "cách đếm (mode)")
    if mode is None:
        return lateness.STARTED
    if mode.casefold() not in lateness.MODES:
        raise xl.UdfError(f"cách đếm (mode) “{mode}” không hợp lệ, dùng \"started\" hoặc \"completed\"")
    return mode.casefold()


@xw.func(category=CATEGORY)
@_arg("max_points", _MAX)
@_arg("due_dates", "Hạn ban hành: một ô ngày, hoặc một vùng (ví dụ hạn Kế hoạch và hạn Báo cáo)")
@_arg("done_dates", "Ngày ban hành thực tế, cùng số ô với due_dates. Ô trống = chưa ban hành → 0 điểm")
@_arg("mode", _MODE)
@_arg("max_deduction", "Số tháng trừ tối đa (bỏ trống: không giới hạn)")
@excel_function(
    Example("=DT_PENALTY_MONTHS(8; C2:C3; D2:D3)", 8, _DUES, [[date(2023, 3, 31)], [date(2024, 1, 16)]],
            note="C2:C3 = 31/03/2023, 15/12/2023; D2:D3 = 31/03/2023, 16/01/2024"),
    Example("=DT_PENALTY_MONTHS(8; C2:C3; D2:D3; \"completed\")", 8, _DUES,
            [[date(2023, 3, 31)], [date(2024, 1, 16)]], "completed", note="cùng các ô trên, chỉ đếm tháng tròn"),
    Example("=DT_PENALTY_MONTHS(8; C2:C3; D2:D3)", 8, _DUES, [[date(2023, 3, 31)], [None]],
            note="D3 trống: Báo cáo chưa ban hành"),
)
def DT_PENALTY_MONTHS(max_points, due_dates, done_dates, mode=lateness.STARTED, max_deduction=None):
    """Điểm ban hành văn bản đúng hạn: điểm chuẩn − số tháng trễ (trừ 1 điểm/tháng), không dưới 0.
    Văn bản chưa ban hành (ô ngày trống) → 0 điểm."""
    top = xl.points(max_points)
    dues, dones = xl.cells(due_dates), xl.cells(done_dates)
    if len(dues) != len(dones):
        raise xl.UdfError(f"due_dates có {len(dues)} ô nhưng done_dates có {len(dones)} ô — cần bằng nhau")
    many = len(dues) > 1
    due_list = [
        xl.required(xl.date(v, f"hạn thứ {i}" if many else "hạn"), f"hạn thứ {i}" if many else "hạn")
        for i, v in enumerate(dues, 1)
    ]
    done_list = [xl.date(v, f"ngày ban hành thứ {i}" if many else "ngày ban hành") for i, v in enumerate(dones, 1)]
    cap = xl.nonnegative(max_deduction, "số tháng trừ tối đa")
    deduction = lateness.late_deduction(top, due_list, done_list, _mode(mode), cap)
    return xl.score(deduction, DIGITS)


@xw.func(category=CATEGORY)
@_arg("due", "Hạn (ô ngày)")
@_arg("done", "Ngày ban hành thực tế (ô ngày). Ô trống → kết quả trống")
@_arg("mode", _MODE)
@excel_function(
    Example("=DT_LATE_MONTHS(DATE(2023;3;31); DATE(2023;4;1))", date(2023, 3, 31), date(2023, 4, 1)),
    Example("=DT_LATE_MONTHS(DATE(2023;12;15); DATE(2024;1;16); \"completed\")", date(2023, 12, 15),
            date(2024, 1, 16), "completed"),
)
def DT_LATE_MONTHS(due, done, mode=lateness.STARTED):
    """Số tháng trễ so với hạn (0 nếu đúng hạn). Theo Quyết định mỗi tháng bắt đầu đều tính:
    trễ 1 ngày là 1 tháng."""
    deadline = xl.required(xl.date(due, "hạn"), "hạn")
    issued = xl.date(done, "ngày ban hành")
    how = _mode(mode)
    if issued is None:
        return xl.BLANK
    return lateness.months_late(deadline, issued, how)


# -- counts ------------------------------------------------------------------------------------


@xw.func(category=CATEGORY)
@_arg("max_points", _MAX)
@_arg("monthly", "Số lần nhập số liệu trễ, tần suất tháng (trừ 20% điểm mỗi lần). Trống = 0")
@_arg("quarterly", "Số lần nhập trễ, tần suất quý (trừ 30% mỗi lần). Trống = 0")
@_arg("semiannual", "Số lần nhập trễ, tần suất 6 tháng (trừ 60% mỗi lần). Trống = 0")
@_arg("annual", "Số lần nhập trễ, tần suất năm (trừ 100% mỗi lần). Trống = 0")
@excel_function(Example("=DT_LATE_ENTRIES(5; 2; 1)", 5, 2, 1))
def DT_LATE_ENTRIES(max_points, monthly=0, quarterly=0, semiannual=0, annual=0):
    """Điểm nhập số liệu báo cáo đúng hạn: điểm chuẩn × (1 − 20%·tháng − 30%·quý − 60%·6 tháng
    − 100%·năm), không dưới 0."""
    top = xl.points(max_points)
    late = [
        xl.count(value, label) or 0
        for value, label in ((monthly, "số lần trễ tháng"), (quarterly, "số lần trễ quý"),
                             (semiannual, "số lần trễ 6 tháng"), (annual, "số lần trễ năm"))
    ]  # fmt: skip
    return xl.score(counts.late_entries(top, *late), DIGITS)


@xw.func(category=CATEGORY)
@_arg("active", "Số tổ (đơn vị) có hoạt động")
@_arg("total", "Tổng số tổ (đơn vị)")
@_arg("max_points", _MAX)
@excel_function(Example("=DT_ALL_OR_NOTHING(6; 7; 8)", 6, 7, 8), Example("=DT_ALL_OR_NOTHING(7; 7; 8)", 7, 7, 8))
def DT_ALL_OR_NOTHING(active, total, max_points):
    """Đủ điểm khi 100% số tổ có hoạt động; chỉ cần 1 tổ không hoạt động → 0 điểm."""
    working = xl.count(active, "số tổ có hoạt động")
    teams = xl.count(total, "tổng số tổ")
    top = xl.points(max_points)
    if working is None and teams is None:
        return xl.BLANK
    if working is None or teams is None:
        raise xl.UdfError(f"chưa nhập {'số tổ có hoạt động' if working is None else 'tổng số tổ'}")
    if working > teams:
        raise xl.UdfError(f"số tổ có hoạt động {working} lớn hơn tổng số tổ {teams}")
    if teams == 0:
        raise xl.UdfError("tổng số tổ bằng 0")
    return xl.score(ratios.all_or_nothing(top, working, teams), DIGITS)


# -- choices, bands, min-max -------------------------------------------------------------------


def _pairs(keys, values, key_label, value_label, read_key, read_value):
    """Two parallel ranges (options and points, thresholds and points) as (key, value) pairs;
    rows blank in both ranges are skipped, so a range may be longer than its list."""
    left, right = xl.cells(keys), xl.cells(values)
    if len(left) != len(right):
        raise xl.UdfError(f"{key_label} có {len(left)} ô nhưng {value_label} có {len(right)} ô — cần bằng nhau")
    pairs = []
    for i, (k, v) in enumerate(zip(left, right), 1):
        if is_blank(k) and is_blank(v):
            continue
        key = xl.required(read_key(k, f"{key_label} (ô thứ {i})"), f"{key_label} (ô thứ {i})")
        value = xl.required(read_value(v, f"{value_label} (ô thứ {i})"), f"{value_label} (ô thứ {i})")
        pairs.append((key, value))
    if not pairs:
        raise xl.UdfError(f"thiếu {key_label}")
    return pairs


@xw.func(category=CATEGORY)
@_arg("chosen", "Mức đạt được: nhãn (như trong danh sách chọn) hoặc mã của lựa chọn. Ô trống → kết quả trống")
@_arg("options", "Vùng các lựa chọn (nhãn hoặc mã)")
@_arg("points", "Vùng điểm tương ứng, cùng số ô với options")
@excel_function(
    Example("=DT_CHOICE(\"Có\"; F2:F3; G2:G3)", "Có", [["Có"], ["Không"]], [[0.25], [0]],
            note="F2:F3 = Có, Không; G2:G3 = 0,25; 0"),
)
def DT_CHOICE(chosen, options, points):
    """Điểm của mức đạt được chọn trong danh sách: tìm chosen trong vùng lựa chọn (không phân biệt
    hoa thường) và trả về điểm ở vùng điểm tương ứng."""
    pairs = _pairs(options, points, "vùng lựa chọn", "vùng điểm", xl.text, xl.number)
    listed = []
    for label, value in pairs:
        if any(label.casefold() == o.code.casefold() for o in listed):
            raise xl.UdfError(f"lựa chọn “{label}” bị lặp trong vùng lựa chọn")
        listed.append(Option(label, label, value))
    picked = xl.text(chosen, "lựa chọn")
    if picked is None:
        return xl.BLANK
    code = parse_choice(picked, listed, "lựa chọn")
    return xl.score(choices.choice(code, {o.code: o.points for o in listed}), DIGITS)


@xw.func(category=CATEGORY)
@_arg("value", "Giá trị đạt được (số, hoặc tỉ lệ như 12%). Ô trống → kết quả trống")
@_arg("thresholds", "Vùng các mức (cận dưới của từng khung), theo thứ tự bất kỳ")
@_arg("points", "Vùng điểm của từng mức, cùng số ô với thresholds")
@_arg("min_inclusive", "TRUE (mặc định): đạt đúng bằng mức là đạt (≥); FALSE: phải vượt mức (>)")
@excel_function(
    Example("=DT_BANDS(45; F2:F5; G2:G5)", 45, [[50], [40], [30], [10]], [[20], [15], [10], [5]],
            note="F2:F5 = 50, 40, 30, 10; G2:G5 = 20, 15, 10, 5"),
    Example("=DT_BANDS(10%; F2:F4; G2:G4; FALSE)", 0.1, [[0.1], [0.07], [0.03]], [[10], [7], [3]], False,
            note="F2:F4 = 10%, 7%, 3%; G2:G4 = 10, 7, 3: phải vượt mức"),
)
def DT_BANDS(value, thresholds, points, min_inclusive=True):
    """Điểm theo khung: điểm của mức cao nhất mà giá trị đạt tới (≥ mức, hoặc > mức khi
    min_inclusive = FALSE); dưới mọi mức → 0."""
    pairs = _pairs(thresholds, points, "vùng mức", "vùng điểm", xl.amount, xl.number)
    inclusive = xl.flag(min_inclusive, "min_inclusive", True)
    reached = xl.amount(value, "giá trị")
    if reached is None:
        return xl.BLANK
    edges = sorted(pairs, key=lambda pair: pair[0], reverse=True)  # the engine reads highest first
    return xl.score(choices.bands(reached, edges, inclusive), DIGITS)


@xw.func(category=CATEGORY)
@_arg("value", "Giá trị của đơn vị. Ô trống → kết quả trống")
@_arg("values_range", "Vùng giá trị của tất cả các đơn vị được so sánh (ô trống bỏ qua)")
@_arg("max_points", _MAX)
@_arg("lower_is_better", "TRUE nếu giá trị càng thấp càng tốt; mặc định FALSE")
@excel_function(
    Example("=DT_MINMAX(30; H2:H4; 10)", 30, [[10], [30], [50]], 10, note="H2:H4 = 10, 30, 50"),
    Example("=DT_MINMAX(20; H2:H4; 10; TRUE)", 20, [[10], [30], [50]], 10, True, note="cùng vùng, thấp là tốt"),
)
def DT_MINMAX(value, values_range, max_points, lower_is_better=False):
    """Điểm chuẩn hóa Min-Max giữa các đơn vị: (giá trị − nhỏ nhất) ÷ (lớn nhất − nhỏ nhất) ×
    điểm chuẩn; mọi giá trị bằng nhau → điểm chuẩn."""
    cells = [xl.number(v, f"values_range (ô thứ {i})") for i, v in enumerate(xl.cells(values_range), 1)]
    numbers = [x for x in cells if x is not None]
    if not numbers:
        raise xl.UdfError("vùng so sánh (values_range) không có số nào")
    top = xl.points(max_points)
    reverse = xl.flag(lower_is_better, "lower_is_better", False)
    own = xl.number(value, "giá trị")
    if own is None:
        return xl.BLANK
    low, high = min(numbers), max(numbers)
    if not low <= own <= high:
        raise xl.UdfError(f"giá trị {xl.fmt(own)} nằm ngoài vùng so sánh [{xl.fmt(low)}; {xl.fmt(high)}]")
    return xl.score(choices.minmax(own, low, high, top, reverse), DIGITS)


# -- rounding ----------------------------------------------------------------------------------


@xw.func(category=CATEGORY)
@_arg("x", "Số cần làm tròn (ô trống = 0, như ROUND)")
@_arg("digits", "Số chữ số thập phân, mặc định 2 (số âm: làm tròn đến hàng chục, trăm…)")
@excel_function(Example("=DT_ROUND(2,675; 2)", 2.675, 2), Example("=DT_ROUND(0,125)", 0.125))
def DT_ROUND(x, digits=DIGITS):
    """Làm tròn như hàm ROUND của Excel (nửa làm tròn lên, ra xa số 0): 2,675 → 2,68; −2,5 → −3.
    Mặc định 2 chữ số thập phân."""
    places = xl.whole(digits, "số chữ số (digits)", DIGITS, -15, 15)
    number = xl.number(x, "số")
    try:
        return xl.score(0 if number is None else number, places)
    except InvalidOperation:  # more digits than Decimal's 28 (e.g. 1E+20 to 15 decimals)
        raise xl.UdfError(f"số {xl.fmt(number)} quá lớn để làm tròn đến {places} chữ số") from None


# -- criteria sets -----------------------------------------------------------------------------


def _find_criterion(cs, key):
    """(level, criterion) of a key: keys are unique across a set's levels."""
    for level in cs.levels.values():
        for criterion in level.walk():
            if criterion.key == key:
                return level, criterion
    raise xl.UdfError(f"bộ tiêu chí {cs.id} không có tiêu chí “{key}”")


def _slots(criterion) -> list:
    """(leaf, input) pairs of a criterion, in the order `dtscore criteria show` lists them."""
    return [(leaf, spec) for leaf in criterion.walk() if not leaf.is_group for spec in leaf.inputs]


def _slot_name(leaf, spec) -> str:
    return f"{leaf.key}_{spec.name}"  # the workbook's defined name of the input cell


def _read_slots(criterion, slots, values, raw, problems):
    """Put a criterion's cell values into the engine's raw inputs; an error cell is a problem."""
    for (leaf, spec), value in zip(slots, values):
        if xl.is_error(value):
            problems.setdefault(criterion.key, f"ô {_slot_name(leaf, spec)} đang lỗi {value.strip()}")
            continue
        raw.setdefault(leaf.key, {})[spec.name] = value


def _cell(result, criterion, values, problem, findings_by_key):
    """(value, message) of one criterion of a scored unit, as a cell shows it."""
    blocking = [f for c in criterion.walk() for f in findings_by_key.get(c.key, ()) if f.severity == "error"]
    row = result.criterion(criterion.key)
    return _shown(criterion, row.status, row.score, blocking[0].message if blocking else None, values, problem)


def _shown(criterion, status, score, blocking, values, problem):
    """(value, message) of a criterion as a cell shows it: an error cell in its inputs, else its
    first blocking finding (a blank when nothing is entered yet), else its score."""
    if problem:
        return None, problem
    if blocking:
        if all(is_blank(v) for v in values):
            return xl.BLANK, None  # nothing entered yet
        return None, blocking
    if status == NOT_APPLICABLE:
        return None, f"{criterion.key}: không áp dụng — hạ điểm chuẩn, Sở TTTT xác nhận"
    if status == PENDING:
        return None, f"{criterion.key}: điểm so sánh giữa các đơn vị — tính khi tổng hợp (DT_MINMAX)"
    return xl.to_excel(score), None


def _by_key(findings) -> dict:
    out: dict = {}
    for finding in findings:
        out.setdefault(finding.key, []).append(finding)
    return out


@xw.func(category=CATEGORY)
@_arg("criteria_set", "Mã bộ tiêu chí, ví dụ \"soctrang-2023\" (xem: dtscore criteria list)")
@_arg("key", "Mã tiêu chí, ví dụ \"X03\"; cấp (tỉnh/huyện/xã) được suy ra từ mã")
@_arg("inputs", "Số liệu của tiêu chí, theo thứ tự dtscore criteria show liệt kê (từng ô hoặc một vùng)")
@excel_function(
    Example("=DT_SCORE(\"soctrang-2023\"; \"X03\"; 54%)", "soctrang-2023", "X03", 0.54),
    Example("=DT_SCORE(\"soctrang-2023\"; \"X01\"; DATE(2023;3;31); DATE(2024;1;16))", "soctrang-2023", "X01",
            date(2023, 3, 31), date(2024, 1, 16), note="hạn theo bộ tiêu chí: 31/03/2023 và 15/12/2023"),
    Example("=DT_SCORE(\"soctrang-2023\"; \"X14\"; \"Tổ chức hoạt động cụ thể, thiết thực theo yêu cầu\")",
            "soctrang-2023", "X14", "Tổ chức hoạt động cụ thể, thiết thực theo yêu cầu"),
)
def DT_SCORE(criteria_set, key, *inputs):
    """Điểm một tiêu chí của bộ tiêu chí, tính bằng đúng quy tắc của bộ (dtscore). Số liệu nhập
    theo thứ tự như lệnh dtscore criteria show; hạn nộp văn bản lấy theo tham số của bộ."""
    cs = xl.criteria_set(criteria_set)
    code = xl.required(xl.text(key, "mã tiêu chí"), "mã tiêu chí")
    level, criterion = _find_criterion(cs, code)
    slots = _slots(criterion)
    values = [v for item in inputs for v in xl.cells(item)]
    if len(values) != len(slots):
        wanted = "; ".join(spec.label for _, spec in slots)
        raise xl.UdfError(f"{criterion.key} cần {len(slots)} số liệu ({wanted}), nhận {len(values)}")
    raw, problems = {}, {}
    _read_slots(criterion, slots, values, raw, problems)
    result = score_unit(cs, level.code, raw, only=criterion.key)
    value, message = _cell(result, criterion, values, problems.get(criterion.key), _by_key(result.findings))
    if message:
        raise xl.UdfError(message)
    return value


def _level(cs, value):
    """A level by code ('xa') or title ('Đơn vị cấp xã')."""
    wanted = xl.required(xl.text(value, "cấp"), "cấp")
    for level in cs.levels.values():
        if wanted.casefold() in (level.code.casefold(), nfc(level.title).casefold()):
            return level
    return cs.level(wanted)  # raises, listing the levels


@xw.func(category=CATEGORY)
@_arg("criteria_set", "Mã bộ tiêu chí, ví dụ \"soctrang-2023\"")
@_arg("level", "Cấp: \"tinh\", \"huyen\" hoặc \"xa\" (hoặc mã cấp khác của bộ)")
@_arg("keys", "Một hàng các mã tiêu chí, ví dụ X01…X14 (bỏ trống: mọi tiêu chí của cấp, theo thứ tự)", ndim=2)
@_arg("inputs", "Vùng số liệu: mỗi hàng một đơn vị; các cột là số liệu của từng tiêu chí theo thứ tự keys", ndim=2,
      convert=Cells)
@xw.ret(Cells)  # a table of thousands of cells: converted in bulk (udfs.ranges)
@excel_function(
    Example("=DT_SCORE_TABLE(\"soctrang-2023\"; \"xa\"; C1:D1; C2:D3)", "soctrang-2023", "xa", [["X03", "X04"]],
            [[0.54, 1], [0.6, None]], note="C1:D1 = X03, X04; C2:D3 = 54%, 100% / 60%, (trống)"),
)
def DT_SCORE_TABLE(criteria_set, level, keys, inputs):
    """Chấm cả một bảng đơn vị trong một lần gọi: mỗi hàng một đơn vị; trả về (tràn ô) một cột
    điểm cho mỗi mã tiêu chí và cột cuối là tổng điểm. Hàng trống → hàng kết quả trống."""
    cs = xl.criteria_set(criteria_set)
    lv = _level(cs, level)
    codes = [c for i, v in enumerate(xl.cells(keys), 1) if (c := xl.text(v, f"keys (ô thứ {i})")) is not None]
    criteria = [lv.find(code) for code in codes] if codes else lv.leaves()
    repeated = sorted({c.key for c in criteria if codes.count(c.key) > 1})
    if repeated:
        raise xl.UdfError(f"mã tiêu chí bị lặp trong keys: {', '.join(repeated)}")
    layout = [(criterion, _slots(criterion)) for criterion in criteria]
    width = sum(len(slots) for _, slots in layout)
    rows = xl.grid(xl.required(inputs, "vùng số liệu (inputs)"), "vùng số liệu (inputs)")
    if len(rows[0]) != width:
        per_key = "; ".join(f"{c.key}: {len(s)}" for c, s in layout) if len(layout) <= 20 else ""
        raise xl.UdfError(f"vùng số liệu có {len(rows[0])} cột, cần {width}" + (f" ({per_key})" if per_key else ""))
    if pd is not None and not any(c.is_group for c in lv.walk()) and not lv.index:
        with no_cycle_collection():  # the batch's objects die before the cyclic collector sees them
            return _table_at_once(cs, lv, layout, rows)
    table = []
    for row in rows:
        if all(is_blank(v) for v in row):
            table.append([xl.BLANK] * (len(layout) + 1))  # not a unit: e.g. spare rows below the list
            continue
        raw, problems, chunks, start = {}, {}, [], 0
        for criterion, slots in layout:
            chunk = row[start : start + len(slots)]
            start += len(slots)
            chunks.append(chunk)
            _read_slots(criterion, slots, chunk, raw, problems)
        result = score_unit(cs, lv.code, raw)
        findings = _by_key(result.findings)
        out = []
        for (criterion, _), chunk in zip(layout, chunks):
            value, message = _cell(result, criterion, chunk, problems.get(criterion.key), findings)
            out.append(message if message else value)
        out.append(xl.to_excel(result.total))
        table.append(out)
    return table


def _table_at_once(cs, lv, layout, rows) -> list:
    """DT_SCORE_TABLE through the batch engine (dtscore.batch): the same cells as scoring the rows
    one by one. Each distinct result of a criterion is turned into a cell once and spread over its
    rows by index; only rows with an error cell or a blocking finding are looked at one by one."""
    units = [i for i, row in enumerate(rows) if not all(map(is_blank, row))]
    names = [_slot_name(leaf, spec) for _, slots in layout for leaf, spec in slots]
    columns = [list(col) for col in zip(*(rows[i] for i in units))] or [[] for _ in names]
    problems: dict = {criterion.key: {} for criterion, _ in layout}  # key → {unit: its first error cell}
    start = 0
    for criterion, slots in layout:
        for j, (leaf, spec) in enumerate(slots, start):
            if str in {*map(type, columns[j])} and any(map(xl.is_error, set(columns[j]))):  # each distinct text once
                for i, value in enumerate(columns[j]):
                    if xl.is_error(value):
                        problems[criterion.key].setdefault(i, f"ô {_slot_name(leaf, spec)} đang lỗi {value.strip()}")
                        columns[j][i] = None
        start += len(slots)
    frame = pd.DataFrame({name: pd.Series(col, dtype=object) for name, col in zip(names, columns)}, index=range(len(units)))
    result = score_table(cs, lv.code, frame)
    shown, start = [], 0
    for criterion, slots in layout:
        leaf = result.leaves[criterion.key]
        blocking = [r.findings and next((f.message for f in r.findings if f.severity == "error"), None) or None
                    for r in leaf.results]
        # a result's cell depends on its status, score (exact in the set's decimals) and blocking message
        shows = list(zip([r.status for r in leaf.results], leaf.score_cents.tolist(), blocking))
        entered = [True]  # a blocking result's rows where nothing is entered are blanked below
        cell_of = {k: _as_cell(_shown(criterion, r.status, r.score, k[2], entered, None))
                   for k, r in dict(zip(shows, leaf.results)).items()}  # each distinct one once
        per_result = np.empty(len(leaf.results), dtype=object)
        per_result[:] = [cell_of[k] for k in shows]
        cells = per_result[leaf.codes].tolist()
        for i in np.flatnonzero(np.array([b is not None for b in blocking], dtype=bool)[leaf.codes]).tolist():
            if all(is_blank(v) for v in rows[units[i]][start : start + len(slots)]):
                cells[i] = xl.BLANK  # nothing entered yet
        for i, problem in problems[criterion.key].items():
            cells[i] = problem
        shown.append(cells)
        start += len(slots)
    table = [[xl.BLANK] * (len(layout) + 1) for _ in rows]
    for row, cells in zip(units, zip(*shown, map(xl.to_excel, result.total))):
        table[row] = list(cells)
    return table


def _as_cell(shown) -> object:
    value, message = shown
    return message if message else value
