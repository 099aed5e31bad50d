"""The rules-as-code YAML cases (tests/cases/**.yaml) as pytest parameters with readable ids; they
are loaded and run by dtscore.cases, the runner `dtscore test` offers officials."""

import re
import unicodedata

import pytest

from dtscore.cases import load_cases


def slug(text: str) -> str:
    """An ASCII test id from a Vietnamese name: 'T03 – đạt 90%' → 't03-dat-90'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9,]+", "-", text.lower()).strip("-")[:80]


def case_params(folder) -> list:
    return [pytest.param(case, id=f"{case.file.stem}-{case.number:02d}-{slug(case.name)}") for case in load_cases([folder])]
