"""A first draft of a province's sap-nhap.csv (new unit ← former units, see dtscore.merger) from
the maintained data of the `vietnamadminunits` package: the official codes of the former wards and
communes (before 1 July 2025) and of the new ones, and which former units each new unit took in.

Only the package's data files are read (its code pulls in geocoding libraries this needs not):
install it with `pip install --no-deps vietnamadminunits==1.0.4`. A former unit split between
several new units is written once, under the new unit the package names as its default, with a
note naming the others; the draft is for the province to check, and to replace the former codes
with the ones its own history used where those differ.
"""

import csv
import io
import json
import sqlite3
from contextlib import closing
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path

from .atomic import write_text_atomic
from .errors import DtscoreError
from .safecells import csv_text

PACKAGE, PINNED = "vietnamadminunits", "1.0.4"  # its data layout is read as of this version
COLUMNS = ("new_code", "new_name", "old_code", "old_name", "weight", "ghi_chu")


def _data_folder() -> Path:
    spec = find_spec(PACKAGE)  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise DtscoreError(f"chưa cài gói {PACKAGE}: pip install --no-deps {PACKAGE}=={PINNED}")
    try:
        found = version(PACKAGE)
    except PackageNotFoundError:
        found = "?"
    if found != PINNED:
        raise DtscoreError(f"cần gói {PACKAGE} phiên bản {PINNED} (đang có {found}): "
                           f"pip install --no-deps {PACKAGE}=={PINNED}")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def draft_rows(province_code, official=None) -> list:
    """[new_code, new_name, old_code, old_name, weight, note] for every former unit of the
    province's new units, by new unit code then former unit code. `official`: {new unit name:
    code} of the unit list (dtscore units); a new unit takes that code, so the mapping and
    units.csv agree where the two packages' codes differ (a note says so)."""
    folder = _data_folder()
    converter = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    with closing(sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True)) as db:
        new = {key: (code, name) for key, code, name in db.execute(
            "SELECT wardKey, wardCode, ward FROM admin_units WHERE CAST(provinceCode AS INTEGER) = ?",
            (int(province_code),))}
        province_key = db.execute("SELECT provinceKey FROM admin_units WHERE CAST(provinceCode AS INTEGER) = ? LIMIT 1",
                                  (int(province_code),)).fetchone()
        legacy: dict[str, tuple[str, str]] = {}
        for p, d, w, code, ward, district in db.execute(
                "SELECT provinceKey, districtKey, wardKey, wardCode, ward, district FROM admin_units_legacy"):
            legacy.setdefault(f"{p}_{d}_{w}", (code, f"{ward} ({district})"))
    if province_key is None:
        raise DtscoreError(f"gói {PACKAGE} không có tỉnh mã {province_code}")
    notes = {}
    for ward_key, (code, name) in list(new.items()):
        listed = (official or {}).get(name)
        if listed and listed != code:
            new[ward_key] = (listed, name)
            notes[listed] = f"mã mới theo danh mục {listed}, gói {PACKAGE} ghi {code}"
    key = province_key[0]
    rows = []
    for new_key, former_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(key, {}).items():
        if new_key in new:
            note = notes.get(new[new_key][0], "")
            rows += [[*new[new_key], *legacy[k], "", note] for k in former_keys if k in legacy]
    for old_key, parts in converter["DICT_PROVINCE_WARD_DIVIDED"].get(key, {}).items():
        default = next((p["newWardKey"] for p in parts if p["isDefaultNewWard"]), None)
        if old_key not in legacy or default not in new:
            continue
        others = [new[p["newWardKey"]][1] if p["newWardKey"] in new else p["newWardKey"]
                  for p in parts if p["newWardKey"] != default]
        note = f"một phần đơn vị cũ này chuyển sang: {', '.join(others)} — kiểm tra lại" if others else ""
        note = "; ".join(n for n in (notes.get(new[default][0], ""), note) if n)
        rows.append([*new[default], *legacy[old_key], "", note])
    rows.sort(key=lambda r: (int(r[0]), int(r[2])))
    return rows


def write_draft(path, province_code, official=None) -> tuple:
    """Write the draft mapping (UTF-8 with BOM); returns (path, rows)."""
    rows = draft_rows(province_code, official)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([[csv_text(v) for v in row] for row in rows])
    return write_text_atomic(path, "\ufeff" + out.getvalue()), rows
