"""Writing files atomically: a temporary file in the target folder, then a rename. A reader never
sees half a file, and a user's file is only ever replaced by a complete one."""

import os
import tempfile
from pathlib import Path

from .errors import DtscoreError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path, write) -> Path:
    """Call write(tmp_path) on a temporary file next to `path`, then move it into place.

    The file gets the permissions a plain open() would give it (mkstemp makes it 0600, which would
    hide results from colleagues in a shared folder). OS errors become a Vietnamese DtscoreError.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".~{path.stem}-", suffix=path.suffix, dir=folder)
    except OSError as exc:
        raise DtscoreError(f"không ghi được vào thư mục {folder} ({exc.strerror})") from None
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise DtscoreError(f"không ghi được tệp {path} ({exc.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_workbook_atomic(wb, path) -> Path:
    """An openpyxl Workbook saved atomically."""
    return write_atomic(path, wb.save)


def write_text_atomic(path, text: str, encoding="utf-8") -> Path:
    def write(tmp):
        with open(tmp, "w", encoding=encoding, newline="") as fh:
            fh.write(text)

    return write_atomic(path, write)
