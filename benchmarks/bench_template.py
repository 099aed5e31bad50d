"""Benchmark: generate the prefilled templates of 150 units (about a province: a few dozen
departments, the district-level units, the communes), as `dtscore template --units` does.

Two ways, timed apart, with their ratio:
  baseline — build_template once per unit (the whole workbook built for every file);
  batch    — build_units: each level's workbook built once, only the unit cells change per file.

    python3 benchmarks/bench_template.py [--units 150] [--formulas native|udf]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dtscore.criteria import load_set  # noqa: E402
from dtscore.workbook.builder import build_template, build_units  # noqa: E402


def units(n):
    """n units: ~15% provincial, 11 district-level, the rest communes (Sóc Trăng's proportions)."""
    tinh = max(1, n * 15 // 100)
    huyen = min(11, n - tinh)
    out = [("tinh", f"S{i:02d}", f"Sở thứ {i}") for i in range(1, tinh + 1)]
    out += [("huyen", f"H{i:02d}", f"Ủy ban nhân dân huyện thứ {i}") for i in range(1, huyen + 1)]
    out += [("xa", f"X{i:03d}", f"Ủy ban nhân dân xã thứ {i}") for i in range(1, n - tinh - huyen + 1)]
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--formulas", choices=("native", "udf"), default="native")
    parser.add_argument("--set", default="soctrang-2023")
    args = parser.parse_args(argv)
    cs = load_set(args.set)
    plan = units(args.units)
    with tempfile.TemporaryDirectory(prefix="bench-template-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        for level, code, name in plan:
            build_template(cs, level, folder / "one" / f"{code}.xlsx", unit_code=code, unit_name=name,
                           formulas=args.formulas)
        baseline = time.perf_counter() - started

        started = time.perf_counter()
        build_units(cs, [(level, code, name, folder / "batch" / f"{code}.xlsx") for level, code, name in plan],
                    formulas=args.formulas)
        batch = time.perf_counter() - started
        size = sum(p.stat().st_size for p in (folder / "batch").iterdir()) / len(plan)

    n = len(plan)
    print(f"{n} templates ({args.set}, {args.formulas}; {sum(u[0] == 'tinh' for u in plan)} tinh, "
          f"{sum(u[0] == 'huyen' for u in plan)} huyen, {sum(u[0] == 'xa' for u in plan)} xa), "
          f"{size / 1024:.0f} KB each")
    print(f"baseline  build_template per unit : {baseline:6.2f} s  ({baseline / n * 1000:5.0f} ms per unit)")
    print(f"batch     build_units             : {batch:6.2f} s  ({batch / n * 1000:5.0f} ms per unit)")
    print(f"ratio baseline / batch            : {baseline / batch:6.1f}×")


if __name__ == "__main__":
    main()
