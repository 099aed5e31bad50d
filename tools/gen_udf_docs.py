"""Generate docs/excel-functions.md — the "Hàm Excel / Excel functions" reference — from the DT_*
functions themselves: names, help and argument docs from the registration metadata xlwings sends to
Excel (`custom_functions_meta`), defaults from the signatures, and every example's result computed
by calling the function. Run after changing udfs/functions.py:

    python3 tools/gen_udf_docs.py            # rewrite docs/excel-functions.md
    python3 tools/gen_udf_docs.py --check    # exit 1 if the file is out of date (used by the tests)
"""

import argparse
import os
import sys
from decimal import Decimal
from pathlib import Path

# xlwings records the metadata only in its server mode, chosen when it is first imported.
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlwings import server  # noqa: E402

from dtscore.atomic import write_text_atomic  # noqa: E402
from dtscore.decimals import fmt_vn  # noqa: E402
from dtscore.udfs import functions  # noqa: E402

OUTPUT = ROOT / "docs" / "excel-functions.md"

INTRO = """\
# Hàm Excel / Excel functions

<!-- Generated from udfs/functions.py by `python3 tools/gen_udf_docs.py`; do not edit by hand. -->

Các hàm `DT_*` tính điểm ngay trong ô Excel bằng chính bộ máy chấm điểm của dtscore (cùng quy tắc,
cùng cách làm tròn như khi Sở TTTT kiểm tra), thay cho công thức viết tay. Cài đặt: xem
[excel-install.md](excel-install.md).

Cách viết công thức:

- Excel tiếng Việt dùng dấu `;` ngăn cách đối số và dấu phẩy thập phân: `=DT_RATIO(E12; 95%; 4)`
  (Excel tiếng Anh: `=DT_RATIO(E12, 95%, 4)`).
- Add-in cổ điển (Windows) và xlwings Lite: gõ `=DT_RATIO(…)`. Qua máy chủ xlwings Server
  (Office.js) các hàm nằm trong không gian tên `DTSCORE`: gõ `=DTSCORE.DT_RATIO(…)`.
- Tỉ lệ là phân số: ô định dạng % hiện 90% chứa 0,9; cũng nhận chữ "90%". Ngày là ô ngày, số sê-ri
  ngày của Excel hoặc chữ dd/mm/yyyy.
- Ô số liệu trống → kết quả trống (chưa có gì để chấm), trừ khi Quyết định quy định khác: văn bản
  chưa ban hành (ô ngày trống) được 0 điểm; không ghi số lần nhập trễ nghĩa là không trễ.
- Nhập sai (hoặc thiếu tham số như chỉ tiêu, điểm chuẩn, hạn) → một thông báo ngắn nêu đúng đối số,
  ví dụ `DT_RATIO: tỉ lệ 1,5 > 100%`; ô đang lỗi (#N/A…) được báo là lỗi, không bị coi là trống.
- Điểm được làm tròn nửa lên 2 chữ số thập phân như hàm ROUND của Excel (0,125 → 0,13).

The `DT_*` functions compute scores in Excel cells with the dtscore engine itself. Arguments are
listed in order; `[…]` marks an optional argument (its default in the table); `…` a repeating one.
"""

README_START, README_END = "<!-- excel-functions:start -->", "<!-- excel-functions:end -->"


def _value(x) -> str:
    """A result as a Vietnamese Excel shows it."""
    if x == "":
        return "(trống)"
    if isinstance(x, bool):
        return "TRUE" if x else "FALSE"
    if isinstance(x, (int, float, Decimal)):
        return fmt_vn(x, 6)
    return str(x)


def _result(x) -> str:
    if isinstance(x, list):
        return " / ".join(" · ".join(_value(c) for c in row) for row in x)
    return _value(x)


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _signature(meta, info) -> str:
    parts = []
    for param in meta["parameters"]:
        if param.get("repeating"):
            parts.append(f"{param['name']}…")
        elif param.get("optional"):
            parts.append(f"[{param['name']}]")
        else:
            parts.append(param["name"])
    return "; ".join(parts)


def _default(info, name) -> str:
    arg = next(a for a in info["args"] if a["name"] == name)
    if "optional" not in arg:
        return "bắt buộc" if not arg["vararg"] else "lặp lại"
    default = arg["optional"]
    return "mặc định: (trống)" if default is None else f"mặc định: {_value(default)}"


def _meta():
    meta = {f["id"]: f for f in server.custom_functions_meta(functions)["functions"]}
    names = list(functions.__all__)
    missing = sorted(set(meta) - set(names)) + sorted(set(names) - set(meta))
    if missing:
        raise SystemExit(f"__all__ and the registered functions differ: {missing}")
    return meta, names


def summary_table(meta, names, link="") -> str:
    """The one-line-per-function table (name, arguments, example, result) of the docs and the README."""
    rows = ["| Hàm | Đối số | Ví dụ | Kết quả |", "|---|---|---|---|"]
    for name in names:
        func = getattr(functions, name)
        example = func.examples[0]
        rows.append(
            f"| [{name}]({link}#{name.lower()}) | {_cell(_signature(meta[name], func.__xlfunc__))} "
            f"| `{_cell(example.formula)}` | {_cell(_result(func(*example.args)))} |"
        )
    return "\n".join(rows)


def render_readme(readme: str) -> str:
    """README.md with its generated block (between the markers) brought up to date."""
    meta, names = _meta()
    head, rest = readme.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    table = summary_table(meta, names, link="docs/excel-functions.md")
    return f"{head}{README_START}\n{table}\n{README_END}{tail}"


def render() -> str:
    meta, names = _meta()
    out = [INTRO, "\n## Tóm tắt / Summary\n", summary_table(meta, names)]
    out.append(f"\nNhóm hàm (Excel cổ điển): “{functions.CATEGORY}”.\n")
    for name in names:
        func, info = getattr(functions, name), meta[name]
        out.append(f"\n## {name}\n")
        out.append(f"`={name}({_signature(info, func.__xlfunc__)})`\n")
        out.append(f"{info['description']}\n")
        out.append("| Đối số | | Mô tả |\n|---|---|---|")
        for param in info["parameters"]:
            need = _default(func.__xlfunc__, param["name"])
            out.append(f"| `{param['name']}` | {need} | {_cell(param['description'])} |")
        out.append("\nVí dụ:\n")
        for example in func.examples:
            note = f" ({example.note})" if example.note else ""
            out.append(f"- `{example.formula}` → **{_result(func(*example.args))}**{note}")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the file is up to date")
    args = parser.parse_args(argv)
    readme = ROOT / "README.md"
    wanted = {OUTPUT: render(), readme: render_readme(readme.read_text(encoding="utf-8"))}
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python3 tools/gen_udf_docs.py", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        write_text_atomic(path, wanted[path])
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
