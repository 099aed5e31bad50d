"""Forms are headed by what the set scores: an administrative-reform form must not say
"THI ĐUA CHUYỂN ĐỔI SỐ"."""

import pytest

from dtscore.criteria import load_set
from dtscore.workbook.builder import make_workbook


@pytest.mark.parametrize(
    "set_id, level, heading",
    [
        ("soctrang-2023", "xa", "BẢNG TỰ CHẤM ĐIỂM THI ĐUA CHUYỂN ĐỔI SỐ NĂM 2023"),
        ("soctrang-sotttt-cchc-2022", "so", "BẢNG TỰ CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2022"),
        ("bacgiang-dti-huyen-2024", "huyen", "BẢNG TỰ CHẤM ĐIỂM CHỈ SỐ CHUYỂN ĐỔI SỐ (DTI) NĂM 2024"),
    ],
)
def test_the_score_sheet_heading_names_what_is_scored(set_id, level, heading):
    wb = make_workbook(load_set(set_id), level)
    assert wb["Chấm điểm"]["A1"].value == heading
