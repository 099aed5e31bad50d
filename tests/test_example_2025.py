"""The worked 2025 example: the 2023 criteria as a data patch for two-level local government
(no district level, 2025 due dates as parameters), marked as an example everywhere an official
looks; the Cần Thơ units, templates, a demo inbox and its consolidation."""

from datetime import date

import openpyxl

from dtscore.adminunits import build_units, units_csv
from dtscore.cli import main
from dtscore.criteria import load_set
from dtscore.criteria_diff import CHANGED, REMOVED, diff_sets
from dtscore.demo2025 import SUBMITTING, run_example

EXAMPLE = "vidu-2025-hai-cap"


def test_the_example_is_the_2023_set_without_districts_and_says_it_is_an_example():
    cs, base = load_set(EXAMPLE), load_set("soctrang-2023")
    assert list(cs.levels) == ["tinh", "xa"] and cs.year == 2025
    for text in (cs.title, cs.heading, cs.source["document"], cs.note):
        assert "VÍ DỤ" in text.upper() and "CHÍNH THỨC" in text.upper()
    assert {n: p.value for n, p in cs.parameters.items()} == {
        "plan_due": date(2025, 3, 31), "report_due": date(2025, 12, 15),
        "team_plan_due": date(2025, 3, 31), "team_report_due": date(2025, 12, 15)}
    d = diff_sets(base, cs)
    assert d.levels_removed == ["huyen"]
    assert sorted(c.key for c in d.changes if c.change == REMOVED) == [f"H{n:02d}" for n in range(1, 16)]
    # nothing else differs but the due dates the late-plan criteria read
    changed = {c.key: {f.field for f in c.fields} for c in d.changes if c.change == CHANGED}
    assert changed == {"T01": {"Tham số “plan_due” mà quy tắc dùng", "Tham số “report_due” mà quy tắc dùng"},
                       "X01": {"Tham số “plan_due” mà quy tắc dùng", "Tham số “report_due” mà quy tắc dùng"},
                       "X02": {"Tham số “team_plan_due” mà quy tắc dùng", "Tham số “team_report_due” mà quy tắc dùng"}}


def test_the_example_year_for_can_tho(tmp_path):
    paths, cons = run_example(tmp_path / "vi-du", workers=1, progress=False, echo=lambda *a: None)
    _, units = build_units("Cần Thơ")
    assert paths.units.read_bytes() == ("\ufeff" + units_csv(units)).encode("utf-8")  # read back as written, unchanged
    templates = sorted(paths.templates.glob("*.xlsx"))
    assert len(templates) == 103
    ws = openpyxl.load_workbook(templates[0]).worksheets[0]
    assert any("VÍ DỤ" in str(c.value) for row in ws.iter_rows(max_row=6) for c in row if c.value)
    (group,) = cons.groups
    assert group.level.code == "xa" and group.cs.id == EXAMPLE
    assert len(group.entries) == SUBMITTING and len(group.ranked) == SUBMITTING
    assert len(cons.missing) == 103 - SUBMITTING
    assert paths.result.exists()


def test_demo_option(tmp_path, capsys):
    assert main(["demo", "--vi-du-2025", "-o", str(tmp_path / "d"), "--no-progress", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "103 xã, phường của Thành phố Cần Thơ" in out and f"{103 - SUBMITTING} chưa nộp" in out
