"""The criteria files themselves: every built-in set loads; soctrang-2023 says what the decision
says (checked against the reference text); the draft differs only where the draft does; and the
strict loader refuses bad files with a CriteriaError naming the file and the key."""

import copy
import unicodedata
from datetime import date
from decimal import Decimal as D

import pytest
import yaml

from dtscore.criteria import BUILTIN_DIR, available_sets, load_set
from dtscore.errors import CriteriaError, DtscoreError
from dtscore.rules import RULE_KINDS
from tests.reference import reference_text

DECISION = "002_c3f48dbb56ee1ba0.txt"  # shared/reference: the Sóc Trăng 2023 decision

# Transcribed by hand from the decision (Phần I–III): key → (điểm chuẩn, rule kind, target/threshold)
DECISION_TABLE = {
    "tinh": {
        "T01": (8, "late_months", None), "T02": (5, "choice", None), "T03": (4, "ratio_target", "0.95"),
        "T04": (10, "ratio_target", "0.9"), "T05": (10, "ratio_target", "1"), "T06": (5, "late_entries", None),
        "T07": (2, "choice", None), "T08": (10, "ratio_target", "1"), "T09": (6, "ratio_target", "1"),
        "T10": (6, "ratio_target", "1"), "T11": (6, "ratio_target", "1"), "T12": (6, "ratio_target", "1"),
        "T13": (5, "choice", None), "T14": (5, "threshold_gate", "0.5"), "T15": (4, "ratio_target", "1"),
        "T16": (8, "choice", None),
    },
    "huyen": {
        "H01": (8, "late_months", None), "H02": (5, "late_months", None), "H03": (5, "choice", None),
        "H04": (10, "ratio_target", "0.8"), "H05": (10, "ratio_target", "1"), "H06": (5, "late_entries", None),
        "H07": (6, "ratio_target", "1"), "H08": (10, "ratio_target", "1"), "H09": (6, "ratio_target", "1"),
        "H10": (6, "ratio_target", "1"), "H11": (6, "ratio_target", "1"), "H12": (6, "ratio_target", "1"),
        "H13": (5, "ratio_target", "0.5"), "H14": (4, "ratio_target", "1"), "H15": (8, "choice", None),
    },
    "xa": {
        "X01": (8, "late_months", None), "X02": (5, "late_months", None), "X03": (10, "ratio_target", "0.6"),
        "X04": (10, "ratio_target", "1"), "X05": (6, "ratio_target", "1"), "X06": (10, "ratio_target", "1"),
        "X07": (6, "ratio_target", "1"), "X08": (6, "ratio_target", "1"), "X09": (6, "ratio_target", "1"),
        "X10": (6, "ratio_target", "1"), "X11": (8, "all_or_nothing", None), "X12": (6, "ratio_target", "0.3"),
        "X13": (5, "ratio_target", "0.5"), "X14": (8, "choice", None),
    },
}  # fmt: skip

# Choice points as the decision writes them ("Điểm = 5", "điểm chuẩn - 2", …; "khong" = 0 is implied)
DECISION_CHOICES = {
    "staffing": ({"T02", "H03"}, {"dai_hoc": 5, "trung_cap_cao_dang": 4, "dat_chuan": 3, "khong": 0}),
    "inspection": ({"T07"}, {"co": 2, "khong": 0}),
    "online_support": ({"T13"}, {"to_chuc": 5, "phoi_hop": 5 - 2, "khong": 0}),
    "dt_day": ({"T16", "H15", "X14"}, {"phong_trao": 8, "thiet_thuc": 3, "chua_thiet_thuc": 1, "khong": 0}),
}


def _all_criteria(cs):
    for level in cs.levels.values():
        yield from level.walk()


# -- every built-in set ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", available_sets())
def test_every_builtin_set_loads_and_is_consistent(name):
    cs = load_set(name)
    assert cs.id == name and cs.version and cs.title and cs.levels
    assert 0 <= cs.decimals <= 6
    for level in cs.levels.values():
        assert sum(c.max_points for c in level.criteria) == level.max_total
        keys = [c.key for c in level.walk()]
        assert len(keys) == len(set(keys))
    for crit in _all_criteria(cs):
        assert crit.title.strip(), crit.key
        assert crit.reference.strip(), crit.key
        assert unicodedata.is_normalized("NFC", crit.title), crit.key
        if not crit.is_group:
            assert crit.kind in RULE_KINDS, (crit.key, crit.kind)
            assert crit.inputs, crit.key


@pytest.mark.parametrize("path", sorted(BUILTIN_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_criteria_file_is_nfc_utf8_text(path):
    text = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text), "lưu tệp ở dạng Unicode NFC (dựng sẵn)"


# -- soctrang-2023 against the decision -----------------------------------------------------------------


SET = load_set("soctrang-2023")


@pytest.mark.parametrize("level_code, count, prefix", [("tinh", 16, "T"), ("huyen", 15, "H"), ("xa", 14, "X")])
def test_levels_of_the_decision(level_code, count, prefix):
    level = SET.level(level_code)
    keys = [c.key for c in level.criteria]
    assert keys == [f"{prefix}{i:02d}" for i in range(1, count + 1)]
    assert level.max_total == 100
    assert sum(c.max_points for c in level.criteria) == 100
    assert all(not c.is_group for c in level.criteria)


@pytest.mark.parametrize("level_code", DECISION_TABLE)
def test_points_rule_kinds_and_targets_match_the_decision(level_code):
    for crit in SET.level(level_code).criteria:
        top, kind, target = DECISION_TABLE[level_code][crit.key]
        assert crit.max_points == top, crit.key
        assert crit.kind == kind, crit.key
        if target is not None:
            assert D(str(crit.rule.get("target", crit.rule.get("threshold")))) == D(target), crit.key


def test_choice_points_match_the_decision():
    seen = set()
    for keys, points in DECISION_CHOICES.values():
        for key in keys:
            crit = SET.level({"T": "tinh", "H": "huyen", "X": "xa"}[key[0]]).find(key)
            got = {o.code: o.points for o in crit.input("option").options}
            assert got == {code: D(p) for code, p in points.items()}, key
            seen.add(key)
    choice_keys = {c.key for c in _all_criteria(SET) if c.kind == "choice"}
    assert choice_keys == seen


def _normalised_decision() -> str:
    text = " ".join(reference_text(DECISION).split())
    # two printing artefacts the set's notes document: the footnote marker of T04 ("công việc1")
    # and the doubled bullets of H04's method ("- - ")
    return text.replace("hồ sơ công việc1 ", "hồ sơ công việc ").replace("- - ", "- ")


def test_titles_methods_and_evidence_are_the_decisions_words():
    decision = _normalised_decision()
    for crit in _all_criteria(SET):
        for field in ("title", "method", "evidence"):
            words = " ".join(getattr(crit, field).split())
            assert words and words in decision, f"{crit.key}.{field}: “{words[:80]}…” không có trong Quyết định"


def test_late_months_criteria_name_date_parameters():
    for crit in _all_criteria(SET):
        if crit.kind == "late_months":
            assert set(crit.rule["due"]) == {"plan_issued", "report_submitted"}
            for param in crit.rule["due"].values():
                assert isinstance(SET.parameters[param].value, date)
    assert SET.parameters["plan_due"].value == date(2023, 3, 31)
    assert SET.parameters["report_due"].value == date(2023, 12, 15)  # Điều 2 khoản 1: 15/12 hằng năm


def test_notes_and_parameter_labels_are_vietnamese():
    # notes may be shown to officials: Vietnamese, so at least one Vietnamese letter each
    vietnamese = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
    texts = [c.note for c in _all_criteria(SET) if c.note] + [p.note for p in SET.parameters.values() if p.note]
    texts += [p.label for p in SET.parameters.values()]
    assert texts
    for text in texts:
        assert set(text.lower()) & vietnamese, text
        assert "The decision" not in text and " is " not in text, text


def test_t15_alone_may_be_not_applicable():
    assert [c.key for c in _all_criteria(SET) if c.allow_not_applicable] == ["T15"]


# -- the draft: a yearly revision is a data change ---------------------------------------------------


def test_draft_differs_from_the_decision_only_in_the_late_months_rules():
    draft = load_set("soctrang-2023-draft")
    assert draft.extends == "soctrang-2023"
    assert list(draft.levels) == list(SET.levels)
    changed = []
    for level_code, level in SET.levels.items():
        ours = {c.key: c for c in draft.level(level_code).walk()}
        assert list(ours) == [c.key for c in level.walk()]
        for crit in level.walk():
            other = ours[crit.key]
            same = ("title", "max_points", "method", "evidence", "allow_not_applicable", "inputs")
            for field in same:
                assert getattr(other, field) == getattr(crit, field), (crit.key, field)
            if other.rule != crit.rule:
                assert crit.kind == other.kind == "late_months", crit.key
                assert (crit.rule.get("mode", "started"), other.rule["mode"]) == ("started", "completed")
                assert other.rule["due"] == crit.rule["due"]
                assert "max_deduction" not in crit.rule
                changed.append((crit.key, other.rule["max_deduction"]))
    # "n < 7" → at most 6 for T01, "n < 8" → 7 for H01 and X01, "n < 5" → 4 for H02 and X02
    assert changed == [("T01", 6), ("H01", 7), ("H02", 4), ("X01", 7), ("X02", 4)]
    assert draft.decimals == SET.decimals and draft.parameters == SET.parameters


# -- the strict loader ------------------------------------------------------------------------------

MINIMAL = {
    "id": "thu-nghiem",
    "version": "1",
    "title": "Bộ tiêu chí thử nghiệm",
    "year": 2023,
    "parameters": {"plan_due": {"value": date(2023, 3, 31), "label": "Hạn ban hành Kế hoạch"}},
    "levels": [
        {
            "code": "xa",
            "max_total": 10,
            "criteria": [
                {"key": "A01", "title": "Kế hoạch", "max_points": 4, "reference": "mục 1",
                 "rule": {"kind": "late_months", "due": {"plan_issued": "plan_due"}}},
                {"key": "A02", "title": "Tỉ lệ", "max_points": 6, "reference": "mục 2",
                 "rule": {"kind": "ratio_target", "target": 0.9}},
            ],
        }
    ],
}  # fmt: skip


def write(tmp_path, data, name="thu-nghiem"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def mutated(change):
    data = copy.deepcopy(MINIMAL)
    change(data)
    return data


def crit(data, index):
    return data["levels"][0]["criteria"][index]


def test_the_minimal_set_loads(tmp_path):
    cs = load_set(write(tmp_path, MINIMAL))
    assert [c.key for c in cs.level("xa").criteria] == ["A01", "A02"]


@pytest.mark.parametrize(
    "change, key, words",
    [
        (lambda d: d.update(colour="đỏ"), None, "trường không hợp lệ colour"),
        (lambda d: d["levels"][0].update(pages=3), "levels.xa", "trường không hợp lệ pages"),
        (lambda d: crit(d, 1).update(points=6), "A02", "trường không hợp lệ points"),
        (lambda d: d["parameters"]["plan_due"].update(unit="ngày"), "parameters.plan_due", "trường không hợp lệ unit"),
        (lambda d: crit(d, 1).update(max_points=5), "levels.xa", "tổng điểm chuẩn các tiêu chí là 9, khác max_total 10"),
        (lambda d: d["levels"][0].update(max_total=100), "levels.xa", "khác max_total 100"),
        (lambda d: crit(d, 1)["rule"].update(kind="ratio"), "A02.rule.kind", "loại quy tắc “ratio” không tồn tại"),
        (lambda d: crit(d, 1)["rule"].pop("target"), "A02.rule", "quy tắc ratio_target thiếu tham số target"),
        (lambda d: crit(d, 1)["rule"].update(goal=1), "A02.rule", "không có tham số goal"),
        (lambda d: crit(d, 1)["rule"].update(target=95), "A02.rule.target", "trong khoảng (0; 1]"),
        (lambda d: crit(d, 1)["rule"].update(input="count"), "A02.rule.input", "counts"),
        (lambda d: crit(d, 1).pop("rule"), "A02", "thiếu quy tắc tính điểm"),
        (lambda d: crit(d, 1).pop("title"), "A02.title", "thiếu tên tiêu chí"),
        (lambda d: crit(d, 1).pop("reference"), "A02.reference", "thiếu tham chiếu"),
        (lambda d: crit(d, 1).update(max_points="sáu"), "A02.max_points", "phải là số"),
        (lambda d: crit(d, 1).update(key="A01"), "A01", "key bị trùng"),
        (lambda d: crit(d, 0)["rule"]["due"].update(plan_issued="han_ke_hoach"), "A01.rule.due.plan_issued",
         "không có tham số “han_ke_hoach”"),
        (lambda d: crit(d, 0)["rule"].pop("due"), "A01.rule", "thiếu tham số due"),
        (lambda d: crit(d, 0)["rule"].update(mode="rounded"), "A01.rule.mode", "mode phải là"),
        (lambda d: crit(d, 0)["rule"].update(max_deduction="sáu"), "A01.rule.max_deduction", "số nguyên"),
        (lambda d: d["parameters"]["plan_due"].update(value="31/03/2023"), "parameters.plan_due", "phải là một ngày"),
        (lambda d: d["parameters"]["plan_due"].pop("value"), "parameters.plan_due", "thiếu “value”"),
        (lambda d: d.pop("version"), "version", "thiếu trường bắt buộc"),
        (lambda d: d.update(id="khac"), "id", "phải trùng tên tệp"),
        (lambda d: d.update(decimals=9), "decimals", "từ 0 đến 6"),
        (lambda d: d["levels"][0].update(criteria=[]), "levels.xa", "không có tiêu chí nào"),
        (lambda d: crit(d, 1).update(source_quality="uncertain"), "A02", "cần “note”"),
        (lambda d: crit(d, 1).update(rule={"kind": "late_entries", "deductions": {"late_weekly": 0.1}}),
         "A02.rule.deductions", "không có late_weekly"),
        (lambda d: crit(d, 1).update(rule={"kind": "choice", "options": [
            {"code": "co", "label": "Có", "points": 6}, {"code": "co", "label": "Có nữa", "points": 1}]}),
         "A02.rule.options", "mỗi lựa chọn cần một “code” riêng"),
        (lambda d: crit(d, 1).update(rule={"kind": "choice", "options": [{"code": "co", "label": "Có", "points": 7}]}),
         "A02.rule", "điểm 7 nằm ngoài [0; 6]"),
    ],
)  # fmt: skip
def test_the_strict_loader_names_file_and_key(tmp_path, change, key, words):
    path = write(tmp_path, mutated(change))
    with pytest.raises(CriteriaError) as exc:
        load_set(path)
    assert exc.value.file == str(path.resolve())
    assert exc.value.key == key
    assert words in str(exc.value)
    assert str(exc.value).startswith(f"{path.resolve()}: {key + ': ' if key else ''}")
    assert "\n" not in str(exc.value)


def test_duplicate_yaml_keys_are_refused(tmp_path):
    path = tmp_path / "thu-nghiem.yaml"
    text = yaml.safe_dump(MINIMAL, allow_unicode=True, sort_keys=False)
    line = next(line for line in text.splitlines() if line.strip() == "max_points: 6")
    path.write_text(text.replace(line + "\n", line + "\n" + line.replace("6", "5") + "\n"), encoding="utf-8")
    with pytest.raises(CriteriaError) as exc:
        load_set(path)
    assert exc.value.file == str(path.resolve())
    assert "khóa “max_points” bị lặp" in str(exc.value) and "dòng" in str(exc.value)


def test_invalid_yaml_is_one_vietnamese_line(tmp_path):
    path = tmp_path / "thu-nghiem.yaml"
    path.write_text("id: thu-nghiem\nlevels: [\n", encoding="utf-8")
    with pytest.raises(CriteriaError) as exc:
        load_set(path)
    assert "YAML không hợp lệ ở dòng" in str(exc.value) and "\n" not in str(exc.value)


def test_a_file_that_is_not_a_mapping(tmp_path):
    path = tmp_path / "thu-nghiem.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(CriteriaError, match="tệp phải là một bảng"):
        load_set(path)


def test_an_unknown_set_lists_the_known_ones():
    with pytest.raises(DtscoreError) as exc:
        load_set("soctrang-2099")
    assert "Không tìm thấy bộ tiêu chí “soctrang-2099”" in str(exc.value) and "soctrang-2023" in str(exc.value)


def test_an_extends_patch_file(tmp_path):
    """Next year's set as a patch: only what changed, the rest inherited."""
    write(tmp_path, MINIMAL)
    patch = {"id": "thu-nghiem-2024", "extends": str(tmp_path / "thu-nghiem.yaml"), "version": "2", "year": 2024,
             "decimals": 1, "parameters": {"plan_due": {"value": date(2024, 3, 31), "label": "Hạn 2024"}},
             "patch": {"A02": {"rule": {"kind": "ratio_target", "target": 0.95}}}}  # fmt: skip
    cs = load_set(write(tmp_path, patch, "thu-nghiem-2024"))
    assert (cs.year, cs.decimals, cs.extends) == (2024, 1, str(tmp_path / "thu-nghiem.yaml"))
    assert cs.parameters["plan_due"].value == date(2024, 3, 31)
    assert cs.level("xa").find("A02").rule["target"] == 0.95
    assert cs.level("xa").find("A01").title == "Kế hoạch"
    assert cs.fingerprint != load_set(tmp_path / "thu-nghiem.yaml").fingerprint


@pytest.mark.parametrize(
    "patch, key, words",
    [
        ({"A09": {"max_points": 1}}, "patch.A09", "không có tiêu chí này"),
        ({"A02": 5}, "patch.A02", "phải là một bảng"),
        ({"A02": {"colour": "đỏ"}}, "A02", "trường không hợp lệ colour"),
        ({"A02": {"max_points": 7}}, "levels.xa", "khác max_total 10"),
    ],
)
def test_a_bad_patch_names_the_key(tmp_path, patch, key, words):
    write(tmp_path, MINIMAL)
    data = {"id": "vá", "extends": str(tmp_path / "thu-nghiem.yaml"), "version": "2", "patch": patch}
    with pytest.raises(CriteriaError) as exc:
        load_set(write(tmp_path, data, "vá"))
    assert exc.value.key == key and words in str(exc.value)


def test_patch_without_extends_and_circular_extends(tmp_path):
    with pytest.raises(CriteriaError, match="chỉ dùng “patch” cùng với “extends”"):
        load_set(write(tmp_path, {**MINIMAL, "patch": {}}))
    write(tmp_path, {"id": "a", "extends": str(tmp_path / "b.yaml"), "version": "1"}, "a")
    write(tmp_path, {"id": "b", "extends": str(tmp_path / "a.yaml"), "version": "1"}, "b")
    with pytest.raises(CriteriaError, match="kế thừa vòng tròn"):
        load_set(tmp_path / "a.yaml")
