"""Benchmark: `dtscore consolidate` of N generated commune workbooks (default 3,321, the national
count of commune-level units after 2025), the whole command — reading, ranking, RESULT.xlsx.

Pairs (interleaved, see benchmarks/paired.py):
- the whole command in a new process with --workers 1 ÷ with --workers W (default: the cores),
  with the CPU time of the process and its workers and the peak memory (resident set) of the
  largest process of each run (the expected-formula cache is filled by a first run, not timed);
- RESULT.xlsx alone, in this process: every cell through openpyxl (as before dtscore.sheet_stream)
  ÷ the tables' rows generated as sheet XML, one process.

The inbox is generated first (Sóc Trăng 2023 commune template, filled with plausible figures
through its defined names) into a temporary folder, or into --inbox DIR and reused on the next
run when it already holds N workbooks.

    python3 benchmarks/bench_consolidate.py [--n 3321] [--workers CORES] [--repeat 3] [--inbox DIR] [--whole-only]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from unittest import mock

# the installed dtscore (its udfs/ and workbook/ are mapped to dtscore.udfs, dtscore.workbook), so the
# repository root goes last: only for `tests`, never before the installed package
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent.parent))

from paired import Pairs, command_env  # noqa: E402

from dtscore import result_workbook, xlsx_style  # noqa: E402
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


def command(inbox: Path, out: Path, workers: int, env) -> tuple:
    """(wall seconds, CPU seconds of the process and its workers, peak resident set of the largest
    of them in MB) of one whole consolidate command in a new process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "dtscore", "consolidate", str(inbox), "-o", str(out),
                             "--workers", str(workers), "--no-progress"], stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)  # usage: the process and every worker it waited for
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"dtscore consolidate exited with {proc.returncode}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


_WRITE_TABLE = xlsx_style.write_table


def cell_by_cell(ws, table, header_row, styled=True, title_span=None, stream=None, fill_rows=(), fill=None):
    """xlsx_style.write_table as it was: every cell an openpyxl object (the baseline)."""
    return _WRITE_TABLE(ws, table, header_row, styled, title_span, False, fill_rows, fill)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3321, help="số tệp xã (mặc định 3321)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="số tiến trình khi chạy song song")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--inbox", help="thư mục chứa/tái sử dụng các tệp sinh ra")
    parser.add_argument("--whole-only", action="store_true", help="chỉ đo cả lệnh (bỏ cặp đo riêng RESULT.xlsx)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dtscore-bench-") as tmp:
        inbox = Path(args.inbox) if args.inbox else Path(tmp) / "hop-thu"
        paths = generate(inbox, args.n, args.workers)
        env = command_env(tmp)
        # the template's expected formulas, cached on disk: computed here once, so every run finds them
        subprocess.run([sys.executable, "-m", "dtscore", "validate", str(paths[0])], env=env, capture_output=True)
        cpu: dict = {1: [], args.workers: []}
        peaks: dict = {1: [], args.workers: []}

        def run(workers):
            def go():
                _, seconds, peak = command(inbox, Path(tmp) / f"KET_QUA_{workers}.xlsx", workers, env)
                cpu[workers].append(seconds)
                peaks[workers].append(peak)
            return go

        pairs = Pairs(f"dtscore consolidate, {len(paths):,} workbooks, whole command", run(1), run(args.workers),
                      repeat=args.repeat, warmup=False)
        print(pairs.run().report("s", 1, ("--workers 1", f"--workers {args.workers}")))
        for workers in (1, args.workers):
            print(f"  --workers {workers}: CPU time of the process and its workers min {min(cpu[workers]):.1f} s, "
                  f"median {statistics.median(cpu[workers]):.1f} s; peak memory of the largest process "
                  f"{max(peaks[workers]):.0f} MB")
        print(f"  machine: {os.cpu_count()} cores; done-when: --workers 2 ≤ 20 s whole command and ≥ 1.6× "
              "--workers 1 (read on an idle machine: load average ≈ 0 before)")
        if args.whole_only:
            return
        cons = consolidate(paths, workers=args.workers, progress=False)
        out = Path(tmp) / "KET_QUA.xlsx"

        def old():
            with mock.patch.object(result_workbook, "write_table", cell_by_cell), \
                    mock.patch.object(xlsx_style, "write_table", cell_by_cell):  # the raw tables too
                write_result(cons, out)

        pairs = Pairs(f"RESULT.xlsx alone ({len(paths):,} units), one process", old, lambda: write_result(cons, out),
                      repeat=args.repeat, warmup=False)
        print(pairs.run().report("s", 1, ("every cell through openpyxl", "rows generated as XML")))


if __name__ == "__main__":
    main()
