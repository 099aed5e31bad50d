"""Data validation of the cells an official types into, with Vietnamese messages. Cells of the same
kind share one rule (a template has hundreds of inputs; Excel handles a few rules better)."""

from datetime import date

from openpyxl.worksheet.datavalidation import DataValidation

from dtscore.decimals import fmt_vn
from dtscore.values import date_to_excel_serial

from .native_formulas import NA_CHOICE

# Excel refuses (and "repairs") a file whose validation titles exceed 32 or messages 255 characters.
TITLE_MAX, MESSAGE_MAX = 32, 255


def _dv(type_, error_title, error, prompt_title="", prompt="", **kwargs) -> DataValidation:
    return DataValidation(
        type=type_,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=bool(prompt),
        errorStyle="stop",
        errorTitle=error_title[:TITLE_MAX],
        error=error[:MESSAGE_MAX],
        promptTitle=prompt_title[:TITLE_MAX] or None,
        prompt=prompt[:MESSAGE_MAX] or None,
        **kwargs,
    )


class Validations:
    """Collects cells per rule and attaches the rules to the sheet at the end."""

    def __init__(self, year: int):
        self.year = year
        self._rules: dict = {}

    def _rule(self, key, make) -> DataValidation:
        if key not in self._rules:
            self._rules[key] = make()
        return self._rules[key]

    def add(self, key, cell, make):
        self._rule(key, make).add(cell)

    def date(self, cell):
        y = self.year
        first, last = date(y - 1, 1, 1), date(y + 1, 12, 31)
        self.add("date", cell, lambda: _dv(
            "date", "Ngày không hợp lệ",
            f"Nhập một ngày dạng dd/mm/yyyy, từ {first:%d/%m/%Y} đến {last:%d/%m/%Y} (ví dụ 15/03/{y}). "
            "Để trống nếu văn bản chưa ban hành.",
            "Ngày ban hành", f"Nhập ngày dạng dd/mm/yyyy, ví dụ 15/03/{y}; để trống nếu chưa ban hành.",
            operator="between", formula1=str(date_to_excel_serial(first)), formula2=str(date_to_excel_serial(last)),
        ))

    def ratio(self, cell):
        self.add("ratio", cell, lambda: _dv(
            "decimal", "Tỉ lệ không hợp lệ",
            "Nhập tỉ lệ từ 0% đến 100%, ví dụ 75,7% (gõ 75,7 trong ô đã định dạng % hoặc 0,757).",
            "Tỉ lệ đạt", "Nhập tỉ lệ phần trăm, ví dụ 75,7%.",
            operator="between", formula1="0", formula2="1",
        ))

    def count(self, cell):
        self.add("count", cell, lambda: _dv(
            "whole", "Số lượng không hợp lệ", "Nhập một số nguyên không âm (0, 1, 2, …).",
            "Số lượng", "Nhập số nguyên không âm.", operator="greaterThanOrEqual", formula1="0",
        ))

    def number(self, cell):
        self.add("number", cell, lambda: _dv(
            "decimal", "Giá trị không hợp lệ", "Nhập một số không âm (dùng dấu phẩy thập phân nếu Excel đặt tiếng Việt).",
            "Giá trị", "Nhập một số không âm.", operator="greaterThanOrEqual", formula1="0",
        ))

    def choice(self, cell, labels_range: str, key: str):
        self.add(("choice", labels_range), cell, lambda: _dv(
            "list", "Lựa chọn không hợp lệ",
            f"Chọn một mức trong danh sách thả xuống của tiêu chí {key} (bấm mũi tên bên phải ô).",
            "Mức đạt được", "Bấm mũi tên bên phải ô để chọn.", formula1=labels_range,
        ))

    def not_applicable(self, cell):
        self.add("na", cell, lambda: _dv(
            "list", "Lựa chọn không hợp lệ",
            f"Chỉ chọn “{NA_CHOICE}” (tiêu chí không áp dụng với đơn vị) hoặc để trống.",
            "Không áp dụng?", f"Chọn “{NA_CHOICE}” nếu tiêu chí không áp dụng với đơn vị (Sở TTTT xác nhận); "
            "để trống nếu có áp dụng.", formula1=f'"{NA_CHOICE}"',
        ))

    def claimed(self, cell, max_points):
        shown = fmt_vn(max_points)
        self.add(("claimed", str(max_points)), cell, lambda: _dv(
            "decimal", "Điểm tự chấm không hợp lệ", f"Điểm tự chấm là một số từ 0 đến {shown} (điểm chuẩn).",
            "Điểm tự chấm", f"Điểm đơn vị tự chấm, từ 0 đến {shown}.",
            operator="between", formula1="0", formula2=str(max_points),
        ))

    def text(self, cell, limit=4000, title="Nội dung quá dài", prompt_title="", prompt=""):
        self.add(("text", limit, prompt), cell, lambda: _dv(
            "textLength", title, f"Nội dung tối đa {limit} ký tự.", prompt_title, prompt,
            operator="lessThanOrEqual", formula1=str(limit),
        ))

    def attach(self, ws):
        for rule in self._rules.values():
            ws.add_data_validation(rule)
