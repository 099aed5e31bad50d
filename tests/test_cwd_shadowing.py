"""Officials keep their own files next to their workbooks: a `workbook.py` or `udfs.py` in the
current folder must not change what any command imports. `python -m dtscore` puts the current
folder first on sys.path, so it is the strictest way to run the CLI; the console script is run too."""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dtscore.cli import build_parser

SHADOWS = ("workbook", "udfs", "adapters", "button", "functions", "builder", "reader")
CLI = [sys.executable, "-m", "dtscore"]
COMMANDS = sorted(next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    here = tmp_path_factory.mktemp("shadow")
    for name in SHADOWS:
        (here / f"{name}.py").write_text(f'raise SystemExit("SHADOWED: {name}.py in the current folder was imported")\n')
    return here


def run(folder: Path, *args, cli=CLI):
    done = subprocess.run([*cli, *args], cwd=folder, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert "SHADOWED" not in done.stdout + done.stderr
    return done


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_loads(folder, command):
    assert run(folder, command, "--help").returncode == 0


def test_the_proof_fails_on_a_shadowed_import(folder):
    """The trap works: importing the name `workbook` from this folder would be caught."""
    done = subprocess.run([sys.executable, "-c", "import workbook"], cwd=folder, capture_output=True, text=True)
    assert "SHADOWED" in done.stderr


def test_template_and_udfs_work_in_such_a_folder(folder):
    out = folder / "mau.xlsx"
    done = run(folder, "template", "--set", "soctrang-2023", "--level", "xa", "--formulas", "udf", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0
    script = shutil.which("dtscore", path=str(Path(sys.executable).parent))
    if script:  # the installed console script, as an official types it
        assert run(folder, "criteria", "list", cli=[script]).returncode == 0
    probe = "import dtscore.udfs.functions, dtscore.udfs.button, dtscore.workbook.reader; print('ok')"
    assert run(folder, "-c", probe, cli=[sys.executable]).stdout.strip() == "ok"
