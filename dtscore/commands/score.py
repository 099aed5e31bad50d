"""`dtscore score INPUT.yaml [--json]`: score one unit's input file."""

import json
from datetime import date

from ..inputfile import read_input_file
from ..report import text_report
from ..scoring import score_unit


def register(sub):
    p = sub.add_parser("score", help="Chấm điểm một đơn vị từ tệp số liệu YAML")
    p.add_argument("input", help="tệp YAML số liệu của đơn vị (xem examples/)")
    p.add_argument("--json", action="store_true", help="in JSON")
    p.set_defaults(func=run)


def run(args):
    unit_input = read_input_file(args.input)
    result = score_unit(
        unit_input.criteria_set,
        unit_input.level,
        unit_input.inputs,
        unit_input.claimed,
        unit_input.evidence,
        unit_input.parameters,
        unit_input.unit,
        today=date.today(),
    )
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(text_report(result, unit_input.criteria_set.decimals))
    return 0
