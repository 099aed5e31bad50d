"""The reader's copy of Excel's built-in number formats and date test agree with openpyxl's."""

import pytest
from openpyxl.styles import numbers

from dtscore.workbook.numformats import BUILTIN_FORMATS, is_date_format


def test_the_built_in_formats_are_excels():
    assert BUILTIN_FORMATS == numbers.BUILTIN_FORMATS


FORMATS = list(numbers.BUILTIN_FORMATS.values()) + [
    None, "dd/mm/yyyy", "[$-42A]dd/mm/yyyy", "0.00%", '"ngày "0', "[Red]0.00", "[h]:mm", "[mm]:ss", "0_);(0)",
    r"\d0", "_d0", "General;[Red]-General", "yyyy-mm-dd;@", "@", "#,##0 \"đ\"", "[$VND] #,##0", "0.0E+0",
]  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_date_format_is_recognised_as_openpyxl_does(fmt):
    assert is_date_format(fmt) == numbers.is_date_format(fmt)


def test_dates_and_numbers_are_told_apart():
    assert is_date_format("dd/mm/yyyy") and is_date_format("[$-42A]d mmmm yyyy")
    assert not is_date_format("0.00%") and not is_date_format('"ngày" 0') and not is_date_format("[Red]0.00")
