"""Limits on what one submitted file may make dtscore do, checked before the work is done.

A unit's workbook is a zip of XML parts; a hostile or broken one can claim gigabytes behind a few
megabytes, hold millions of cells or names, or simply take forever. Each limit below is far above
what a filled template needs (the template: ~50 KB, ~15 parts, ~200 defined names, ~2,000 cells,
strings of at most a few hundred characters, ~30 ms to check) and says in Vietnamese which one a
file broke. `LIMITS` holds the values in force; tests lower them with `limits_set(...)`.
"""

import os
import signal
import stat
import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import WorkbookError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 50 * MB  # size of the file on disk
    parts: int = 1_000  # parts (files) inside the .xlsx zip
    part_bytes: int = 64 * MB  # uncompressed size of one part
    total_bytes: int = 256 * MB  # uncompressed size of all parts together
    ratio: int = 200  # uncompressed ÷ compressed size of one part larger than ratio_from_bytes
    ratio_from_bytes: int = 1 * MB
    defined_names: int = 10_000  # defined names in the workbook
    cells: int = 500_000  # cells and rows streamed in the sheets read
    strings: int = 1_000_000  # entries of the shared-string table
    string_chars: int = 32_767  # characters of one text (Excel's own limit for a cell)
    seconds: float = 60.0  # wall time to read and check one file


LIMITS = Limits()


@contextmanager
def limits_set(**changes):
    """Run with some limits changed (tests make bombs small this way)."""
    global LIMITS
    previous = LIMITS
    LIMITS = replace(LIMITS, **changes)
    try:
        yield LIMITS
    finally:
        LIMITS = previous


def exceeded(what: str, value, limit, unit: str = "") -> WorkbookError:
    """The error for a file over a limit: what, how much, the limit — and what to do."""
    unit = f" {unit}" if unit else ""
    return WorkbookError(f"tệp vượt giới hạn an toàn: {what} {_n(value)}{unit} (tối đa {_n(limit)}{unit}) — "
                         "không phải biểu mẫu bình thường; đề nghị đơn vị điền lại vào biểu mẫu gốc")


def _n(value) -> str:
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value).replace(".", ",")


class FileTimeout(BaseException):
    """Checking one file took longer than LIMITS.seconds (a BaseException: no handler of a damaged
    part may swallow it)."""


def too_slow(seconds) -> str:
    """Why a file took too long to check."""
    return (f"kiểm tra tệp quá {_n(seconds)} giây (giới hạn thời gian cho một tệp) — tệp bất thường; đề nghị đơn vị "
            "điền lại vào biểu mẫu gốc")


def backstop_seconds() -> float | None:
    """How long a process reading other processes' files waits for one of them to finish before it
    stops them: LIMITS.seconds and half as much again (at least a second), or None without a limit.
    The reader's own alarm (file_deadline) acts first where it can; this one also acts where it
    cannot — on Windows, which has no SIGALRM, and in C code that never returns to Python."""
    return LIMITS.seconds + max(1.0, LIMITS.seconds / 2) if LIMITS.seconds else None


@contextmanager
def file_deadline(seconds=None):
    """Raise WorkbookError inside the block once `seconds` (default LIMITS.seconds) have passed.
    Uses SIGALRM, so it only acts in a process's main thread on POSIX; elsewhere it is a no-op."""
    seconds = LIMITS.seconds if seconds is None else seconds
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or not seconds or signal.getitimer(signal.ITIMER_REAL)[0]:
        yield  # no alarm available, or an outer deadline already runs
        return

    def expired(signum, frame):
        raise FileTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except FileTimeout:
        raise WorkbookError(too_slow(seconds)) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def entry_problem(path, root) -> str | None:
    """Why a path found in the folder `root` is not read: a symbolic link leading out of the folder
    (reported, never followed), or not a regular file (a FIFO or a device would block or never end)."""
    path = Path(path)
    if path.is_symlink():
        target = Path(os.path.realpath(path))
        if Path(root).resolve() not in target.parents:
            return f"Liên kết tượng trưng trỏ ra ngoài thư mục hồ sơ (tới {target}): không đọc"
    try:
        mode = path.stat().st_mode
    except OSError:
        return "Liên kết hỏng hoặc không truy cập được: không đọc"
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return "Không phải tệp thường (FIFO, thiết bị hoặc socket): không đọc"
    return None
