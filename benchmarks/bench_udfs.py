"""Cost of the DT_* functions when Excel calls them through Office.js (xlwings Server / Lite):
each figure is the time of `xlwings.server.custom_functions_call` on a JSON body like the one the
add-in posts (argument conversion, the function, result conversion; no HTTP, no Excel).

- DT_RATIO: one call (one cell).
- DT_SCORE_TABLE: one call over 3,321 units × the 14 commune-level criteria of soctrang-2023
  (3,321 = the number of commune-level units in Vietnam after 2025), 17 input columns.
- DT_SCORE: the same units criterion by criterion, 14 calls per unit (timed on a sample).
- baseline: dtscore.scoring.score_unit on the same units, without xlwings.
The ratio DT_SCORE per unit ÷ DT_SCORE_TABLE per unit is the array form's advantage (before the
HTTP round trip each Office.js call also costs).

xlwings 0.37.8 probes for Pyodide's JsNull on every argument cell (a failed `import pyodide.ffi`),
which dominates outside Pyodide; the second block repeats the figures with that probe answered at
once (sys.modules["pyodide"] = None), to show how much of the cost is that probe.

    python3 benchmarks/bench_udfs.py [--units 3321] [--repeat 3]
"""

import argparse
import asyncio
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import xlwings as xw  # noqa: E402
from xlwings import server  # noqa: E402

from dtscore.criteria import load_set  # noqa: E402
from dtscore.scoring import score_unit  # noqa: E402
from dtscore.udfs import functions  # noqa: E402

SET, LEVEL = "soctrang-2023", "xa"
EPOCH = date(1899, 12, 30)


def serial(d: date) -> int:
    return (d - EPOCH).days


def make_units(n: int, seed: int = 3321):
    """Plausible commune returns, as cell values (dates as serials): mostly on time, ratios 40–100%."""
    rng = random.Random(seed)
    level = load_set(SET).level(LEVEL)
    units = []
    for _ in range(n):
        row = []
        for criterion in level.leaves():
            for spec in criterion.inputs:
                if spec.type == "date":
                    row.append(serial(date(2023, 3, 31) + timedelta(days=rng.choice([-20, -3, 0, 0, 5, 40]))))
                elif spec.type == "ratio":
                    row.append(round(rng.uniform(0.4, 1.0), 3))
                elif spec.type == "count":
                    row.append(rng.randint(3, 12))
                else:
                    row.append(rng.choice(spec.options).label)
        units.append(row)
    return level, units


def body(func_name, args):
    data = {"func_name": func_name, "args": args, "caller_address": "Office.js[Tổng hợp.xlsx]Xã!P2",
            "version": xw.__version__, "runtime": "1.4", "client": "Office.js"}  # fmt: skip
    return json.loads(json.dumps(data))


def best(repeat, run):
    """The fastest of `repeat` runs, in seconds (the least disturbed by other work on the machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(level, units, repeat, loop):
    keys = [c.key for c in level.leaves()]
    call = lambda data: loop.run_until_complete(server.custom_functions_call(data, functions))  # noqa: E731

    ratio_body = body("DT_RATIO", [[[0.9]], [[0.95]], [[4]]])
    n_ratio = 2000
    ratio_s = best(repeat, lambda: [call(ratio_body) for _ in range(n_ratio)]) / n_ratio

    table_body = body("DT_SCORE_TABLE", [[[SET]], [[LEVEL]], [keys], units])
    table_s = best(repeat, lambda: call(table_body))
    result = call(table_body)
    assert len(result) == len(units) and len(result[0]) == len(keys) + 1, "unexpected table shape"

    sample = units[: min(200, len(units))]
    score_bodies = []
    for row in sample:
        it = iter(row)
        for criterion in level.leaves():
            inputs = [[[next(it)]] for _ in criterion.inputs]
            score_bodies.append(body("DT_SCORE", [[[SET]], [[criterion.key]], inputs]))
    score_s = best(repeat, lambda: [call(b) for b in score_bodies]) / len(score_bodies)
    return ratio_s, table_s, score_s, len(json.dumps(table_body))


def engine_baseline(level, units, repeat):
    cs = load_set(SET)
    raws = []
    for row in units:
        it, raw = iter(row), {}
        for criterion in level.leaves():
            for spec in criterion.inputs:
                value = next(it)
                raw.setdefault(criterion.key, {})[spec.name] = value
        raws.append(raw)
    return best(repeat, lambda: [score_unit(cs, LEVEL, raw) for raw in raws]) / len(units)


def report(title, level, units, figures, engine_per_unit):
    ratio_s, table_s, score_s, payload_bytes = figures
    n, k = len(units), len(level.leaves())
    table_unit = table_s / n
    score_unit_cost = score_s * k
    print(title)
    print(f"  DT_RATIO            {ratio_s * 1e6:10.0f} µs per call")
    print(f"  DT_SCORE_TABLE      {table_s:10.2f} s per call over {n:,} units × {k} criteria "
          f"({table_unit * 1e6:.0f} µs per unit; request body {payload_bytes / 1e6:.1f} MB of JSON)")
    print(f"  DT_SCORE            {score_s * 1e6:10.0f} µs per call × {k} calls "
          f"= {score_unit_cost * 1e6:.0f} µs per unit")
    print(f"  ratio DT_SCORE / DT_SCORE_TABLE per unit: {score_unit_cost / table_unit:.1f}×  "
          f"(DT_SCORE_TABLE per unit ÷ score_unit alone: {table_unit / engine_per_unit:.2f}×)")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Cost of the DT_* functions through custom_functions_call")
    parser.add_argument("--units", type=int, default=3321)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    level, units = make_units(args.units)
    loop = asyncio.new_event_loop()
    engine = engine_baseline(level, units, args.repeat)
    print(f"xlwings {xw.__version__}, Python {sys.version.split()[0]}; best of {args.repeat} runs")
    print(f"baseline: dtscore score_unit alone {engine * 1e6:.0f} µs per unit ({len(level.leaves())} criteria)\n")
    report("as installed:", level, units, measure(level, units, args.repeat, loop), engine)
    sys.modules["pyodide"] = None  # from now on `import pyodide.ffi` fails at once
    print()
    report("without xlwings' per-cell Pyodide probe:", level, units, measure(level, units, args.repeat, loop), engine)
    loop.close()


if __name__ == "__main__":
    main()
