"""`dtscore demo`: the whole competition year on a built-in example, in one folder.

1. templates for a sample list of Sóc Trăng units (units.csv), one prefilled workbook per unit;
2. the units' filled submissions (made-up but plausible figures) with the mistakes a reviewer
   meets: a self-score of 6 for "75,7% × 6" (should be 4,54), a plan report sent late, a criterion
   that does not apply (T15: no information system), a unit that typed text in a ratio cell, two
   files from one unit, a damaged file, a unit that sent nothing;
3. the previous year (2022, also made up) consolidated into the history database;
4. 2023 consolidated (validation of every file, ranking, charts, findings, history);
5. an appraisal sheet, filled as a reviewer would after a spot-check, and the final result.

Everything is written under the output folder; nothing else is touched.
"""

import csv
import os
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import openpyxl

from dtscore.workbook.builder import make_workbook, save_atomic
from dtscore.workbook.filling import clear, fill

from .appraisal import SHEET
from .appraisal_workbook import build_sheet
from .consolidation import consolidate, inbox_files
from .criteria import load_set
from .errors import DtscoreError
from .history import record, year_units
from .result_workbook import write_csv, write_result
from .run_summary import summary_text
from .sampledata import cell_values, sample_unit
from .unitlist import ListedUnit, read_unit_list
from .xlsx_style import save_atomically

SET_ID = "soctrang-2023"
YEAR, PREVIOUS_YEAR = 2023, 2022
MARKER = ".dtscore-demo"
REPO_UNITS = Path(__file__).resolve().parent.parent / "examples" / "units.csv"
PER_LEVEL = {"tinh": 6, "huyen": 5, "xa": 8}  # how many units of each level the demo uses

# A sample of Sóc Trăng units (used when examples/units.csv is not there).
BUILTIN_UNITS = [
    ("STTTT", "Sở Thông tin và Truyền thông", "tinh"), ("SNV", "Sở Nội vụ", "tinh"),
    ("STC", "Sở Tài chính", "tinh"), ("SYT", "Sở Y tế", "tinh"), ("SGDDT", "Sở Giáo dục và Đào tạo", "tinh"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", "tinh"),
    ("TPST", "UBND thành phố Sóc Trăng", "huyen"), ("HCT", "UBND huyện Châu Thành", "huyen"),
    ("HKS", "UBND huyện Kế Sách", "huyen"), ("HMT", "UBND huyện Mỹ Tú", "huyen"),
    ("HLP", "UBND huyện Long Phú", "huyen"),
    ("XP1", "UBND Phường 1", "xa"), ("XP2", "UBND Phường 2", "xa"), ("XP3", "UBND Phường 3", "xa"),
    ("XAH", "UBND xã An Hiệp", "xa"), ("XPT", "UBND xã Phú Tâm", "xa"), ("XTT", "UBND xã Thuận Hòa", "xa"),
    ("XDH", "UBND xã Đại Hải", "xa"), ("XMT", "UBND xã Mỹ Thuận", "xa"),
]


@dataclass
class DemoPaths:
    root: Path
    units: Path
    templates: Path
    inbox_previous: Path
    inbox: Path
    result_previous: Path
    result_first: Path
    appraisal_blank: Path
    appraisal_filled: Path
    result: Path
    db: Path
    csv: Path


def paths_in(root) -> DemoPaths:
    root = Path(root)
    return DemoPaths(root, root / "units.csv", root / "mau-bieu", root / f"hop-thu-{PREVIOUS_YEAR}",
                     root / f"hop-thu-{YEAR}", root / f"ket-qua-{PREVIOUS_YEAR}.xlsx",
                     root / f"ket-qua-{YEAR}-truoc-tham-dinh.xlsx", root / "phieu-tham-dinh.xlsx",
                     root / "phieu-tham-dinh-da-nhap.xlsx", root / f"ket-qua-{YEAR}.xlsx", root / "lich-su.sqlite",
                     root / "csv")


def prepare_folder(root: Path):
    """Create the output folder; an earlier demo's folder is emptied, any other non-empty folder
    is refused (the demo never deletes what it did not write)."""
    if root.exists() and any(root.iterdir()):
        if not (root / MARKER).exists():
            raise DtscoreError(f"Thư mục “{root}” đã có dữ liệu khác: chọn thư mục khác bằng -o")
        for child in root.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text("Thư mục do dtscore demo tạo; chạy lại demo sẽ xóa và tạo lại.\n", encoding="utf-8")


def demo_units() -> list:
    """The units the demo uses: from examples/units.csv when present (a few per level)."""
    units = read_unit_list(REPO_UNITS) if REPO_UNITS.exists() else [ListedUnit(*u) for u in BUILTIN_UNITS]
    chosen = []
    for level, n in PER_LEVEL.items():
        chosen += [u for u in units if u.level == level][:n]
    if any(sum(1 for u in chosen if u.level == lv) < 4 for lv in PER_LEVEL):
        chosen = [ListedUnit(*u) for u in BUILTIN_UNITS]
    return chosen


def write_units_csv(units, path: Path):
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "name", "level"])
        writer.writerows([u.code, u.name, u.level] for u in units)


_BOOKS: dict = {}  # (set id, level, year) → a template workbook, refilled for each unit (building is slow)


def _write_workbook(cs, unit, path, year, values=None, claimed=None, evidence=None):
    """The level's template, prefilled for `unit` and filled with its figures when given."""

    key = (cs.id, unit.level, year)
    if key not in _BOOKS:
        _BOOKS[key] = make_workbook(cs, unit.level, year=year)
    wb = clear(_BOOKS[key], cs.level(unit.level))
    fill(wb, inputs=values, claimed=claimed, evidence=evidence, unit={"code": unit.code, "name": unit.name})
    return save_atomic(wb, path)


_write_submission = _write_workbook


def _sample(cs, unit, seed):
    sample = sample_unit(cs, unit.level, unit.code, unit.name, seed=seed)
    values = cell_values(cs, unit.level, sample.inputs)
    claimed = {k: float(v) for k, v in sample.claimed.items()}
    return values, claimed, dict(sample.evidence)


def make_inbox(cs, units, folder: Path, year: int, with_mistakes: bool) -> dict:
    """Write the units' filled workbooks into `folder`; returns {code: what is special about it}."""
    folder.mkdir(parents=True, exist_ok=True)
    story = {}
    by_level = {lv: [u for u in units if u.level == lv] for lv in PER_LEVEL}
    absent = by_level["xa"][-1] if with_mistakes else None
    for unit in units:
        if absent is not None and unit is absent:
            story[unit.code] = "không nộp hồ sơ"
            continue
        values, claimed, evidence = _sample(cs, unit, seed=year)
        name = f"{unit.code}.xlsx"
        if with_mistakes:
            tinh, huyen, xa = by_level["tinh"], by_level["huyen"], by_level["xa"]
            if unit is tinh[0]:  # the decision's own example of a wrong self-score: 75,7% × 6 = 4,54
                values["T09"] = {"ratio": 0.757}
                claimed["T09"] = 6
                story[unit.code] = "T09: 75,7% × 6 điểm nhưng tự chấm 6 (đúng là 4,54)"
            elif unit is tinh[1]:  # no information system: T15 does not apply, the maximum is lowered
                values["T15"] = {"not_applicable": "Không áp dụng"}
                claimed.pop("T15", None)
                story[unit.code] = "T15 không áp dụng (không có hệ thống thông tin): hạ điểm chuẩn"
            elif unit is tinh[3]:  # the same figures as tinh[2]: the two share a rank
                values, claimed, evidence = _sample(cs, tinh[2], seed=year)
                story[unit.code] = f"số liệu trùng {tinh[2].code}: bằng điểm, cùng hạng"
            elif unit is huyen[1]:  # the plan's result report sent a month and a day late
                values["H01"]["report_submitted"] = datetime(year + 1, 1, 16)
                claimed["H01"] = 8
                story[unit.code] = "H01: báo cáo kết quả gửi trễ (16/01), tự chấm đủ 8 điểm"
            elif unit is huyen[2]:  # text in a ratio cell: the criterion cannot be scored
                values["H05"] = {"ratio": "khoảng 9 phần 10"}
                story[unit.code] = "H05: gõ chữ vào ô tỉ lệ → chưa tính được, chưa xếp hạng cho đến khi thẩm định"
            elif unit is xa[1]:  # the name typed with decomposed accents (NFD), as some Macs do
                unit = ListedUnit(unit.code, unicodedata.normalize("NFD", unit.name), unit.level)
                story[unit.code] = "tên đơn vị gõ dạng Unicode tổ hợp (NFD): vẫn khớp danh sách"
            elif unit is xa[2]:  # sent twice: the first file is older and incomplete
                older = folder / f"{unit.code}-ban-dau.xlsx"
                first = dict(values)
                first.pop("X05", None)
                _write_submission(cs, unit, older, year, first, claimed, evidence)
                stamp = datetime(year, 12, 10).timestamp()
                os.utime(older, (stamp, stamp))
                name = f"{unit.code}-gui-lai.xlsx"
                story[unit.code] = "gửi hai tệp: dùng tệp gửi lại (mới hơn), tệp đầu được báo cáo"
            elif unit is xa[3]:
                evidence["X03"] = "=HYPERLINK(\"http://vi-du.invalid\",\"Xem minh chứng\")"
                story[unit.code] = "căn cứ bắt đầu bằng “=”: được ghi như chữ, không thành công thức"
        _write_submission(cs, unit, folder / name, year, values, claimed, evidence)
    if with_mistakes:
        (folder / "bao-cao-hong.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
        (folder / "minh-chung.pdf").write_bytes(b"%PDF-1.4 made up evidence\n")
        story["bao-cao-hong.xlsx"] = "tệp hỏng: được báo cáo, không làm dừng việc tổng hợp"
    return story


def fill_appraisal(blank: Path, filled: Path, units, cs):
    """A reviewer's spot-check: tinh[0]'s T09 verified at 70%, huyen[2]'s H05 at 88%."""


    tinh = [u for u in units if u.level == "tinh"]
    huyen = [u for u in units if u.level == "huyen"]
    checks = {
        (tinh[0].code, "T09"): (0.70, "Kiểm tra xác suất 20/12/2023: 70% CBCCVC dùng thư công vụ và QLVB&ĐH"),
        (huyen[2].code, "H05"): (0.88, "Số liệu Hệ thống QLVB&ĐH tỉnh, trích xuất 18/12/2023"),
    }
    wb = openpyxl.load_workbook(blank)
    ws = wb[SHEET]
    header = next(r for r in range(1, 10) if ws.cell(r, 3).value == "Mã đơn vị")
    col = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    for row in range(header + 1, ws.max_row + 1):
        check = checks.get((ws.cell(row, col["Mã đơn vị"]).value, ws.cell(row, col["Tiêu chí"]).value))
        if check:
            ws.cell(row, col["Số liệu thẩm định"]).value = check[0]
            ws.cell(row, col["Lý do"]).value = check[1]
            ws.cell(row, col["Người thẩm định"]).value = "Trần Thị B — Phòng Chuyển đổi số, Sở TTTT"
    save_atomically(wb, filled)


def run_demo(root, workers=None, progress=True, echo=print) -> DemoPaths:

    p = paths_in(root)
    prepare_folder(p.root)
    cs = load_set(SET_ID)
    units = demo_units()
    write_units_csv(units, p.units)
    echo(f"1. Lập biểu mẫu cho {len(units)} đơn vị → {p.templates}")
    for unit in units:
        _write_workbook(cs, unit, p.templates / f"{unit.code}.xlsx", YEAR)

    echo(f"2. Năm {PREVIOUS_YEAR} (số liệu mẫu): hồ sơ, tổng hợp và lưu lịch sử")
    make_inbox(cs, units, p.inbox_previous, PREVIOUS_YEAR, with_mistakes=False)
    sheets, others = inbox_files(p.inbox_previous)
    cons = consolidate(sheets, year=PREVIOUS_YEAR, units=units, workers=workers, progress=progress, skipped=others)
    record(cons, p.db)
    write_result(cons, p.result_previous, inbox=p.inbox_previous, db_path=p.db)

    echo(f"3. Năm {YEAR}: các đơn vị điền và gửi hồ sơ → {p.inbox}")
    story = make_inbox(cs, units, p.inbox, YEAR, with_mistakes=True)
    for code, what in story.items():
        echo(f"     {code}: {what}")

    echo(f"4. Tổng hợp năm {YEAR} (kiểm tra từng tệp, xếp hạng, biểu đồ) → {p.result_first}")
    sheets, others = inbox_files(p.inbox)
    cons = consolidate(sheets, year=YEAR, units=units, workers=workers, progress=progress, skipped=others)
    cons.previous = year_units(p.db, PREVIOUS_YEAR) or None
    write_result(cons, p.result_first, inbox=p.inbox, db_path=p.db)

    echo(f"5. Thẩm định: lập phiếu → {p.appraisal_blank}; cán bộ Sở nhập kết quả kiểm tra xác suất → "
         f"{p.appraisal_filled}")
    build_sheet(p.result_first, p.appraisal_blank)
    fill_appraisal(p.appraisal_blank, p.appraisal_filled, units, cs)

    echo(f"6. Tổng hợp lại với phiếu thẩm định, lưu lịch sử → {p.result}")
    cons = consolidate(sheets, year=YEAR, units=units, appraisal=p.appraisal_filled, workers=workers,
                       progress=progress, skipped=others)
    stored = record(cons, p.db)
    cons.previous = year_units(p.db, PREVIOUS_YEAR) or None
    write_result(cons, p.result, inbox=p.inbox, db_path=p.db)
    csv_paths = write_csv(cons, p.csv)
    echo("")
    echo(summary_text(cons, p.result, stored, p.db, csv_paths, p.csv))
    return p
