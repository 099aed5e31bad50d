"""Each finding the engine reports: its code, severity, criterion, the defined name it points at
and a Vietnamese message that says what is wrong and what to enter instead."""

import unicodedata
from datetime import date
from decimal import Decimal as D

import pytest

from dtscore.criteria import load_set
from dtscore.findings import CODES, ERROR, WARNING, Finding, count_by_severity, summary_vn
from dtscore.scoring import NOT_APPLICABLE, SCORED, UNSCORED, score_unit

SET = load_set("soctrang-2023")
LEVELS = {"T": "tinh", "H": "huyen", "X": "xa"}


def score(inputs, claimed=None, evidence=None, today=None):
    """score_unit on the level of the keys given, with evidence for every criterion unless the test
    is about evidence (so MISSING_EVIDENCE shows only where a test expects it)."""
    level = LEVELS[next(iter(inputs or claimed))[0]]
    if evidence is None:
        evidence = {key: "Minh chứng kèm theo" for key in {**(inputs or {}), **(claimed or {})}}
    return score_unit(SET, level, inputs, claimed, evidence, today=today)


def findings_of(result, key, code=None):
    return [f for f in result.findings if f.key == key and (code is None or f.code == code)]


def only(result, key, code):
    found = findings_of(result, key)
    assert [f.code for f in found] == [code], [f.message for f in found]
    return found[0]


# -- INPUT_MISSING -------------------------------------------------------------------------------


def test_a_blank_ratio_is_missing_and_scores_nothing():
    result = score({"T03": {"ratio": ""}})
    finding = only(result, "T03", "INPUT_MISSING")
    assert finding.severity == ERROR
    assert finding.name == "T03_ratio"
    assert "chưa nhập" in finding.message and "Tỉ lệ đạt" in finding.message
    row = result.criterion("T03")
    assert row.status == UNSCORED and row.score == 0


def test_a_criterion_left_out_entirely_is_missing():
    result = score_unit(SET, "xa", {})
    assert {f.key for f in result.findings if f.code == "INPUT_MISSING"} >= {"X03", "X11", "X14"}


def test_a_document_not_issued_is_a_warning_and_scores_zero():
    result = score({"T01": {"plan_issued": "31/03/2023"}})
    finding = only(result, "T01", "INPUT_MISSING")
    assert finding.severity == WARNING
    assert finding.name == "T01_report_submitted"
    assert "nếu chưa ban hành, tiêu chí được 0 điểm" in finding.message
    assert result.criterion("T01").score == 0


def test_blank_late_entry_counts_mean_none_not_missing():
    result = score({"H06": {"late_monthly": 1}})
    assert findings_of(result, "H06", "INPUT_MISSING") == []
    assert result.criterion("H06").score == 4


def test_late_entry_counts_all_blank_score_full_but_warn():
    """Phần II.6: no late entry written down means none (5 points), but an untouched block is said."""
    result = score({"H06": {}})
    finding = only(result, "H06", "INPUT_MISSING")
    assert finding.severity == WARNING
    assert "tính như không có lần nào" in finding.message
    assert result.criterion("H06").score == 5


# -- INPUT_OUT_OF_RANGE --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, hint",
    [
        ("75,7", "75,7 > 1: nhập 75,7% hoặc 0,757"),
        (75.7, "75,7 > 1: nhập 75,7% hoặc 0,757"),
        ("90", "90 > 1: nhập 90% hoặc 0,9"),
        ("100", "100 > 1: nhập 100% hoặc 1"),
    ],
)
def test_a_percentage_written_without_the_percent_sign(raw, hint):
    result = score({"H07": {"ratio": raw}})
    finding = only(result, "H07", "INPUT_OUT_OF_RANGE")
    assert finding.severity == ERROR and finding.name == "H07_ratio"
    assert hint in finding.message, finding.message
    assert result.criterion("H07").score == 0  # not scored until corrected


@pytest.mark.parametrize("raw", ["150%", "-5%", "757"])
def test_a_ratio_outside_0_to_100_percent(raw):
    result = score({"H07": {"ratio": raw}})
    finding = only(result, "H07", "INPUT_OUT_OF_RANGE")
    assert "nằm ngoài 0–100%" in finding.message


def test_numerator_above_denominator():
    result = score({"T15": {"numerator": 5, "denominator": 4}})
    finding = only(result, "T15", "INPUT_OUT_OF_RANGE")
    assert finding.name == "T15_numerator"
    assert "tử số 5 lớn hơn mẫu số 4" in finding.message
    assert result.criterion("T15").score == 0


def test_a_negative_count():
    result = score({"T06": {"late_monthly": -1}})
    finding = only(result, "T06", "INPUT_OUT_OF_RANGE")
    assert finding.name == "T06_late_monthly" and "-1 là số âm" in finding.message
    assert result.criterion("T06").status == UNSCORED


def test_more_active_teams_than_teams():
    result = score({"X11": {"active": 8, "total": 7}})
    finding = only(result, "X11", "INPUT_OUT_OF_RANGE")
    assert "số tổ có hoạt động 8 lớn hơn tổng số tổ 7" in finding.message


def test_a_commune_with_no_team():
    result = score({"X11": {"active": 0, "total": 0}})
    finding = only(result, "X11", "INPUT_OUT_OF_RANGE")
    assert "tổng số tổ bằng 0" in finding.message


def test_a_zero_denominator_where_the_decision_has_no_exception():
    result = score({"H14": {"numerator": 0, "denominator": 0}})
    finding = only(result, "H14", "INPUT_OUT_OF_RANGE")
    assert "mẫu số bằng 0" in finding.message
    assert result.criterion("H14").score == 0 and result.max_total == 100


def test_a_date_well_before_the_year():
    result = score({"T01": {"plan_issued": "01/06/2022", "report_submitted": "15/12/2023"}})
    finding = only(result, "T01", "INPUT_OUT_OF_RANGE")
    assert finding.severity == WARNING and finding.name == "T01_plan_issued"
    assert "ngày 01/06/2022 trước năm đánh giá 2023" in finding.message
    assert result.criterion("T01").score == 8  # a warning: scored as written, Sở TTTT checks


def test_a_plan_issued_in_the_last_quarter_before_the_year_is_normal():
    result = score({"T01": {"plan_issued": "20/12/2022", "report_submitted": "15/12/2023"}})
    assert findings_of(result, "T01") == []


def test_a_date_in_the_future():
    inputs = {"T01": {"plan_issued": "31/03/2023", "report_submitted": "15/12/2023"}}
    result = score(inputs, today=date(2023, 12, 1))
    finding = only(result, "T01", "INPUT_OUT_OF_RANGE")
    assert finding.severity == WARNING and finding.name == "T01_report_submitted"
    assert "ngày 15/12/2023 ở tương lai" in finding.message
    assert findings_of(score(inputs, today=date(2023, 12, 15)), "T01") == []
    assert findings_of(score(inputs), "T01") == []  # no `today`: not checked


def test_not_applicable_on_a_criterion_that_has_no_such_case():
    result = score({"T03": {"ratio": "90%", "not_applicable": True}})
    finding = only(result, "T03", "INPUT_OUT_OF_RANGE")
    assert "không có trường hợp “không áp dụng”" in finding.message
    assert result.criterion("T03").score == D("3.79") and result.max_total == 100


# -- claims --------------------------------------------------------------------------------------


def test_claim_mismatch_the_decisions_real_error():
    # the unit wrote "75,7% × 6" and claimed 6: the computed score is 4,54
    result = score({"H07": {"ratio": "75,7%"}}, claimed={"H07": 6})
    finding = only(result, "H07", "CLAIM_MISMATCH")
    assert finding.severity == ERROR and finding.name == "H07_claimed"
    assert finding.message == "H07: điểm tự chấm 6 khác điểm tính 4,54 (chênh 1,46)"
    row = result.criterion("H07")
    assert (row.score, row.claimed, row.difference) == (D("4.54"), D(6), D("1.46"))


@pytest.mark.parametrize("claim", ["4,54", 4.54, "4.54", 4.542, "4,5449"])
def test_a_claim_equal_after_rounding_is_not_a_mismatch(claim):
    result = score({"H07": {"ratio": "75,7%"}}, claimed={"H07": claim})
    assert findings_of(result, "H07") == []


def test_a_claim_below_the_computed_score_is_a_mismatch_too():
    result = score({"H07": {"ratio": "75,7%"}}, claimed={"H07": 4})
    assert "chênh -0,54" in only(result, "H07", "CLAIM_MISMATCH").message


def test_claim_above_max():
    result = score({"T07": {"option": "co"}}, claimed={"T07": 3})
    codes = sorted(f.code for f in findings_of(result, "T07"))
    assert codes == ["CLAIM_ABOVE_MAX", "CLAIM_MISMATCH"]
    finding = findings_of(result, "T07", "CLAIM_ABOVE_MAX")[0]
    assert finding.message == "T07: điểm tự chấm 3 vượt điểm chuẩn 2"


def test_a_claim_for_a_criterion_that_does_not_apply():
    result = score({"T15": {"numerator": 0, "denominator": 0}}, claimed={"T15": 4})
    assert "không áp dụng (hạ điểm chuẩn) nhưng tự chấm 4 điểm" in only_code(result, "T15", "CLAIM_MISMATCH").message


def only_code(result, key, code):
    found = findings_of(result, key, code)
    assert len(found) == 1, [f.message for f in findings_of(result, key)]
    return found[0]


def test_claimed_total_is_the_sum_of_claims():
    result = score({}, claimed={"X01": 6, "X02": "4,5", "X03": None})
    assert result.claimed_total == D("10.5")


# -- evidence, not applicable, types ----------------------------------------------------------------


def test_missing_evidence_for_a_scoring_criterion():
    result = score({"T07": {"option": "co"}}, evidence={})
    finding = only(result, "T07", "MISSING_EVIDENCE")
    assert finding.severity == WARNING and finding.name == "T07_evidence"
    assert "chưa ghi căn cứ" in finding.message


def test_no_evidence_needed_for_zero_points_and_none_when_given():
    assert findings_of(score({"T07": {"option": "khong"}}, evidence={}), "T07") == []
    given = score({"T07": {"option": "co"}}, evidence={"T07": "KH kiểm tra số 20/KH-STTTT"})
    assert findings_of(given, "T07") == []
    blank = score({"T07": {"option": "co"}}, evidence={"T07": "   "})
    assert [f.code for f in findings_of(blank, "T07")] == ["MISSING_EVIDENCE"]


def test_not_applicable_lowers_the_maximum_and_is_a_warning():
    result = score({"T15": {"numerator": 0, "denominator": 0}})
    finding = only(result, "T15", "NOT_APPLICABLE")
    assert finding.severity == WARNING
    assert "hạ điểm chuẩn 4" in finding.message and "Sở TTTT xác nhận" in finding.message
    row = result.criterion("T15")
    assert row.status == NOT_APPLICABLE and row.score is None and row.applicable_max == 0
    assert result.max_total == 96


@pytest.mark.parametrize(
    "key, inputs, name, words",
    [
        ("T03", {"ratio": "chín mươi"}, "T03_ratio", "cần một tỉ lệ như 75,7% hoặc 0,757"),
        ("T01", {"plan_issued": "31/02/2023", "report_submitted": "15/12/2023"}, "T01_plan_issued", "không phải là ngày có thật"),
        ("T01", {"plan_issued": "tháng 3", "report_submitted": "15/12/2023"}, "T01_plan_issued", "dd/mm/yyyy"),
        ("T02", {"option": "thạc sĩ"}, "T02_option", "cần một trong"),
        ("T15", {"numerator": "2,5", "denominator": 4}, "T15_numerator", "cần một số nguyên"),
        ("T06", {"late_monthly": "hai"}, "T06_late_monthly", "cần một số"),
    ],
)
def test_wrong_type(key, inputs, name, words):
    level = {"T": "tinh", "H": "huyen", "X": "xa"}[key[0]]
    result = score_unit(SET, level, {key: inputs})
    finding = only(result, key, "WRONG_TYPE")
    assert finding.severity == ERROR and finding.name == name
    assert words in finding.message, finding.message
    assert result.criterion(key).status == UNSCORED and result.criterion(key).score == 0


def test_a_wrong_type_claim():
    result = score({"T07": {"option": "co"}}, claimed={"T07": "hai điểm"},
                        evidence={"T07": "KH"})  # fmt: skip
    finding = only(result, "T07", "WRONG_TYPE")
    assert finding.name == "T07_claimed" and "Điểm tự chấm" in finding.message


# -- the finding model ------------------------------------------------------------------------------


def test_every_code_has_a_severity_and_a_vietnamese_title():
    for code, entry in CODES.items():
        severity, title = entry.severity, entry.title
        assert severity in (ERROR, WARNING, "info"), code
        assert title and unicodedata.is_normalized("NFC", title)


def test_finding_takes_its_severity_from_the_code_unless_given():
    assert Finding("CLAIM_MISMATCH", "H07", "…").severity == ERROR
    assert Finding("INPUT_OUT_OF_RANGE", "T01", "…", severity=WARNING).severity == WARNING
    with pytest.raises(ValueError):
        Finding("NO_SUCH_CODE", None, "…")


def test_finding_to_dict_and_located():
    finding = Finding("CLAIM_MISMATCH", "H07", "H07: …", name="H07_claimed")
    assert finding.to_dict() == {"code": "CLAIM_MISMATCH", "key": "H07", "message": "H07: …", "severity": ERROR,
                                 "name": "H07_claimed"}  # fmt: skip
    moved = finding.located(cell="'Chấm điểm'!H12")
    assert moved.cell == "'Chấm điểm'!H12" and moved.name == "H07_claimed"


def test_summary_line():
    findings = [Finding("CLAIM_MISMATCH", "H07", "…"), Finding("MISSING_EVIDENCE", "H07", "…")]
    assert count_by_severity(findings) == {ERROR: 1, WARNING: 1, "info": 0}
    assert summary_vn(findings) == "1 lỗi, 1 cảnh báo"
    assert summary_vn([]) == "Không có lỗi"


def test_every_message_is_nfc_vietnamese_and_names_its_criterion():
    inputs = {"T01": {}, "T03": {"ratio": "75,7"}, "T06": {"late_monthly": -1}, "T15": {"numerator": 0, "denominator": 0},
              "T02": {"option": "?"}}  # fmt: skip
    result = score(inputs, claimed={"T07": 9}, today=date(2023, 6, 1))
    assert result.findings
    for finding in result.findings:
        assert unicodedata.is_normalized("NFC", finding.message)
        assert finding.message.startswith(finding.key), finding.message
        assert "\n" not in finding.message


def test_scoring_status_of_a_clean_criterion():
    result = score({"T07": {"option": "co"}}, evidence={"T07": "KH"})
    assert result.criterion("T07").status == SCORED


def test_the_docs_table_of_codes_is_generated_from_the_registry():
    """docs/finding-codes.md is tools/gen_finding_codes.py's output: it fails when a code is added,
    removed or reworded without regenerating the table."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("gen_finding_codes", root / "tools" / "gen_finding_codes.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert (root / "docs" / "finding-codes.md").read_text(encoding="utf-8") == generator.render(), (
        "docs/finding-codes.md is out of date: python3 tools/gen_finding_codes.py")


def test_every_code_the_code_raises_is_registered_and_every_registered_code_is_raised():
    """The registry and the modules agree: no code raised that is not registered (Finding refuses it
    at run time, too late), and no registered code that nothing raises (a documented ghost)."""
    import re
    from pathlib import Path

    from dtscore.findings import CODES

    root = Path(__file__).resolve().parent.parent
    sources = "".join(p.read_text(encoding="utf-8") for folder in ("dtscore", "udfs", "workbook")
                      for p in (root / folder).rglob("*.py") if p.name != "findings.py")
    raised = set(re.findall(r'Finding\(\s*"([A-Z_]+)"', sources))
    assert raised - set(CODES) == set()
    assert set(CODES) - raised == set()
