"""Run a checker (lint-imports, mypy) on the package laid out as a regular install lays it out:
udfs/ and workbook/ under dtscore/ (pyproject's package-dir). Checkers read packages from folders
and cannot follow an editable install's mapping, so the layout is copied to a temporary folder,
with pyproject.toml, and the command runs there; paths in its output are given back as the
repository's (dtscore/workbook/x.py → workbook/x.py).

    python3 .ci/installed_layout.py [--source REPO] COMMAND [ARGS…]
    python3 .ci/installed_layout.py lint-imports --no-cache
    python3 .ci/installed_layout.py mypy

The exit code is the command's.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def package_dirs(source: Path) -> dict:
    """{installed package folder: repository folder}, e.g. {"dtscore/workbook": "workbook"}."""
    config = tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))
    mapping = config["tool"]["setuptools"].get("package-dir", {})
    return {package.replace(".", "/"): folder for package, folder in mapping.items()}


def install_layout(source: Path, target: Path) -> None:
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(source / "dtscore", target / "dtscore", ignore=skip)
    for installed, folder in package_dirs(source).items():
        shutil.copytree(source / folder, target / installed, ignore=skip)
    shutil.copy(source / "pyproject.toml", target / "pyproject.toml")


def main(argv) -> int:
    source = REPO
    if argv[:1] == ["--source"]:
        source, argv = Path(argv[1]).resolve(), argv[2:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    program = shutil.which(argv[0], path=os.path.dirname(sys.executable)) or shutil.which(argv[0])
    if program is None:
        print(f"{argv[0]} not found: pip install -e '.[test]'", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="dtscore-layout-") as tmp:
        install_layout(source, Path(tmp))
        run = subprocess.run([program, *argv[1:]], cwd=tmp, env={**os.environ, "PYTHONPATH": tmp},
                             capture_output=True, text=True)
        for stream, text in ((sys.stdout, run.stdout), (sys.stderr, run.stderr)):
            text = text.replace(tmp + os.sep, "")
            for installed, folder in package_dirs(source).items():
                text = text.replace(installed + "/", folder + "/")
            stream.write(text)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
