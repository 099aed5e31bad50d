"""Reading many workbooks, each through `dtscore.validation.validate_file` under a guard: one file
never stops the others, whatever it holds — an exception becomes its reason, and a file that kills
its process (out of memory, killed by the system) is found, reported, and the rest go on. Many
files are spread over the cores, one process per core. Used by `consolidate` and `validate`."""

import gc
import os
import sys
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace

from . import limits
from .validation import Validation, failure_reason, validate_file

PARALLEL_FROM = 40  # files: by default, smaller inboxes are read in this process
FREEZE_EVERY = 100  # files read between two gc.freeze() calls
BATCH_FILES = 8  # files a worker reads per task


@dataclass
class Read:
    """One file as a worker read it."""

    file: str
    mtime: float
    validation: Validation


def read_one(path, **options) -> Read:
    """Validate one workbook (`options`: validate_file's today, criteria_sets); never raises,
    whatever the file holds (the reason is in .error)."""
    path = str(path)
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        mtime = 0.0
    try:
        validation = validate_file(path, **options)
    except Exception as exc:  # one bad file never stops the batch
        if os.environ.get("DTSCORE_DEBUG"):
            raise
        validation = Validation(path, error=failure_reason(exc))
    return Read(path, mtime, validation)


def read_unit(path, **options) -> Read:
    """read_one for consolidation: the submission without the workbook's cells. Consolidation uses
    what the unit reported (inputs, self-scores, evidence, parameters) and the findings, already
    located; an appraisal re-scores from those (the cells only locate findings, which it does
    not keep). The cells are most of what a worker sends back and the parent keeps."""
    read = read_one(path, **options)
    if read.validation.submission is not None:
        read.validation.submission = replace(read.validation.submission, cells={})
    return read


WORKER_DIED = ("tiến trình đọc tệp này bị dừng đột ngột (hết bộ nhớ hoặc bị hệ điều hành dừng) — đã bỏ qua tệp "
               "này, các tệp khác vẫn được đọc; đề nghị đơn vị điền lại vào biểu mẫu gốc")


def read_all(paths, workers=None, progress=True, read=None, desc="Đọc hồ sơ") -> list:
    """Read every file, in input order, in `workers` processes (default: one per core, or this
    process alone for a small inbox: a new process spends about a second warming its caches).
    A worker that dies (killed, out of memory) or stays on a file past the time limit is replaced;
    the file it was reading is reported.
    `read`: read_one, or a picklable function like it (path → Read; e.g. `dtscore validate`'s)."""
    paths = [str(p) for p in paths]
    read = read or read_one
    if workers is None:
        workers = (os.cpu_count() or 1) if len(paths) >= PARALLEL_FROM else 1
    workers = max(1, int(workers))
    bar = None
    if progress:  # tqdm is imported only here: a command reading many files starts sooner without it
        from tqdm import tqdm

        bar = tqdm(total=len(paths), desc=desc, unit="tệp", file=sys.stderr)
    # The results read so far live until the end: freezing them keeps the garbage collector from
    # walking an ever longer list (a quarter of the time on 3,000 files), and forked workers from
    # walking — and so copying — the parent's whole heap.
    gc.freeze()
    done = 0

    def step():
        nonlocal done
        if bar is not None:
            bar.update()
        done += 1
        if done % FREEZE_EVERY == 0:
            gc.freeze()

    try:
        if workers == 1 or len(paths) < 2:
            out = []
            for path in paths:
                out.append(read(path))
                step()
            return out
        return _read_in_workers(paths, min(workers, len(paths)), step, read)
    finally:
        gc.unfreeze()
        if bar is not None:
            bar.close()


def _read_in_workers(paths, workers, step, read) -> list:
    """Files go to the workers in small batches (fewer round trips between processes), at most two
    batches per worker in flight, so that when the pool breaks (a worker died, or none of the files
    in flight ends in time: limits.backstop_seconds) only those few files are suspects: in a new pool
    they are read again one per batch, and a single file that breaks it again is read alone — the one
    that kills its worker, or stays too slow, again is reported; the rest go on."""
    results: list = [None] * len(paths)
    todo = deque(batches(len(paths), workers))
    while todo:
        suspects: list[list] = []
        with ProcessPoolExecutor(max_workers=workers) as pool:
            inflight: dict = {}
            while (todo or inflight) and not suspects:
                while todo and len(inflight) < 2 * workers:
                    batch = todo.popleft()
                    inflight[pool.submit(_read_batch, read, [paths[i] for i in batch])] = batch
                finished, _ = wait(inflight, timeout=limits.backstop_seconds(), return_when=FIRST_COMPLETED)
                if not finished:  # none of them ends: stop every worker, and find the file as for a dead one
                    _stop(pool)
                    break
                for future in finished:
                    batch = inflight.pop(future)
                    try:
                        for i, one in zip(batch, future.result()):
                            results[i] = one
                            step()
                    except BrokenProcessPool:
                        suspects.append(batch)
                    except Exception as exc:  # noqa: BLE001 — a result that could not come back (pickling…): that file's reason
                        if len(batch) > 1:
                            todo.extendleft([i] for i in reversed(batch))
                            continue
                        results[batch[0]] = failed(paths[batch[0]], failure_reason(exc))
                        step()
            suspects += inflight.values()
        todo.extendleft([i] for i in sorted((i for b in suspects if len(b) > 1 for i in b), reverse=True))
        for i in sorted(b[0] for b in suspects if len(b) == 1):
            results[i] = _read_alone(paths[i], read)
            step()
    return results


def batches(count, workers) -> list:
    """File numbers 0…count-1 in batches of at most BATCH_FILES, smaller when there are few files
    and ever smaller toward the end: no worker waits long, idle, for another's last batch."""
    most = max(1, min(BATCH_FILES, count // (4 * workers)))
    out, start = [], 0
    while start < count:
        size = max(1, min(most, (count - start) // (2 * workers)))
        out.append(list(range(start, start + size)))
        start += size
    return out


def _read_batch(read, paths) -> list:
    return [read(path) for path in paths]


def _read_alone(path, read) -> Read:
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(read, path).result(timeout=limits.backstop_seconds())
        except FutureTimeout:
            _stop(pool)
            return failed(path, limits.too_slow(limits.LIMITS.seconds))
        except BrokenProcessPool:
            return failed(path, WORKER_DIED)
        except Exception as exc:  # noqa: BLE001 — whatever happened to this one file is its reason
            return failed(path, failure_reason(exc))


def _stop(pool):
    """Kill the pool's worker processes: a task that runs on cannot be cancelled otherwise
    (the executor has no public way to reach its processes)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()


def failed(path, reason) -> Read:
    """A file that could not be read, and why."""
    return Read(path, 0.0, Validation(path, error=reason))
