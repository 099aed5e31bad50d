"""`dtscore demo [-o DIR]`: the whole competition year on a built-in example (templates, filled
submissions with typical mistakes, validation, consolidation with charts, appraisal, history)."""

import time

from ..demo import demo_units, run_demo
from ..demo2025 import run_example


def register(sub):
    p = sub.add_parser("demo", help="Chạy thử cả một năm thi đua trên dữ liệu mẫu")
    p.add_argument("-o", "--output", default="dtscore-output", help="thư mục kết quả (mặc định ./dtscore-output/)")
    p.add_argument("--workers", type=int, help="số tiến trình đọc song song (mặc định: số nhân CPU)")
    p.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ")
    p.add_argument("--vi-du-2025", action="store_true",
                   help="ví dụ năm 2025, chính quyền hai cấp: 103 xã, phường của Cần Thơ theo danh mục chính thức, "
                        "bộ tiêu chí ví dụ (không phải quyết định chính thức), hộp thư mẫu và tổng hợp")
    p.set_defaults(func=run)


def run(args):
    started = time.monotonic()
    if args.vi_du_2025:
        paths, _ = run_example(args.output, workers=args.workers, progress=not args.no_progress)
        print(f"\nXong sau {time.monotonic() - started:.0f} giây. Mở tệp kết quả: {paths.result}")
        return 0
    p = run_demo(args.output, workers=args.workers, progress=not args.no_progress)
    print(f"\nXong sau {time.monotonic() - started:.0f} giây. Mở tệp kết quả: {p.result}")
    print(f"Xem lịch sử một đơn vị: dtscore history --unit {demo_units()[0].code} --db {p.db}")
    return 0
