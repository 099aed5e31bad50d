"""The official unit list of a province: its communes, wards and special zones after the 1 July
2025 reform (34 provinces, 3,321 commune-level units) with their official codes, from the
`vietnam-provinces` package (the General Statistics Office's list), plus the province's own
departments from a CSV. The result is a units.csv that templates and consolidation read as it is
(code, name, level)."""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from vietnam_provinces import Province, Ward
from vietnam_provinces import __data_version__ as DATA_VERSION

from .atomic import write_text_atomic
from .errors import DtscoreError
from .safecells import csv_text
from .unitlist import plain, read_unit_list
from .values import nfc

COMMUNE_LEVEL = "xa"  # the level code criteria sets give communes and wards
COLUMNS = ("code", "name", "level", "division_type")


@dataclass(frozen=True)
class Unit:
    code: str  # the official 5-digit commune code, or the department's own code
    name: str
    level: str
    division_type: str  # xã, phường, đặc khu; “sở, ngành” for a department


def _short(name) -> str:
    """'Thành phố Cần Thơ' → 'can tho', 'Tỉnh An Giang' → 'an giang'."""
    words = " ".join(plain(name).split())
    for prefix in ("thanh pho ", "tinh "):
        if words.startswith(prefix):
            return words[len(prefix):]
    return words


def find_province(query) -> Province:
    """A province by its official code ('92') or its name with or without 'Tỉnh'/'Thành phố',
    compared without case or diacritics ('Cần Thơ', 'can tho', 'Thành phố Cần Thơ')."""
    text = nfc(str(query)).strip()
    provinces = list(Province.iter_all())
    if text.isdigit():
        found = [p for p in provinces if int(p.code) == int(text)]
    else:
        found = [p for p in provinces if _short(p.name) == _short(text)]
    if not found:
        names = ", ".join(sorted(_display(p) for p in provinces))
        raise DtscoreError(f"không có tỉnh, thành phố “{text}” trong danh mục hành chính {DATA_VERSION}, sau sắp xếp"
                           f" ngày 01/7/2025 (ví dụ Sóc Trăng và Hậu Giang nay thuộc Cần Thơ). Có: {names}")
    return found[0]


def _display(province) -> str:
    return province.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")


def commune_units(province: Province, level=COMMUNE_LEVEL) -> list:
    """Every commune, ward and special zone of the province, by official code."""
    wards = sorted(Ward.iter_by_province(province.code), key=lambda w: int(w.code))
    return [Unit(f"{int(w.code):05d}", w.name, level, str(w.division_type.value)) for w in wards]


def department_units(path) -> list:
    """The province's own departments from a CSV in the units.csv form (code, name, level)."""
    return [Unit(u.code, u.name, u.level, "sở, ngành") for u in read_unit_list(path)]


def build_units(province_query, level=COMMUNE_LEVEL, departments=None) -> tuple:
    """(province, units): the departments first, then the communes; a department code equal to a
    commune code is refused."""
    province = find_province(province_query)
    units = (department_units(departments) if departments else []) + commune_units(province, level)
    seen: dict[str, str] = {}
    for unit in units:
        if unit.code.casefold() in seen:
            raise DtscoreError(f"mã đơn vị {unit.code} trùng: “{seen[unit.code.casefold()]}” và “{unit.name}”")
        seen[unit.code.casefold()] = unit.name
    return province, units


def units_csv(units) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for u in units:
        writer.writerow([csv_text(u.code), csv_text(u.name), u.level, u.division_type])
    return out.getvalue()


def write_units(path, units) -> Path:
    """units.csv in UTF-8 with a BOM, so Excel on Windows opens the Vietnamese names correctly."""
    return write_text_atomic(path, "\ufeff" + units_csv(units))
