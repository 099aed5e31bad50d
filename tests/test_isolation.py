"""One file never costs the others: reading, scoring and checking run inside one guard per file
(issue 16). A number no computation can take is an input finding; a crash in scoring, running out
of memory or time, or a worker killed mid-file becomes a reason on that file, and the run goes on."""

import decimal
import os
import signal
import time
from pathlib import Path

import pytest

from dtscore import reading, validation
from dtscore.cli import main
from dtscore.limits import limits_set
from tests import validate_fixtures as vf


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return vf.build(tmp_path_factory.mktemp("tpl"))


@pytest.fixture(scope="module")
def good(template, tmp_path_factory):
    return vf.fill(template, tmp_path_factory.mktemp("good") / "h01-tot.xlsx", vf.clean_values())


def typed_number(good: Path, out: Path, name: str, text: str) -> Path:
    """A copy of the good workbook whose cell `name` holds the number `text` exactly as written in
    the XML (what a program, not Excel, can put there: NaN, INF, 1e308)."""
    coord = vf.coordinate_of(good, name).split("!")[1]
    return vf.rewrite_cells(good, out, "Chấm điểm", {coord: lambda old: vf.set_typed_number(old, 0).replace(
        "<v>0</v>", f"<v>{text}</v>")})


NUMBERS = {"1e308": "1e308", "1e25": "1e25", "nan": "NaN", "inf": "INF", "ninf": "-INF"}


@pytest.mark.parametrize("tag", NUMBERS)
def test_an_absurd_number_is_an_out_of_range_finding_on_its_cell(good, tmp_path, tag):
    path = typed_number(good, tmp_path / f"h02-{tag}.xlsx", "H04_ratio", NUMBERS[tag])
    v = validation.validate_file(path, today=vf.TODAY)
    assert v.error is None
    found = [f for f in v.findings if f.code == "INPUT_OUT_OF_RANGE" and f.name == "H04_ratio"]
    assert len(found) == 1 and found[0].key == "H04" and found[0].cell == vf.coordinate_of(good, "H04_ratio")
    assert "số" in found[0].message
    assert v.result.criterion("H04").score == 0  # blocked, like text in a number cell


@pytest.mark.parametrize("name", ["H09_claimed", "H09_score", "total_score"])
def test_an_absurd_number_in_a_self_score_or_computed_cell_is_reported_not_raised(good, tmp_path, name):
    path = typed_number(good, tmp_path / "h03.xlsx", name, "1e308")
    v = validation.validate_file(path, today=vf.TODAY)
    assert v.error is None
    assert any(f.code == "INPUT_OUT_OF_RANGE" and f.name == name for f in v.findings)


def test_validate_of_a_folder_with_absurd_numbers_reports_every_file(good, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "h01-tot.xlsx").write_bytes(good.read_bytes())
    for tag, text in NUMBERS.items():
        typed_number(good, inbox / f"h-{tag}.xlsx", "H04_ratio", text)
    code = main(["validate", str(inbox)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("Số liệu ngoài phạm vi") == len(NUMBERS)
    assert f"Đã kiểm tra {len(NUMBERS) + 1} tệp: {len(NUMBERS) + 1} đọc được" in out


def test_a_decimal_error_in_scoring_becomes_the_files_reason(good, monkeypatch):
    def broken(*args, **kwargs):
        raise decimal.InvalidOperation([decimal.InvalidOperation])

    monkeypatch.setattr(validation, "score_unit", broken)
    v = validation.validate_file(good, today=vf.TODAY)
    assert v.error and "InvalidOperation" in v.error and "các tệp khác" in v.error


def test_running_out_of_memory_becomes_the_files_reason(good, monkeypatch):
    def hungry(path):
        raise MemoryError

    monkeypatch.setattr(validation, "read_workbook", hungry)
    v = validation.validate_file(good)
    assert v.error and "bộ nhớ" in v.error


def test_a_file_that_takes_too_long_is_stopped_and_reported(good, monkeypatch):
    def forever(path):
        start = time.monotonic()
        while time.monotonic() - start < 20:  # bounded, so the test fails rather than hangs without a deadline
            pass
        raise AssertionError("no deadline stopped the file")

    monkeypatch.setattr(validation, "read_workbook", forever)
    with limits_set(seconds=0.2):
        v = validation.validate_file(good)
    assert v.error and "quá 0,2 giây" in v.error


def _one_misbehaving(good, tmp_path, monkeypatch, count, misbehave) -> tuple:
    """(the reason of the fourth file, {file: reason} of the others) of `count` copies of the good
    workbook read by two forked workers, misbehave() running in the worker reading the fourth."""
    files = [tmp_path / f"x{i:02d}.xlsx" for i in range(count)]
    for f in files:
        f.write_bytes(good.read_bytes())
    bad = str(files[3])
    real = validation.validate_file

    def patched(path, *args, **kwargs):
        if str(path) == bad:
            misbehave()
        return real(path, *args, **kwargs)

    monkeypatch.setattr(reading, "validate_file", patched)
    reads = reading.read_all(files, workers=2, progress=False)
    assert [r.file for r in reads] == [str(f) for f in files]
    errors = {r.file: r.validation.error for r in reads}
    return errors.pop(bad), errors


@pytest.mark.parametrize("count, batch", [(7, 1), (40, 5)], ids=["one file per task", "batches of files"])
def test_a_killed_worker_is_replaced_and_only_its_file_is_reported(good, tmp_path, monkeypatch, count, batch):
    """The worker reading the file is killed — alone, or in a batch whose other files are then read again."""
    assert max(map(len, reading.batches(count, 2))) == batch
    bad, others = _one_misbehaving(good, tmp_path, monkeypatch, count, lambda: os.kill(os.getpid(), signal.SIGKILL))
    assert bad == reading.WORKER_DIED
    assert all(e is None for e in others.values()), others


def test_a_file_whose_reading_the_alarm_cannot_stop_is_stopped_by_the_parent(good, tmp_path, monkeypatch):
    """Where the reader's own alarm cannot act — Windows has no SIGALRM; C code that never returns to
    Python — the process handing out the files stops the worker stuck on one (here SIGALRM is
    blocked in it) once none of the files in flight ends within limits.backstop_seconds(), reads the
    others again, and reports that file as too slow."""
    def spin():
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        start = time.monotonic()
        while time.monotonic() - start < 30:  # bounded, so the test fails rather than hangs
            pass

    with limits_set(seconds=0.3):
        bad, others = _one_misbehaving(good, tmp_path, monkeypatch, 7, spin)
    assert "quá 0,3 giây" in bad
    assert all(e is None for e in others.values()), others
