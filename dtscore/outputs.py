"""A run's outputs — RESULT.xlsx, the CSV tables and the history — written as one unit of work:
after any failure (a full disk, a read-only folder, a file open in Excel, a crash or kill -9)
either the previous state or the new one stands, never a mix, and the history never runs ahead of
the result.

1. every file is written completely under a temporary name next to its target (`.~dtscore-…`);
2. a journal (`.~dtscore-<token>.journal`, written atomically) lists the moves; then each target
   is moved aside to a backup name and its new file moved into place;
3. the history's transaction, which also stores the run's token, is committed last;
4. backups and journal are removed.

A failure before 3 puts the backups back (at once, or — after a crash — on the next run, which
finds the journal and sees that the history does not hold its token); after 3 the next run only
removes the backups. Temporary files left by a crash are removed by the next run.
"""

import json
import os
import secrets
from pathlib import Path

from .errors import DtscoreError

PREFIX = ".~dtscore-"
JOURNAL_SUFFIX = ".journal"
CRASH_ENV = "DTSCORE_CRASH_AT"  # tests: exit abruptly at this step (see crash_point)
STEPS = ("temp", "journal", "swap", "history", "done")


def crash_point(step: str):
    """Where a test can make the process die as a kill -9 would (no cleanup runs)."""
    if os.environ.get(CRASH_ENV) == step:
        os._exit(70)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Outputs:
    """Collect the new files of a run, then swap them in with `commit(record)`."""

    def __init__(self, journal_dir):
        self.token = secrets.randbelow(2**31 - 2) + 1  # fits SQLite's user_version, where the history keeps it
        self.journal_dir = Path(journal_dir)
        self.moves = []  # [final, temp, backup]

    def write(self, final, write) -> Path:
        """write(temp path) the new content of `final`; nothing visible changes yet."""
        final = Path(final)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            temp = final.parent / f"{PREFIX}{self.token}-{final.name}"
            self.moves.append([str(final), str(temp), str(final.parent / f"{PREFIX}{self.token}-cu-{final.name}")])
            write(temp)
            os.chmod(temp, 0o666 & ~_umask())
        except OSError as exc:
            self.abort()
            raise DtscoreError(f"không ghi được {final} ({exc.strerror}); kết quả, bảng CSV và lịch sử cũ vẫn "
                               "giữ nguyên") from None
        except BaseException:
            self.abort()
            raise
        crash_point("temp")
        return final

    def commit(self, record=None):
        """Swap every new file in, then run record(token, swap) — the history's transaction, which
        must call swap() before committing (dtscore.history.record) — or swap alone without one."""
        journal = self.journal_dir / f"{PREFIX}{self.token}{JOURNAL_SUFFIX}"
        state = {"token": self.token, "history": record is not None, "moves": self.moves}
        try:
            _write_json(journal, state)
            crash_point("journal")
            if record is None:
                self._swap()
            else:
                record(self.token, self._swap)
            crash_point("history")
        except BaseException as exc:
            _roll_back(self.moves)
            journal.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise DtscoreError(f"không thay được tệp kết quả ({exc.strerror}: {exc.filename}) — tệp đang mở "
                                   "trong Excel? Kết quả, bảng CSV và lịch sử cũ vẫn giữ nguyên") from None
            raise
        _finish(self.moves)
        journal.unlink(missing_ok=True)
        crash_point("done")

    def _swap(self):
        for final, temp, backup in self.moves:
            if os.path.lexists(final):
                os.replace(final, backup)
            os.replace(temp, final)
        crash_point("swap")

    def abort(self):
        for _, temp, _ in self.moves:
            Path(temp).unlink(missing_ok=True)


def _write_json(path: Path, data):
    temp = path.with_name(path.name + ".tmp")
    with open(temp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temp, path)


def _roll_back(moves):
    for final, temp, backup in reversed(moves):
        if os.path.lexists(backup):
            os.replace(backup, final)
        elif not os.path.lexists(temp) and os.path.lexists(final):
            os.unlink(final)  # it is this run's new file: there was none before
        Path(temp).unlink(missing_ok=True)


def _finish(moves):
    for _, temp, backup in moves:
        Path(backup).unlink(missing_ok=True)
        Path(temp).unlink(missing_ok=True)


def recover(folders, committed=lambda token: False) -> int:
    """Settle what an interrupted run left in `folders`: a journal whose token the history holds
    (committed(token)) is finished, any other is rolled back; stray temporary files are removed.
    Returns the number of journals settled."""
    settled = 0
    folders = [f for f in dict.fromkeys(Path(f) for f in folders if f) if f.is_dir()]
    for journal in sorted(j for folder in folders for j in folder.glob(f"{PREFIX}*{JOURNAL_SUFFIX}")):
        try:
            state = json.loads(journal.read_text(encoding="utf-8"))
            moves = state["moves"]
        except (OSError, ValueError, KeyError):
            continue
        if state.get("history") and committed(state["token"]):
            _finish(moves)
        else:
            _roll_back(moves)
        journal.unlink(missing_ok=True)
        settled += 1
    for folder in folders:  # after every journal: a stray may be another folder's backup
        for pattern in (f"{PREFIX}*", f".~{PREFIX}*"):  # the second: dtscore.atomic's temporary inside ours
            for stray in folder.glob(pattern):
                if stray.is_file() and not stray.name.endswith(JOURNAL_SUFFIX):
                    stray.unlink(missing_ok=True)
    return settled


def refuse_inside_inputs(output, inputs, what="Tệp kết quả"):
    """An output may not be one of the inputs nor lie inside an input folder: it would overwrite
    a unit's workbook, or be read back as a submission next time."""
    target = Path(output).resolve()
    for item in inputs:
        source = Path(item).resolve()
        if target == source:
            raise DtscoreError(f"{what} “{output}” trùng một tệp đầu vào ({item}) — không bao giờ ghi đè tệp của "
                               "đơn vị: chọn tên khác")
        if source.is_dir() and source in target.parents:
            raise DtscoreError(f"{what} “{output}” nằm trong thư mục hồ sơ {item} — hãy ghi ra ngoài thư mục hồ sơ "
                               "(ví dụ bên cạnh nó)")
