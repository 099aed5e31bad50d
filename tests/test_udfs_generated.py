"""A table test: on a few thousand generated Excel-shaped inputs, every DT_* result (through
xlwings.server.custom_functions_call) equals a direct call of the dtscore engine — the rule
functions rounded half-up, or score_unit for DT_SCORE and DT_SCORE_TABLE. A seeded generator keeps
the run deterministic and fast."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from dtscore.criteria import load_set
from dtscore.decimals import round_half_up
from dtscore.rules import choices, counts, lateness, ratios
from dtscore.scoring import score_unit
from dtscore.udfs import functions
from tests.xlwings_calls import Caller, Repeating

SEED = 20231010  # Ngày Chuyển đổi số tỉnh Sóc Trăng
TARGETS = [0.25, 0.3, 0.5, 0.6, 0.8, 0.9, 0.95, 1]
MAXIMA = [0.125, 0.25, 0.5, 1, 2, 4, 5, 6, 8, 10]


def D(x) -> Decimal:
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def score(x, digits=2):
    return float(round_half_up(x, digits))


def share_value(rng):
    return rng.choice([0, 1, round(rng.random(), rng.choice([2, 3, 4])), round(rng.random(), 15)])


def a_date(rng):
    return date(2023, 1, 1) + timedelta(days=rng.randint(-60, 500))


@pytest.fixture(scope="module")
def xl():
    caller = Caller(functions)
    yield caller
    caller.close()


def cases(rng, n):
    """(function name, arguments as Office.js sees the cells, expected value from dtscore)."""
    for _ in range(n):
        kind = rng.randrange(10)
        top = rng.choice(MAXIMA)
        if kind == 0:
            r, t = share_value(rng), rng.choice(TARGETS)
            yield "DT_RATIO", (r, t, top), score(ratios.ratio_target(D(top), D(r), D(t)))
        elif kind == 1:
            r, t = share_value(rng), rng.choice(TARGETS)
            yield "DT_THRESHOLD", (r, t, top), score(ratios.threshold_gate(D(top), D(r), D(t)))
        elif kind == 2:
            b = rng.randint(1, 5000)
            a = rng.randint(0, b)
            yield "DT_SHARE", (a, b), float(ratios.share(a, b))
        elif kind == 3:
            late = [rng.choice([0, 0, 0, 1, 2, 3]) for _ in range(4)]
            yield "DT_LATE_ENTRIES", (top, *late), score(counts.late_entries(D(top), *late))
        elif kind == 4:
            total = rng.randint(1, 40)
            active = rng.randint(max(0, total - 2), total)
            yield "DT_ALL_OR_NOTHING", (active, total, top), score(ratios.all_or_nothing(D(top), active, total))
        elif kind == 5:
            due, done, mode = a_date(rng), a_date(rng), rng.choice(lateness.MODES)
            yield "DT_LATE_MONTHS", (due, done, mode), lateness.months_late(due, done, mode)
        elif kind == 6:
            n = rng.randint(1, 3)
            dues = [a_date(rng) for _ in range(n)]
            dones = [rng.choice([a_date(rng), a_date(rng), a_date(rng), None]) for _ in range(n)]
            mode, cap = rng.choice(lateness.MODES), rng.choice([None, None, 1, 3, 6])
            expected = score(lateness.late_deduction(D(top), dues, dones, mode, cap))
            yield "DT_PENALTY_MONTHS", (top, [[d] for d in dues], [dones], mode, cap), expected
        elif kind == 7:
            edges = sorted(rng.sample(range(0, 100), rng.randint(1, 5)), reverse=True)
            pts = sorted(rng.sample(range(1, 30), len(edges)), reverse=True)
            value, inclusive = rng.choice([*edges, rng.uniform(-5, 105)]), rng.random() < 0.5
            shuffled = list(zip(edges, pts))
            rng.shuffle(shuffled)  # any order in the sheet
            args = (value, [[e] for e, _ in shuffled], [[p] for _, p in shuffled], inclusive)
            yield "DT_BANDS", args, score(choices.bands(D(value), list(zip(edges, pts)), inclusive))
        elif kind == 8:
            values = [rng.randint(0, 1000) / rng.choice([1, 10, 100]) for _ in range(rng.randint(1, 30))]
            value, lower = rng.choice(values), rng.random() < 0.3
            low, high = min(map(D, values)), max(map(D, values))
            expected = score(choices.minmax(D(value), low, high, D(top), lower))
            yield "DT_MINMAX", (value, [[v] for v in values], top, lower), expected
        else:
            x, digits = round(rng.uniform(-1000, 1000), rng.randint(0, 6)), rng.randint(-2, 4)
            yield "DT_ROUND", (x, digits), score(D(x), digits)


def test_rule_functions_equal_the_engine_on_generated_inputs(xl):
    rng = random.Random(SEED)
    checked = 0
    for name, args, expected in cases(rng, 3000):
        assert xl.value(name, *args) == expected, (name, args)
        checked += 1
    assert checked == 3000


def test_choice_equals_the_engine_on_every_option_of_every_set(xl):
    checked = 0
    for set_id in ("soctrang-2023", "bacgiang-dti-huyen-2024", "soctrang-sotttt-cchc-2022"):
        cs = load_set(set_id)
        for criterion in (c for lv in cs.levels.values() for c in lv.leaves() if c.kind == "choice"):
            spec = criterion.inputs[0]
            labels, pts = [[o.label] for o in spec.options], [[float(o.points)] for o in spec.options]
            for option in spec.options:
                expected = score(choices.choice(option.code, {o.code: o.points for o in spec.options}))
                assert xl.value("DT_CHOICE", option.label, labels, pts) == expected
                checked += 1
    assert checked > 200


def random_unit(rng, level):
    """Cell values for every input of the level, mostly valid, sometimes blank or wrong."""
    cells = []
    for criterion in level.leaves():
        for spec in criterion.inputs:
            roll = rng.random()
            if roll < 0.05:
                cells.append(None)
            elif spec.type == "date":
                cells.append(a_date(rng))
            elif spec.type == "ratio":
                cells.append(share_value(rng) if roll < 0.97 else 1.5)
            elif spec.type == "count":
                cells.append(rng.randint(0, 12))
            elif spec.type == "choice":
                option = rng.choice(spec.options)
                cells.append(rng.choice([option.label, option.code]))
            else:
                cells.append(rng.randint(0, 100))
    return cells


def engine_scores(cs, level, cells):
    """What dtscore says for one unit: per criterion its score (None when it cannot score)."""
    raw, it = {}, iter(cells)
    for criterion in level.leaves():
        for spec in criterion.inputs:
            raw.setdefault(criterion.key, {})[spec.name] = next(it)
    result = score_unit(cs, level.code, raw)
    blocked = {f.key for f in result.findings if f.severity == "error"}
    scores = [None if c.key in blocked else float(result.criterion(c.key).score) for c in level.leaves()]
    return scores, float(result.total)


@pytest.mark.parametrize("level_code", ["tinh", "huyen", "xa"])
def test_score_and_score_table_equal_score_unit_on_generated_units(xl, level_code):
    cs = load_set("soctrang-2023")
    level = cs.level(level_code)
    rng = random.Random(SEED + len(level_code))
    units = [random_unit(rng, level) for _ in range(100)]
    table = xl.call("DT_SCORE_TABLE", cs.id, level_code, [[c.key for c in level.leaves()]], units)
    assert len(table) == len(units)
    for cells, row in zip(units, table):
        scores, total = engine_scores(cs, level, cells)
        assert row[-1] == pytest.approx(total, abs=1e-9)
        it = iter(cells)
        for criterion, expected, got in zip(level.leaves(), scores, row):
            inputs = [next(it) for _ in criterion.inputs]
            single = xl.value("DT_SCORE", cs.id, criterion.key, Repeating(*inputs))
            if expected is None:  # the engine could not score it: a message, or blank if nothing was entered
                blank = all(v is None for v in inputs)
                assert (got == "") if blank else (isinstance(got, str) and got.startswith(criterion.key)), got
                assert (single == "") if blank else single == f"DT_SCORE: {got}"
            else:
                assert got == expected and single == expected, (criterion.key, inputs)
