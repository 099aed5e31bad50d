"""Checking filled workbooks: `dtscore validate` against LibreOffice headless recalculating them.

Pairs (interleaved, see benchmarks/paired.py), each run a whole new process:
- one workbook (a generated Sóc Trăng 2023 district template, native formulas, every input,
  self-score and evidence filled through its defined names): LibreOffice opening it, recalculating
  every formula and saving it, with a warm profile (used once before), ÷ `dtscore validate FILE`
  (Python start, imports, read, score, check, print; the expected-formulas cache warm);
- --files commune workbooks: LibreOffice recalculating and saving all of them in one process ÷
  `dtscore validate` of all of them in one command (which spreads them over the cores), per file;
- with --saved-by-libreoffice, the same for those workbooks once saved by LibreOffice, as a unit's
  spreadsheet program returns them (shared strings, cached values) rather than as generated.

Each pair also prints the CPU time of the process and its children: what a run costs whatever the
load. On a busy machine dtscore's workers may not get a core each, and the wall-clock ratio of the
many-files pair then understates what an idle machine gives; the CPU ratio is what a single core
would give (dtscore's workers cost a little more CPU than one process).

What LibreOffice does is what a reviewer without dtscore would need just to see each workbook's
own numbers, before checking anything.

    python3 benchmarks/bench_validate.py [--files 150] [--repeat 3] [--saved-by-libreoffice]
"""

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

# the installed dtscore (its udfs/ and workbook/ are mapped to dtscore.udfs, dtscore.workbook), so the
# repository root goes last: only for `tests`, never before the installed package
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent.parent))

from bench_consolidate import generate  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from paired import Pairs, command_env  # noqa: E402

from dtscore import reading  # noqa: E402
from dtscore.criteria import load_set  # noqa: E402
from dtscore.workbook import libreoffice  # noqa: E402
from dtscore.workbook.builder import build_template  # noqa: E402

VALUES = {
    "H01_plan_issued": datetime(2023, 3, 20), "H01_report_submitted": datetime(2023, 12, 10),
    "H02_plan_issued": datetime(2023, 3, 31), "H02_report_submitted": datetime(2023, 12, 20),
    "H03_option": "Đạt chuẩn theo vị trí việc làm", "H04_ratio": 0.757, "H05_ratio": 0.95,
    "H06_late_monthly": 1, "H06_late_quarterly": 0, "H06_late_semiannual": 0, "H06_late_annual": 0,
    "H07_ratio": 1, "H08_ratio": 0.9, "H09_ratio": 0.8, "H10_ratio": 1, "H11_ratio": 0.5, "H12_ratio": 0.3,
    "H13_ratio": 0.6, "H14_ratio": 0.75, "H15_option": "Không tổ chức hoạt động",
}  # fmt: skip


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


def soffice_recalculate(paths, out_dir: Path, profile_url: str):
    """LibreOffice recalculating and saving `paths` in one process, with the given profile."""
    command = [libreoffice.soffice_path(), f"-env:UserInstallation={profile_url}", "--headless", "--invisible",
               "--nologo", "--norestore", "--nolockcheck", "--nodefault", "--convert-to", "xlsx",
               "--outdir", str(out_dir), *map(str, paths)]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    if run.returncode != 0 or len(list(out_dir.glob("*.xlsx"))) < len(paths):
        raise SystemExit(f"LibreOffice failed: {run.stderr.strip()[-300:]}")


def dtscore_validate(paths, env):
    run = subprocess.run([sys.executable, "-m", "dtscore", "validate", *map(str, paths)], capture_output=True,
                         text=True, env=env, check=False)
    if run.returncode not in (0, 1) or "Lỗi không mong đợi" in run.stderr:
        raise SystemExit(f"dtscore validate failed: {run.stderr.strip()[-300:]}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=150, help="workbooks checked in one command")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--saved-by-libreoffice", action="store_true",
                        help="also the --files workbooks as a spreadsheet program saves them (shared strings, "
                             "cached values): saved once by LibreOffice, then the same pair")
    args = parser.parse_args(argv)
    if not libreoffice.available():
        print("LibreOffice (soffice) not found: nothing to compare with")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        folder = Path(tmp)
        env = command_env(folder)
        one = filled_workbook(folder)
        many = generate(folder / "inbox", args.files, os.cpu_count() or 1)
        profile_url = libreoffice.write_profile(folder / "profile", libreoffice.RECALC_ALWAYS)
        out = folder / "lo"

        def lo(paths):
            def run():
                for old in out.glob("*"):
                    old.unlink()
                out.mkdir(exist_ok=True)
                soffice_recalculate(paths, out, profile_url)
            return run

        print(f"one workbook: {one.name}, {one.stat().st_size / 1024:.1f} KiB; {len(many)} commune workbooks; "
              f"{os.cpu_count()} cores (dtscore validate reads {reading.PARALLEL_FROM} files or more in one "
              f"process per core; LibreOffice recalculates in one)")
        pairs = Pairs("One workbook, a new process each", lo([one]), lambda: dtscore_validate([one], env),
                      repeat=args.repeat)
        print(pairs.run().report("ms", 1e3, ("LibreOffice recalculate+save", "dtscore validate")))
        pairs = Pairs(f"{len(many)} workbooks in one process, per file", lo(many), lambda: dtscore_validate(many, env),
                      repeat=args.repeat, per_baseline=len(many), per_measured=len(many))
        print(pairs.run().report("ms per file", 1e3, ("LibreOffice recalculate+save", "dtscore validate")))
        if args.saved_by_libreoffice:
            resaved = folder / "saved"
            resaved.mkdir()
            soffice_recalculate(many, resaved, profile_url)
            saved = sorted(resaved.glob("*.xlsx"))
            pairs = Pairs(f"{len(saved)} workbooks saved by LibreOffice, in one process, per file", lo(saved),
                          lambda: dtscore_validate(saved, env), repeat=args.repeat, per_baseline=len(saved),
                          per_measured=len(saved))
            print(pairs.run().report("ms per file", 1e3, ("LibreOffice recalculate+save", "dtscore validate")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
