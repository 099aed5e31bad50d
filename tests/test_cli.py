"""The `dtscore` command line, called in-process: `criteria list`, `criteria show`, `score`, and the
one-line Vietnamese error (and non-zero exit code) for every file a user can get wrong."""

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from dtscore.cli import main
from dtscore.criteria import load_set

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *args):
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def write_input(tmp_path, text, name="don-vi.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- criteria ----------------------------------------------------------------------------------------


def test_criteria_list(capsys):
    code, out, err = run(capsys, "criteria", "list")
    assert code == 0, out + err
    assert "soctrang-2023  2023.1" in out and "soctrang-2023-draft" in out
    assert "tinh (16 tiêu chí, 100 điểm), huyen (15 tiêu chí, 100 điểm), xa (14 tiêu chí, 100 điểm)" in out
    assert "002_c3f48dbb56ee1ba0.txt" in out


def test_criteria_show_huyen_json_is_the_data_dictionary(capsys):
    data = run_json(capsys, "criteria", "show", "soctrang-2023", "--level", "huyen")
    assert (data["set"], data["level"], data["max_total"]) == ("soctrang-2023", "huyen", 100)
    criteria = data["criteria"]
    assert [c["key"] for c in criteria] == [f"H{i:02d}" for i in range(1, 16)]
    assert sum(D(str(c["max_points"])) for c in criteria) == 100
    for c in criteria:
        assert {"key", "title", "max_points", "rule", "reference", "inputs"} <= set(c), c["key"]
        assert c["title"] and c["reference"].startswith("Phần II") and c["rule"]["kind"]
        for spec in c["inputs"]:
            assert {"name", "type", "label"} <= set(spec)
            assert spec["type"] in {"date", "ratio", "count", "number", "choice"}
            if spec["type"] == "choice":
                assert spec["options"] and all({"code", "label", "points"} <= set(o) for o in spec["options"])
    by_key = {c["key"]: c for c in criteria}
    assert [s["name"] for s in by_key["H01"]["inputs"]] == ["plan_issued", "report_submitted"]
    assert [s["name"] for s in by_key["H06"]["inputs"]] == ["late_monthly", "late_quarterly", "late_semiannual", "late_annual"]
    assert by_key["H04"]["rule"] == {"kind": "ratio_target", "target": 0.8}
    options = by_key["H15"]["inputs"][0]["options"]
    assert [(o["code"], o["points"]) for o in options] == [("phong_trao", 8), ("thiet_thuc", 3), ("chua_thiet_thuc", 1), ("khong", 0)]


def test_criteria_show_every_level_json(capsys):
    data = run_json(capsys, "criteria", "show", "soctrang-2023")
    assert [(lv["level"], len(lv["criteria"])) for lv in data] == [("tinh", 16), ("huyen", 15), ("xa", 14)]
    t13 = next(c for c in data[0]["criteria"] if c["key"] == "T13")
    assert [(o["code"], o["points"]) for o in t13["inputs"][0]["options"]] == [("to_chuc", 5), ("phoi_hop", 3), ("khong", 0)]


def test_criteria_show_text(capsys):
    code, out, _ = run(capsys, "criteria", "show", "soctrang-2023", "--level", "xa")
    assert code == 0
    assert "== Đơn vị cấp xã (xa) — 100 điểm ==" in out
    assert "X11_active (count) Số tổ có hoạt động" in out
    assert "X14_option (choice)" in out and "phong_trao=8" in out


def test_criteria_show_a_set_file_by_path(capsys):
    data = run_json(capsys, "criteria", "show", ROOT / "tests" / "data" / "soctrang-2023-1-chu-so.yaml", "--level", "tinh")
    assert data["set"] == "soctrang-2023-1-chu-so" and len(data["criteria"]) == 16


# -- score -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_score_every_example(capsys, example):
    data = run_json(capsys, "score", example)
    level = load_set(data["criteria_set"]).level(data["level"])
    if any(c.is_group for c in level.criteria) or level.max_total != 100:  # issue 7's hierarchical sets
        top = {c.key for c in level.criteria}  # a group's row already holds its children's sum
        scores = [D(str(c["score"])) for c in data["criteria"] if c["score"] is not None and c["key"] in top]
        assert D(str(data["total"])) == sum(scores) and D(str(data["max_total"])) <= level.max_total
        assert len(data["criteria"]) == len(list(level.walk()))
    else:
        scores = [D(str(c["score"])) for c in data["criteria"] if c["score"] is not None]
        assert D(str(data["total"])) == sum(scores)
        assert D(str(data["max_total"])) == 100 and D(str(data["total_100"])) == D(str(data["total"]))
        assert len(data["criteria"]) == {"tinh": 16, "huyen": 15, "xa": 14}[data["level"]]
    for c in data["criteria"]:
        assert {"key", "max_points", "score", "claimed", "difference"} <= set(c)
        if c["claimed"] is not None:
            assert D(str(c["difference"])) == D(str(c["claimed"])) - D(str(c["score"]))
    for f in data["findings"]:
        assert {"key", "severity", "code", "message"} <= set(f)


def test_score_huyen_example_finds_the_real_error(capsys):
    data = run_json(capsys, "score", ROOT / "examples" / "huyen-chau-thanh.yaml")
    h07 = next(c for c in data["criteria"] if c["key"] == "H07")
    assert (h07["max_points"], h07["score"], h07["claimed"], h07["difference"]) == (6, 4.54, 6, 1.46)
    mismatches = [f for f in data["findings"] if f["code"] == "CLAIM_MISMATCH"]
    assert {f["key"] for f in mismatches} == {"H01", "H07"}
    h07_finding = next(f for f in mismatches if f["key"] == "H07")
    assert h07_finding["severity"] == "error"
    assert h07_finding["message"] == "H07: điểm tự chấm 6 khác điểm tính 4,54 (chênh 1,46)"
    assert (data["total"], data["claimed_total"]) == (88.99, 91.45)
    assert data["unit"] == {"code": "H-CT", "name": "UBND huyện Châu Thành"}


def test_score_takes_many_files_and_goes_on_past_a_bad_one(capsys, tmp_path):
    bad = tmp_path / "hong.yaml"
    bad.write_text("criteria_set: [\n", encoding="utf-8")
    files = [ROOT / "examples" / "huyen-chau-thanh.yaml", bad, ROOT / "examples" / "xa-phuong-1.yaml"]
    code, out, err = run(capsys, "score", *files, "--json")
    data = json.loads(out)
    assert code == 2 and [Path(d["file"]).name for d in data] == ["huyen-chau-thanh.yaml", "hong.yaml", "xa-phuong-1.yaml"]
    assert (data[0]["total"], data[0]["claimed_total"]) == (88.99, 91.45)  # the same figures as alone
    assert "error" in data[1] and "hong.yaml" in err and data[2]["level"] == "xa"
    code, out, _ = run(capsys, "score", files[0], files[2])
    assert code == 0 and "Đơn vị: UBND huyện Châu Thành (H-CT)" in out and "Đã chấm 2 tệp: 2 chấm được." in out


def test_score_text_report_is_vietnamese(capsys):
    code, out, _ = run(capsys, "score", ROOT / "examples" / "huyen-chau-thanh.yaml")
    assert code == 0
    assert "Đơn vị: UBND huyện Châu Thành (H-CT)" in out
    assert "Tổng điểm tính: 88,99 / 100" in out and "Tổng điểm tự chấm: 91,45" in out
    assert "Kết quả kiểm tra: 2 lỗi, 0 cảnh báo" in out
    assert "[lỗi] Điểm tự chấm khác điểm tính: H07: điểm tự chấm 6 khác điểm tính 4,54 (chênh 1,46)" in out


def test_score_accepts_percent_strings_and_vietnamese_dates(tmp_path, capsys):
    path = write_input(tmp_path, """\
criteria_set: soctrang-2023
level: tinh
unit: {code: T-TN, name: Đơn vị thử}
inputs:
  T01: {plan_issued: 01/04/2023, report_submitted: "15/12/2023"}
  T03: {ratio: "90%"}
  T05: {ratio: "97.5%"}
  T08: {ratio: "96,2 %"}
  T09: {ratio: 0.98}
  T15: {numerator: 0, denominator: 0}
claimed: {T01: 7, T03: "3,79"}
evidence: {T01: "KH số 1", T03: "Cổng DVC"}
""")
    data = run_json(capsys, "score", path)
    scores = {c["key"]: c["score"] for c in data["criteria"]}
    assert (scores["T01"], scores["T03"], scores["T05"], scores["T08"], scores["T09"]) == (7, 3.79, 9.75, 9.62, 5.88)
    assert scores["T15"] is None and data["max_total"] == 96
    assert not [f for f in data["findings"] if f["key"] in ("T01", "T03")]
    assert [f["code"] for f in data["findings"] if f["key"] == "T15"] == ["NOT_APPLICABLE"]
    # total_100 = total / 96 × 100, rounded half-up to 2 decimals
    assert D(str(data["total_100"])) == (D(str(data["total"])) * 100 / 96).quantize(D("0.01"), "ROUND_HALF_UP")


def test_score_with_the_units_own_due_date(tmp_path, capsys):
    path = write_input(tmp_path, """\
criteria_set: soctrang-2023
level: xa
parameters: {plan_due: 30/04/2023}
inputs:
  X01: {plan_issued: 30/04/2023, report_submitted: 15/12/2023}
""")
    data = run_json(capsys, "score", path)
    assert next(c for c in data["criteria"] if c["key"] == "X01")["score"] == 8


# -- errors: one Vietnamese line, non-zero exit ------------------------------------------------------------


def assert_one_line_error(code, out, err, *words):
    assert code != 0
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Lỗi: ") and "Traceback" not in err
    for word in words:
        assert word in lines[0], lines[0]


GOOD_HEAD = "criteria_set: soctrang-2023\nlevel: huyen\n"
CCHC_HEAD = "criteria_set: soctrang-sotttt-cchc-2022\nlevel: so\nunit: {code: S01, name: Sở A}\n"


@pytest.mark.parametrize(
    "text, words",
    [
        ("criteria_set: soctrang-2023\nlevel: huyen\ninputs: [\n", ["YAML không hợp lệ ở dòng"]),
        ("criteria_set: soctrang-2023\nlevel: huyen\nlevel: xa\n", ["khóa “level” bị lặp"]),
        ("- một\n- hai\n", ["tệp phải là một bảng"]),
        ("criteria_set: soctrang-2099\nlevel: huyen\n", ["Không tìm thấy bộ tiêu chí “soctrang-2099”", "soctrang-2023"]),
        ("criteria_set: soctrang-2023\nlevel: phuong\n", ["không có cấp “phuong”", "tinh, huyen, xa"]),
        ("level: huyen\n", ["thiếu “criteria_set”"]),
        (GOOD_HEAD + "inputs: {H16: {ratio: 90%}}\n", ["không có tiêu chí H16 ở cấp huyen"]),
        (GOOD_HEAD + "claimed: {T07: 2}\n", ["claimed", "không có tiêu chí T07"]),
        (GOOD_HEAD + "inputs: {H07: {rate: 90%}}\n", ["inputs.H07", "không có số liệu rate"]),
        (GOOD_HEAD + "inputs: {H07: 90%}\n", ["inputs.H07", "phải là một bảng"]),
        (GOOD_HEAD + "scores: {}\n", ["khóa không hợp lệ scores"]),
        (CCHC_HEAD + "inputs: {C4.1: {not_applicable: true}}\n", ["inputs.C4.1", "nhóm tiêu chí không thể chuyển"]),
        (CCHC_HEAD + "inputs: {C4.1.1: {option: a}}\n", ["inputs.C4.1.1", "không có số liệu option (cần: not_applicable)"]),
        (GOOD_HEAD + "parameters: {han_nop: 2023-03-31}\n", ["parameters.han_nop", "không có tham số này"]),
        (GOOD_HEAD + "parameters: {plan_due: 31/02/2023}\n", ["parameters.plan_due", "không phải là ngày có thật"]),
    ],
)
def test_score_bad_input_files(tmp_path, capsys, text, words):
    path = write_input(tmp_path, text)
    assert_one_line_error(*run(capsys, "score", path), *words)


def test_score_a_group_switched_not_applicable(tmp_path, capsys):
    """A group whose criteria may all be not applicable (C4.1.1, 0,5 points: C4.1.1.1 and C4.1.1.2, 0,25
    each) is switched in an input file as in a workbook: the group and both criteria not applicable,
    their points out of the maximum (100 − 0,5 = 99,5)."""
    path = write_input(tmp_path, CCHC_HEAD + "inputs: {C4.1.1: {not_applicable: true}}\n")
    result = run_json(capsys, "score", path)
    rows = {row["key"]: row for row in result["criteria"]}
    assert [(rows[k]["status"], rows[k]["applicable_max"]) for k in ("C4.1.1", "C4.1.1.1", "C4.1.1.2")] == [
        ("not_applicable", 0)] * 3
    assert result["max_total"] == 99.5
    assert run_json(capsys, "score", write_input(tmp_path, CCHC_HEAD, "khong-chuyen.yaml"))["max_total"] == 100


def test_score_a_missing_file(tmp_path, capsys):
    assert_one_line_error(*run(capsys, "score", tmp_path / "khong-co.yaml"), "khong-co.yaml", "không tìm thấy tệp")


def test_score_a_folder(tmp_path, capsys):
    assert_one_line_error(*run(capsys, "score", tmp_path), "thư mục")


def test_score_a_file_that_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "don-vi.yaml"
    path.write_bytes("level: huyen\nunit: {name: Châu Thành}\n".encode("cp1252"))
    assert_one_line_error(*run(capsys, "score", path), "UTF-8")


def test_criteria_show_unknown_set_and_level(capsys):
    assert_one_line_error(*run(capsys, "criteria", "show", "soctrang-2099"), "Không tìm thấy bộ tiêu chí")
    assert_one_line_error(*run(capsys, "criteria", "show", "soctrang-2023", "--level", "phuong"), "không có cấp “phuong”")


def test_no_command_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code != 0 and "dtscore" in out
