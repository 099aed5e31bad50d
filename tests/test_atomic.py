"""Files dtscore writes appear whole, replace only with a complete file, and are readable by
colleagues (a plain open() would give 0666 & ~umask; mkstemp alone gives 0600)."""

import os
import stat

import pytest

from dtscore.atomic import write_atomic, write_text_atomic
from dtscore.errors import DtscoreError


def test_the_file_gets_the_permissions_of_a_plain_write(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_text_atomic(tmp_path / "ket-qua.csv", "a,b\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_text(encoding="utf-8") == "a,b\n"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "ket-qua.xlsx"
    target.write_text("cũ", encoding="utf-8")

    def broken(tmp):
        open(tmp, "w").write("nửa")
        raise RuntimeError("hỏng giữa chừng")

    with pytest.raises(RuntimeError):
        write_atomic(target, broken)
    assert target.read_text(encoding="utf-8") == "cũ"
    assert [p.name for p in tmp_path.iterdir()] == ["ket-qua.xlsx"]


def test_an_unwritable_folder_is_a_vietnamese_error(tmp_path):
    blocker = tmp_path / "tep"
    blocker.write_text("x")
    with pytest.raises(DtscoreError, match="không ghi được vào thư mục"):
        write_text_atomic(blocker / "con" / "a.txt", "x")
