"""`dtscore server init DIR` / `dtscore server run DIR`: the province's xlwings Server (Office.js add-in)."""

from .. import server


def register(sub):
    p = sub.add_parser("server", help="Máy chủ xlwings của tỉnh cho Excel 365/2021/web (add-in Office.js)")
    actions = p.add_subparsers(dest="server_command", metavar="VIỆC", required=True)
    init = actions.add_parser("init", help="Tạo thư mục dự án máy chủ (hàm DT_*, nút, ngăn tác vụ, .env)")
    init.add_argument("directory", metavar="THƯ_MỤC")
    init.set_defaults(func=run_init)
    run = actions.add_parser("run", help="Chạy máy chủ trên một thư mục đã tạo bằng server init")
    run.add_argument("directory", metavar="THƯ_MỤC")
    run.add_argument("--host", default="127.0.0.1", help="địa chỉ nghe (mặc định 127.0.0.1, sau reverse proxy HTTPS)")
    run.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000)")
    run.add_argument("--workers", type=int, default=1, help="số tiến trình phục vụ (mặc định 1)")
    run.set_defaults(func=run_server)


def run_init(args):
    target = server.init_project(args.directory)
    print(f"Đã tạo dự án máy chủ dtscore ở {target}.")
    print(f"Đặt tệp {server.wheel_name()} cạnh requirements.txt, cài: pip install -r requirements.txt")
    print(f"Chạy: dtscore server run {args.directory}  — rồi đặt sau HTTPS (xem README.md trong thư mục).")
    return 0


def run_server(args):
    return server.run(args.directory, args.host, args.port, args.workers)
