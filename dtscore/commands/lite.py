"""`dtscore lite -o DIR [--wheel-url URL]`: main.py and requirements.txt for xlwings Lite."""

from .. import lite


def register(sub):
    p = sub.add_parser("lite", help="Tạo main.py và requirements.txt để dán vào xlwings Lite (Excel 365/web)")
    p.add_argument("-o", "--output", required=True, metavar="THƯ_MỤC", help="thư mục ghi các tệp")
    p.add_argument("--wheel-url", help="địa chỉ HTTPS của tệp wheel dtscore do Sở đăng (mặc định: địa chỉ mẫu)")
    p.set_defaults(func=run)


def run(args):
    paths = lite.write_bundle(args.output, args.wheel_url)
    print("Đã tạo: " + ", ".join(str(p) for p in paths))
    if not args.wheel_url:
        print(f"Lưu ý: requirements.txt đang dùng địa chỉ mẫu {lite.PLACEHOLDER_HOST}…: thay bằng địa chỉ thật "
              "(hoặc chạy lại với --wheel-url).")
    return 0
