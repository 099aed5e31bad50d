"""Benchmark: consolidate N generated commune workbooks (default 3,321, the national count of
commune-level units after 2025) with one worker and with every core; prints workbooks per second
for each and the ratio, plus the time to write RESULT.xlsx.

    python3 benchmarks/bench_consolidate.py [--n 3321] [--workers CORES] [--inbox DIR]

The inbox is generated first (Sóc Trăng 2023 commune template, filled with plausible figures
through its defined names) into a temporary folder, or into --inbox DIR and reused on the next
run when it already holds N workbooks. Consolidation = reading and validating every workbook,
then ranking; writing the result is timed apart.
"""

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dtscore.consolidation import consolidate  # noqa: E402
from dtscore.criteria import load_set  # noqa: E402
from dtscore.result_workbook import write_result  # noqa: E402
from dtscore.sampledata import cell_values, sample_unit  # noqa: E402

SET_ID, LEVEL = "soctrang-2023", "xa"
_BOOK = None


def _write(i_and_folder):
    """Write commune number i (in a worker: the template is built once per process)."""
    global _BOOK
    from dtscore.workbook.builder import make_workbook
    from dtscore.workbook.filling import clear, fill

    i, folder = i_and_folder
    cs = load_set(SET_ID)
    if _BOOK is None:
        _BOOK = make_workbook(cs, LEVEL)
    code = f"X{i:04d}"
    unit = sample_unit(cs, LEVEL, code, f"UBND xã số {i}")
    clear(_BOOK, cs.level(LEVEL))
    fill(_BOOK, inputs=cell_values(cs, LEVEL, unit.inputs), claimed={k: float(v) for k, v in unit.claimed.items()},
         evidence=unit.evidence, unit={"code": code, "name": unit.name})
    _BOOK.save(Path(folder) / f"{code}.xlsx")


def generate(folder: Path, n: int, workers: int) -> list:
    folder.mkdir(parents=True, exist_ok=True)
    existing = sorted(folder.glob("X*.xlsx"))
    if len(existing) == n:
        print(f"Dùng lại {n} tệp có sẵn trong {folder}")
        return existing
    for path in existing:
        path.unlink()
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_write, [(i, str(folder)) for i in range(1, n + 1)], chunksize=32))
    print(f"Tạo {n} tệp xã: {time.perf_counter() - started:.1f} s")
    return sorted(folder.glob("X*.xlsx"))


def timed(paths, workers):
    started = time.perf_counter()
    cons = consolidate(paths, workers=workers, progress=False)
    return cons, time.perf_counter() - started


def _burn(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def machine_ratio(workers) -> float:
    """Baseline: how much faster `workers` processes run pure Python than one, on this machine
    right now (cores shared with other work scale less than their number)."""
    jobs = [2_000_000] * (4 * workers)
    started = time.perf_counter()
    for n in jobs:
        _burn(n)
    one = time.perf_counter() - started
    with ProcessPoolExecutor(max_workers=workers) as pool:
        started = time.perf_counter()
        list(pool.map(_burn, jobs))
        many = time.perf_counter() - started
    return one / many


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3321, help="số tệp xã (mặc định 3321)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="số tiến trình khi chạy song song")
    parser.add_argument("--inbox", help="thư mục chứa/tái sử dụng các tệp sinh ra")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dtscore-bench-") as tmp:
        inbox = Path(args.inbox) if args.inbox else Path(tmp) / "hop-thu"
        paths = generate(inbox, args.n, args.workers)
        baseline_before = machine_ratio(args.workers)
        cons, one = timed(paths, 1)
        started = time.perf_counter()
        write_result(cons, Path(tmp) / "KET_QUA.xlsx")
        written = time.perf_counter() - started
        ranked = len(cons.groups[0].ranked) if cons.groups else 0
        del cons
        _, many = timed(paths, args.workers)
        baseline_after = machine_ratio(args.workers)
    print(f"{len(paths)} tệp, {ranked} đơn vị được xếp hạng; máy có {os.cpu_count()} nhân")
    print(f"1 tiến trình:          {one:7.1f} s  = {len(paths) / one:7.1f} tệp/giây")
    print(f"{args.workers} tiến trình:          {many:7.1f} s  = {len(paths) / many:7.1f} tệp/giây")
    print(f"Tỉ lệ (song song / 1): {one / many:7.2f} ×")
    print(f"Mốc so sánh — {args.workers} tiến trình chạy Python thuần trên máy này lúc đo: "
          f"{baseline_before:.2f} × (trước), {baseline_after:.2f} × (sau)")
    print(f"Ghi KET_QUA.xlsx:      {written:7.1f} s")


if __name__ == "__main__":
    main()
