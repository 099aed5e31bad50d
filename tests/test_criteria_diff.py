"""`dtscore criteria diff`: the draft against the decision lists exactly the five criteria whose
scoring the draft changes; an edited set's changes are each classified as the text reads them."""

import copy

import openpyxl
import pytest
import yaml

from dtscore.cli import main
from dtscore.criteria import load_set, raw_set
from dtscore.criteria_diff import ADDED, CHANGED, REMOVED, diff_sets

# The draft (000_…) writes the late-plan penalty of I.1, II.1, II.2, III.1 and III.2 as
# "Điểm = điểm chuẩn − n (n = n+1, n bắt đầu = 0 và < N)": completed months, capped. Nothing
# else in its scoring differs from the decision (002_…).
DRAFT_SCORING = ["T01", "H01", "H02", "X01", "X02"]


def test_draft_against_decision_lists_the_five_scoring_changes_and_nothing_else():
    d = diff_sets(load_set("soctrang-2023"), load_set("soctrang-2023-draft"))
    assert d.scoring_keys() == DRAFT_SCORING
    assert not d.levels_added and not d.levels_removed
    assert all(c.change == CHANGED for c in d.changes)
    t01 = next(c for c in d.changes if c.key == "T01")
    assert {f.field: f.new for f in t01.fields if f.scoring} == {
        "Quy tắc: Cách đếm tháng trễ (mode)": "completed", "Quy tắc: Số tháng trừ tối đa (max_deduction)": "6"}
    assert d.unchanged == 16 + 15 + 14 - 5


def test_cli_diff_text_and_workbook(tmp_path, capsys):
    out_path = tmp_path / "so-sanh.xlsx"
    assert main(["criteria", "diff", "soctrang-2023", "soctrang-2023-draft", "-o", str(out_path)]) == 0
    text = capsys.readouterr().out
    assert "Tiêu chí thay đổi cách tính điểm (5): T01, H01, H02, X01, X02" in text
    ws = openpyxl.load_workbook(out_path)["So sánh"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    scoring = sorted({r[1] for r in rows if r[4] == "Có" and r[1]})
    assert scoring == sorted(DRAFT_SCORING)


@pytest.fixture
def edited(tmp_path):
    raw = copy.deepcopy(raw_set("soctrang-2023"))
    raw["id"], raw["version"] = "thu-nghiem", "2024.1"
    raw["parameters"]["team_plan_due"]["value"] = raw["parameters"]["team_plan_due"]["value"].replace(year=2024)
    xa = next(lv for lv in raw["levels"] if lv["code"] == "xa")
    by_key = {c["key"]: c for c in xa["criteria"]}
    by_key["X03"]["rule"]["target"] = 0.7          # scoring
    by_key["X04"]["title"] += " (sửa lời)"          # wording only
    by_key["X14"]["rule"]["options"][1]["points"] = 4  # scoring (an option's points) …
    by_key["X14"]["max_points"] = 8
    xa["criteria"].remove(by_key["X13"])            # removed, 5 points …
    xa["criteria"].append({"key": "X15", "title": "Tiêu chí mới", "max_points": 5, "reference": "thử",
                           "rule": {"kind": "ratio_target", "target": 1.0, "input": "counts"}})  # … added, 5 points
    path = tmp_path / "thu-nghiem.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_set(path)


def test_an_edited_set_is_classified_field_by_field(edited):
    d = diff_sets(load_set("soctrang-2023"), edited)
    by_key = {c.key: c for c in d.changes}
    # team_plan_due is read by H02 and X02 (due: plan_issued → team_plan_due): their scores can change
    assert sorted(d.scoring_keys()) == sorted(["H02", "X02", "X03", "X14", "X13", "X15"])
    assert by_key["X13"].change == REMOVED and by_key["X15"].change == ADDED
    assert [(f.field, f.old, f.new) for f in by_key["X03"].fields] == [
        ("Quy tắc: Mục tiêu, tỉ lệ 0–1 (target)", "0,6", "0,7")]
    assert not by_key["X04"].scoring and by_key["X04"].fields[0].field == "Tên tiêu chí"
    option = by_key["X14"].fields[0]
    assert option.field == "Lựa chọn “thiet_thuc”" and option.old.startswith("3 điểm") and option.new.startswith("4 điểm")
    assert any(f.field == "Tham số “team_plan_due”" and f.scoring for f in d.set_fields)
