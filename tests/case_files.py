"""Loading the rules-as-code YAML cases (tests/cases/**.yaml) as pytest parameters with readable ids."""

import re
import unicodedata

import pytest
import yaml


def slug(text: str) -> str:
    """An ASCII test id from a Vietnamese name: 'T03 – đạt 90%' → 't03-dat-90'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9,]+", "-", text.lower()).strip("-")[:80]


def load_cases(folder) -> list:
    params = []
    for path in sorted(folder.glob("*.yaml")):
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(cases, list), f"{path.name}: a case file is a list of cases"
        for number, case in enumerate(cases, 1):
            params.append(pytest.param(case, id=f"{path.stem}-{number:02d}-{slug(case.get('name', '?'))}"))
    return params
