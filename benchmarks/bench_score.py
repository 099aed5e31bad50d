"""Speed of the scoring engines on tables of units typed as people type them — percent strings
"75,7%", dates "15/03/2023", choice labels or codes, counts, self-scores with a decimal comma (many
of them wrong), evidence — every criterion of every level of a criteria set: each evaluation
includes parsing, range checks, the rule, Excel half-up rounding, the claim check and findings.

Pair (interleaved, see benchmarks/paired.py), per criterion evaluation:
  baseline — the scalar engine, dtscore.scoring.score_unit, unit by unit (on --sample units);
  measured — the batch engine on the whole table (--units units) at once: dtscore.batch.score_table
             (scores, statuses, totals, the self-score checks) and .findings() (every row's Finding
             objects, which score_table builds only on demand).
Also printed: score_table alone (without building the findings), evaluations per second of CPU time.

With --check, every row of every table is also scored by score_unit and compared with the batch
engine: scores, statuses, totals and findings (the million-evaluation check of issue 14:
`--units 70000 --check` is about 1,050,000 evaluations on soctrang-2023).
Generating the tables (vectorized, numpy) is not timed.

    python3 benchmarks/bench_score.py [--units 20000] [--sample 1000] [--set soctrang-2023] [--repeat 3] [--check]
"""

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

# the installed dtscore (its udfs/ and workbook/ are mapped to dtscore.udfs, dtscore.workbook), so the
# repository root goes last: only for `tests`, never before the installed package
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent.parent))

from paired import Pairs, timed  # noqa: E402

from dtscore.batch import score_table, table_units  # noqa: E402
from dtscore.criteria import load_set  # noqa: E402
from dtscore.scoring import score_unit  # noqa: E402

TODAY = date(2024, 1, 31)


def pool(spec, max_points) -> list:
    """The values people type into an input cell (and, for claims, into a self-score cell)."""
    if spec is None:  # a self-score: "3,79", sometimes blank or the maximum
        return [None, "", f"{max_points}"] + [f"{x / 100:.2f}".replace(".", ",") for x in range(0, int(max_points * 100) + 1, 7)]
    if spec.type == "date":
        days = [date(2023, 3, 31) + timedelta(days=d) for d in (-40, -5, 0, 0, 1, 12, 31, 45, 70, 260)]
        return [d.strftime("%d/%m/%Y") for d in days] + [d.isoformat() for d in days[:4]]
    if spec.type == "ratio":
        return [f"{p / 10:.1f}%".replace(".", ",") for p in range(300, 1001)] + [round(p / 1000, 3) for p in range(300, 1001, 3)]
    if spec.type == "choice":
        return [o.label for o in spec.options] + [o.code for o in spec.options]
    if spec.type == "count":
        return [0, 0, 0, 1, 2, 3, 7, "2", "12"]
    return list(range(0, 101)) + ["12,5", "45"]


def draw(rng, values, rows) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array[rng.integers(0, len(values), rows)]


def make_table(cs, level, rows, seed) -> dict:
    rng = np.random.default_rng(seed)
    columns = {}
    for crit in level.leaves():
        for spec in crit.inputs:
            columns[f"{crit.key}_{spec.name}"] = draw(rng, pool(spec, crit.max_points), rows)
        columns[f"{crit.key}_claimed"] = draw(rng, pool(None, crit.max_points), rows)
        columns[f"{crit.key}_evidence"] = draw(rng, [None, "Văn bản số 12/KH-UBND", "Báo cáo 45/BC-UBND"], rows)
    return columns


def check(cs, level, columns, batch, rows):
    scores, statuses, findings = batch.scores(), batch.statuses(), batch.findings()
    for row, (inputs, claimed, evidence) in enumerate(table_units(columns, rows)):
        unit = score_unit(cs, level.code, inputs, claimed, evidence, today=TODAY)
        for leaf in level.leaves():
            expected = unit.criterion(leaf.key)
            if (scores.at[row, leaf.key], statuses.at[row, leaf.key]) != (expected.score, expected.status):
                raise SystemExit(f"row {row} {leaf.key}: batch {scores.at[row, leaf.key]} ≠ scalar {expected.score}")
        if findings[row] != unit.findings or batch.unit_result(row) != unit:
            raise SystemExit(f"row {row}: batch findings, totals or criterion rows differ from score_unit")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20_000, help="units per level in the batch table")
    parser.add_argument("--sample", type=int, default=1_000, help="units per level scored by score_unit")
    parser.add_argument("--set", default="soctrang-2023")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="compare every row with score_unit")
    args = parser.parse_args(argv)
    cs = load_set(args.set)
    checked = 0
    for level_code, level in cs.levels.items():
        leaves = level.leaves()
        columns = make_table(cs, level, args.units, seed=len(leaves))
        frame = pd.DataFrame(columns)
        sample = table_units({k: v[: args.sample] for k, v in columns.items()}, min(args.sample, args.units))

        def scalar(sample=sample, level_code=level_code):
            for inputs, claimed, evidence in sample:
                score_unit(cs, level_code, inputs, claimed, evidence, today=TODAY)

        def batch(frame=frame, level_code=level_code):
            score_table(cs, level_code, frame, today=TODAY).findings()

        def table_only(frame=frame, level_code=level_code):
            score_table(cs, level_code, frame, today=TODAY)

        pairs = Pairs(f"{cs.id} {level_code}: {len(leaves)} criteria; {args.units:,} units in the table, "
                      f"{len(sample):,} one by one — per evaluation", scalar, batch, repeat=args.repeat,
                      per_baseline=len(sample) * len(leaves), per_measured=args.units * len(leaves), warmup=False)
        print(pairs.run().report("µs", 1e6, ("score_unit (scalar)", "score_table + findings (batch)")))
        evaluations = args.units * len(leaves)
        alone = [timed(table_only) for _ in range(args.repeat)]
        print(f"  evaluations/s, best of {args.repeat} (wall | CPU of this process):\n"
              f"    batch, findings built     {1 / min(pairs.times[1]):>12,.0f} | {1 / min(pairs.cpu[1]):>12,.0f}\n"
              f"    batch, score_table alone  {evaluations / min(w for w, _ in alone):>12,.0f} | "
              f"{evaluations / min(c for _, c in alone):>12,.0f}\n"
              f"    scalar                    {1 / min(pairs.times[0]):>12,.0f} | {1 / min(pairs.cpu[0]):>12,.0f}")
        if args.check:
            check(cs, level, columns, score_table(cs, level_code, frame, today=TODAY), args.units)
            checked += args.units * len(leaves)
            print(f"  checked: {args.units * len(leaves):,} evaluations identical to score_unit")
    if args.check:
        print(f"all levels: {checked:,} evaluations, batch and scalar results and findings identical")


if __name__ == "__main__":
    main()
