"""xlwings Lite for real: the project's wheel and the main.py of `dtscore lite`, loaded into Pyodide
(the `pyodide` npm package under Node, xlwings Lite's runtime) with packages only from local
wheels — no CDN, no pandas, PyYAML without its C extension — then DT_RATIO, DT_SCORE_TABLE and the
button called the way xlwings' Wasm runtime calls them. .ci/run installs Pyodide and the wheels."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dtscore import lite
from dtscore.server import wheel_name as server_wheel
from tests import validate_fixtures as vf
from tests.button_payload import book_payload
from tests.server_process import function_body
from tests.test_button import SCORE_SHEET, books, check_sheet, name_cells, written  # noqa: F401
from tests.test_udfs_calls import PHUONG_1, PHUONG_1_SCORES, XA_KEYS

REPO = Path(__file__).resolve().parent.parent
PYODIDE = REPO / ".ci" / "pyodide"
RUNNER = Path(__file__).with_name("lite_run.mjs")


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "Node.js"
    if not (PYODIDE / "node_modules" / "pyodide" / "pyodide.asm.wasm").exists():
        return "the pyodide npm package (.ci/pyodide)"
    if not (PYODIDE / "wheels" / ".complete").exists():
        return "the local wheels for Pyodide (.ci/pyodide/wheels)"
    if vf.soffice() is None:
        return "LibreOffice (the button's workbook is recalculated by it)"
    return None


@pytest.fixture(scope="module")
def pyodide_run(tmp_path_factory, books):  # noqa: F811
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI: {missing} missing — .ci/run installs it")
        pytest.skip(f"{missing} not installed (.ci/run installs it)")
    job = tmp_path_factory.mktemp("lite")
    wheels = job / "wheels"
    # the project's own wheel, built offline from this checkout (no build isolation: no network)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(wheels), str(REPO)], check=True)
    for wheel in (PYODIDE / "wheels").glob("*.whl"):
        shutil.copy(wheel, wheels)
    lite.write_bundle(job)  # main.py as a unit pastes it
    cells = name_cells(books["faulty"])
    body = {
        "calls": [function_body("DT_RATIO", 0.9, 0.95, 4),
                  function_body("DT_SCORE_TABLE", "soctrang-2023", "xa", XA_KEYS, [PHUONG_1, [None] * 17])],
        # the official typed 6 over the H09 score (inputs give 6 × 75,7% = 4,54)
        "book": book_payload(books["faulty"], shown={(SCORE_SHEET, cells["H09_score"]): 6}),
    }
    (job / "job.json").write_text(json.dumps(body), encoding="utf-8")
    done = subprocess.run(["node", str(RUNNER), str(PYODIDE / "node_modules" / "pyodide"), str(job)],
                          capture_output=True, text=True, encoding="utf-8", timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout), body, cells


def test_it_really_is_pyodide_without_pandas_or_compiled_yaml(pyodide_run):
    out, _, _ = pyodide_run
    assert out["platform"] == "emscripten"
    assert "pandas" not in out["modules"] and "numpy" not in out["modules"]
    assert out["yaml_libyaml"] is False and "_yaml" not in out["modules"]


def test_main_py_registers_every_function_and_the_button(pyodide_run):
    out, _, _ = pyodide_run
    assert "DT_RATIO" in out["functions"] and "DT_SCORE_TABLE" in out["functions"]
    (script,) = out["scripts"]
    assert script["function_name"] == "tinh_lai_kiem_tra" and script["button"] == "[btnKiemTra]'Chấm điểm'!W2"


def test_functions_give_the_decisions_scores(pyodide_run):
    out, _, _ = pyodide_run
    ratio, table = out["results"]
    assert ratio == [[3.79]]  # Phần I, tiêu chí 3: 90/95 × 4 = 3,789… → 3,79
    assert table == [PHUONG_1_SCORES, [""] * 15]  # hand-calculated (tests/test_udfs_calls.py)


def test_the_button_lists_the_faults_and_repairs_only_the_score(pyodide_run):
    out, body, cells = pyodide_run
    actions, payload = out["actions"], body["book"]
    assert set(written(payload, actions, SCORE_SHEET)) == {cells["H09_score"]}
    values, _ = check_sheet(payload, actions)
    # errors: H09's claim 6 ≠ 4,54; "90%" typed as text; H08's claim 9 ≠ 0 — warnings: H09 showed 6; H03 no evidence
    assert values["A2"] == "Kết quả: 3 lỗi, 2 cảnh báo"
    (alert,) = [a for a in actions if a["func"] == "alert"]
    assert alert["args"][0].startswith("3 lỗi, 2 cảnh báo")


def test_lite_command_writes_what_a_unit_pastes(tmp_path, capsys):
    from dtscore.cli import main

    url = "https://dtscore.example.gov.vn/static/wheels/" + server_wheel()
    assert main(["lite", "-o", str(tmp_path), "--wheel-url", url]) == 0
    assert (tmp_path / "requirements.txt").read_text(encoding="utf-8") == url + "\n"  # only the province's wheel
    code = (tmp_path / "main.py").read_text(encoding="utf-8")
    assert "from dtscore.udfs.functions import *" in code and "import tinh_lai_kiem_tra" in code
    assert "static/wheels" in (tmp_path / "HUONG-DAN.txt").read_text(encoding="utf-8")
    assert main(["lite", "-o", str(tmp_path / "mau")]) == 0  # without --wheel-url: a placeholder, said so
    assert "địa chỉ mẫu" in capsys.readouterr().out
