"""The province's self-hosted xlwings Server: `dtscore server init DIR` writes an xlwings-server 1.x
project that serves our DT_* functions and the "Tính lại & kiểm tra" button to Office.js;
`dtscore server run DIR` starts it (uvicorn, the way xlwings-server's own `run` does, but with the
host, port and workers of a production server and without auto-reload).

The project only re-exports dtscore.udfs: the code stays in the dtscore wheel, upgraded with pip.
Files that are not generated live in dtscore/server_project/ (task pane, icons, guide, README).
"""

import importlib.util
import os
import secrets
import shutil
import subprocess
import sys
import uuid
from importlib import metadata
from pathlib import Path

from .errors import DtscoreError

FILES = Path(__file__).parent / "server_project"
ENVIRONMENTS = ("dev", "qa", "uat", "staging", "prod")

FUNCTIONS_INIT = "# Các hàm DT_* của dtscore (không sửa ở đây: nâng cấp gói dtscore)\nfrom dtscore.udfs.functions import *  # noqa: F403\n"
SCRIPTS_INIT = "# Nút “Tính lại & kiểm tra” của dtscore\nfrom dtscore.udfs.button import tinh_lai_kiem_tra  # noqa: F401\n"

ENV = """\
# Thiết đặt máy chủ dtscore (xlwings-server). Đổi xong thì khởi động lại máy chủ.
XLWINGS_ENVIRONMENT="prod"
XLWINGS_PROJECT_NAME="dtscore"
XLWINGS_FUNCTIONS_NAMESPACE="DTSCORE"
XLWINGS_ENABLE_EXAMPLES=false
XLWINGS_ENABLE_SOCKETIO=false
XLWINGS_ENABLE_HOTRELOAD=false
XLWINGS_LOG_LEVEL="INFO"
XLWINGS_SECRET_KEY="{secret}"
# Tên miền HTTPS của máy chủ (sau reverse proxy), dùng trong manifest:
# XLWINGS_HOSTNAME="dtscore.example.gov.vn"
XLWINGS_CORS_ALLOW_ORIGINS=["*"]
# Giấy phép: xlwings-server/xlwings.pro cấp phép kép (thương mại hoặc PolyForm Noncommercial 1.0.0).
# "noncommercial" chỉ dùng khi xlwings đã XÁC NHẬN BẰNG VĂN BẢN rằng việc dùng của cơ quan nhà nước này
# thuộc PolyForm Noncommercial (trang giấy phép của xlwings-server coi công cụ nội bộ là thương mại);
# nếu không, điền khóa giấy phép thương mại.
XLWINGS_LICENSE_KEY="noncommercial"
"""

# xlwings-server's manifest, made the province's: local icons and guide (the Office admin center and
# Excel must not depend on an internet site), Vietnamese ribbon labels.
MANIFEST_CHANGES = [
    ("https://www.xlwings.org/xlwings-32.png", "{{ base_url }}{{ settings.static_url_path }}/images/icons/dtscore-32.png"),
    ("https://www.xlwings.org/xlwings-64.png", "{{ base_url }}{{ settings.static_url_path }}/images/icons/dtscore-64.png"),
    ("https://www.xlwings.org/contact", "{{ base_url }}{{ settings.static_url_path }}/huong-dan.html"),
    ("/images/icons/xlwings-", "/images/icons/dtscore-"),
    ("<ProviderName>xlwings</ProviderName>", "<ProviderName>dtscore</ProviderName>"),
    ("<DefaultLocale>en-US</DefaultLocale>", "<DefaultLocale>vi-VN</DefaultLocale>"),
    ('"MyGroup"', '"Chấm điểm CĐS"'),
    ('"Hello World"', '"Tính lại &amp; kiểm tra"'),
    ('"Show Taskpane"', '"Mở ngăn dtscore"'),
    ('"Click to call the hello function"', '"Tính lại điểm và kiểm tra biểu mẫu (kết quả ở trang Kiểm tra)"'),
    ('"Click to show the task pane"', '"Mở ngăn tác vụ dtscore"'),
]


def _xlwings_server_dir() -> Path:
    spec = importlib.util.find_spec("xlwings_server")
    if spec is None or spec.origin is None:
        raise DtscoreError("Chưa cài xlwings-server: pip install \"xlwings-server>=1.20,<2\"")
    return Path(spec.origin).parent


def wheel_name() -> str:
    """The file name of the dtscore wheel the province hosts (whatever the distribution is called)."""
    dist = metadata.packages_distributions().get("dtscore", ["dtscore"])[0]
    version = metadata.version(dist)
    return f"{dist.replace('-', '_').lower()}-{version}-py3-none-any.whl"


def init_project(directory) -> Path:
    """Write a ready xlwings-server project into `directory` (new or empty). Returns its path."""
    target = Path(directory).resolve()
    if target.exists() and any(target.iterdir()):
        raise DtscoreError(f"Thư mục {target} đã có nội dung: chọn một thư mục mới hoặc trống")
    manifest = (_xlwings_server_dir() / "templates" / "manifest.xml").read_text(encoding="utf-8")
    for old, new in MANIFEST_CHANGES:
        if old not in manifest:
            raise DtscoreError(f"Manifest của xlwings-server này khác bản dtscore biết (thiếu {old!r}): "
                               "dùng xlwings-server 1.x đã thử (xem requirements.txt)")
        manifest = manifest.replace(old, new)
    shutil.copytree(FILES, target, dirs_exist_ok=True)
    files = {
        "custom_functions/__init__.py": FUNCTIONS_INIT,
        "custom_scripts/__init__.py": SCRIPTS_INIT,
        "templates/manifest.xml": manifest,
        ".env": ENV.format(secret=secrets.token_urlsafe(32)),
        "pyproject.toml": "# Mã add-in (manifest) cố định của tỉnh: giữ nguyên khi nâng cấp\n[tool.xlwings_server]\n"
                          + "".join(f'manifest_id_{env} = "{uuid.uuid4()}"\n' for env in ENVIRONMENTS),
        "requirements.txt": "xlwings-server>=1.20,<2\n"
                            f"# gói dtscore: tệp wheel do Sở phát hành, đặt cạnh tệp này\n./{wheel_name()}\n",
    }
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target


def command(directory, host="127.0.0.1", port=8000, workers=1) -> list:
    """The uvicorn command line and environment that serve the project."""
    project = Path(directory).resolve()
    if not (project / "custom_functions").is_dir() or not (project / "custom_scripts").is_dir():
        raise DtscoreError(f"{project} không phải thư mục máy chủ dtscore (tạo bằng dtscore server init {directory})")
    _xlwings_server_dir()
    return [sys.executable, "-m", "uvicorn", "xlwings_server.main:main_app", "--host", host, "--port", str(port),
            "--workers", str(workers), "--proxy-headers"]


def environment(directory) -> dict:
    """The server's environment. xlwings-server imports xlwings (which checks the licence key) before
    it reads .env, so the key is passed on from .env unless the environment already sets it."""
    from dotenv import dotenv_values  # a dependency of xlwings-server

    project = Path(directory).resolve()
    env = {**os.environ, "XLWINGS_PROJECT_DIR": str(project)}
    key = dotenv_values(project / ".env").get("XLWINGS_LICENSE_KEY")
    if key and not env.get("XLWINGS_LICENSE_KEY"):
        env["XLWINGS_LICENSE_KEY"] = key
    return env


def run(directory, host="127.0.0.1", port=8000, workers=1) -> int:
    """Serve until stopped (Ctrl+C). A fresh interpreter: xlwings must be imported in server mode."""
    argv = command(directory, host, port, workers)
    try:
        return subprocess.call(argv, cwd=Path(directory).resolve(), env=environment(directory))
    except KeyboardInterrupt:
        return 0
