"""Units merged on 1 July 2025: which former units each new commune or ward replaced, so that a
new unit's result can be compared with the results of the units it came from.

The mapping is a CSV the province supplies (sap-nhap.csv, one row per former unit):

    new_code,new_name,old_code,old_name,weight
    31510,Phường Sóc Trăng,P5,Phường 5,12000
    31510,Phường Sóc Trăng,P6,Phường 6,9000

Codes are the ones each year's history stored (the new unit's official code; the former unit's
code in the older unit lists). A new unit often keeps the code of one of its former units (Phường
Sóc Trăng, 31507, was Phường 6's code): a year before 2025 is always read as the former units'. `weight` is optional; where every former unit of a new unit has
one (its population, area or share), the new unit is compared with the **weighted mean** of their
scores; otherwise their results are **listed** one by one and no single figure is compared. Every
comparison says which basis it used. History and the "So sánh năm trước" sheet consult this
module through `previous_with_merger` and `former_results`; nothing else knows about mergers.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .decimals import fmt_vn, round_half_up
from .errors import InputError
from .unitlist import code_key
from .values import nfc

ALIASES = {
    "new_code": {"new_code", "mã mới", "ma moi", "mã đơn vị mới"},
    "new_name": {"new_name", "tên mới", "ten moi", "tên đơn vị mới"},
    "old_code": {"old_code", "mã cũ", "ma cu", "mã đơn vị cũ"},
    "old_name": {"old_name", "tên cũ", "ten cu", "tên đơn vị cũ"},
    "weight": {"weight", "trọng số", "trong so"},
}
REQUIRED = ("new_code", "old_code")
WEIGHTED, LISTED = "weighted", "listed"
MERGER_YEAR = 2025  # the first year scored with the new units; earlier years' results are the former units'


@dataclass(frozen=True)
class Former:
    code: str
    name: str
    weight: Decimal | None


@dataclass(frozen=True)
class Merged:
    code: str
    name: str
    formers: tuple

    @property
    def basis(self) -> str:
        return WEIGHTED if all(f.weight is not None for f in self.formers) else LISTED


def read_mapping(path) -> dict:
    """{new code key: Merged} from the province's CSV; every problem names the file and the line."""
    import csv

    try:
        text = open(path, encoding="utf-8-sig").read()
    except FileNotFoundError:
        raise InputError(str(path), "không tìm thấy bảng sáp nhập đơn vị") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "bảng sáp nhập phải lưu dạng UTF-8 (Excel: Lưu thành › CSV UTF-8)") from None
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise InputError(str(path), "bảng sáp nhập trống")
    first = next(line for line in lines if line.strip())
    rows = list(csv.reader(lines, delimiter=";" if first.count(";") > first.count(",") else ","))
    start = next(i for i, row in enumerate(rows) if any(c.strip() for c in row))
    header = [nfc(h).strip().casefold() for h in rows[start]]
    columns = {f: next((i for i, h in enumerate(header) if h in names), None) for f, names in ALIASES.items()}
    for f in REQUIRED:
        if columns[f] is None:
            raise InputError(f"{path}: dòng {start + 1}", f"thiếu cột “{f}” (cần: new_code, new_name, old_code, old_name, weight)")
    merged: dict = {}
    owner: dict = {}
    for number, row in enumerate(rows[start + 1:], start=start + 2):
        cell = {f: nfc(row[i]).strip() if i is not None and i < len(row) else "" for f, i in columns.items()}
        if not any(cell.values()):
            continue
        where = f"{path}: dòng {number}"
        for f in REQUIRED:
            if not cell[f]:
                raise InputError(where, f"thiếu {f}")
        weight = None
        if cell["weight"]:
            try:
                weight = Decimal(cell["weight"].replace(".", "").replace(",", ".") if "," in cell["weight"]
                                 else cell["weight"])
            except InvalidOperation:
                raise InputError(where, f"trọng số “{cell['weight']}” không phải số") from None
            if weight <= 0:
                raise InputError(where, "trọng số phải lớn hơn 0")
        key = code_key(cell["new_code"])
        old_key = code_key(cell["old_code"])
        if (key, old_key) in owner:
            raise InputError(where, f"đơn vị cũ {cell['old_code']} đã ghi cho {cell['new_code']} ở dòng {owner[key, old_key]}")
        owner[key, old_key] = number
        entry = merged.setdefault(key, {"code": cell["new_code"], "name": cell["new_name"], "formers": []})
        entry["formers"].append(Former(cell["old_code"], cell["old_name"], weight))
    return {k: Merged(v["code"], v["name"], tuple(v["formers"])) for k, v in merged.items()}


def _score(row):
    return row["rank_value"] if row is not None else None


def combine(merged: Merged, previous: dict, year) -> dict:
    """A stand-in for the new unit's previous-year row: the weighted mean of its former units'
    ranking figures (or none, when listed), with `basis` saying so in words."""
    found = [(f, previous.get(code_key(f.code))) for f in merged.formers]
    with_result: list[tuple[Former, dict]] = [(f, row) for f, row in found if row is not None and _score(row) is not None]
    listing = "; ".join(
        f"{f.name or f.code} ({f.code}): " + (fmt_vn(_score(row), 2) if _score(row) is not None else "chưa có kết quả")
        + (f", trọng số {fmt_vn(f.weight, 4)}" if merged.basis == WEIGHTED else "")
        for f, row in found)
    value = None
    if merged.basis == WEIGHTED and with_result:
        total = sum(f.weight or 0 for f, _ in with_result)
        weighted = sum((f.weight or 0) * row["rank_value"] for f, row in with_result)
        value = round_half_up(weighted / total, 2)  # as scores are shown
        basis = (f"Đơn vị hình thành ngày 01/7/2025 từ {len(found)} đơn vị cũ: so với bình quân gia quyền điểm năm "
                 f"{year} của {len(with_result)} đơn vị có kết quả = {fmt_vn(value, 2)} ({listing})")
    else:
        basis = (f"Đơn vị hình thành ngày 01/7/2025 từ {len(found)} đơn vị cũ; kết quả năm {year} của từng đơn vị: "
                 f"{listing}. Không có trọng số nên không gộp thành một điểm để so sánh")
    sets = {row["criteria_set"] for _, row in with_result}
    first: dict = with_result[0][1] if with_result else {}
    return {
        "unit_code": merged.code, "unit_name": merged.name, "level": first.get("level", ""),
        "criteria_set": first.get("criteria_set", "") if len(sets) == 1 else ", ".join(sorted(sets)),
        "criteria_version": first.get("criteria_version", ""),
        "criteria_fingerprint": first.get("criteria_fingerprint", ""),
        "rank_value": value, "rank": None, "ranked_units": None, "basis": basis,
        "formers": [f.code for f in merged.formers],
    }


def previous_with_merger(previous: dict, mapping: dict, year) -> dict:
    """The previous year's rows by unit key, with each merged unit's former units replaced by one
    combined row under the new unit's key (units the mapping does not name are kept as they are)."""
    if not mapping or year >= MERGER_YEAR:
        return previous
    out = dict(previous)
    for key, merged in mapping.items():
        if not any(code_key(f.code) in previous for f in merged.formers):
            continue
        for f in merged.formers:
            out.pop(code_key(f.code), None)
        out[key] = combine(merged, previous, year)
    return out


def former_results(mapping: dict, code, rows_by_year: dict) -> list:
    """For `dtscore history`: [(year, combined row)] of the years before 2025 in which the new
    unit's former units have results. rows_by_year: {year: {unit key: row}}."""
    merged = mapping.get(code_key(code))
    if merged is None:
        return []
    out = []
    for year, rows in sorted(rows_by_year.items()):
        if year < MERGER_YEAR and any(code_key(f.code) in rows for f in merged.formers):
            out.append((year, combine(merged, rows, year)))
    return out
