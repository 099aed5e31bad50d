"""The native formulas, computed by a real spreadsheet engine: native templates are filled with
generated inputs (edge cases first), LibreOffice recalculates all of them headless in ONE soffice
process, and every "Điểm tính", subtotal and total must equal dtscore.scoring.score_unit to the cent.

The expected values come from the engine (an independent implementation in Decimal arithmetic);
the formulas under test are Excel text evaluated by LibreOffice.
"""

import random
import time
from decimal import Decimal
from pathlib import Path

import pytest

from dtscore.criteria import load_set
from dtscore.decimals import round_half_up, to_decimal
from dtscore.scoring import NOT_APPLICABLE, PENDING, score_unit
from dtscore.workbook import libreoffice
from dtscore.workbook.builder import make_workbook, save_atomic
from dtscore.workbook.filling import clear, fill, named_cell
from dtscore.workbook.native_formulas import NA_TEXT, PENDING_TEXT
from tests.template_inputs import parameters, unit_inputs

pytestmark = pytest.mark.skipif(not libreoffice.available(), reason="LibreOffice (soffice) is not installed")

DATA = Path(__file__).parent / "data"
# (criteria set, level, number of generated units); the hand-written edge cases come on top.
PLAN = [
    ("soctrang-2023", "tinh", 16),
    ("soctrang-2023", "huyen", 16),
    ("soctrang-2023", "xa", 16),
    ("soctrang-2023-draft", "tinh", 4),
    ("soctrang-2023-draft", "xa", 4),
    (str(DATA / "template-all-kinds.yaml"), "mix", 30),
    ("bacgiang-dti-huyen-2024", "huyen", 2),
    ("soctrang-sotttt-cchc-2022", "so", 2),
]
SEED = 20231015
SCORE_SHEET = "Chấm điểm"


def _hand_cases():
    """(set, level, inputs, parameters) worked out by hand from the decision's wording."""
    d = __import__("datetime").date
    return [
        # Due 31/01/2024, issued 29/02/2024: EDATE(31/01, 1) = 29/02 → one month late (started).
        ("soctrang-2023", "tinh", {"T01": {"plan_issued": d(2024, 2, 29), "report_submitted": d(2023, 12, 15)}},
         {"plan_due": d(2024, 1, 31)}),
        # One day late on both documents: 8 − 1 − 1 = 6.
        ("soctrang-2023", "huyen", {"H01": {"plan_issued": d(2023, 4, 1), "report_submitted": d(2023, 12, 16)}}, {}),
        # Exactly on the target (95%) and exactly on the due dates.
        ("soctrang-2023", "tinh", {"T03": {"ratio": 0.95}, "T01": {"plan_issued": d(2023, 3, 31),
                                                                  "report_submitted": d(2023, 12, 15)}}, {}),
        # Zero denominator on a criterion that may be not applicable: KAD, maximum lowered to 96.
        ("soctrang-2023", "tinh", {"T15": {"numerator": 0, "denominator": 0}, "T05": {"ratio": 0.757}}, {}),
        # Completed months with a cap (draft): due 31/03, issued 30/04 is one full month; 31/12/2024 caps.
        ("soctrang-2023-draft", "xa", {"X01": {"plan_issued": d(2023, 4, 30), "report_submitted": d(2024, 12, 31)}}, {}),
        # Everything blank.
        ("soctrang-2023", "xa", {}, {}),
    ]


def _expected(cs, level, inputs, claimed, params):
    return score_unit(cs, level, inputs, claimed, parameters=params)


def _close(cell_value, expected: Decimal, decimals: int) -> bool:
    if not isinstance(cell_value, (int, float)) or isinstance(cell_value, bool):
        return False
    value = to_decimal(cell_value)
    return round_half_up(value, decimals) == expected and abs(value - expected) < Decimal("1e-9")


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Build, fill and save every workbook, then recalculate them all in one LibreOffice run."""
    rng = random.Random(SEED)
    folder = tmp_path_factory.mktemp("filled")
    out_dir = tmp_path_factory.mktemp("recalculated")
    cases = []  # (path, cs, level, inputs, claimed, params)
    by_set = {}
    plan = [(s, lv, None) for s, lv, _, _ in _hand_cases()] + [(s, lv, n) for s, lv, n in PLAN]
    hand = iter(_hand_cases())
    for number, (set_id, level, n) in enumerate(plan):
        cs = load_set(set_id)
        key = (cs.id, level)
        if key not in by_set:
            by_set[key] = make_workbook(cs, level, formulas="native")
        wb = by_set[key]
        units = []
        if n is None:
            _, _, inputs, params = next(hand)
            units.append((inputs, {}, params))
        else:
            for _ in range(n):
                params = parameters(rng, cs)
                inputs, claimed = unit_inputs(rng, cs, level, params)
                units.append((inputs, claimed, params))
        for i, (inputs, claimed, params) in enumerate(units):
            clear(wb, cs.level(level))
            fill(wb, inputs, claimed, parameters={**cs.parameter_values(), **params})
            path = save_atomic(wb, folder / f"{number:02d}-{cs.id}-{level}-{i:03d}.xlsx")
            cases.append((path, cs, level, inputs, claimed, params))
    started = time.perf_counter()
    sheet_number = by_set[next(iter(by_set))].sheetnames.index(SCORE_SHEET) + 1
    outputs = libreoffice.sheet_to_csv([c[0] for c in cases], out_dir, sheet_number, SCORE_SHEET)
    print(f"LibreOffice recalculated {len(cases)} workbooks in {time.perf_counter() - started:.1f} s")
    return [(out, *case[1:]) for out, case in zip(outputs, cases)]


def test_every_computed_cell_equals_the_engine(recalculated):
    templates = {}
    problems, compared = [], 0
    for path, cs, level, inputs, claimed, params in recalculated:
        if (cs.id, level) not in templates:
            templates[cs.id, level] = make_workbook(cs, level, formulas="native")
        template = templates[cs.id, level]
        values = libreoffice.read_csv_values(path)
        result = _expected(cs, level, inputs, claimed, params)

        def shown(name, values=values, template=template):
            return values.get(named_cell(template, name).coordinate)

        for row in result.criteria:
            got = shown(f"{row.key}_score")
            compared += 1
            if row.status == NOT_APPLICABLE:
                ok = got == NA_TEXT
            elif row.status == PENDING and not row.is_group:
                ok = got == PENDING_TEXT
            else:
                ok = _close(got, row.score, cs.decimals)
            if not ok:
                problems.append(f"{path.name} {row.key}: LibreOffice {got!r}, dtscore {row.score} ({row.status}) "
                                f"inputs {inputs.get(row.key)} params {params}")
        for name, want in (("total_score", result.total),):
            compared += 1
            if not _close(shown(name), want, cs.decimals):
                problems.append(f"{path.name} {name}: LibreOffice {shown(name)!r}, dtscore {want}")
        claimed_total = shown("total_claimed")
        if result.claimed_total is None:
            ok = claimed_total in (None, "")
        else:
            ok = _close(claimed_total, round_half_up(result.claimed_total, cs.decimals), cs.decimals)
        if not ok:
            problems.append(f"{path.name} total_claimed: LibreOffice {claimed_total!r}, dtscore {result.claimed_total}")
        # the rows under the total: applicable maximum and the total on a 100 scale
        total_row = int(named_cell(template, "total_score").row)
        applicable, scaled = values.get(f"D{total_row + 1}"), values.get(f"I{total_row + 2}")
        if not _close(applicable, result.max_total, cs.decimals):  # D of the row below the total
            problems.append(f"{path.name} applicable max: LibreOffice {applicable!r}, dtscore {result.max_total}")
        if result.total_100 is None and scaled != NA_TEXT or result.total_100 is not None and not _close(
            scaled, result.total_100, cs.decimals
        ):
            problems.append(f"{path.name} total on 100: LibreOffice {scaled!r}, dtscore {result.total_100}")
        if result.index is not None:
            got = values.get(f"I{total_row + 3}")
            digits = int(cs.level(level).index.get("digits", 4))
            if not _close(got, result.index, digits):
                problems.append(f"{path.name} index: LibreOffice {got!r}, dtscore {result.index}")
    assert not problems, f"{len(problems)} of {compared} differ:\n" + "\n".join(problems[:40])
    assert compared > 1500  # hundreds of input combinations, not a handful


def test_hand_cases_match_the_decision(recalculated):
    """The hand-worked cases, against numbers computed from the decision's text (not the engine)."""
    hand = recalculated[: len(_hand_cases())]
    want = [("T01", 7), ("H01", 6), ("T03", 4), ("T15", NA_TEXT), ("X01", 0), ("X01", 0)]
    # X01 draft: plan 1 full month late, report 31/12/2024 is 12 full months late → 13, capped at 7 → 1;
    # the blank workbook: X01 not issued → 0.
    want[4] = ("X01", 1)
    for (path, cs, level, *_), (key, expected) in zip(hand, want):
        template = make_workbook(cs, level, formulas="native")
        got = libreoffice.read_csv_values(path).get(named_cell(template, f"{key}_score").coordinate)
        assert got == expected, (path.name, key, got, expected)
    # T05 at 75,7% of 10 points: 7,57; T15 not applicable → applicable maximum 96.
    path, cs, level, *_ = hand[3]
    template = make_workbook(cs, level, formulas="native")
    values = libreoffice.read_csv_values(path)
    assert values[named_cell(template, "T05_score").coordinate] == pytest.approx(7.57)
    total_row = named_cell(template, "total_score").row
    assert values[f"D{total_row + 1}"] == 96
