"""Findings: what the engine and the validator report, each naming the criterion and, for
workbooks, the cell and the defined name."""

from dataclasses import asdict, dataclass

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_VN = {ERROR: "lỗi", WARNING: "cảnh báo", INFO: "thông tin"}

# code → (severity, Vietnamese title)
CODES = {
    "INPUT_MISSING": (ERROR, "Thiếu số liệu"),
    "INPUT_OUT_OF_RANGE": (ERROR, "Số liệu ngoài phạm vi"),
    "WRONG_TYPE": (ERROR, "Sai kiểu dữ liệu"),
    "CLAIM_MISMATCH": (ERROR, "Điểm tự chấm khác điểm tính"),
    "CLAIM_ABOVE_MAX": (ERROR, "Điểm tự chấm vượt điểm chuẩn"),
    "MISSING_EVIDENCE": (WARNING, "Thiếu căn cứ tính điểm"),
    "NOT_APPLICABLE": (WARNING, "Tiêu chí không áp dụng (hạ điểm chuẩn)"),
    "PENDING_CONSOLIDATION": (INFO, "Điểm tính khi tổng hợp"),
    "TEMPLATE_MISMATCH": (ERROR, "Biểu mẫu không khớp bộ tiêu chí"),
    "FORMULA_TAMPERED": (ERROR, "Công thức bị sửa"),
    "CELL_VALUE_STALE": (WARNING, "Giá trị ô chưa được tính lại"),
}


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
            object.__setattr__(self, "severity", CODES[self.code][0])

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
