"""Fixtures for the validation tests: generated templates filled with openpyxl through their
defined names (never through cell positions), cached values written into the file's XML, and
LibreOffice conversions in a throw-away profile.

CLEAN_HUYEN is a complete, correct Sóc Trăng 2023 district submission; its expected scores were
calculated by hand from Quyết định (Phần II) — see the comment on each line.
"""

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

SET_ID = "soctrang-2023"
TODAY = date(2024, 1, 15)  # validation day: after the year, so no date is "in the future"

# name → value typed by the official; expected score per criterion (hand calculation)
CLEAN_HUYEN = {
    "H01_plan_issued": datetime(2023, 3, 20), "H01_report_submitted": datetime(2023, 12, 10),  # on time: 8
    "H02_plan_issued": datetime(2023, 3, 31), "H02_report_submitted": datetime(2023, 12, 20),  # 5 days late → 1 month: 5 − 1 = 4
    "H03_option": "Đạt chuẩn theo vị trí việc làm",  # 3
    "H04_ratio": 0.757,  # 10 × 75,7/80 = 9,4625 → 9,46
    "H05_ratio": 0.95,  # 10 × 95% = 9,5
    "H06_late_monthly": 1, "H06_late_quarterly": 0, "H06_late_semiannual": 0, "H06_late_annual": 0,  # 5 × (1 − 20%) = 4
    "H07_ratio": 1,  # 6
    "H08_ratio": 0.9,  # 10 × 90% = 9
    "H09_ratio": 0.8,  # 6 × 80% = 4,8
    "H10_ratio": 1,  # 6
    "H11_ratio": 0.5,  # 6 × 50% = 3
    "H12_ratio": 0.3,  # 6 × 30% = 1,8
    "H13_ratio": 0.6,  # above the 50% target: 5
    "H14_ratio": 0.75,  # 4 × 75% = 3
    "H15_option": "Tổ chức hoạt động cụ thể, thiết thực theo yêu cầu và phong trào, hoạt động nhằm nâng cao "
                  "kết quả chuyển đổi số của địa phương",  # 8
}
HUYEN_SCORES = {
    "H01": "8", "H02": "4", "H03": "3", "H04": "9.46", "H05": "9.5", "H06": "4", "H07": "6", "H08": "9",
    "H09": "4.8", "H10": "6", "H11": "3", "H12": "1.8", "H13": "5", "H14": "3", "H15": "8",
}
HUYEN_TOTAL = Decimal("84.56")  # the sum of the above


def clean_values() -> dict:
    values = dict(CLEAN_HUYEN)
    for key, score in HUYEN_SCORES.items():
        values[f"{key}_claimed"] = float(score)
        values[f"{key}_evidence"] = f"Văn bản số {key[1:]}/UBND ngày 01/12/2023"
    return values


def build(folder: Path, level="huyen", mode="native", unit_code="H01", unit_name="Huyện Châu Thành") -> Path:
    from dtscore.criteria import load_set
    from dtscore.workbook.builder import build_template

    path = Path(folder) / f"mau-{level}-{mode}.xlsx"
    return build_template(load_set(SET_ID), level, path, unit_code=unit_code, unit_name=unit_name, formulas=mode)


def destination(wb, name):
    """(worksheet, coordinate) a workbook name points to, read with openpyxl."""
    sheet, coord = next(iter(wb.defined_names[name].destinations))
    return wb[sheet], coord.replace("$", "")


def fill(template: Path, out: Path, values: dict) -> Path:
    """Type `values` ({defined name: value}) into a copy of the template, through the names."""
    wb = load_workbook(template)
    for name, value in values.items():
        ws, coord = destination(wb, name)
        ws[coord] = value
    wb.save(out)
    return out


def coordinate_of(path: Path, name: str) -> str:
    """'Chấm điểm'!F12 for a name, straight from the file (independently of the reader)."""
    wb = load_workbook(path)
    ws, coord = destination(wb, name)
    return f"'{ws.title}'!{coord}"


# -- editing the XML: what a program that does not recalculate leaves behind ------------------

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str:
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rid = re.search(r'<(?:\w+:)?sheet [^>]*name="%s"[^>]*r:id="([^"]+)"' % re.escape(sheet_name), workbook)
    if rid is None:  # attribute order differs between writers
        rid = re.search(r'<(?:\w+:)?sheet [^>]*r:id="([^"]+)"[^>]*name="%s"' % re.escape(sheet_name), workbook)
    target = re.search(r'<Relationship [^>]*Id="%s"[^>]*Target="([^"]+)"' % rid.group(1), rels)
    if target is None:
        target = re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="%s"' % rid.group(1), rels)
    t = target.group(1).lstrip("/")
    return t if t.startswith("xl/") else "xl/" + t


def rewrite_cells(src: Path, out: Path, sheet_name: str, edits: dict) -> Path:
    """Replace whole <c> elements: edits = {"I12": '<c r="I12" s="5"><f>…</f><v>6</v></c>'} or a
    callable taking the old element text. Everything else in the package is copied byte for byte."""
    with zipfile.ZipFile(src) as zin:
        part = _sheet_part(zin, sheet_name)
        xml = zin.read(part).decode("utf-8")
        for coord, new in edits.items():
            pattern = re.compile(r'<c r="%s"(?: [^>]*)?(?:/>|>.*?</c>)' % coord, re.S)
            match = pattern.search(xml)
            assert match, f"{coord} not found in {part}"
            replacement = new(match.group(0)) if callable(new) else new
            xml = xml[:match.start()] + replacement + xml[match.end():]
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = xml.encode("utf-8") if item.filename == part else zin.read(item.filename)
                zout.writestr(item, data)
    return out


def set_cached_value(element: str, value) -> str:
    """A formula cell element with `value` as its cached result (numbers only)."""
    element = re.sub(r"<v>.*?</v>|<v\s*/>", "", element, flags=re.S)
    element = re.sub(r' t="[^"]*"', "", element)
    return element.replace("</c>", f"<v>{value}</v></c>")


def set_typed_number(element: str, value) -> str:
    """The cell as if someone typed a number over its formula."""
    start = re.match(r"<c [^>]*?/?>", element).group(0).rstrip("/>").rstrip(">")
    start = re.sub(r' t="[^"]*"', "", start)
    return f"{start}><v>{value}</v></c>"


# -- LibreOffice -----------------------------------------------------------------------------------


def soffice() -> str | None:
    from dtscore.workbook.libreoffice import soffice_path

    return soffice_path()


def convert(paths, fmt: str, outdir: Path) -> list:
    """Open and save with LibreOffice headless in one run (workbook.libreoffice: a throw-away
    profile that recalculates every formula on load), into `outdir`."""
    from dtscore.workbook.libreoffice import convert as lo_convert

    return lo_convert(paths, outdir, fmt)
