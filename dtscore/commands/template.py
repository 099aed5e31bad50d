"""`dtscore template`: the scoring template of a level, or one prefilled template per unit.

    dtscore template --set soctrang-2023 --level huyen -o mau-huyen.xlsx
    dtscore template --set soctrang-2023 --level xa --unit-code X01 --unit-name "UBND Phường 1" -o p1.xlsx
    dtscore template --set soctrang-2023 --units examples/units.csv -o bieu-mau/
"""

import argparse
import re
import time
from dataclasses import dataclass
from pathlib import Path

from ..criteria import load_set
from ..errors import DtscoreError, InputError
from ..unitlist import read_unit_list, resolve_level
from ..values import nfc

FORMULA_HELP = ("native: công thức Excel thông thường, không cần cài gì (mặc định, gửi cho mọi đơn vị); "
                "udf: gọi các hàm DT_* của phần bổ trợ dtscore (cho đơn vị đã cài phần bổ trợ)")


def register(sub):
    p = sub.add_parser(
        "template",
        help="Tạo biểu mẫu Excel tự chấm điểm cho một cấp, hoặc cho từng đơn vị trong danh sách",
        description="Tạo biểu mẫu Excel tự chấm điểm từ bộ tiêu chí (mỗi cấp một mẫu, có thể điền sẵn đơn vị).",
    )
    p.add_argument("--set", dest="criteria_set", required=True, metavar="BỘ_TIÊU_CHÍ",
                   help="mã bộ tiêu chí (xem: dtscore criteria list) hoặc đường dẫn tệp YAML")
    p.add_argument("--level", metavar="CẤP", help="cấp: tinh, huyen, xa (hoặc mã cấp khác của bộ tiêu chí)")
    p.add_argument("--unit-code", default="", metavar="MÃ", help="mã đơn vị điền sẵn")
    p.add_argument("--unit-name", default="", metavar="TÊN", help="tên đơn vị điền sẵn")
    p.add_argument("--contact", default="", metavar="HỌ_TÊN", help="người liên hệ điền sẵn")
    p.add_argument("--year", type=_year, metavar="NĂM", help="năm đánh giá (mặc định: năm của bộ tiêu chí)")
    p.add_argument("--formulas", choices=("native", "udf"), default="native", help=FORMULA_HELP)
    p.add_argument("--units", metavar="UNITS.CSV",
                   help="danh sách đơn vị (CSV UTF-8, cột code,name,level): tạo một tệp cho mỗi đơn vị vào thư mục -o")
    p.add_argument("-o", "--output", required=True, metavar="ĐÍCH",
                   help="tệp .xlsx cần tạo; với --units: thư mục chứa các tệp")
    p.set_defaults(func=run)


def _year(text):
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"năm phải là số, ví dụ 2023 (không phải “{text}”)") from None
    if not 2000 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"năm {year} không hợp lệ")
    return year


def run(args):
    from dtscore.workbook.builder import build_template  # openpyxl is only loaded when a template is made

    cs = load_set(args.criteria_set)
    if args.units:
        return _run_units(args, cs)
    if not args.level:
        raise DtscoreError(f"thiếu --level (cấp của biểu mẫu; bộ {cs.id} có: {', '.join(cs.levels)})")
    level = resolve_level(cs, args.level)
    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise DtscoreError(f"tệp kết quả phải có đuôi .xlsx (nhận “{out.name}”)")
    if out.is_dir():
        raise DtscoreError(f"“{out}” là một thư mục; hãy ghi tên tệp .xlsx")
    build_template(cs, level, out, unit_code=args.unit_code, unit_name=args.unit_name, year=args.year,
                   formulas=args.formulas, contact=args.contact)
    print(f"Đã tạo biểu mẫu {cs.level(level).title.lower()} ({_mode_text(args.formulas)}): {out}")
    return 0


def _mode_text(mode):
    return "công thức thông thường" if mode == "native" else "hàm DT_* của phần bổ trợ"


def _run_units(args, cs):
    from tqdm import tqdm

    from dtscore.workbook.builder import build_units

    units = read_units(args.units, cs)
    if args.level:
        wanted = resolve_level(cs, args.level)
        units = [u for u in units if u.level == wanted]
        if not units:
            raise DtscoreError(f"danh sách {args.units} không có đơn vị nào thuộc cấp “{wanted}”")
    if args.unit_code or args.unit_name:
        raise DtscoreError("--unit-code/--unit-name không dùng cùng --units (mã, tên lấy từ danh sách)")
    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise DtscoreError(f"“{folder}” là một tệp; với --units, -o phải là thư mục")
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    jobs = [(u.level, u.code, u.name, folder / u.file_name) for u in units]
    progress = tqdm(total=len(jobs), desc="Tạo biểu mẫu", unit=" tệp", disable=None)
    with progress:
        build_units(cs, jobs, year=args.year, formulas=args.formulas, contact=args.contact,
                    progress=lambda path: progress.update())
    per_level = ", ".join(f"{sum(u.level == code for u in units)} {cs.level(code).title.lower()}"
                          for code in cs.levels if any(u.level == code for u in units))
    print(f"Đã tạo {len(units)} biểu mẫu ({per_level}; {_mode_text(args.formulas)}) trong thư mục {folder} "
          f"— {time.perf_counter() - started:.1f} giây")
    return 0


# -- the unit list --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    line: int
    code: str
    name: str
    level: str  # a level code of the set

    @property
    def file_name(self) -> str:
        return f"{safe_file_stem(self.code)}.xlsx"


def read_units(path, cs) -> list:
    """units.csv read by dtscore.unitlist, levels resolved against the set, one file name per unit."""
    units: list = []
    seen_files: dict = {}
    for listed in read_unit_list(path):
        where = f"{path}: dòng {listed.line}"
        try:
            unit = Unit(listed.line, listed.code, listed.name, resolve_level(cs, listed.level))
        except DtscoreError as exc:
            raise InputError(where, str(exc)) from None
        stem = unit.file_name.casefold()
        if stem in seen_files:
            raise InputError(where, f"mã {unit.code} cho cùng tên tệp với mã ở dòng {seen_files[stem]}")
        seen_files[stem] = unit.line
        units.append(unit)
    return units


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


def safe_file_stem(text: str) -> str:
    """A file name stem every system accepts (Windows forbids <>:"/\\|?* and trailing dots)."""
    stem = _UNSAFE.sub("_", nfc(text)).strip(" .")
    return stem or "don-vi"
