"""`dtscore validate FILE.xlsx... [--json] [--report OUT.xlsx|OUT.html]`: check submitted workbooks.

Every file is read on its own: one that cannot be read is reported and the others go on. Exit
code 0 when every file was read (with or without findings), 1 when any could not be read."""

import glob
import json
import sys
from datetime import date
from functools import partial
from pathlib import Path

from ..criteria import load_set
from ..errors import DtscoreError
from ..limits import entry_problem
from ..validation import Validation, validate_file
from ..validation_report import check_report_path, run_summary, text_summary, write_report

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def register(sub):
    p = sub.add_parser("validate", help="Kiểm tra các biểu mẫu chấm điểm đơn vị đã điền (.xlsx)")
    p.add_argument("files", nargs="+", metavar="TỆP", help="tệp .xlsx của đơn vị, hoặc thư mục chứa các tệp")
    p.add_argument("--json", action="store_true", help="in JSON: một danh sách, mỗi tệp một mục")
    p.add_argument("--report", metavar="BÁO_CÁO", help="ghi thêm báo cáo .xlsx (có liên kết tới ô) hoặc .html")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="BỘ_TIÊU_CHÍ.yaml",
                   help="bộ tiêu chí ngoài các bộ có sẵn mà biểu mẫu dùng (có thể lặp lại)")
    p.add_argument("--progress", action="store_true", help="hiện thanh tiến độ (khi kiểm tra nhiều tệp)")
    p.set_defaults(func=run)


def expand(items) -> list:
    """Files as given; a folder means its workbooks; a pattern is expanded here too, since the
    Windows command prompt passes `inbox\\*.xlsx` unexpanded."""
    out = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            out += sorted(str(p) for p in path.iterdir() if p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith("~$"))
        elif not path.exists() and any(ch in item for ch in "*?["):
            matches = sorted(glob.glob(item))
            if not matches:
                raise DtscoreError(f"không có tệp nào khớp “{item}”")
            out += matches
        else:
            out.append(item)
    return out


def _refused(path, folders) -> Validation | None:
    """A file found in a folder through a link leading out of it, or that is no regular file, is
    reported and not read."""
    folder = next((f for f in folders if Path(path).parent == f), None)
    problem = entry_problem(path, folder) if folder is not None else None
    return Validation(str(path), error=problem[0].lower() + problem[1:]) if problem else None


def check_all(files, folders, today, sets, progress=False) -> list:
    """Each file's Validation, in order. Many files are spread over the cores by dtscore.reading, as
    consolidate does (one process per core, a file that kills its process reported, not fatal)."""
    refused = {i: v for i, path in enumerate(files) if (v := _refused(path, folders))}
    todo = [path for i, path in enumerate(files) if i not in refused]
    if len(files) == 1:
        checked = [validate_file(path, today=today, criteria_sets=sets) for path in todo]
    else:
        from ..reading import read_all, read_unit  # only here: it imports what one file does not need

        read = partial(read_unit, today=today, criteria_sets=sets)  # without the cells: nothing printed reads them
        checked = [r.validation for r in read_all(todo, progress=progress, read=read, desc="Đang kiểm tra")]
    it = iter(checked)
    return [refused[i] if i in refused else next(it) for i in range(len(files))]


def run(args):
    files = expand(args.files)
    report = check_report_path(args.report, files + list(args.files)) if args.report else None
    sets = [load_set(path) for path in args.sets]  # a bad set file stops here, before any work
    folders = [Path(item) for item in args.files if Path(item).is_dir()]
    validations = check_all(files, folders, date.today(), sets, progress=args.progress and len(files) > 1)
    if args.json:
        print(json.dumps([v.to_dict() for v in validations], ensure_ascii=False, indent=2))
    else:
        for v in validations:
            print(text_summary(v))
            print()
        print(run_summary(validations))
    if report:
        write_report(validations, report)
        print(f"Đã ghi báo cáo: {report}", file=sys.stderr if args.json else sys.stdout)
    return 0 if all(v.ok for v in validations) else 1
