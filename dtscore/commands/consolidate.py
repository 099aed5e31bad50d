"""`dtscore consolidate INBOX/ -o RESULT.xlsx [--year Y] [--units units.csv] [--appraisal A.xlsx]
[--db history.sqlite] [--csv DIR/] [--workers N]`: check, consolidate and rank every workbook."""

import gc
import os
import sys
from pathlib import Path

from ..consolidation import consolidate, inbox_files
from ..district import is_package, unpack, write_package
from ..errors import DtscoreError
from ..merger import previous_with_merger, read_mapping
from ..outputs import Outputs, recover, refuse_inside_inputs
from ..run_summary import summary_text
from ..unitlist import read_unit_list


def register(sub):
    p = sub.add_parser("consolidate", help="Tổng hợp, kiểm tra và xếp hạng hồ sơ của các đơn vị")
    p.add_argument("inbox", nargs="+", help="thư mục hồ sơ (các tệp .xlsx của đơn vị), hoặc các tệp")
    p.add_argument("-o", "--output", required=True, help="tệp kết quả .xlsx sẽ tạo, ví dụ KET_QUA.xlsx")
    p.add_argument("--year", type=int, help="năm đánh giá (mặc định: năm ghi trong phần lớn biểu mẫu)")
    p.add_argument("--units", help="danh sách đơn vị units.csv (code, name, level) để biết đơn vị nào chưa nộp")
    p.add_argument("--appraisal", help="tệp thẩm định đã nhập (lập bằng dtscore appraisal-sheet)")
    p.add_argument("--merger", metavar="SAP-NHAP.CSV",
                   help="bảng đơn vị mới ← đơn vị cũ (sáp nhập 01/7/2025) để so sánh với kết quả năm trước của các đơn vị cũ")
    p.add_argument("--db", help="cơ sở dữ liệu lịch sử: tệp SQLite (tạo mới nếu chưa có), ví dụ lich-su.sqlite, "
                   "hoặc địa chỉ PostgreSQL postgresql+psycopg://người_dùng@máy_chủ/tên_csdl")
    p.add_argument("--csv", metavar="THƯ_MỤC", help="xuất thêm các bảng dữ liệu dạng CSV (UTF-8) vào thư mục này")
    p.add_argument("--workers", type=int, help="số tiến trình song song khi đọc hồ sơ và ghi kết quả (mặc định: số nhân CPU)")
    p.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ")
    p.add_argument("--package", metavar="GOI.zip", help="(cấp huyện) lập thêm gói gửi Sở TTTT: kết quả, tệp gốc "
                                                       "của các xã và chỉ mục SHA-256")
    p.add_argument("--district", metavar="MÃ", default="", help="(với --package) mã huyện ghi vào gói")
    p.add_argument("--district-name", metavar="TÊN", default="", help="(với --package) tên huyện ghi vào gói")
    p.set_defaults(func=run)


def collect(inputs, exclude) -> tuple:
    """(spreadsheets, other files) from folders and files given on the command line."""
    sheets, others = [], []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            s, o = inbox_files(path, exclude)
            sheets += s
            others += o
        elif path.exists():  # a file named on the command line (the reader refuses what is no regular file)
            (others if is_package(path) else sheets).append(path)  # a district's package is opened later
        else:
            raise DtscoreError(f"Không tìm thấy thư mục hoặc tệp “{item}”")
    return sheets, others


def _check_outputs(args):
    """Outputs go outside the inputs (never over a unit's workbook); RESULT is an .xlsx."""
    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise DtscoreError(f"Tệp kết quả “{out}” phải có đuôi .xlsx")
    inputs = list(args.inbox) + [p for p in (args.units, args.appraisal, args.merger) if p]
    refuse_inside_inputs(out, inputs)
    if args.csv:
        refuse_inside_inputs(args.csv, inputs, "Thư mục CSV")
    if args.db and "://" not in args.db:  # a file, not a database URL
        refuse_inside_inputs(args.db, inputs, "Cơ sở dữ liệu lịch sử")


def _holds_token(db, token) -> bool:
    from ..history import holds_token  # SQLAlchemy: imported only when there is a history

    return holds_token(db, token)


def run(args):
    out = Path(args.output)
    _check_outputs(args)
    # What an interrupted earlier run left: finished if the history holds it, else rolled back.
    recover([out.parent, args.csv], committed=lambda token: bool(args.db) and _holds_token(args.db, token))
    sheets, others = collect(args.inbox, [out, args.appraisal, args.package])
    packages = [p for p in others if is_package(p)]
    others = [p for p in others if p not in packages]
    unpacked = unpack([getattr(p, "path", p) for p in packages])
    try:
        for where, reason in unpacked.refused:
            print(f"Cảnh báo: {where}: {reason}", file=sys.stderr)
        if not sheets and not unpacked.sheets:
            raise DtscoreError(f"Không có tệp bảng tính (.xlsx) nào trong {', '.join(args.inbox)}")
        units = read_unit_list(args.units) if args.units else None
        mapping = read_mapping(args.merger) if args.merger else None
        cons = consolidate(sheets + unpacked.sheets, year=args.year, units=units, appraisal=args.appraisal,
                           workers=args.workers, progress=not args.no_progress, skipped=others + unpacked.others,
                           refused=unpacked.refused)
        for e in cons.entries:
            e.origin = unpacked.origin(e.file)
        # The consolidation lives until the command ends: the garbage collector need not walk its
        # million objects again while the outputs are written, nor make forked writers copy them.
        gc.freeze()
        return _finish(args, out, cons, sheets + others, mapping)
    finally:
        unpacked.close()


def _finish(args, out, cons, originals, mapping):
    keep_history = bool(args.db)
    if args.db and cons.year is None:
        keep_history = False
        print("Cảnh báo: không xác định được năm đánh giá (không tệp nào đọc được năm): chưa lưu lịch sử; "
              "dùng --year", file=sys.stderr)
    elif args.db:
        from ..history import year_units

        cons.previous = year_units(args.db, cons.year - 1) or None
        if mapping and cons.previous:
            cons.previous = previous_with_merger(cons.previous, mapping, cons.year - 1)
    from ..result_workbook import write_csv, write_result

    db = None
    if args.db:
        from ..history import shown

        db = shown(args.db)  # a database URL without its password
    # One unit of work: RESULT and the CSVs under temporary names, then swapped in inside the
    # history's transaction, which commits last (dtscore.outputs).
    outputs = Outputs(out.parent)
    path = outputs.write(out, lambda tmp: write_result(cons, tmp, inbox=", ".join(args.inbox), db_path=db,
                                                          workers=args.workers or os.cpu_count() or 1))
    csv_paths = write_csv(cons, args.csv, outputs) if args.csv else []
    stored = {} if keep_history else None
    if keep_history:
        from ..history import record

        outputs.commit(lambda token, swap: stored.update(record(cons, args.db, token=token, before_commit=swap)))
    else:
        outputs.commit()
    print(summary_text(cons, path, stored, db, csv_paths, args.csv))
    if args.package:
        package = write_package(args.package, path, originals, district_code=args.district,
                                district_name=args.district_name, year=cons.year)
        print(f"Gói gửi Sở TTTT: {package} (kết quả, {len(originals)} tệp gốc, chỉ mục SHA-256)")
    return 0
