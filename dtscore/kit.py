"""The offline install kit (`dtscore bundle`): a folder an IT officer copies to a USB stick and runs
on an office PC that cannot reach PyPI.

    wheels/                 the project's wheel and every dependency, for one platform and Python
    dtscore.udfs.button.xlam  the Excel add-in (udfs/addin.py), also rebuilt by the installer
    CAI-DAT.cmd, cai-dat.ps1  install for the current user, no admin rights: a venv under
                            %LOCALAPPDATA%\\dtscore, pip install --no-index --find-links, add-in
    GO-CAI-DAT.cmd, go-cai-dat.ps1  uninstall
    HUONG-DAN-CAI-DAT.txt   the Vietnamese guide
    SHA256SUMS.txt          a checksum for every other file, checked by the installer first
    LICENSE-xlwings.txt     xlwings' BSD licence (its add-in and wheels are in the kit)

The wheels are pip's own `download --only-binary=:all: --platform … --python-version …`. pip
evaluates environment markers for the machine it runs on, not for the target (so a kit built on
Linux would miss pywin32, which xlwings needs on Windows): the kit's requirements are therefore
closed by reading every wheel's Requires-Dist with the target's marker environment and downloading
what is missing, until nothing is.
"""

import email.parser
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from . import __version__
from .atomic import write_atomic, write_text_atomic
from .errors import DtscoreError
from .udfs import addin

ADDIN = addin.ADDIN_NAME

DISTRIBUTION = "dtscore-cds"
WHEELS = "wheels"
SUMS = "SHA256SUMS.txt"
PYTHON_INSTALLER = "python-3.11.9-amd64.exe"  # the last 3.11 release with a Windows installer

# PEP 508 marker values of each target platform (the ones pip cannot be told)
PLATFORMS = {
    "win_amd64": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"},
    "win32": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "x86"},
}


@dataclass
class Kit:
    folder: Path
    platform: str
    python: str
    files: list[Path]

    @property
    def size(self) -> int:
        return sum(f.stat().st_size for f in self.files)


def host_platforms() -> list[str]:
    """The wheel platform tags this machine accepts, best first (the tests build and install a kit
    for it): pip takes --platform literally, so manylinux_2_17 wheels need their own tag."""
    from packaging.tags import sys_tags

    return list(dict.fromkeys(t.platform for t in sys_tags() if t.platform != "any"))


def project_root() -> Path:
    root = Path(__file__).resolve().parent.parent
    if not (root / "pyproject.toml").exists():
        raise DtscoreError("cần mã nguồn dtscore (thư mục có pyproject.toml) để đóng gói bộ cài")
    return root


def build_project_wheel(folder: Path) -> Path:
    """The project's wheel, built from a clean copy of its sources: setuptools reuses a build/
    folder left in the checkout, which could slip deleted modules into the kit."""
    root = project_root()
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    dirs = {"dtscore", *config["tool"]["setuptools"].get("package-dir", {}).values()}
    with tempfile.TemporaryDirectory(prefix="dtscore-src-") as tmp:
        for name in ("pyproject.toml", config["project"].get("readme", "README.md")):
            shutil.copy2(root / name, Path(tmp) / name)
        for name in dirs:
            shutil.copytree(root / name, Path(tmp) / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        _pip("wheel", "--no-deps", "-w", str(folder), tmp)
    return wheel_names(folder)[canonicalize_name(DISTRIBUTION)]


def _pip(*args):
    done = subprocess.run([sys.executable, "-m", "pip", *args, "--disable-pip-version-check"],
                          capture_output=True, text=True, encoding="utf-8", errors="replace")
    if done.returncode:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        raise DtscoreError(f"pip {args[0]} không thành công:\n{tail}")
    return done


def target_environment(platform: str, python: str) -> dict:
    """The PEP 508 marker values on the target (this machine's, where the target is this machine)."""
    env = dict(default_environment())
    env.update(PLATFORMS.get(platform, {}))
    env.update(python_version=python, python_full_version=f"{python}.0", implementation_name="cpython",
               platform_python_implementation="CPython")
    return env


def _requires(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        message = email.parser.Parser().parsestr(zf.read(meta).decode("utf-8"))
    return [Requirement(r) for r in message.get_all("Requires-Dist") or []]


def wheel_names(folder: Path) -> dict:
    """{canonical project name: wheel path} of the wheels in a folder."""
    return {canonicalize_name(parse_wheel_filename(w.name)[0]): w for w in sorted(folder.glob("*.whl"))}


def missing_requirements(folder: Path, env: dict) -> list[str]:
    """Requirements of the kit's wheels, for the target's markers, that no wheel in it provides."""
    present = wheel_names(folder)
    missing = []
    for wheel in present.values():
        for req in _requires(wheel):
            if req.marker is not None and not req.marker.evaluate({**env, "extra": ""}):
                continue
            wanted = req.name + (f"[{','.join(sorted(req.extras))}]" if req.extras else "") + str(req.specifier)
            if canonicalize_name(req.name) not in present and wanted not in missing:
                missing.append(wanted)
    return missing


def download(requirements: list[str], folder: Path, platforms: list[str], python: str):
    tags = [arg for platform in platforms for arg in ("--platform", platform)]
    _pip("download", "--only-binary=:all:", *tags, "--python-version", python, "--implementation", "cp",
         "-d", str(folder), *requirements)


def build(output: Path, platforms: list[str], python: str, log=print) -> Kit:
    """The kit for `platforms` (wheel platform tags, best first) and Python `python` ("3.11")."""
    if not re.fullmatch(r"3\.\d{1,2}", python):
        raise DtscoreError(f"--python {python}: cần dạng 3.11")
    output = Path(output)
    wheels = output / WHEELS
    wheels.mkdir(parents=True, exist_ok=True)
    log(f"Đóng gói {DISTRIBUTION} {__version__}…")
    project = build_project_wheel(wheels)
    platform = platforms[0]
    log(f"Tải các gói phụ thuộc cho {platform}, Python {python}…")
    env = target_environment(platform, python)
    download([str(project)], wheels, platforms, python)
    for _ in range(5):
        missing = missing_requirements(wheels, env)
        if not missing:
            break
        log(f"Bổ sung gói cần trên {platform}: {', '.join(missing)}")
        download(missing, wheels, platforms, python)
    else:
        raise DtscoreError(f"không gom đủ gói phụ thuộc: {', '.join(missing)}")
    _write_addin(output, wheels)
    _write_scripts(output, project.name, python)
    _write_licences(output, wheels)
    files = sorted(p for p in output.rglob("*") if p.is_file() and p.name != SUMS)
    write_text_atomic(output / SUMS, "".join(f"{_sha256(p)} *{p.relative_to(output).as_posix()}\n" for p in files))
    return Kit(output, platform, python, files + [output / SUMS])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _xlwings_wheel(wheels: Path) -> Path:
    try:
        return wheel_names(wheels)["xlwings"]
    except KeyError:
        raise DtscoreError("bộ cài thiếu gói xlwings") from None


def _write_addin(output: Path, wheels: Path):
    """The add-in from the kit's own xlwings (its VBA matches the xlwings the installer puts in)."""
    with zipfile.ZipFile(_xlwings_wheel(wheels)) as zf:
        source = zf.read(f"xlwings/{addin.SOURCE}")
    addin.write(output / ADDIN, source)


def _write_licences(output: Path, wheels: Path):
    with zipfile.ZipFile(_xlwings_wheel(wheels)) as zf:
        licence = next((n for n in zf.namelist() if re.search(r"\.dist-info/(licenses/)?LICENSE", n)), None)
        text = zf.read(licence).decode("utf-8") if licence else ""
    write_text_atomic(output / "LICENSE-xlwings.txt", text or "xlwings: BSD 3-Clause License (https://www.xlwings.org)\n")


# -- the scripts -----------------------------------------------------------------------------------

TEMPLATES = Path(__file__).with_name("kit_files")


def _write_scripts(output: Path, project_wheel: str, python: str):
    values = {"PROJECT_WHEEL": project_wheel, "PYTHON": python, "DISTRIBUTION": DISTRIBUTION,
              "VERSION": __version__, "ADDIN": ADDIN, "PYTHON_INSTALLER": PYTHON_INSTALLER,
              "PYDIR": "Python" + python.replace(".", "")}
    for template in sorted(TEMPLATES.iterdir()):
        text = template.read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        target = output / template.name
        if template.suffix == ".cmd":
            data = text.replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii")  # cmd.exe reads the OEM code page
        else:  # PowerShell 5.1 and old Notepad need the BOM to read UTF-8
            data = b"\xef\xbb\xbf" + text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
        write_atomic(target, lambda tmp, data=data: Path(tmp).write_bytes(data))
