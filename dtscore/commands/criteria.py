"""`dtscore criteria list`, `show SET [--level L] [--json]` (the data dictionary), and the authoring
workbook: `export SET -o tieu-chi.xlsx`, `import tieu-chi.xlsx -o SET.yaml`; `diff OLD NEW [-o so-sanh.xlsx]`."""

import json

from ..criteria import available_sets, load_set
from ..decimals import fmt_vn
from ..errors import DtscoreError


def register(sub):
    p = sub.add_parser("criteria", help="Liệt kê và xem các bộ tiêu chí")
    s = p.add_subparsers(dest="action", metavar="VIỆC", required=True)
    s.add_parser("list", help="Liệt kê các bộ tiêu chí có sẵn").set_defaults(func=run_list)
    show = s.add_parser("show", help="Xem một bộ tiêu chí (từ điển dữ liệu)")
    show.add_argument("set", help="mã bộ tiêu chí, ví dụ soctrang-2023, hoặc đường dẫn tệp YAML")
    show.add_argument("--level", help="chỉ một cấp: tinh, huyen, xa…")
    show.add_argument("--json", action="store_true", help="in JSON")
    show.set_defaults(func=run_show)
    export = s.add_parser("export", help="Xuất bộ tiêu chí ra bảng tính Excel để soạn, sửa")
    export.add_argument("set", help="mã bộ tiêu chí hoặc đường dẫn tệp YAML")
    export.add_argument("-o", "--output", required=True, help="tệp .xlsx sẽ ghi, ví dụ tieu-chi.xlsx")
    export.set_defaults(func=run_export)
    compile_ = s.add_parser("import", help="Biên dịch bảng tính tiêu chí thành tệp YAML (kiểm tra đầy đủ)")
    compile_.add_argument("workbook", help="bảng tính .xlsx đã soạn")
    compile_.add_argument("-o", "--output", required=True, help="tệp YAML sẽ ghi, tên trùng mã bộ: MÃ-BỘ.yaml")
    compile_.set_defaults(func=run_import)
    diff = s.add_parser("diff", help="So sánh hai bộ tiêu chí (năm trước và năm nay, dự thảo và quyết định)")
    diff.add_argument("old", help="bộ tiêu chí cũ: mã hoặc tệp YAML")
    diff.add_argument("new", help="bộ tiêu chí mới: mã hoặc tệp YAML")
    diff.add_argument("-o", "--output", help="ghi thêm bảng so sánh ra tệp .xlsx")
    diff.set_defaults(func=run_diff)


def run_list(args):
    broken = 0
    for name in available_sets():
        try:
            cs = load_set(name)
        except DtscoreError as exc:  # one broken file must not hide the others
            print(f"{name}  — LỖI: {exc}")
            broken += 1
            continue
        levels = ", ".join(f"{lv.code} ({len(lv.leaves())} tiêu chí, {fmt_vn(lv.max_total)} điểm)" for lv in cs.levels.values())
        print(f"{cs.id}  {cs.version}  — {cs.title}")
        print(f"    cấp: {levels}")
        print(f"    nguồn: {cs.source.get('document', '')} [{cs.source.get('file', '')}]")
    return 1 if broken else 0


def criterion_dict(c) -> dict:
    out = {
        "key": c.key,
        "title": c.title,
        "max_points": float(c.max_points) if c.max_points % 1 else int(c.max_points),
        "rule": c.rule,
        "reference": c.reference,
        "inputs": [spec.to_dict() for spec in c.inputs],
    }
    if c.source_quality:
        out["source_quality"] = c.source_quality
    if c.children:
        out["children"] = [criterion_dict(child) for child in c.children]
    return out


def level_dict(cs, level) -> dict:
    return {
        "set": cs.id,
        "version": cs.version,
        "fingerprint": cs.fingerprint,
        "source": cs.source,
        "level": level.code,
        "title": level.title,
        "max_total": int(level.max_total) if level.max_total % 1 == 0 else float(level.max_total),
        "criteria": [criterion_dict(c) for c in level.criteria],
    }


def run_show(args):
    cs = load_set(args.set)
    levels = [cs.level(args.level)] if args.level else list(cs.levels.values())
    if args.json:
        data = [level_dict(cs, lv) for lv in levels]
        print(json.dumps(data[0] if args.level else data, ensure_ascii=False, indent=2, default=str))
        return 0
    source = cs.source.get("document", "") + (f" [{cs.source['file']}]" if cs.source.get("file") else "")
    print(f"{cs.id} {cs.version} — {cs.title}\nNguồn: {source}")
    uncertain = [c.key for lv in levels for c in lv.walk() if c.source_quality]
    if uncertain:
        print(f"Đánh dấu (?): văn bản gốc không đọc được chắc chắn — xem ghi chú: {', '.join(uncertain)}")
    print()
    for level in levels:
        print(f"== {level.title} ({level.code}) — {fmt_vn(level.max_total)} điểm ==")
        for c in level.walk():
            indent = "  " * c.depth
            mark = " (?)" if c.source_quality else ""
            print(f"{indent}{c.key}{mark}  [{fmt_vn(c.max_points, 4)} điểm]  {c.title}")
            for spec in c.inputs:
                opts = "; ".join(f"{o.code}={fmt_vn(o.points)}" for o in spec.options)
                print(f"{indent}      {c.key}_{spec.name} ({spec.type}) {spec.label}" + (f": {opts}" if opts else ""))
        print()
    return 0


def run_export(args):
    from ..criteria_workbook import export_workbook  # openpyxl loads only for the workbook commands

    out = export_workbook(args.set, args.output)
    print(f"Đã ghi {out}: sửa trong Excel rồi chạy “dtscore criteria import {out.name} -o MÃ-BỘ.yaml”.")
    return 0


def run_import(args):
    from ..criteria_workbook import import_workbook

    out = import_workbook(args.workbook, args.output)
    cs = load_set(out)
    counts = ", ".join(f"{lv.code} {len(lv.leaves())} tiêu chí" for lv in cs.levels.values())
    print(f"Đã ghi {out}: {cs.id} {cs.version} ({counts}), mã kiểm tra {cs.fingerprint}.")
    return 0


def run_diff(args):
    from ..criteria_diff import diff_sets, format_text, write_workbook

    d = diff_sets(load_set(args.old), load_set(args.new))
    print(format_text(d), end="")
    if args.output:
        print(f"Đã ghi {write_workbook(d, args.output)}")
    return 0
