"""The offline install kit (`dtscore bundle`), for real: built by the CLI for this machine, installed
into a fresh venv with pip's --no-index (no registry, no pip configuration, nothing but the kit's
wheels), then the DT_* functions and the button called through xlwings' own call path
(xlwings.server) from that venv. Building a kit downloads the wheels the first time (pip's cache
serves the next runs). The Windows kit is built once too: every wheel must be win_amd64 or pure
Python for 3.11, every requirement for Windows present, and the scripts name only files in the kit."""

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import parse_wheel_filename

from dtscore import kit
from tests import validate_fixtures as vf
from tests.button_payload import book_payload
from tests.xlwings_calls import payload

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("CAI-DAT.cmd", "cai-dat.ps1", "GO-CAI-DAT.cmd", "go-cai-dat.ps1")


def bundle(folder: Path, *args):
    done = subprocess.run([sys.executable, "-m", "dtscore", "bundle", *args, "-o", str(folder)],
                          capture_output=True, text=True, encoding="utf-8", timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def offline_env() -> dict:
    """No pip configuration (index URLs, find-links, constraints) and no registry: only the kit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "XLWINGS_", "PYTHON"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


@pytest.fixture(scope="module")
def host_kit(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kit") / "dtscore-kit"
    out = bundle(folder, "--platform", "host", "--python", f"{sys.version_info[0]}.{sys.version_info[1]}")
    return folder, out


@pytest.fixture(scope="module")
def venv(host_kit, tmp_path_factory):
    folder, _ = host_kit
    target = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True, env=offline_env())
    python = target / "bin" / "python"
    project = next((folder / "wheels").glob("dtscore_cds-*.whl"))
    done = subprocess.run([str(python), "-m", "pip", "install", "--no-index", "--find-links", str(folder / "wheels"),
                           str(project)], capture_output=True, text=True, env=offline_env(), cwd=target.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    return python


# Runs inside the kit's venv: the functions through xlwings.server.custom_functions_call and the
# button through custom_scripts_call, exactly as xlwings Server runs them; prints what Excel gets.
CALLS = r"""
import asyncio, json, sys
import xlwings as xw
from xlwings import server
import dtscore, dtscore.udfs.functions as functions, dtscore.udfs.button as button

request = json.load(sys.stdin)
out = {"dtscore": dtscore.__file__, "xlwings": xw.__file__, "results": []}
for body in request["calls"]:
    out["results"].append(asyncio.run(server.custom_functions_call(body, functions)))
book = xw.Book(json=request["book"])
pressed = asyncio.run(server.custom_scripts_call(button, "tinh_lai_kiem_tra", typehint_to_value={xw.Book: book}))
out["actions"] = pressed.json()["actions"]
print(json.dumps(out, default=str))
"""


@pytest.fixture(scope="module")
def filled_book(tmp_path_factory):
    work = tmp_path_factory.mktemp("kitbook")
    faulty = {**vf.clean_values(), "H09_ratio": 0.757, "H09_claimed": 6}
    return book_payload(vf.fill(vf.build(work, mode="native"), work / "filled.xlsx", faulty))


def test_the_kit_installs_offline_and_excel_calls_work(venv, filled_book):
    calls = [payload("DT_RATIO", 0.9, 0.95, 4), payload("DT_SCORE", "soctrang-2023", "X03", 0.54)]
    env = {**offline_env(), "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    done = subprocess.run([str(venv), "-c", CALLS], input=json.dumps({"calls": calls, "book": filled_book}),
                          capture_output=True, text=True, encoding="utf-8", env=env, cwd=venv.parent.parent)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["dtscore"].startswith(str(venv.parent.parent))  # the kit's copy, not this checkout
    assert out["xlwings"].startswith(str(venv.parent.parent))
    assert out["results"][0] == [[3.79]]  # the decision's example: 90/95 × 4 = 3,789… → 3,79
    assert out["results"][1] == [[9]]  # X03 (xã): "Tỉ lệ đạt/60 × điểm chuẩn" = 54/60 × 10
    actions = out["actions"]
    assert any(a["func"] == "addSheet" and a["args"][1] == "Kiểm tra" for a in actions)
    alert = next(a for a in actions if a["func"] == "alert")
    assert "lỗi" in alert["args"][0]  # 75,7% claimed as 6 points: the summary counts errors


def test_the_kit_lists_its_files_with_checksums_and_reports_its_size(host_kit):
    folder, out = host_kit
    sums = dict(line.split(" *", 1)[::-1] for line in (folder / kit.SUMS).read_text().splitlines())
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {kit.SUMS}
    assert set(sums) == files
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    size = sum((folder / n).stat().st_size for n in files | {kit.SUMS})
    shown = re.search(r"dung lượng ([\d.]+,\d) MB", out)
    assert shown and abs(float(shown.group(1).replace(".", "").replace(",", ".")) - size / 1e6) < 0.1


def scripts_name_only_present_files(folder: Path):
    """Every kit file the scripts and the guide name exists (the Python installer, which the kit
    cannot contain, is found by a pattern, never by name)."""
    for script in (*SCRIPTS, "HUONG-DAN-CAI-DAT.txt"):
        text = (folder / script).read_text(encoding="utf-8-sig").replace("%~dp0", "")
        assert "{{" not in text, script
        for name in re.findall(r"[\w.\-]+\.(?:whl|ps1|cmd|txt|xlam)\b", text):
            assert list(folder.rglob(name)), f"{script} names {name}, which is not in the kit"


def test_host_kit_scripts(host_kit):
    scripts_name_only_present_files(host_kit[0])


def test_windows_kit(tmp_path):
    """`dtscore bundle --platform win_amd64` (downloads from PyPI the first time)."""
    folder = tmp_path / "kit-win"
    bundle(folder, "--platform", "win_amd64", "--python", "3.11")
    wheels = sorted((folder / "wheels").glob("*.whl"))
    windows = set(cpython_tags((3, 11), platforms=["win_amd64"])) | set(
        compatible_tags((3, 11), "cp311", platforms=["win_amd64"]))  # what CPython 3.11 on win_amd64 installs
    names = set()
    for wheel in wheels:
        name, _, _, tags = parse_wheel_filename(wheel.name)
        names.add(str(name))
        assert tags & windows, wheel.name
        assert all(t.platform in ("win_amd64", "any") for t in tags), wheel.name
    assert {"dtscore-cds", "xlwings", "pywin32", "pandas", "openpyxl", "pyyaml"} <= names
    env = kit.target_environment("win_amd64", "3.11")
    assert kit.missing_requirements(folder / "wheels", env) == []
    scripts_name_only_present_files(folder)
    for script in SCRIPTS:
        data = (folder / script).read_bytes()
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
        if script.endswith(".cmd"):
            assert data.isascii()
        else:
            assert data.startswith(b"\xef\xbb\xbf")  # Windows PowerShell 5.1 reads UTF-8 only with a BOM
    with zipfile.ZipFile(folder / "dtscore.udfs.button.xlam") as zf:
        assert "customUI/customUI.xml" in zf.namelist()
