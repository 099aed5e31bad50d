"""The layers of docs/DESIGN.md hold: the import contracts of pyproject.toml ([tool.importlinter])
pass on the repository, and an upward import added on purpose (the engine importing the workbook
builder) breaks them with import-linter's own report."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYOUT = ROOT / ".ci" / "installed_layout.py"

pytestmark = pytest.mark.skipif(shutil.which("lint-imports", path=str(Path(sys.executable).parent)) is None
                                and shutil.which("lint-imports") is None,
                                reason="import-linter is not installed (pip install -e '.[test]')")


def lint(source: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(LAYOUT), "--source", str(source), "lint-imports", "--no-cache"],
                          capture_output=True, text=True, timeout=300)


def test_the_layers_and_the_acyclic_contract_hold():
    run = lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Contracts: 2 kept, 0 broken." in run.stdout


def test_an_upward_import_breaks_the_layers(tmp_path):
    copy = tmp_path / "repo"
    copy.mkdir()
    shutil.copy(ROOT / "pyproject.toml", copy)
    for folder in ("dtscore", "udfs", "workbook"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    scoring = copy / "dtscore" / "scoring.py"
    scoring.write_text(scoring.read_text(encoding="utf-8") + "\nfrom dtscore.workbook import builder  # upward\n",
                       encoding="utf-8")
    run = lint(copy)
    print(run.stdout)  # the report shown in the closing note of issue 13
    assert run.returncode != 0
    assert "Layers only point down BROKEN" in run.stdout
    assert "dtscore.scoring is not allowed to import dtscore.workbook" in run.stdout


def test_every_module_has_its_layer():
    """A new module must be placed in the layers (pyproject.toml) — an unlisted one is unchecked."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    listed = {name.strip() for layer in layers for name in layer.replace("|", ":").split(":")}
    modules = {f"dtscore.{p.stem}" for p in (ROOT / "dtscore").glob("*.py") if p.stem != "__init__"}
    modules |= {f"dtscore.{p.name}" for p in (ROOT / "dtscore").iterdir() if (p / "__init__.py").exists()}
    modules |= {"dtscore.udfs", "dtscore.workbook"}
    assert sorted(modules - listed) == []
