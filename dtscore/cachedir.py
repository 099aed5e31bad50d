"""The user's cache folder: answers kept between commands, each file named by a digest of what it
was computed from, so that it can never be stale (the parsed criteria sets, a template's formulas)."""

import os
import sys
from pathlib import Path


def cache_dir() -> Path | None:
    """DTSCORE_CACHE_DIR, else the user's cache folder (%LOCALAPPDATA% on Windows, XDG elsewhere);
    None when there is none to find (an account without a home folder): then nothing is kept."""
    if os.environ.get("DTSCORE_CACHE_DIR"):
        return Path(os.environ["DTSCORE_CACHE_DIR"])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "dtscore" / "cache"
    try:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dtscore"
    except (RuntimeError, KeyError):  # Path.home(): no HOME, USERPROFILE nor password entry
        return None
