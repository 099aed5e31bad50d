"""`dtscore score INPUT.yaml... [--json]`: score units' input files (one or many).

Each file is scored on its own: one that cannot be read is reported and the others go on. Exit
code 0 when every file was scored, 2 when any could not be (with one Vietnamese line each). Many
files are scored together by the batch engine, with the same results as one by one."""

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


def score_files(paths) -> list:
    """Per file, (UnitInput, UnitResult) or the DtscoreError that stopped it. The files of one set,
    level and parameters are scored together by the batch engine (dtscore.batch), each result what
    score_unit gives that unit."""
    from ..batch import score_table, units_frame  # pandas: only when there are many files

    out: list = []
    groups: dict = {}
    for path in paths:
        try:
            unit_input = read_input_file(path)
        except DtscoreError as exc:
            out.append(exc)
            continue
        out.append(unit_input)
        key = (unit_input.criteria_set.fingerprint, unit_input.level, repr(sorted(unit_input.parameters.items())))
        groups.setdefault(key, []).append(len(out) - 1)
    for members in groups.values():
        first = out[members[0]]
        frame = units_frame([(out[i].inputs, out[i].claimed, out[i].evidence) for i in members])
        try:
            batch = score_table(first.criteria_set, first.level, frame, today=date.today(), parameters=first.parameters)
        except DtscoreError as exc:  # the group's parameters: the same error for each of its files
            for i in members:
                out[i] = exc
            continue
        for row, i in enumerate(members):
            out[i] = (out[i], batch.unit_result(row, out[i].unit))
    return out


def run(args):
    if len(args.input) == 1:  # one file: its result as before, a bad file is the command's error
        unit_input, result = score_file(args.input[0])
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json
              else text_report(result, unit_input.criteria_set.decimals))
        return 0
    results, failed = [], 0
    for path, scored in zip(args.input, score_files(args.input)):
        if isinstance(scored, DtscoreError):
            failed += 1
            print(f"Lỗi: {path}: {scored}", file=sys.stderr)
            if args.json:
                results.append({"file": str(path), "error": str(scored)})
            continue
        unit_input, result = scored
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
