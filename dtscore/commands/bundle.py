"""`dtscore bundle [--platform win_amd64] [--python 3.11] -o DIR`: the offline install kit for an office
PC without Internet (dtscore/kit.py): wheels, the Excel add-in, install/uninstall scripts, checksums
and the Vietnamese guide."""

from pathlib import Path

from ..decimals import fmt_vn
from ..errors import DtscoreError


def register(sub):
    p = sub.add_parser(
        "bundle",
        help="Đóng gói bộ cài ngoại tuyến cho Windows (Python, add-in Excel, hàm DT_*) để chép vào USB",
        description="Tạo thư mục bộ cài ngoại tuyến: các gói Python cho nền tảng đích, add-in Excel, "
                    "tệp cài/gỡ không cần quyền quản trị, mã SHA-256 và hướng dẫn tiếng Việt. Cần Internet "
                    "(hoặc kho gói nội bộ) trên máy đóng gói; máy cài thì không.",
    )
    p.add_argument("--platform", default="win_amd64", metavar="NỀN_TẢNG",
                   help="nền tảng đích theo nhãn wheel (mặc định win_amd64; “host”: máy đang chạy)")
    p.add_argument("--python", default="3.11", metavar="PHIÊN_BẢN", help="phiên bản Python trên máy đích (mặc định 3.11)")
    p.add_argument("-o", "--output", required=True, metavar="THƯ_MỤC", help="thư mục bộ cài cần tạo (phải trống hoặc chưa có)")
    p.set_defaults(func=run)


def run(args):
    from .. import kit

    output = Path(args.output)
    if output.exists() and any(output.iterdir()):
        raise DtscoreError(f"thư mục {output} đã có tệp — chọn một thư mục trống để không trộn lẫn hai bộ cài")
    platforms = kit.host_platforms() if args.platform == "host" else [args.platform]
    built = kit.build(output, platforms, args.python)
    wheels = [f for f in built.files if f.suffix == ".whl"]
    print(f"Đã tạo bộ cài: {output} — {len(built.files)} tệp, {len(wheels)} gói Python, "
          f"dung lượng {fmt_vn(built.size / 1_000_000, 1)} MB")
    print(f"Hướng dẫn cài: {output / 'HUONG-DAN-CAI-DAT.txt'}")
    return 0
