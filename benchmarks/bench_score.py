"""Speed of the scoring engine: dtscore.scoring.score_unit on synthetic units, every criterion of
every level of a criteria set (default: 10,000 units per level of soctrang-2023).

Units are written as people write them (percent strings "75,7%", dates "15/03/2023", choice labels
or codes, counts, self-scores with a decimal comma — about one in ten wrong —, evidence), so each
evaluation includes parsing, range checks, the rule, Excel half-up rounding, the claim check and
the findings. Generating the units is not timed.

Baseline in the same script: the rule arithmetic alone (RuleKind.score + round_half_up on inputs
already parsed). The ratio score_unit ÷ baseline is the cost of reading and checking user input.

    python3 benchmarks/bench_score.py [--units 10000] [--set soctrang-2023] [--repeat 3]
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dtscore.criteria import load_set  # noqa: E402
from dtscore.decimals import round_half_up  # noqa: E402
from dtscore.rules import NOT_APPLICABLE, RULE_KINDS  # noqa: E402
from dtscore.scoring import parse_input, score_unit  # noqa: E402


def synthetic_value(spec, rng: random.Random):
    """One plausible raw value of an input, in the forms units really use."""
    if spec.type == "date":
        day = date(2023, 3, 31) + timedelta(days=rng.choice([-40, -5, 0, 0, 1, 12, 31, 45, 70, 260]))
        return day.strftime("%d/%m/%Y") if rng.random() < 0.7 else day.isoformat()
    if spec.type == "ratio":
        percent = rng.uniform(30, 100)
        return f"{percent:.1f}%".replace(".", ",") if rng.random() < 0.8 else round(percent / 100, 4)
    if spec.type == "choice":
        option = rng.choice(spec.options)
        return option.label if rng.random() < 0.5 else option.code
    if spec.type == "count":
        return rng.choice([0, 0, 0, 1, 2, 3, 7])
    return rng.randint(0, 100)


def make_units(cs, level, n: int, seed: int):
    rng = random.Random(seed)
    units = []
    for number in range(n):
        inputs, claimed, evidence = {}, {}, {}
        for crit in level.leaves():
            values = {spec.name: synthetic_value(spec, rng) for spec in crit.inputs}
            if "numerator" in values:
                values["numerator"] = min(values["numerator"], values["denominator"])
            if crit.kind == "all_or_nothing":
                values["total"] = max(values["total"], 1)
                values["active"] = values["total"] - (rng.random() < 0.2)
            if crit.kind == "minmax":
                values["value"] = rng.randint(0, 100)
            inputs[crit.key] = values
            evidence[crit.key] = f"Văn bản số {number}/KH-UBND"
        # self-scores as units write them: mostly right, about one in ten off (untimed pre-pass)
        for row in score_unit(cs, level.code, inputs).criteria:
            if row.score is not None:
                claim = row.score if rng.random() < 0.9 else row.max_points
                claimed[row.key] = str(claim).replace(".", ",")
        units.append((inputs, claimed, evidence, {"code": f"U{number:05d}", "name": f"Đơn vị {number}"}))
    return units


def time_best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def parsed_units(level, units):
    """The same units with inputs parsed once (for the baseline)."""
    out = []
    for inputs, *_ in units:
        unit = {}
        for crit in level.leaves():
            unit[crit.key] = {spec.name: parse_input(spec, inputs[crit.key].get(spec.name), spec.name) for spec in crit.inputs}
        out.append(unit)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000, help="units per level (default 10000)")
    parser.add_argument("--set", default="soctrang-2023", help="criteria set (default soctrang-2023)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs, the best is reported (default 3)")
    args = parser.parse_args(argv)

    cs = load_set(args.set)
    params = cs.parameter_values()
    today = date(2024, 1, 31)
    print(f"dtscore score_unit — {cs.id} {cs.version}, {args.units:,} units per level, best of {args.repeat}")
    print(f"{'level':<7}{'criteria':>9}{'evaluations':>13}{'score_unit s':>14}{'eval/s':>11}{'units/s':>10}"
          f"{'baseline eval/s':>17}{'ratio':>7}")
    all_evaluations = all_seconds = 0.0
    for level_code, level in cs.levels.items():
        leaves = level.leaves()
        units = make_units(cs, level, args.units, seed=len(leaves))

        def score_all(units=units, level_code=level_code):
            for inputs, claimed, evidence, unit in units:
                score_unit(cs, level_code, inputs, claimed, evidence, unit=unit, today=today)

        parsed = parsed_units(level, units)

        def rules_only(parsed=parsed, leaves=leaves):
            for unit in parsed:
                for crit in leaves:
                    result = RULE_KINDS[crit.kind].score(crit.max_points, unit[crit.key], crit.params, params)
                    if result is not NOT_APPLICABLE and not isinstance(result, type(NOT_APPLICABLE)):
                        round_half_up(result, cs.decimals)

        seconds = time_best(score_all, args.repeat)
        baseline = time_best(rules_only, args.repeat)
        evaluations = len(units) * len(leaves)
        all_evaluations += evaluations
        all_seconds += seconds
        print(f"{level_code:<7}{len(leaves):>9}{evaluations:>13,}{seconds:>14.2f}{evaluations / seconds:>11,.0f}"
              f"{len(units) / seconds:>10,.0f}{evaluations / baseline:>17,.0f}{baseline and seconds / baseline:>6.1f}×")
    print(f"all levels: {all_evaluations:,.0f} criterion evaluations in {all_seconds:.2f} s — "
          f"{all_evaluations / all_seconds:,.0f} evaluations/s, "
          f"{args.units * len(cs.levels) / all_seconds:,.0f} units/s")


if __name__ == "__main__":
    main()
