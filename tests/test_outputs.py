"""Outputs that never lie (issue 16): no output inside an input folder or over an input; RESULT.xlsx,
the CSV tables and the history written as one unit of work, so that a failure or a crash at any
write step leaves the previous state (or, once the history committed, the new one) — never a
mix — and the next run cleans what a crash left."""

import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dtscore import outputs
from dtscore.cli import main
from tests import hostile


@pytest.fixture(scope="module")
def units(tmp_path_factory):
    folder = tmp_path_factory.mktemp("units")
    return {code: hostile.good_unit(folder, code, seed=i) for i, code in enumerate(["X-A", "X-B", "X-C"], start=1)}


def _inbox(root: Path, units, codes) -> Path:
    inbox = root / "hop-thu"
    inbox.mkdir(exist_ok=True)
    for code in codes:
        (inbox / f"{code}.xlsx").write_bytes(units[code].read_bytes())
    return inbox


def _args(root, inbox):
    return [str(inbox), "-o", str(root / "ket-qua.xlsx"), "--csv", str(root / "csv"), "--db", str(root / "h.sqlite"),
            "--no-progress"]


def _state(root: Path) -> dict:
    """Everything the run writes: RESULT and CSV bytes, the history's rows (logically), stray files."""
    state = {"result": (root / "ket-qua.xlsx").read_bytes()}
    state.update({f"csv/{p.name}": p.read_bytes() for p in sorted((root / "csv").iterdir())})
    with sqlite3.connect(root / "h.sqlite") as conn:
        state["units"] = sorted(conn.execute("SELECT year, unit_key, source_sha256, rank FROM units"))
        state["scores"] = conn.execute("SELECT count(*) FROM scores").fetchone()[0]
    state["files"] = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()
                            and "hop-thu" not in p.parts
                            and not p.name.endswith("-journal"))  # SQLite's own: rolled back when opened
    return state


def test_output_over_a_units_workbook_inside_the_inbox_is_refused(units, tmp_path, capsys):
    inbox = _inbox(tmp_path, units, ["X-A", "X-B"])
    before = (inbox / "X-A.xlsx").read_bytes()
    assert main(["consolidate", str(inbox), "-o", str(inbox / "X-A.xlsx"), "--no-progress"]) == 2
    assert "nằm trong thư mục hồ sơ" in capsys.readouterr().err
    assert (inbox / "X-A.xlsx").read_bytes() == before
    assert main(["consolidate", str(inbox), "-o", str(inbox / "ket-qua.xlsx"), "--no-progress"]) == 2
    assert not (inbox / "ket-qua.xlsx").exists()
    assert main(["consolidate", str(inbox), "-o", str(tmp_path / "k.xlsx"), "--csv", str(inbox / "csv")]) == 2
    assert main(["validate", str(inbox), "--report", str(inbox / "bao-cao.html")]) == 2


def test_a_full_disk_while_writing_the_result_leaves_the_history_as_it_was(units, tmp_path, monkeypatch, capsys):
    inbox = _inbox(tmp_path, units, ["X-A", "X-B"])
    assert main(["consolidate", *_args(tmp_path, inbox)]) == 0
    before = _state(tmp_path)
    (inbox / "X-C.xlsx").write_bytes(units["X-C"].read_bytes())
    import dtscore.result_workbook as rw

    def full(cons, path, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(rw, "write_result", full)
    assert main(["consolidate", *_args(tmp_path, inbox)]) == 2
    assert "giữ nguyên" in capsys.readouterr().err
    assert _state(tmp_path) == before


def test_a_file_that_cannot_be_replaced_rolls_everything_back(units, tmp_path, monkeypatch, capsys):
    """RESULT.xlsx open in Excel on Windows: replacing it fails after the CSVs were swapped in."""
    inbox = _inbox(tmp_path, units, ["X-A", "X-B"])
    assert main(["consolidate", *_args(tmp_path, inbox)]) == 0
    before = _state(tmp_path)
    (inbox / "X-C.xlsx").write_bytes(units["X-C"].read_bytes())
    real = os.replace
    result = str(tmp_path / "ket-qua.xlsx")

    def locked(src, dst):
        if str(dst) == result and outputs.PREFIX in str(src) and "-cu-" not in str(src):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real(src, dst)

    monkeypatch.setattr(outputs.os, "replace", locked)
    assert main(["consolidate", *_args(tmp_path, inbox)]) == 2
    assert "giữ nguyên" in capsys.readouterr().err
    assert _state(tmp_path) == before


@pytest.mark.parametrize("step", outputs.STEPS)
def test_a_crash_at_each_write_step_leaves_the_previous_state_or_the_new_one_never_a_mix(units, tmp_path, step):
    inbox = _inbox(tmp_path, units, ["X-A", "X-B"])
    assert main(["consolidate", *_args(tmp_path, inbox)]) == 0
    before = _state(tmp_path)
    (inbox / "X-C.xlsx").write_bytes(units["X-C"].read_bytes())
    env = dict(os.environ, **{outputs.CRASH_ENV: step})
    crashed = subprocess.run([sys.executable, "-m", "dtscore", "consolidate", *_args(tmp_path, inbox)], env=env,
                             capture_output=True, text=True)
    assert crashed.returncode == 70, crashed.stderr
    committed = outputs.STEPS.index(step) >= outputs.STEPS.index("history")
    if not committed:
        with sqlite3.connect(tmp_path / "h.sqlite") as conn:  # the history never ran ahead
            assert len(conn.execute("SELECT * FROM units").fetchall()) == 2
    # The next run settles what the crash left, then does its own work.
    from dtscore.history import holds_token

    outputs.recover([tmp_path, tmp_path / "csv"], lambda token: holds_token(tmp_path / "h.sqlite", token))
    after = _state(tmp_path)
    if committed:
        assert len(after["units"]) == 3 and after["files"] == before["files"]
        assert after["result"] != before["result"]
    else:
        assert after == before
    assert not [p for p in tmp_path.rglob(".~*")]
    assert main(["consolidate", *_args(tmp_path, inbox)]) == 0
    assert len(_state(tmp_path)["units"]) == 3


def test_leftover_temporary_files_are_removed_by_the_next_run(units, tmp_path):
    inbox = _inbox(tmp_path, units, ["X-A"])
    (tmp_path / "csv").mkdir()
    left = [tmp_path / ".~dtscore-0123abcd-ket-qua.xlsx", tmp_path / "csv" / ".~dtscore-0123abcd-diem.csv",
            tmp_path / ".~.~dtscore-0123abcd-ket-qua-x1y2.xlsx"]
    for p in left:
        p.write_bytes(b"half")
    assert main(["consolidate", *_args(tmp_path, inbox)]) == 0
    assert not any(p.exists() for p in left)
