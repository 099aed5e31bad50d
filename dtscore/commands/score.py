"""`dtscore score INPUT.yaml... [--json]`: score units' input files (one or many).

Each file is scored on its own: one that cannot be read is reported and the others go on. Exit
code 0 when every file was scored, 2 when any could not be (with one Vietnamese line each)."""

import json
import sys
from datetime import date

from ..errors import DtscoreError
from ..inputfile import read_input_file
from ..report import text_report
from ..scoring import score_unit


def register(sub):
    p = sub.add_parser("score", help="Chấm điểm đơn vị từ tệp số liệu YAML (một hoặc nhiều tệp)")
    p.add_argument("input", nargs="+", help="tệp YAML số liệu của đơn vị (xem examples/)")
    p.add_argument("--json", action="store_true", help="in JSON (nhiều tệp: một danh sách)")
    p.set_defaults(func=run)


def score_file(path):
    unit_input = read_input_file(path)
    result = score_unit(unit_input.criteria_set, unit_input.level, unit_input.inputs, unit_input.claimed,
                        unit_input.evidence, unit_input.parameters, unit_input.unit, today=date.today())
    return unit_input, result


def run(args):
    if len(args.input) == 1:  # one file: its result as before, a bad file is the command's error
        unit_input, result = score_file(args.input[0])
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json
              else text_report(result, unit_input.criteria_set.decimals))
        return 0
    results, failed = [], 0
    for path in args.input:
        try:
            unit_input, result = score_file(path)
        except DtscoreError as exc:
            failed += 1
            print(f"Lỗi: {path}: {exc}", file=sys.stderr)
            if args.json:
                results.append({"file": str(path), "error": str(exc)})
            continue
        if args.json:
            results.append({"file": str(path), **result.to_dict()})
        else:
            print(f"━━ {path}\n{text_report(result, unit_input.criteria_set.decimals)}\n")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        print(f"Đã chấm {len(args.input)} tệp: {len(args.input) - failed} chấm được"
              + (f", {failed} không đọc được." if failed else "."))
    return 2 if failed else 0
