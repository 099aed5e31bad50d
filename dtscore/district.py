"""The district tier (Điều 2.1 of the decision): the chair of a district's People's Committee
organises the assessment of its communes and sends the consolidated data and the evidence to
Sở TTTT. A district runs `dtscore consolidate` on its communes' workbooks (its own ranking,
findings and appraisal) with `--package goi-<district>.zip`, which writes, beside the result, a
package for Sở TTTT: the district's RESULT.xlsx, every commune's original file as received, and
an index (index.json) with each file's SHA-256. Sở TTTT gives the packages to `dtscore
consolidate` beside single files: each package is checked against its index, its original
workbooks are consolidated like any other, and every file keeps its origin ("goi-HCT.zip ›
ho-so/xa-an-hiep.xlsx") in the "Tệp" sheet. A file whose bytes differ from the index is not used.
"""

import hashlib
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from .atomic import write_atomic
from .consolidation import SPREADSHEET_SUFFIXES
from .errors import InputError

FORMAT = "dtscore-goi-huyen/1"
INDEX, RESULT, ORIGINALS = "index.json", "ket-qua.xlsx", "ho-so"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_package(out_path, result_path, originals, *, district_code="", district_name="", year=None) -> Path:
    """Write the district's package (zip) atomically: its result, the originals (paths as
    received; names kept, made unique) and the index with their SHA-256."""
    out_path = Path(out_path)
    if out_path.suffix.lower() != ".zip":
        raise InputError(str(out_path), "gói gửi Sở phải có đuôi .zip")
    files, names = [], set()
    for path in originals:
        path = Path(getattr(path, "path", path))  # a path, or consolidation's Skipped
        name = path.name
        stem, n = path.stem, 2
        while name.lower() in names:  # two communes' files with one name in different folders
            name, n = f"{stem}-{n}{path.suffix}", n + 1
        names.add(name.lower())
        data = path.read_bytes()
        files.append((f"{ORIGINALS}/{name}", path, data))
    result = Path(result_path).read_bytes()
    index = {"format": FORMAT, "district": {"code": district_code, "name": district_name}, "year": year,
             "created": datetime.now().isoformat(timespec="seconds"),
             "result": {"path": RESULT, "sha256": _sha256(result)},
             "files": [{"path": member, "original_name": src.name, "sha256": _sha256(data), "size": len(data)}
                       for member, src, data in files]}

    def write(tmp):
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(INDEX, json.dumps(index, ensure_ascii=False, indent=2))
            z.writestr(RESULT, result)
            for member, _, data in files:
                z.writestr(member, data)

    return write_atomic(out_path, write)


def is_package(path) -> bool:
    """A zip with our index (any other zip is just a file that is not a spreadsheet)."""
    path = Path(getattr(path, "path", path))  # a path, or consolidation's Skipped
    if path.suffix.lower() != ".zip" or not path.is_file() or not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as z:
            return json.loads(z.read(INDEX)).get("format") == FORMAT
    except (KeyError, ValueError, OSError, zipfile.BadZipFile):
        return False


@dataclass
class Unpacked:
    """The packages given to a consolidation, opened into a temporary folder."""

    folder: tempfile.TemporaryDirectory
    sheets: list = field(default_factory=list)  # extracted original workbooks to consolidate
    others: list = field(default_factory=list)  # extracted evidence and other files (listed, not read)
    origins: dict = field(default_factory=dict)  # extracted path → "goi-HCT.zip › ho-so/x.xlsx"
    refused: list = field(default_factory=list)  # (“goi-HCT.zip › ho-so/x.xlsx”, why it is not used)

    def origin(self, file) -> str:
        """Where a file consolidated came from — “goi-HCT.zip › ho-so/x.xlsx”, a refused one too (it
        is known by that name) — or "" for a file given directly."""
        file = str(file)
        return self.origins.get(file) or next((where for where, _ in self.refused if where == file), "")

    def close(self):
        self.folder.cleanup()


def unpack(packages) -> Unpacked:
    """Extract every package's originals that match their index; refuse the others with a reason."""
    out = Unpacked(tempfile.TemporaryDirectory(prefix="dtscore-goi-"))
    root = Path(out.folder.name)
    for number, package in enumerate(packages, start=1):
        package = Path(package)
        with zipfile.ZipFile(package) as z:
            index = json.loads(z.read(INDEX))
            district = index.get("district") or {}
            folder = root / f"{number:03d}"
            folder.mkdir()
            listed = set()
            for item in index.get("files", []):
                member = str(item.get("path", ""))
                listed.add(member)
                where = f"{package.name} › {member}"
                safe = PurePosixPath(member)
                if safe.is_absolute() or ".." in safe.parts or safe.parts[:1] != (ORIGINALS,):
                    out.refused.append((where, "đường dẫn không hợp lệ trong chỉ mục — không dùng"))
                    continue
                try:
                    data = z.read(member)
                except KeyError:
                    out.refused.append((where, "chỉ mục ghi tệp này nhưng gói không có — không dùng"))
                    continue
                if _sha256(data) != item.get("sha256"):
                    out.refused.append((where, f"SHA-256 khác chỉ mục (tệp đã bị thay đổi sau khi "
                                               f"{district.get('name') or 'huyện'} lập gói) — không dùng"))
                    continue
                target = folder / safe.name
                target.write_bytes(data)
                (out.sheets if target.suffix.lower() in SPREADSHEET_SUFFIXES else out.others).append(target)
                out.origins[str(target)] = where
            for member in z.namelist():
                if member.startswith(ORIGINALS + "/") and member not in listed and not member.endswith("/"):
                    out.refused.append((f"{package.name} › {member}", "không có trong chỉ mục — không dùng"))
    return out
