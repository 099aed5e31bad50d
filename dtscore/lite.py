"""`dtscore lite -o DIR`: what a unit pastes into xlwings Lite (Python in Excel 365/web via Pyodide).

main.py only imports: the DT_* functions and the button live in the dtscore wheel, which Lite installs
from requirements.txt — a wheel the province hosts over HTTPS (Lite cannot reach a USB stick).
"""

from pathlib import Path

from .atomic import write_text_atomic
from .server import wheel_name

MAIN = """\
# dtscore trong xlwings Lite: các hàm DT_* và nút “Tính lại & kiểm tra”.
# Không sửa ở đây: mã nằm trong gói dtscore (dòng ở thẻ requirements.txt); Sở nâng cấp gói là đủ.
from dtscore.udfs.functions import *  # noqa: F403 — các hàm DT_RATIO, DT_SCORE, DT_SCORE_TABLE…
from dtscore.udfs.button import tinh_lai_kiem_tra  # noqa: F401 — nút “Tính lại & kiểm tra” (ô W2, trang “Chấm điểm”)
"""

README = """\
dtscore trong xlwings Lite
==========================

1. Excel 365/2021 hoặc Excel trên web: Trang chủ → Phần bổ trợ, thêm “xlwings Lite”, mở nó.
2. Thẻ requirements.txt: dán nội dung tệp requirements.txt ở đây (một dòng: địa chỉ HTTPS của tệp
   {wheel} do Sở đăng), bấm cài đặt.
3. Thẻ main.py: thay toàn bộ bằng nội dung tệp main.py ở đây, lưu (Ctrl+S).
4. Gõ công thức như thường: =DT_RATIO(E12; 95%; 4). Nút “Tính lại & kiểm tra”: bấm nút trên trang
   “Chấm điểm” (ô W2) hoặc chạy tinh_lai_kiem_tra trong xlwings Lite.

Cho Sở (người quản trị CNTT): đăng tệp {wheel} trên một máy chủ HTTPS cho phép CORS — ví dụ đặt vào
thư mục static/wheels/ của máy chủ dtscore (dtscore server init; .env đã cho phép CORS) thì địa chỉ là
https://<tên miền>/static/wheels/{wheel}. Khi có phiên bản mới: đăng tệp mới, tạo lại gói này với
--wheel-url mới và gửi các đơn vị dòng requirements.txt mới.
"""

PLACEHOLDER_HOST = "https://dtscore.example.gov.vn/static/wheels/"


def write_bundle(directory, wheel_url: str | None = None) -> list:
    """Write main.py, requirements.txt and HUONG-DAN.txt into `directory`; returns the paths."""
    folder = Path(directory)
    wheel = wheel_name()
    url = wheel_url or PLACEHOLDER_HOST + wheel
    return [
        write_text_atomic(folder / "main.py", MAIN),
        write_text_atomic(folder / "requirements.txt", url + "\n"),
        write_text_atomic(folder / "HUONG-DAN.txt", README.format(wheel=wheel)),
    ]
