"""Checking one filled workbook: `dtscore validate` against LibreOffice headless recalculating it.

The workbook is a generated Sóc Trăng 2023 district template (native formulas) with every input,
self-score and evidence filled through its defined names. Figures, each from one run:

- dtscore validate FILE (a new process: Python start, imports, read, score, check, print);
- LibreOffice headless opening FILE, recalculating every formula and saving it (a new soffice
  process with a fresh profile, as workbook.libreoffice does it) — what a reviewer without dtscore
  would need just to see the workbook's own numbers, before checking anything;
- for consolidation, validate_file in-process, mean over --repeat calls after a warm-up (what each
  of the 3,321 workbooks of a national run costs one core).

The ratio is LibreOffice ÷ dtscore validate.

    python3 benchmarks/bench_validate.py [--repeat 50]
"""

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import load_workbook  # noqa: E402

from dtscore.criteria import load_set  # noqa: E402
from dtscore.validation import validate_file  # noqa: E402
from dtscore.workbook import libreoffice  # noqa: E402
from dtscore.workbook.builder import build_template  # noqa: E402

VALUES = {
    "H01_plan_issued": datetime(2023, 3, 20), "H01_report_submitted": datetime(2023, 12, 10),
    "H02_plan_issued": datetime(2023, 3, 31), "H02_report_submitted": datetime(2023, 12, 20),
    "H03_option": "Đạt chuẩn theo vị trí việc làm", "H04_ratio": 0.757, "H05_ratio": 0.95,
    "H06_late_monthly": 1, "H06_late_quarterly": 0, "H06_late_semiannual": 0, "H06_late_annual": 0,
    "H07_ratio": 1, "H08_ratio": 0.9, "H09_ratio": 0.8, "H10_ratio": 1, "H11_ratio": 0.5, "H12_ratio": 0.3,
    "H13_ratio": 0.6, "H14_ratio": 0.75, "H15_option": "Không tổ chức hoạt động",
}


def filled_workbook(folder: Path) -> Path:
    cs = load_set("soctrang-2023")
    template = build_template(cs, "huyen", folder / "mau.xlsx", unit_code="H01", unit_name="Huyện Châu Thành")
    wb = load_workbook(template)
    values = dict(VALUES)
    for crit in cs.level("huyen").leaves():
        values[f"{crit.key}_claimed"] = 5
        values[f"{crit.key}_evidence"] = f"Văn bản số {crit.key}/UBND ngày 01/12/2023"
    for name, value in values.items():
        sheet, coord = next(iter(wb.defined_names[name].destinations))
        wb[sheet][coord.replace("$", "")] = value
    path = folder / "h01.xlsx"
    wb.save(path)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=50, help="in-process validate_file calls to average")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        folder = Path(tmp)
        path = filled_workbook(folder)
        print(f"workbook: {path.name}, {path.stat().st_size / 1024:.1f} KiB, "
              f"{len(load_workbook(path).defined_names)} defined names")

        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "dtscore", "validate", str(path)], capture_output=True, text=True)
        cli = time.perf_counter() - start
        print(f"dtscore validate (new process):        {cli * 1000:8.0f} ms   (exit {run.returncode})")

        validate_file(path)  # warm: criteria set and template formulas cached
        start = time.perf_counter()
        for _ in range(args.repeat):
            validate_file(path)
        per_file = (time.perf_counter() - start) / args.repeat
        print(f"validate_file (in process, warm):      {per_file * 1000:8.1f} ms per workbook "
              f"(mean of {args.repeat}; 3,321 workbooks ≈ {per_file * 3321:.0f} s on one core)")

        if not libreoffice.available():
            print("LibreOffice (soffice) not found: no comparison")
            return 0
        start = time.perf_counter()
        libreoffice.convert([path], folder / "lo", "xlsx")
        lo = time.perf_counter() - start
        print(f"LibreOffice headless recalculate+save: {lo * 1000:8.0f} ms")
        print(f"ratio LibreOffice ÷ dtscore validate:  {lo / cli:8.1f}×  (in-process: {lo / per_file:.0f}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
