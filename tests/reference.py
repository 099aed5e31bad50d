"""The reference texts (the decisions the criteria sets transcribe) for the tests that compare a
set with its source. They are the workspace's shared/reference folder, found relative to the
repository: `../shared/reference` from its root (in CI and in /work/main), or from a folder above
it (a worktree). A missing text fails under CI and skips elsewhere, saying where it was looked for."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def reference_dir() -> Path | None:
    for folder in ROOT.parents:
        if (folder / "shared" / "reference").is_dir():
            return folder / "shared" / "reference"
    return None


def reference_text(name: str) -> str:
    """The text of shared/reference/NAME."""
    folder = reference_dir()
    path = folder / name if folder else None
    if path is None or not path.is_file():
        where = f"{ROOT.parent / 'shared' / 'reference' / name} (and the folders above it)"
        if os.environ.get("CI"):
            pytest.fail(f"CI: the reference text {where} is missing")
        pytest.skip(f"the reference text {where} is not in this checkout")
    return path.read_text(encoding="utf-8")
