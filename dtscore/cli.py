"""The `dtscore` command line. Each sub-command lives in dtscore/commands/<name>.py and exposes
`register(subparsers)`; add a new one to COMMANDS."""

import argparse
import importlib
import os
import re
import sys

from . import __version__
from .errors import DtscoreError
from .safecells import clean_text

COMMANDS = ["criteria", "score", "validate", "consolidate", "appraisal", "history", "report", "demo", "template",
            "test", "server", "bundle", "lite", "units"]


_ARGPARSE_VN = [  # argparse's error messages, said in Vietnamese
    (re.compile(r"the following arguments are required: (.*)"), r"thiếu tham số: \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"tham số không nhận ra: \1"),
    (re.compile(r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.*)\)"), r"\1: “\2” không hợp lệ (chọn một trong: \3)"),
    (re.compile(r"argument (\S+): expected one argument"), r"\1 cần một giá trị"),
    (re.compile(r"argument (\S+): invalid (\w+) value: (.*)"), r"\1: giá trị \3 không hợp lệ"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), r"\1 không dùng cùng \2"),
]


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        for pattern, vietnamese in _ARGPARSE_VN:
            message = pattern.sub(vietnamese, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"Lỗi: {message}\n")


class _VietnameseHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix or "Cách dùng: ")


def _vietnamese(parser: argparse.ArgumentParser):
    """argparse's own words (section titles, -h) in Vietnamese, for this parser and its sub-commands."""
    parser.formatter_class = _VietnameseHelp
    parser._positionals.title = "tham số"
    parser._optionals.title = "tùy chọn"
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = "xem hướng dẫn này rồi thoát"
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _vietnamese(child)


def build_parser(argv=None) -> argparse.ArgumentParser:
    """The parser; given the command line, only the sub-command it names is imported (each pulls
    its own libraries: openpyxl, pandas…), so that `dtscore validate` does not pay for the rest."""
    parser = _Parser(
        prog="dtscore", description="Chấm điểm thi đua Chuyển đổi số — công cụ của Sở TTTT và các đơn vị"
    )
    parser.add_argument("--version", action="version", version=f"dtscore {__version__}", help="xem phiên bản")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    for name in _wanted(argv):
        importlib.import_module(f"dtscore.commands.{name}").register(sub)
    _vietnamese(parser)
    return parser


def _wanted(argv) -> list:
    """The sub-command named on the command line, or all of them (for help or a usage error)."""
    words = sys.argv[1:] if argv is None else list(argv)
    first = next((i for i, w in enumerate(words) if not w.startswith("-")), None)
    if first is None or words[first] not in COMMANDS or {"-h", "--help"} & set(words[:first]):
        return COMMANDS
    return [words[first]]


class _CleanConsole:
    """A console stream that writes no control character a unit's text may carry (see
    dtscore.safecells.clean_text): a unit name cannot clear the screen or set the window title.
    Carriage returns are kept on stderr, where the progress bar redraws its line."""

    def __init__(self, stream, keep_return=False):
        self._stream, self._keep_return = stream, keep_return

    def write(self, text):
        if not self._keep_return:
            return self._stream.write(clean_text(text))
        return self._stream.write("\r".join(clean_text(part) for part in text.split("\r")))

    def __getattr__(self, name):
        return getattr(self._stream, name)


def main(argv=None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _CleanConsole(sys.stdout), _CleanConsole(sys.stderr, keep_return=True)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = saved


def _run(argv) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except DtscoreError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
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
