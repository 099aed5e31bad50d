"""The template checks itself: per criterion, plain Excel formulas that find what the engine would
report about the unit's own inputs (dtscore.scoring, dtscore.validation), for units without the
add-in. Built from the one description each rule kind gives of its inputs (InputSpec: name, type,
label, options, default; its kind's `blank_is_not_done`) and the kind's `excel_checks` hook
(dtscore.rules, next to its `check`), plus the checks every criterion shares (self-score,
evidence, not applicable).

A criterion's checks become:
- its status ("Trạng thái"): the first error to fix, else the first warning, else "Đạt";
- its counts of errors and warnings (one per finding the engine makes), summed into the summary;
- a flag per cell (2 error, 1 warning, 0) that conditional formatting turns into the cell's colour;
- the address of the cell of the first problem, for the links of the "Tự kiểm tra" sheet.

Only functions Excel 2010 and LibreOffice both know (IF, AND, OR, ISNUMBER, ISTEXT, ISBLANK, MATCH,
FIXED, …), every condition guarded so that it is TRUE or FALSE and never an error value.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from dtscore import rules
from dtscore.rules.excel import NA_TEXT, match_key, num, text

ERROR, WARNING = "error", "warning"
OK_TEXT = "Đạt"
PREFIX = {ERROR: "Lỗi: ", WARNING: "Cảnh báo: "}
GROUP_NA_TEXT = "Không áp dụng (cả nhóm)"
PARTS_TEXT = "Xem các tiêu chí thành phần"
DATE_GRACE_DAYS = 92  # dtscore.scoring._YEAR_GRACE: a plan for year Y is often issued in late Y−1

TYPE_WORDS = {
    rules.DATE: "một ngày dd/mm/yyyy",
    rules.RATIO: "một tỉ lệ dạng số, ví dụ 75,7%",
    rules.COUNT: "một số nguyên",
    rules.NUMBER: "một số",
}


@dataclass(frozen=True)
class Check:
    severity: str
    target: str  # the cell to fix ("F12")
    condition: str  # formula text, TRUE when the problem is there
    message: str  # a formula expression giving the Vietnamese text (without the severity prefix)


@dataclass
class CriterionChecks:
    """The checks of one criterion. `na` (formula text or None) is TRUE when the criterion itself
    is not applicable: then only `when_na` apply, else `checks`; `group_na` is TRUE when a group
    above it is marked not applicable (the engine then reports nothing about it)."""

    checks: list = field(default_factory=list)
    when_na: list = field(default_factory=list)
    na: str | None = None
    group_na: str | None = None
    score: str = ""  # the "Điểm tính" cell
    cells: tuple = ()  # the criterion's cells in reading order: the first problem is the first of these


# -- small formula pieces -----------------------------------------------------------------------


def blank(cell) -> str:
    """Nothing typed (or only spaces): what the engine reads as missing."""
    return f"IF(ISTEXT({cell}),LEN(TRIM({cell}))=0,ISBLANK({cell}))"


def readable(spec_type, cell) -> str:
    """The engine can read the cell as a value of this type (it then checks ranges and the kind)."""
    if spec_type == rules.DATE:
        return f"IF(ISNUMBER({cell}),{cell}>=1,FALSE)"
    if spec_type == rules.COUNT:
        return f"IF(ISNUMBER({cell}),{cell}=INT({cell}),FALSE)"
    return f"ISNUMBER({cell})"


def _when_number(cell, condition) -> str:
    return f"IF(ISNUMBER({cell}),{condition},FALSE)"


def any_of(conditions) -> str:
    return conditions[0] if len(conditions) == 1 else "OR(" + ",".join(conditions) + ")"


def all_of(conditions) -> str:
    return conditions[0] if len(conditions) == 1 else "AND(" + ",".join(conditions) + ")"


# -- the checks of one criterion ---------------------------------------------------------------


def input_checks(spec, cell, year, blank_severity=ERROR, options=None) -> list:
    """What the engine reports about one input, by its type: a blank, a value it cannot read (text
    where a number or date is expected, a fraction of a count, a label not in the list), a value out
    of range, a date before the year or in the future. options: the (labels, points, codes) ranges
    of a choice."""
    label = f"“{spec.label}”"
    checks = []
    if spec.default is None:
        hint = " (nếu chưa ban hành: 0 điểm)" if blank_severity == WARNING else ""
        checks.append(Check(blank_severity, cell, blank(cell), text(f"chưa nhập {label}{hint}")))
    if spec.type == rules.CHOICE:
        labels, _points, codes = options
        key = match_key(cell, spec.options)
        unknown = all_of([f"NOT({blank(cell)})", f"ISNA(MATCH({key},{labels},0))", f"ISNA(MATCH({key},{codes},0))"])
        checks.append(Check(ERROR, cell, unknown, text(f"{label} không có trong danh sách — chọn bằng mũi tên bên phải ô")))
        return checks
    unreadable = f"IF(ISNUMBER({cell}),NOT({readable(spec.type, cell)}),NOT({blank(cell)}))"
    checks.append(Check(ERROR, cell, unreadable,
                        text(f"{label} không đọc được — cần {TYPE_WORDS[spec.type]}, gõ lại giá trị")))
    if spec.type == rules.RATIO:
        checks.append(Check(ERROR, cell, _when_number(cell, f"OR({cell}<0,{cell}>1)"),
                            text(f"{label} phải từ 0% đến 100%")))
    elif spec.type in (rules.COUNT, rules.NUMBER):
        checks.append(Check(ERROR, cell, _when_number(cell, f"AND({readable(spec.type, cell)},{cell}<0)"),
                            text(f"{label} là số âm")))
    elif spec.type == rules.DATE:
        start = f"DATE({int(year)},1,1)-{DATE_GRACE_DAYS}"
        checks.append(Check(WARNING, cell, _when_number(cell, f"AND({cell}>=1,INT({cell})<{start})"),
                            text(f"{label} trước năm đánh giá {int(year)}")))
        checks.append(Check(WARNING, cell, _when_number(cell, f"AND(INT({cell})>=({start}),INT({cell})>TODAY())"),
                            text(f"{label} ở tương lai")))
    return checks


def kind_checks(crit, cells: rules.FormulaCells) -> list:
    """The rule kind's own problems (numerator above denominator, …), from its excel_checks hook."""
    types = {spec.name: spec.type for spec in crit.inputs}
    out = []
    for check in crit.rule_kind.excel_checks(crit.params, cells):
        guard = all_of([readable(types[name], cells.inputs[name]) for name in check.needs])
        out.append(Check(ERROR, cells.inputs[check.target], f"IF({guard},{check.condition},FALSE)", text(check.message)))
    return out


def claim_checks(claimed, max_points, when_na=False) -> list:
    """The self-score: text instead of a number, above the maximum; for a criterion that does not
    apply, any points at all."""
    checks = [Check(ERROR, claimed, f"IF(ISNUMBER({claimed}),FALSE,NOT({blank(claimed)}))",
                    text("Điểm tự chấm không đọc được, cần một số"))]
    if when_na:
        checks.append(Check(ERROR, claimed, _when_number(claimed, f"{claimed}<>0"),
                            text("tiêu chí không áp dụng nhưng có điểm tự chấm")))
    checks.append(Check(ERROR, claimed, _when_number(claimed, f"{claimed}>{num(max_points)}"),
                        text(f"Điểm tự chấm vượt điểm chuẩn {num(max_points).replace('.', ',')}")))
    return checks


def mismatch_check(claimed, score, decimals) -> Check:
    """Self-score ≠ computed score (after rounding to the set's decimals), with the difference."""
    tolerance = num(Decimal(5).scaleb(-(decimals + 1)))
    differs = f"IF(AND(ISNUMBER({claimed}),ISNUMBER({score})),ABS(ROUND({claimed},{decimals})-{score})>={tolerance},FALSE)"
    difference = f"{claimed}-{score}"
    message = (f'"Điểm tự chấm khác điểm tính (chênh "&IF({difference}>0,"+","")'
               f'&FIXED({difference},{decimals},TRUE)&")"')
    return Check(ERROR, claimed, differs, message)


def evidence_check(evidence, score) -> Check:
    return Check(WARNING, evidence, f"AND({_when_number(score, f'{score}>0')},{blank(evidence)})",
                 text("chưa ghi căn cứ tính điểm"))


def na_check(target) -> Check:
    return Check(WARNING, target, "TRUE", text("không áp dụng, hạ điểm chuẩn — Sở TTTT xác nhận"))


def leaf(crit, formula_cells: rules.FormulaCells, claimed, score, evidence, na_target, year,
         group_na=None) -> CriterionChecks:
    """Every check of a leaf criterion. formula_cells: what its "Điểm tính" formula refers to;
    na_target: its "Không áp dụng" switch (or None); group_na: TRUE when a group above it is marked
    not applicable."""
    cells, decimals = formula_cells.inputs, formula_cells.decimals
    blank_severity = WARNING if crit.rule_kind.blank_is_not_done else ERROR
    checks = []
    for spec in crit.inputs:
        checks += input_checks(spec, cells[spec.name], year, blank_severity, formula_cells.options)
    checks += kind_checks(crit, formula_cells)
    defaults = [spec for spec in crit.inputs if spec.default is not None]
    if defaults and len(defaults) == len(crit.inputs):  # every blank means "none": an untouched block
        checks.append(Check(WARNING, cells[defaults[0].name], all_of([blank(cells[s.name]) for s in defaults]),
                            text("chưa nhập số liệu nào (tính như không có lần nào)")))
    checks += claim_checks(claimed, crit.max_points) + [mismatch_check(claimed, score, decimals),
                                                       evidence_check(evidence, score)]
    order = tuple(cells[spec.name] for spec in crit.inputs) + (na_target, claimed, evidence, score)
    out = CriterionChecks(checks=checks, score=score, group_na=group_na, cells=order)
    if crit.allow_not_applicable:
        out.na = f"IF(ISTEXT({score}),{score}={text(NA_TEXT)},FALSE)"
        out.when_na = [na_check(na_target or score)] + claim_checks(claimed, crit.max_points, when_na=True)
    return out


def group(na_target, score, group_na=None, own_na=None) -> CriterionChecks:
    """A group: only its own "Không áp dụng" switch is reported (its parts have their own status)."""
    out = CriterionChecks(score=score, group_na=group_na, cells=(na_target, score))
    if own_na:
        out.na, out.when_na = own_na, [na_check(na_target)]
    return out


# -- what the cells show -------------------------------------------------------------------------

_ORDER = {ERROR: 0, WARNING: 1}


def _branches(cc: CriterionChecks, pick, neutral, score_error=None):
    """IF(group not applicable, neutral, IF(score error, …, IF(own not applicable, pick(when_na),
    pick(checks)))); pick gets the checks errors first, then warnings, each in reading order."""
    def ordered(checks):
        return sorted(checks, key=lambda c: (_ORDER[c.severity], cc.cells.index(c.target)))

    body = pick(ordered(cc.checks))
    if cc.na:
        body = f"IF({cc.na},{pick(ordered(cc.when_na))},{body})"
    if score_error is not None:
        body = f"IF(ISERROR({cc.score}),{score_error},{body})"
    if cc.group_na:
        body = f"IF({cc.group_na},{neutral},{body})"
    return body


def _first(checks, value, otherwise) -> str:
    out = otherwise
    for check in reversed(checks):
        out = f"IF({check.condition},{value(check)},{out})"
    return out


SCORE_ERROR = "Điểm tính bị lỗi (máy chưa có phần bổ trợ dtscore?) — dùng biểu mẫu công thức thông thường"


def status_formula(cc: CriterionChecks, otherwise=None) -> str:
    """The first problem, in Vietnamese with its severity, or "Đạt" (a group: `otherwise`)."""
    def pick(checks):
        return _first(checks, lambda c: f"{text(PREFIX[c.severity])}&{c.message}", otherwise or text(OK_TEXT))
    return _branches(cc, pick, text(GROUP_NA_TEXT), text(PREFIX[ERROR] + SCORE_ERROR))


def count_formula(cc: CriterionChecks, severity) -> str:
    """How many problems of this severity: one per finding the engine makes."""
    def pick(checks):
        terms = [f"({c.condition})" for c in checks if c.severity == severity]
        return "0" if not terms else f"({'+'.join(terms)})*1"
    return _branches(cc, pick, "0", "1" if severity == ERROR else None)


def flag_formula(cc: CriterionChecks, target) -> str:
    """2 when the cell has an error, 1 a warning, 0 none: what its conditional format reads."""
    def pick(checks):
        errors = [c.condition for c in checks if c.target == target and c.severity == ERROR]
        warnings = [c.condition for c in checks if c.target == target and c.severity == WARNING]
        out = f"IF({any_of(warnings)},1,0)" if warnings else "0"
        return f"IF({any_of(errors)},2,{out})" if errors else out
    return _branches(cc, pick, "0")


def target_formula(cc: CriterionChecks) -> str:
    """The address of the cell of the first problem ("F12"), "" when there is none."""
    def pick(checks):
        return _first(checks, lambda c: text(c.target.replace("$", "")), '""')
    return _branches(cc, pick, '""', text(cc.score.replace("$", "")))


def has_targets(cc: CriterionChecks, target) -> bool:
    return any(c.target == target for c in cc.checks + cc.when_na)


def summary_formula(errors, warnings) -> str:
    """'3 lỗi, 1 cảnh báo — xem cột Trạng thái' (dtscore.findings.summary_vn's words), or 'Không có lỗi'."""
    return (f'IF({errors}+{warnings}=0,"Không có lỗi — biểu mẫu sẵn sàng để gửi",'
            f'{errors}&" lỗi, "&{warnings}&" cảnh báo — xem cột Trạng thái")')
