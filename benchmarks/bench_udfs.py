"""Cost of the DT_* functions when Excel calls them through Office.js (xlwings Server / Lite):
each figure is the time of `xlwings.server.custom_functions_call` on a JSON body like the one the
add-in posts (argument conversion, the function, result conversion; no HTTP, no Excel).

Pairs (interleaved, see benchmarks/paired.py):
- DT_RATIO, one call: xlwings' per-cell `import pyodide.ffi` probe searching sys.path (as before
  dtscore.udfs.adapters.skip_pyodide_probe) ÷ the probe answered at once (what dtscore does);
- DT_SCORE × 14 criteria per unit on a sample of units ÷ DT_SCORE_TABLE over --units units × the
  14 commune-level criteria of soctrang-2023, per unit (3,321 = the commune-level units of Vietnam
  after 2025): the figure of "46,494 DT_SCORE calls vs one DT_SCORE_TABLE".

    python3 benchmarks/bench_udfs.py [--units 3321] [--repeat 5]
"""

import argparse
import asyncio
import json
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
# the installed dtscore (its udfs/ and workbook/ are mapped to dtscore.udfs, dtscore.workbook), so the
# repository root goes last: only for `tests`, never before the installed package
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent.parent))

import xlwings as xw  # noqa: E402
from paired import Pairs  # noqa: E402
from xlwings import server  # noqa: E402

from dtscore.criteria import load_set  # noqa: E402
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


def main(argv=None):
    parser = argparse.ArgumentParser(description="Cost of the DT_* functions through custom_functions_call")
    parser.add_argument("--units", type=int, default=3321)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample", type=int, default=100, help="units scored with DT_SCORE, criterion by criterion")
    args = parser.parse_args(argv)
    level, units = make_units(args.units)
    loop = asyncio.new_event_loop()
    call = lambda data: loop.run_until_complete(server.custom_functions_call(data, functions))  # noqa: E731
    print(f"xlwings {xw.__version__}, Python {sys.version.split()[0]}")

    ratio_body = body("DT_RATIO", [[[0.9]], [[0.95]], [[4]]])
    assert call(ratio_body) == [[3.79]], call(ratio_body)
    n_ratio = 2000

    stand_in = sys.modules["pyodide.ffi"]  # put there by dtscore.udfs.adapters.skip_pyodide_probe

    def probing():
        sys.modules.pop("pyodide", None)  # xlwings' import searches sys.path on every argument
        sys.modules.pop("pyodide.ffi", None)
        for _ in range(n_ratio):
            call(ratio_body)

    def fast():
        sys.modules["pyodide"], sys.modules["pyodide.ffi"] = None, stand_in
        for _ in range(n_ratio):
            call(ratio_body)

    pairs = Pairs("DT_RATIO, one call", probing, fast, repeat=args.repeat, per_baseline=n_ratio, per_measured=n_ratio)
    print(pairs.run().report("µs", 1e6, ("xlwings probing sys.path", "probe answered at once")))
    sys.modules["pyodide"], sys.modules["pyodide.ffi"] = None, stand_in

    keys = [c.key for c in level.leaves()]
    table_body = body("DT_SCORE_TABLE", [[[SET]], [[LEVEL]], [keys], units])
    result = call(table_body)
    assert len(result) == len(units) and len(result[0]) == len(keys) + 1, "unexpected table shape"
    sample = units[: min(args.sample, len(units))]
    score_bodies = []
    for row in sample:
        it = iter(row)
        for criterion in level.leaves():
            score_bodies.append(body("DT_SCORE", [[[SET]], [[criterion.key]], [[[next(it)]] for _ in criterion.inputs]]))
    singles = [call(b)[0][0] for b in score_bodies]
    singles = [v.removeprefix("DT_SCORE: ") if isinstance(v, str) else v for v in singles]
    table_cells = [v for row in result[: len(sample)] for v in row[:-1]]
    assert singles == table_cells, [(a, b) for a, b in zip(singles, table_cells) if a != b][:5]
    pairs = Pairs(f"Scoring {len(keys)} criteria per unit ({len(units):,} units in the table, {len(sample)} one by one)",
                  lambda: [call(b) for b in score_bodies], lambda: call(table_body), repeat=args.repeat,
                  per_baseline=len(sample), per_measured=len(units))
    print(pairs.run().report("µs per unit", 1e6, (f"DT_SCORE × {len(keys)}", "DT_SCORE_TABLE")))
    print(f"  DT_SCORE_TABLE request body: {len(json.dumps(table_body)) / 1e6:.1f} MB of JSON; "
          f"{len(units) * len(keys):,} single calls would take "
          f"{min(pairs.times[0]) * len(units):.1f} s against {min(pairs.times[1]) * len(units):.2f} s "
          f"(DT_SCORE {min(pairs.times[0]) / len(keys) * 1e6:.0f} µs per call; CPU: "
          f"{min(pairs.cpu[0]) * len(units):.1f} s against {min(pairs.cpu[1]) * len(units):.2f} s)")
    loop.close()


if __name__ == "__main__":
    main()
