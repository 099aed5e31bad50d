"""Check the import contracts of pyproject.toml ([tool.importlinter]) on the package laid out as a
regular install lays it out: udfs/ and workbook/ under dtscore/ (package-dir). import-linter reads
packages from folders and cannot follow an editable install's mapping, so the layout is copied to
a temporary folder first.

    python3 .ci/lint_imports.py [SOURCE]    # SOURCE: a repository checkout (default: this one)

The exit code and the output are lint-imports' own.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path


def install_layout(source: Path, target: Path) -> None:
    """Copy the packages of `source` into `target` where `pip install` would put them."""
    config = tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))
    package_dir = config["tool"]["setuptools"].get("package-dir", {})
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(source / "dtscore", target / "dtscore", ignore=skip)
    for package, folder in package_dir.items():
        shutil.copytree(source / folder, target.joinpath(*package.split(".")), ignore=skip)


def main(argv) -> int:
    source = Path(argv[1] if len(argv) > 1 else Path(__file__).resolve().parent.parent).resolve()
    lint = shutil.which("lint-imports", path=os.path.dirname(sys.executable)) or shutil.which("lint-imports")
    if lint is None:
        print("lint-imports not found: pip install -e '.[test]'", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="dtscore-imports-") as tmp:
        install_layout(source, Path(tmp))
        env = {**os.environ, "PYTHONPATH": tmp}
        return subprocess.run([lint, str(source / "pyproject.toml"), "--no-cache"], cwd=tmp,
                              env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
