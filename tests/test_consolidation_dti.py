"""Consolidating eight generated districts on the district DTI set (bacgiang-dti-huyen-2024):
real templates from workbook.builder.build_template, filled through their defined names, read
back by dtscore.consolidation.consolidate. The Min-Max indicators (3.3, 4.7, 8.5, 8.6), pending in
each district's own workbook, must be filled across the districts, by the formula of the source
((x − min) ÷ (max − min) × maximum; all equal → maximum) computed here in fractions, and added into
each district's pillars, total and index. With LibreOffice, the same workbooks recalculated by a
spreadsheet program must show exactly what the engine computes."""

import math
import random
from decimal import Decimal as D
from fractions import Fraction as F

import pytest
from openpyxl import load_workbook

from dtscore import consolidation
from dtscore.criteria import load_set
from dtscore.scoring import PENDING, SCORED, UNSCORED, score_unit
from dtscore.workbook import builder

SET_ID, LEVEL = "bacgiang-dti-huyen-2024", "huyen"
DISTRICTS = 8
# Min-Max values per district: D3.3 platforms (spread, a tie at the top), D4.7 all equal,
# D8.5 shares, D8.6 shares with district 6 leaving it blank.
MINMAX = {
    "D3.3": [3, 5, 9, 2, 9, 4, 7, 6],
    "D4.7": [D("0.25")] * DISTRICTS,
    "D8.5": [D("0.0042"), D("0.0010"), D("0.0035"), D("0.0061"), D("0.0010"), D("0.0025"), D("0.0050"), D("0.0033")],
    "D8.6": [D("0.003"), D("0.001"), D("0.002"), D("0.004"), D("0.0025"), None, D("0.0015"), D("0.0035")],
}
MAXIMUM = {"D3.3": 25, "D4.7": 15, "D8.5": 20, "D8.6": 20}
BLANK_D86 = 5  # the district (0-based) without a D8.6 value


def half_up(x: F, digits: int) -> F:
    scale = 10**digits
    return F(math.floor(x * scale + F(1, 2)), scale)


def district_inputs(cs, i) -> dict:
    """{defined name: cell value} for district i: values of the kind each rule takes, a few on the
    edges the set's notes discuss (exactly 80% for 6.3, exactly 3% for 5.8.1, exactly 40 articles)."""
    rng = random.Random(f"dti-{i}")
    values = {"unit_code": f"H{i + 1:02d}", "unit_name": f"Huyện thử nghiệm {i + 1}"}
    for crit in cs.level(LEVEL).leaves():
        kind, rule, key = crit.kind, crit.rule, crit.key
        if kind == "choice":
            options = crit.inputs[0].options
            values[f"{key}_option"] = options[0 if rng.random() < 0.7 else -1].label
        elif kind == "minmax":
            value = MINMAX[key][i]
            values[f"{key}_value"] = None if value is None else float(value)
        elif kind == "bands" and rule.get("input") == "ratio":
            values[f"{key}_ratio"] = [0.03, 0.07, 0.12, 0.05][i % 4]
        elif kind == "bands":
            values[f"{key}_value"] = [40, 9, 55, 31][i % 4]
        elif key == "D6.3":
            values["D6.3_numerator"], values["D6.3_denominator"] = [(4, 5), (81, 100), (1627, 2000), (5, 5)][i % 4]
        elif rule.get("input") == "counts":
            denominator = rng.randint(5, 400)
            values[f"{key}_numerator"] = rng.randint(denominator // 2, denominator)
            values[f"{key}_denominator"] = denominator
        else:
            values[f"{key}_ratio"] = round(rng.uniform(0.001, 1), 4)
    return values


def engine_inputs(cs, values) -> dict:
    """The same district as `dtscore score` input (labels back to codes), for the single-unit run."""
    out = {}
    for crit in cs.level(LEVEL).leaves():
        own = {}
        for spec in crit.inputs:
            raw = values.get(f"{crit.key}_{spec.name}")
            if spec.options and raw is not None:
                raw = next(o.code for o in spec.options if o.label == raw)
            own[spec.name] = raw
        out[crit.key] = own
    return out


@pytest.fixture(scope="module")
def districts(tmp_path_factory):
    """Eight filled workbooks (one template, filled through its defined names) and their values."""
    folder = tmp_path_factory.mktemp("dti")
    cs = load_set(SET_ID)
    template = builder.build_template(cs, LEVEL, folder / "mau-huyen.xlsx", formulas="native")
    wb = load_workbook(template)

    def cell(name):
        sheet, coord = next(iter(wb.defined_names[name].destinations))
        return wb[sheet][coord.replace("$", "")]

    paths, all_values = [], []
    for i in range(DISTRICTS):
        values = district_inputs(cs, i)
        for name, value in values.items():
            cell(name).value = value
        path = folder / f"H{i + 1:02d}.xlsx"
        wb.save(path)
        paths.append(path)
        all_values.append(values)
    return cs, paths, all_values


def expected_minmax(key) -> dict:
    """{district index: score} by the source's formula, over the districts that gave a value."""
    given = {i: F(v) for i, v in enumerate(MINMAX[key]) if v is not None}
    low, high = min(given.values()), max(given.values())
    top = F(MAXIMUM[key])
    return {i: top if high == low else half_up(top * (v - low) / (high - low), 2) for i, v in given.items()}


def test_minmax_criteria_are_filled_across_the_districts(districts):
    cs, paths, all_values = districts
    result = consolidation.consolidate(paths, workers=1, progress=False)
    groups = [g for g in result.groups if g.cs.id == SET_ID and g.level.code == LEVEL]
    assert len(groups) == 1 and len(groups[0].entries) == DISTRICTS
    entries = {e.code: e for e in groups[0].entries}

    for key in MAXIMUM:
        want = expected_minmax(key)
        for i in range(DISTRICTS):
            row = entries[f"H{i + 1:02d}"].computed.criterion(key)
            if i in want:
                assert row.status == SCORED and F(row.score) == want[i], (key, i, row.status, row.score, want[i])
            else:  # district 6 left D8.6 blank: missing, not part of the minimum/maximum
                assert key == "D8.6" and i == BLANK_D86 and row.status == UNSCORED, (key, i, row.status)
    assert all(entries[f"H{i + 1:02d}"].computed.criterion("D4.7").score == 15 for i in range(DISTRICTS))

    for i, values in enumerate(all_values):
        entry = entries[f"H{i + 1:02d}"]
        alone = score_unit(cs, LEVEL, engine_inputs(cs, values), unit={"code": values["unit_code"]})
        assert [alone.criterion(k).status for k in MAXIMUM if MINMAX[k][i] is not None] == \
            [PENDING] * sum(MINMAX[k][i] is not None for k in MAXIMUM)
        filled = sum(F(entry.computed.criterion(k).score or 0) for k in MAXIMUM)
        final = entry.computed
        # the filled Min-Max points are added into the pillars, the total and the index
        assert F(final.total) == F(alone.total) + filled
        assert F(final.criterion("D3").score) == F(alone.criterion("D3").score) + F(final.criterion("D3.3").score)
        assert F(final.criterion("D8").score) == F(alone.criterion("D8").score) + sum(
            F(final.criterion(k).score or 0) for k in ("D8.5", "D8.6"))
        assert F(final.index) == half_up(F(final.total) / 1000, 4)
        assert final.max_total == 1000

    blank = entries[f"H{BLANK_D86 + 1:02d}"]
    assert blank.rank is None and any("D8.6" in reason for reason in blank.excluded), blank.excluded
    ranked = sorted((e for e in entries.values() if e.rank is not None), key=lambda e: e.rank)
    assert len(ranked) == DISTRICTS - 1
    assert [e.rank_value for e in ranked] == sorted((e.rank_value for e in ranked), reverse=True)
    assert all(e.rank_value == e.computed.index for e in ranked)


def test_recalculated_workbooks_show_what_the_engine_computes(districts, tmp_path):
    """LibreOffice recalculates the native formulas; validation compares every computed cell with
    the engine: no stale value anywhere means the template computes the DTI rules (bands with
    exclusive edges, 6.3's exclusive floor, groups, pending Min-Max) exactly as the engine."""
    from dtscore.workbook import libreoffice

    if not libreoffice.available():
        pytest.skip("LibreOffice (soffice) is not installed")
    _, paths, _ = districts
    recalculated = libreoffice.convert(paths, tmp_path, "xlsx")
    result = consolidation.consolidate(recalculated, workers=1, progress=False)
    entries = [e for g in result.groups for e in g.entries]
    assert len(entries) == DISTRICTS
    for e in entries:
        bad = [f for f in e.findings if f.code in ("CELL_VALUE_STALE", "FORMULA_TAMPERED", "TEMPLATE_MISMATCH",
                                                    "WRONG_TYPE")]
        assert not bad, [(f.code, f.key, f.message) for f in bad]
        assert e.computed.criterion("D6.3").score is not None
