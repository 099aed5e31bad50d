"""`dtscore consolidate INBOX/ -o RESULT.xlsx [--year Y] [--units units.csv] [--appraisal A.xlsx]
[--db history.sqlite] [--csv DIR/] [--workers N]`: check, consolidate and rank every workbook."""

import sys
from pathlib import Path

from ..consolidation import SUPERSEDED, UNREADABLE, consolidate, inbox_files
from ..decimals import fmt_vn
from ..errors import DtscoreError
from ..unitlist import read_unit_list


def register(sub):
    p = sub.add_parser("consolidate", help="Tổng hợp, kiểm tra và xếp hạng hồ sơ của các đơn vị")
    p.add_argument("inbox", nargs="+", help="thư mục hồ sơ (các tệp .xlsx của đơn vị), hoặc các tệp")
    p.add_argument("-o", "--output", required=True, help="tệp kết quả .xlsx sẽ tạo, ví dụ KET_QUA.xlsx")
    p.add_argument("--year", type=int, help="năm đánh giá (mặc định: năm ghi trong phần lớn biểu mẫu)")
    p.add_argument("--units", help="danh sách đơn vị units.csv (code, name, level) để biết đơn vị nào chưa nộp")
    p.add_argument("--appraisal", help="tệp thẩm định đã nhập (lập bằng dtscore appraisal-sheet)")
    p.add_argument("--db", help="cơ sở dữ liệu lịch sử SQLite (tạo mới nếu chưa có), ví dụ lich-su.sqlite")
    p.add_argument("--csv", metavar="THƯ_MỤC", help="xuất thêm các bảng dữ liệu dạng CSV (UTF-8) vào thư mục này")
    p.add_argument("--workers", type=int, help="số tiến trình đọc song song (mặc định: số nhân CPU)")
    p.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ")
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
        elif path.is_file():
            sheets.append(path)
        else:
            raise DtscoreError(f"Không tìm thấy thư mục hoặc tệp “{item}”")
    return sheets, others


def _check_output(out: Path, inputs):
    """Never overwrite a unit's workbook: the output may replace only an earlier result."""
    if out.suffix.lower() != ".xlsx":
        raise DtscoreError(f"Tệp kết quả “{out}” phải có đuôi .xlsx")
    resolved = out.resolve()
    if out.exists() and any(Path(p).resolve() == resolved for p in inputs):
        raise DtscoreError(f"Tệp kết quả “{out}” trùng một tệp hồ sơ được tổng hợp: chọn tên khác")


def run(args):
    out = Path(args.output)
    _check_output(out, [p for p in args.inbox if Path(p).is_file()])
    exclude = [out, args.appraisal]
    sheets, others = collect(args.inbox, exclude)
    if not sheets:
        raise DtscoreError(f"Không có tệp bảng tính (.xlsx) nào trong {', '.join(args.inbox)}")
    units = read_unit_list(args.units) if args.units else None
    cons = consolidate(sheets, year=args.year, units=units, appraisal=args.appraisal, workers=args.workers,
                       progress=not args.no_progress, skipped=others)
    stored = None
    if args.db and cons.year is None:
        print("Cảnh báo: không xác định được năm đánh giá (không tệp nào đọc được năm): chưa lưu lịch sử; "
              "dùng --year", file=sys.stderr)
    elif args.db:
        from ..history import record, year_units

        stored = record(cons, args.db)
        if cons.year is not None:
            cons.previous = year_units(args.db, cons.year - 1) or None
    from ..result_workbook import write_csv, write_result

    path = write_result(cons, out, inbox=", ".join(args.inbox), db_path=args.db)
    csv_paths = write_csv(cons, args.csv) if args.csv else []
    print(summary_text(cons, path, stored, args.db, csv_paths, args.csv))
    return 0


def summary_text(cons, path, stored=None, db=None, csv_paths=(), csv_dir=None) -> str:
    """What the reviewer reads after a run, in Vietnamese."""
    unreadable = sum(1 for e in cons.entries if e.status == UNREADABLE)
    superseded = sum(1 for e in cons.entries if e.status == SUPERSEDED)
    units = sum(len(g.entries) for g in cons.groups)
    lines = [f"Năm đánh giá {cons.year or '(không rõ)'}: đã đọc {len(cons.entries)} tệp, tổng hợp {units} đơn vị"
             + (f", {unreadable} tệp không đọc được" if unreadable else "")
             + (f", {superseded} tệp trùng đơn vị bị bỏ qua" if superseded else "") + "."]
    for g in cons.groups:
        s = g.total_summary()
        line = f"  {g.level.title}: {len(g.entries)} đơn vị, {len(g.ranked)} được xếp hạng"
        if g.unranked:
            line += f", {len(g.unranked)} chưa xếp hạng (lỗi chặn)"
        if cons.units_listed:
            line += f", {len(g.missing)} chưa nộp" + _named(g.missing)
        if s["count"]:
            best = g.ranked[0]
            line += (f"; cao nhất {fmt_vn(s['max'], 4)} ({best.name or best.code}), trung bình "
                     f"{fmt_vn(s['mean'])}")
        lines.append(line)
    if cons.units_listed:
        placed = {id(u) for g in cons.groups for u in g.missing}
        absent = [u for u in cons.missing if id(u) not in placed]
        if absent:
            lines.append(f"  Các cấp khác: {len(absent)} đơn vị chưa nộp{_named(absent)}")
    if cons.has_appraisal:
        lines += appraisal_summary(cons)
    if stored is not None:
        lines.append(f"Lịch sử {db}: thêm {stored['added']} đơn vị, thay {stored['replaced']} (tệp mới), cập nhật "
                     f"{stored['updated']}, không đổi {stored['unchanged']}")
    lines.append(f"Kết quả: {path}")
    if csv_paths:
        lines.append(f"Bảng CSV: {len(csv_paths)} tệp trong {csv_dir}")
    return "\n".join(lines)


def _named(units, limit=10) -> str:
    """' (Xã A – XA, Xã B – XB, … và 3 đơn vị khác)': who has not submitted, by name and code."""
    if not units:
        return ""
    shown = [f"{u.name} – {u.code}" if u.name and u.code else (u.name or u.code) for u in units[:limit]]
    more = f", … và {len(units) - limit} đơn vị khác" if len(units) > limit else ""
    return f" ({', '.join(shown)}{more})"


def appraisal_summary(cons, limit=30) -> list:
    """What the appraisal changed and what it refused, each refusal with its row and reason."""
    applied = [(e, a) for e in cons.entries for a in e.appraisals]
    refused = [f"{e.code} {r.message}" for e in cons.entries for r in e.refusals]
    refused += [n.message for n in cons.appraisal_notes if n.severity == "error"]
    units = len({id(e) for e, _ in applied})
    lines = [f"Thẩm định: áp dụng {len(applied)} tiêu chí của {units} đơn vị; không áp dụng {len(refused)} mục"
             + (" (xem trang “Thẩm định” và “Phát hiện”):" if refused else "")]
    lines += [f"  - {m}" for m in refused[:limit]]
    if len(refused) > limit:
        lines.append(f"  … và {len(refused) - limit} mục khác")
    warned = [n.message for e in cons.entries for n in e.notes if n.code == "APPRAISAL_WARNING"]
    warned += [n.message for n in cons.appraisal_notes if n.severity != "error"]
    if warned:
        lines.append(f"  Lưu ý ({len(warned)}):")
        lines += [f"  - {m}" for m in warned[:limit]]
    return lines
