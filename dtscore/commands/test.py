"""`dtscore test CASES...`: run the rules-as-code example files (YAML, each case with its hand
calculation) against the engine, as an expert checks next year's criteria. Exit code 0 when
every case holds, 1 when one does not, 2 when the files cannot be read."""

from ..cases import load_cases, run_case


def register(sub):
    p = sub.add_parser("test", help="Kiểm tra các ví dụ tính tay (tệp YAML) với bộ máy chấm điểm")
    p.add_argument("cases", nargs="+", help="tệp hoặc thư mục ví dụ *.yaml (xem tests/cases/README.md)")
    p.add_argument("-q", "--quiet", action="store_true", help="chỉ in các ví dụ không đạt")
    p.set_defaults(func=run)


def run(args):
    outcomes = [run_case(case) for case in load_cases(args.cases)]
    for outcome in outcomes:
        if outcome.passed and args.quiet:
            continue
        mark = "ĐẠT     " if outcome.passed else "KHÔNG ĐẠT"
        print(f"{mark} {outcome.case.where}: {outcome.case.name}")
        for problem in outcome.problems:
            print(f"          - {problem}")
    failed = sum(1 for o in outcomes if not o.passed)
    print(f"{len(outcomes) - failed} ví dụ đạt, {failed} không đạt")
    return 1 if failed else 0
