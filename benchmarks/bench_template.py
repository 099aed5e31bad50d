"""Benchmark: the prefilled templates of --units units (default 3,321, the commune-level units of
Vietnam after 2025, with a few provincial and district-level ones), as `dtscore template --units`
writes them.

Pair (interleaved, see benchmarks/paired.py), per unit:
  baseline — build_template once per unit (the whole workbook built and serialised for every
             file), timed on --sample units of the same mix;
  measured — build_units over all --units units: each level's workbook built once, each file its
             package with the unit's cells patched (workbook.patching).

    python3 benchmarks/bench_template.py [--units 3321] [--sample 60] [--repeat 3] [--formulas native|udf]
"""

import argparse
import sys
import tempfile
from pathlib import Path

# the installed dtscore (its udfs/ and workbook/ are mapped to dtscore.udfs, dtscore.workbook), so the
# repository root goes last: only for `tests`, never before the installed package
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent.parent))

from paired import Pairs  # noqa: E402

from dtscore.criteria import load_set  # noqa: E402
from dtscore.workbook.builder import build_template, build_units  # noqa: E402


def units(n):
    """n units: ~1% provincial (at least 1), up to 11 district-level, the rest communes."""
    tinh = max(1, n // 100)
    huyen = min(11, n - tinh)
    out = [("tinh", f"S{i:02d}", f"Sở thứ {i}") for i in range(1, tinh + 1)]
    out += [("huyen", f"H{i:02d}", f"Ủy ban nhân dân huyện thứ {i}") for i in range(1, huyen + 1)]
    out += [("xa", f"X{i:04d}", f"Ủy ban nhân dân xã thứ {i}") for i in range(1, n - tinh - huyen + 1)]
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=3321)
    parser.add_argument("--sample", type=int, default=60, help="units built one by one for the baseline")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formulas", choices=("native", "udf"), default="native")
    parser.add_argument("--set", default="soctrang-2023")
    args = parser.parse_args(argv)
    cs = load_set(args.set)
    plan = units(args.units)
    sample = units(args.sample)
    with tempfile.TemporaryDirectory(prefix="bench-template-") as tmp:
        folder = Path(tmp)

        def one_by_one():
            for level, code, name in sample:
                build_template(cs, level, folder / "one" / f"{code}.xlsx", unit_code=code, unit_name=name,
                               formulas=args.formulas)

        def patched():
            build_units(cs, [(level, code, name, folder / "batch" / f"{code}.xlsx") for level, code, name in plan],
                        formulas=args.formulas)

        pairs = Pairs(f"Templates ({args.set}, {args.formulas}; {len(plan):,} units patched, {len(sample)} built one "
                      "by one), per unit", one_by_one, patched, repeat=args.repeat, per_baseline=len(sample),
                      per_measured=len(plan), warmup=False)
        print(pairs.run().report("ms per unit", 1e3, ("build_template per unit", "build_units (patched)")))
        size = sum(p.stat().st_size for p in (folder / "batch").iterdir()) / len(plan)
        print(f"  {len(plan):,} templates written in min {min(pairs.times[1]) * len(plan):.1f} s, median "
              f"{sorted(pairs.times[1])[len(pairs.times[1]) // 2] * len(plan):.1f} s; {size / 1024:.0f} KB each")


if __name__ == "__main__":
    main()
