"""The DT_* functions as Excel registers them: xlwings' custom_functions_meta is the metadata the
Office.js add-in hands to Excel (names, help, argument docs, optional and repeating arguments)."""

import subprocess
import sys
from pathlib import Path

import pytest

from dtscore.udfs import functions
from tests.xlwings_calls import meta

ROOT = Path(__file__).resolve().parent.parent

# name → (required arguments, optional arguments with their defaults, repeating argument)
EXPECTED = {
    "DT_RATIO": (["achieved", "target", "max_points"], {}, None),
    "DT_THRESHOLD": (["achieved", "threshold", "max_points"], {}, None),
    "DT_SHARE": (["numerator", "denominator"], {}, None),
    "DT_PENALTY_MONTHS": (["max_points", "due_dates", "done_dates"], {"mode": "started", "max_deduction": None}, None),
    "DT_LATE_MONTHS": (["due", "done"], {"mode": "started"}, None),
    "DT_LATE_ENTRIES": (["max_points"], {"monthly": 0, "quarterly": 0, "semiannual": 0, "annual": 0}, None),
    "DT_ALL_OR_NOTHING": (["active", "total", "max_points"], {}, None),
    "DT_CHOICE": (["chosen", "options", "points"], {}, None),
    "DT_BANDS": (["value", "thresholds", "points"], {"min_inclusive": True}, None),
    "DT_MINMAX": (["value", "values_range", "max_points"], {"lower_is_better": False}, None),
    "DT_ROUND": (["x"], {"digits": 2}, None),
    "DT_SCORE": (["criteria_set", "key"], {}, "inputs"),
    "DT_SCORE_TABLE": (["criteria_set", "level", "keys", "inputs"], {}, None),
}

VIETNAMESE = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


@pytest.fixture(scope="module")
def registered():
    return {f["name"]: f for f in meta(functions)["functions"]}


def test_every_function_is_registered_under_its_excel_name(registered):
    assert set(registered) == set(EXPECTED)
    assert sorted(functions.__all__) == sorted(EXPECTED)
    for name, info in registered.items():
        assert info["id"] == name  # no sub-namespace: the add-in's namespace (DTSCORE) is the only prefix


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_arguments_optional_defaults_and_repeating(registered, name):
    required, optional, repeating = EXPECTED[name]
    params = registered[name]["parameters"]
    assert [p["name"] for p in params] == required + list(optional) + ([repeating] if repeating else [])
    assert [p["name"] for p in params if p.get("optional")] == list(optional)
    assert [p["name"] for p in params if p.get("repeating")] == ([repeating] if repeating else [])
    defaults = {a["name"]: a["optional"] for a in getattr(functions, name).__xlfunc__["args"] if "optional" in a}
    assert defaults == optional


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_help_and_argument_docs_are_vietnamese_and_fit_excel(registered, name):
    info = registered[name]
    texts = [info["description"]] + [p["description"] for p in info["parameters"]]
    for text in texts:
        assert text and not text.startswith("Positional argument") and not text.startswith("Python function")
        assert len(text) <= 255, text  # the classic function wizard cuts help at 255 characters
        assert "\n" not in text and "  " not in text  # one line, as Excel shows it
    assert VIETNAMESE & set(info["description"].lower()), info["description"]


def test_results_and_arguments_accept_any_excel_value(registered):
    for info in registered.values():
        assert info["result"] == {"dimensionality": "matrix", "type": "any"}
        assert all(p["type"] == "any" and p["dimensionality"] == "matrix" for p in info["parameters"])
        for arg in getattr(functions, info["name"]).__xlfunc__["args"]:
            assert arg["options"].get("err_to_str") is True  # error cells reach the function as '#N/A'


def test_category_and_examples_for_the_reference():
    assert functions.CATEGORY == "dtscore — Chuyển đổi số"
    for name in EXPECTED:
        examples = getattr(functions, name).examples
        assert examples and all(e.formula.startswith(f"={name}(") for e in examples)


def test_generated_reference_is_up_to_date():
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_udf_docs.py"), "--check"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    text = (ROOT / "docs" / "excel-functions.md").read_text(encoding="utf-8")
    assert "# Hàm Excel / Excel functions" in text
    for name in EXPECTED:
        assert f"| [{name}](#{name.lower()}) |" in text
