"""The `dtscore` command line. Each sub-command lives in dtscore/commands/<name>.py and exposes
`register(subparsers)`; add a new one to COMMANDS."""

import argparse
import importlib
import os
import sys

from . import __version__
from .errors import DtscoreError

COMMANDS = ["criteria", "score", "validate", "consolidate", "appraisal", "history", "demo", "template"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dtscore", description="Chấm điểm thi đua Chuyển đổi số — công cụ của Sở TTTT và các đơn vị"
    )
    parser.add_argument("--version", action="version", version=f"dtscore {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    for name in COMMANDS:
        importlib.import_module(f"dtscore.commands.{name}").register(sub)
    return parser


def main(argv=None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except DtscoreError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so plainly, keep the traceback for developers
        if os.environ.get("DTSCORE_DEBUG"):
            raise
        print(f"Lỗi không mong đợi ({type(exc).__name__}: {exc}). Chạy lại với DTSCORE_DEBUG=1 để xem chi tiết.",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
