"""What consolidation itself reports about the files of an inbox (duplicates, unreadable files,
units outside the list, Min-Max scores, appraisals). They sit next to each workbook's own
findings (dtscore.findings) in the "Phát hiện" sheet and have the same shape."""

from dataclasses import dataclass

from .findings import ERROR, INFO, WARNING

CODES = {
    "FILE_UNREADABLE": (ERROR, "Tệp không đọc được"),
    "FILE_SKIPPED": (INFO, "Tệp không phải bảng tính"),
    "NOT_SCORED": (ERROR, "Không chấm được tệp"),
    "DUPLICATE_UNIT": (WARNING, "Hai tệp cho cùng một đơn vị"),
    "SUPERSEDED": (WARNING, "Tệp bị thay bằng tệp khác của cùng đơn vị"),
    "NO_UNIT_CODE": (WARNING, "Thiếu mã đơn vị"),
    "UNKNOWN_UNIT": (WARNING, "Đơn vị không có trong danh sách"),
    "UNIT_NAME_DIFFERS": (WARNING, "Tên đơn vị khác danh sách"),
    "LEVEL_DIFFERS": (ERROR, "Cấp của biểu mẫu khác danh sách"),
    "WRONG_YEAR": (ERROR, "Năm đánh giá khác năm tổng hợp"),
    "MINMAX_FILLED": (INFO, "Điểm Min-Max tính khi tổng hợp"),
    "APPRAISED": (INFO, "Điểm đã thẩm định"),
    "APPRAISAL_PROBLEM": (ERROR, "Dòng thẩm định không được áp dụng"),
    "APPRAISAL_WARNING": (WARNING, "Thẩm định áp dụng, có điều cần xem lại"),
}


@dataclass(frozen=True)
class Note:
    code: str
    message: str
    key: str | None = None
    severity: str = ""
    cell: str | None = None
    name: str | None = None

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unknown consolidation note {self.code}")
        if not self.severity:
            object.__setattr__(self, "severity", CODES[self.code][0])

    @property
    def title(self) -> str:
        return CODES[self.code][1]
