"""Findings: what the engine, workbook validation and consolidation report — one type, one
registry of codes — each naming the criterion and, for workbooks, the cell and the defined name."""

from dataclasses import asdict, dataclass

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_VN = {ERROR: "lỗi", WARNING: "cảnh báo", INFO: "thông tin"}
SCORING, VALIDATION, CONSOLIDATION = "scoring", "validation", "consolidation"  # who raises a code


@dataclass(frozen=True)
class Code:
    severity: str  # the usual one; a finding may say otherwise (a warning-only variant)
    title: str  # Vietnamese, as sheets and reports show it
    stage: str
    when: str  # for the maintainers' table (docs/finding-codes.md, generated)


# The one registry of finding codes: the engine's, workbook validation's and consolidation's.
CODES = {
    "INPUT_MISSING": Code(ERROR, "Thiếu số liệu", SCORING,
                          "an input is blank: the criterion scores 0 (unscored). A blank `late_months` date is a "
                          "document not issued: 0 points, as a warning; an untouched late-entries block scores full, "
                          "as a warning"),
    "INPUT_OUT_OF_RANGE": Code(ERROR, "Số liệu ngoài phạm vi", SCORING,
                               "a ratio outside 0–100%, numerator > denominator, a negative count, active > total "
                               "teams, no team, assessed points above the maximum, a zero denominator where the "
                               "criterion cannot be not applicable: the criterion scores 0. A date long before the "
                               "year or after the day of the check is a warning, scored as written"),
    "WRONG_TYPE": Code(ERROR, "Sai kiểu dữ liệu", SCORING,
                       "a value cannot be read as its type (input or self-score), or a date or number typed as "
                       "text in a workbook: the criterion scores 0, as the template's formula does"),
    "CLAIM_MISMATCH": Code(ERROR, "Điểm tự chấm khác điểm tính", SCORING,
                           "the self-score, rounded to the set's decimals, differs from the computed score; or a "
                           "self-score ≠ 0 on a not-applicable criterion"),
    "CLAIM_ABOVE_MAX": Code(ERROR, "Điểm tự chấm vượt điểm chuẩn", SCORING, "the self-score is above điểm chuẩn"),
    "MISSING_EVIDENCE": Code(WARNING, "Thiếu căn cứ tính điểm", SCORING,
                             "the criterion scores above 0 and no “Căn cứ tính điểm” is given"),
    "NOT_APPLICABLE": Code(WARNING, "Tiêu chí không áp dụng (hạ điểm chuẩn)", SCORING,
                           "a criterion or group marked not applicable, or a zero denominator where the set allows "
                           "it: out of the totals, the maximum lowered; the Sở confirms"),
    "PENDING_CONSOLIDATION": Code(INFO, "Điểm tính khi tổng hợp", SCORING,
                                  "a `minmax` criterion: scored across the units of the level at consolidation"),
    "TEMPLATE_MISMATCH": Code(ERROR, "Biểu mẫu không khớp bộ tiêu chí", VALIDATION,
                              "the workbook names a set or level dtscore does not have, an old version or another "
                              "fingerprint; a criterion's names are missing or out of order. A due date on “Tham "
                              "số” that differs from the set's is a warning (the workbook's value is used)"),
    "FORMULA_TAMPERED": Code(ERROR, "Công thức bị sửa", VALIDATION,
                             "a computed cell (`KEY_score`, group `KEY_claimed`, `total_score`, `total_claimed`) "
                             "holds a typed value or a formula that is neither of the template's"),
    "CELL_VALUE_STALE": Code(WARNING, "Giá trị ô chưa được tính lại", VALIDATION,
                             "the value a computed cell shows differs from the engine (not recalculated, `#NAME?` "
                             "without the add-in); a group or total off only because of a tampered cell names it"),
    "NAME_RETARGETED": Code(ERROR, "Tên vùng bị trỏ sang ô khác", VALIDATION,
                            "a defined name dtscore reads points at another cell than the template's cell for it (an "
                            "input read from an off-screen cell): the unit is not ranked until the criterion is "
                            "appraised"),
    "NAME_IGNORED": Code(WARNING, "Tên vùng hỏng hoặc trỏ ra tệp khác (bỏ qua)", VALIDATION,
                         "names the template does not have point to another workbook (`[1]Sheet1!$A$1`), to "
                         "`#REF!` or to a deleted sheet: not read, the file is checked normally"),
    "FILE_UNREADABLE": Code(ERROR, "Tệp không đọc được", CONSOLIDATION,
                            "a file of the inbox cannot be read as a workbook of the template, breaks a limit "
                            "(docs/validate.md), its reading failed (memory, time, a worker killed), or a district's "
                            "package refuses it (changed after packing, not in its index)"),
    "FILE_SKIPPED": Code(INFO, "Tệp không phải bảng tính", CONSOLIDATION,
                         "a file of the inbox is not a spreadsheet, not a regular file (FIFO, device), or a link "
                         "leading out of the inbox: not opened"),
    "NOT_SCORED": Code(ERROR, "Không chấm được tệp", CONSOLIDATION, "a workbook was read but could not be scored"),
    "DUPLICATE_UNIT": Code(WARNING, "Hai tệp cho cùng một đơn vị", CONSOLIDATION,
                           "several files for one unit: the most recently modified is used (on the kept one)"),
    "SUPERSEDED": Code(WARNING, "Tệp bị thay bằng tệp khác của cùng đơn vị", CONSOLIDATION,
                       "this file was left out for a newer file of the same unit"),
    "NO_UNIT_CODE": Code(WARNING, "Thiếu mã đơn vị", CONSOLIDATION,
                         "the workbook has no unit code: the unit is matched by its name"),
    "UNKNOWN_UNIT": Code(WARNING, "Đơn vị không có trong danh sách", CONSOLIDATION,
                         "the unit is not in units.csv"),
    "UNIT_NAME_DIFFERS": Code(WARNING, "Tên đơn vị khác danh sách", CONSOLIDATION,
                              "the unit's name differs from units.csv"),
    "LEVEL_DIFFERS": Code(ERROR, "Cấp của biểu mẫu khác danh sách", CONSOLIDATION,
                          "the workbook's level is not the unit's level in units.csv: not ranked"),
    "WRONG_YEAR": Code(ERROR, "Năm đánh giá khác năm tổng hợp", CONSOLIDATION,
                       "the workbook is of another year than the one consolidated, or its year is blank, text, a "
                       "fraction or implausible: not ranked, not stored; never kept over a file of the year"),
    "MINMAX_FILLED": Code(INFO, "Điểm Min-Max tính khi tổng hợp", CONSOLIDATION,
                          "a `minmax` criterion scored across the units: the value, the lowest, the highest, the score"),
    "APPRAISED": Code(INFO, "Điểm đã thẩm định", CONSOLIDATION, "an appraisal replaced a figure or a score"),
    "APPRAISAL_PROBLEM": Code(ERROR, "Dòng thẩm định không được áp dụng", CONSOLIDATION,
                              "an appraisal row cannot be applied (unknown unit or criterion, unusable value)"),
    "APPRAISAL_WARNING": Code(WARNING, "Thẩm định áp dụng, có điều cần xem lại", CONSOLIDATION,
                              "an appraisal was applied but something in it needs a look"),
}


def codes_table() -> str:
    """The Markdown table of every code (docs/finding-codes.md is this, generated)."""
    lines = ["| code | severity | title (Vietnamese) | raised by | when |", "|---|---|---|---|---|"]
    for name, code in CODES.items():
        lines.append(f"| `{name}` | {code.severity} | {code.title} | {code.stage} | {code.when} |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Finding:
    code: str
    key: str | None
    message: str
    severity: str = ""
    cell: str | None = None  # 'Chấm điểm'!H12
    name: str | None = None  # the defined name, e.g. H12_ratio

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unknown finding code {self.code}")
        if not self.severity:
            object.__setattr__(self, "severity", CODES[self.code].severity)

    @classmethod
    def many(cls, code: str, key: str | None, messages, name: str | None = None) -> list:
        """One finding per message, all of one code and criterion (the batch engine's self-score
        checks, hundreds of thousands at a time): the code is checked once, not per finding."""
        common = {**cls(code, key, "", name=name).__dict__}
        out = []
        for message in messages:
            finding = object.__new__(cls)  # frozen: filled as __init__ would, without its checks
            fields = finding.__dict__
            fields.update(common)
            fields["message"] = message
            out.append(finding)
        return out

    @property
    def title(self) -> str:
        return CODES[self.code].title

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def located(self, cell=None, name=None) -> "Finding":
        return Finding(self.code, self.key, self.message, self.severity, cell or self.cell, name or self.name)


def count_by_severity(findings) -> dict:
    out = {ERROR: 0, WARNING: 0, INFO: 0}
    for f in findings:
        out[f.severity] += 1
    return out


def summary_vn(findings) -> str:
    """'3 lỗi, 2 cảnh báo' — the one line a user reads first."""
    n = count_by_severity(findings)
    if not n[ERROR] and not n[WARNING]:
        return "Không có lỗi"
    return f"{n[ERROR]} lỗi, {n[WARNING]} cảnh báo"
