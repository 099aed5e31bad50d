"""The list of units expected to submit (units.csv: code, name, level), and how a workbook's
unit is matched to it: by code, else by name, both compared after Unicode NFC normalisation so a
name typed on a Mac (decomposed accents) matches the same name typed on Windows."""

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import DtscoreError, InputError
from .values import nfc

# Accepted column headers (English as in examples/units.csv, or Vietnamese).
ALIASES = {
    "code": {"code", "ma", "mã", "mã đơn vị", "ma don vi", "unit_code"},
    "name": {"name", "ten", "tên", "tên đơn vị", "ten don vi", "unit_name"},
    "level": {"level", "cap", "cấp", "level_code"},
}


@dataclass(frozen=True)
class ListedUnit:
    code: str
    name: str
    level: str  # as the list writes it ('huyen', 'huyện', 'Đơn vị cấp huyện'); see resolve_level
    line: int = 0  # the line of units.csv, for messages


def code_key(code) -> str:
    """The form unit codes are compared in: NFC, trimmed, case-insensitive."""
    return nfc(code or "").casefold()


def name_key(name) -> str:
    """The form unit names are compared in: NFC, single spaces, case-insensitive."""
    return re.sub(r"\s+", " ", nfc(name or "")).casefold()


def plain(text) -> str:
    """Lower case without diacritics: 'Huyện' → 'huyen', 'Xã' → 'xa'."""
    decomposed = unicodedata.normalize("NFD", nfc(text or "").casefold().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def level_matches(listed, level) -> bool:
    """Whether a level as the list writes it ('huyen', 'huyện', 'Đơn vị cấp huyện') is `level`
    (a criteria.Level), compared without case or diacritics."""
    wanted = plain(listed).strip()
    return wanted in (plain(level.code), plain(level.title), "cap " + plain(level.code))


def unit_identity(code, name) -> tuple:
    """What makes two workbooks the same unit: the code, or the name when the code is blank."""
    return ("code", code_key(code)) if code_key(code) else ("name", name_key(name))


def read_unit_list(path) -> list:
    """Read units.csv (UTF-8, with or without BOM; comma or semicolon separated; columns code, name,
    level in English or Vietnamese). Every problem names the file and the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(str(path), "không tìm thấy danh sách đơn vị") from None
    except OSError as exc:
        raise InputError(str(path), f"không đọc được danh sách đơn vị ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "danh sách đơn vị phải lưu dạng UTF-8 (Excel: Lưu thành › CSV UTF-8)") from None
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise InputError(str(path), "danh sách đơn vị trống")
    rows = list(csv.reader(lines, delimiter=";" if first.count(";") > first.count(",") else ","))
    header_index = next(i for i, row in enumerate(rows) if any(cell.strip() for cell in row))
    header = [nfc(h).casefold() for h in rows[header_index]]
    columns = {}
    for field, names in ALIASES.items():
        found = [i for i, h in enumerate(header) if h in names]
        if not found:
            raise InputError(f"{path}: dòng {header_index + 1}",
                             f"thiếu cột “{field}” ở dòng tiêu đề (cần các cột: code, name, level)")
        columns[field] = found[0]
    units: list = []
    seen: dict = {}
    for number, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        cells = {f: nfc(row[i]) if i < len(row) else "" for f, i in columns.items()}
        if not any(cells.values()):
            continue
        where = f"{path}: dòng {number}"
        if not cells["code"]:
            raise InputError(where, "thiếu mã đơn vị (cột code)")
        if not cells["name"]:
            raise InputError(where, f"thiếu tên đơn vị {cells['code']} (cột name)")
        if not cells["level"]:
            raise InputError(where, f"thiếu cấp của đơn vị {cells['code']} (cột level)")
        key = code_key(cells["code"])
        if key in seen:
            raise InputError(where, f"mã đơn vị {cells['code']} đã có ở dòng {seen[key]}")
        seen[key] = number
        units.append(ListedUnit(cells["code"], cells["name"], cells["level"], number))
    if not units:
        raise InputError(str(path), "danh sách đơn vị không có đơn vị nào")
    return units


def resolve_level(cs, value) -> str:
    """A level code of the set from its code ('huyen'), its Vietnamese word ('huyện') or its title
    ('Đơn vị cấp huyện'), compared without case or diacritics."""
    for level in cs.levels.values():
        if level_matches(value, level):
            return level.code
    raise DtscoreError(f"cấp “{nfc(value)}” không có trong bộ tiêu chí {cs.id} (có: {', '.join(cs.levels)})")
