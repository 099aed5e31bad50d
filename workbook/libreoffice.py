"""LibreOffice headless, for recalculating and converting a batch of workbooks in ONE soffice
process (starting soffice costs seconds; each further file costs a fraction of one).

    from dtscore.workbook.libreoffice import convert
    outputs = convert(paths, out_dir, "xlsx")   # recalculated copies, same stems, in out_dir
    pdfs = convert(paths, out_dir, "pdf")
    csvs = sheet_to_csv(paths, out_dir, 3, "Chấm điểm")  # one sheet's values, fastest to read back

Each call uses a throw-away user profile (-env:UserInstallation) so parallel runs never share or
lock one, and that profile turns on recalculation on load for Excel and ODF files
(/org.openoffice.Office.Calc/Formula/Load/OOXMLRecalcMode = 0, "always"; LibreOffice's default,
1, keeps the values a file has cached and only computes formulas that have none).
"""

import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl.utils import get_column_letter

from dtscore.errors import DtscoreError

# ScRecalcOptions: 0 always recalculate, 1 never, 2 prompt.
RECALC_ALWAYS = 0

_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>{mode}</value></prop></item>
</oor:items>
"""

# --convert-to filter names: "xlsx" alone would pick the right filter too, but naming it keeps
# the output Excel 2007-365 whatever the input.
FILTERS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "pdf": "pdf:calc_pdf_Export",
    "csv": "csv:Text - txt - csv (StarCalc):44,34,76,1",  # the first sheet; see sheet_to_csv
    "ods": "ods",
}


class LibreOfficeError(DtscoreError):
    """soffice is missing, failed, or did not produce every output."""


def soffice_path() -> str | None:
    """The soffice (or libreoffice) executable on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice_path() is not None


def write_profile(folder: Path, recalc_mode: int = RECALC_ALWAYS) -> str:
    """A fresh user profile in `folder` with the recalculation-on-load setting; returns the
    -env:UserInstallation URL."""
    user = folder / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_REGISTRY.format(mode=recalc_mode), encoding="utf-8")
    return folder.resolve().as_uri()


def convert(paths, out_dir, fmt: str = "xlsx", *, recalc: bool = True, timeout: float = 600) -> list:
    """Convert every file in `paths` to `fmt` into `out_dir` with one soffice process; returns the
    output paths in input order. With recalc, every formula is recomputed on load, cached values or
    not. Raises LibreOfficeError when soffice is missing, fails, or an output is missing."""
    extension = fmt.split(":", 1)[0]
    return _run(paths, out_dir, FILTERS.get(fmt, fmt), lambda p: f"{p.stem}.{extension}", extension, recalc, timeout)


def sheet_to_csv(paths, out_dir, sheet_number: int, sheet_name: str, *, recalc: bool = True,
                 timeout: float = 600) -> list:
    """One sheet of every workbook as UTF-8 CSV (values, not as shown: full precision; en-US
    number format whatever the machine's locale), one soffice process; the cheapest way to read back what LibreOffice computed. sheet_number counts from 1.
    Returns the CSV paths in input order (LibreOffice names them <stem>-<sheet name>.csv)."""
    target = f"csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,{int(sheet_number)}"
    return _run(paths, out_dir, target, lambda p: f"{p.stem}-{sheet_name}.csv", "csv", recalc, timeout)


def sheets_to_csv(paths, out_dir, sheet_names, *, recalc: bool = True, timeout: float = 600) -> list:
    """Every sheet of every workbook as CSV (as sheet_to_csv), one soffice process; every workbook
    must have the sheets `sheet_names` (in any order). Returns, in input order, {sheet name: CSV path}."""
    target = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1"
    first = sheet_names[0]
    _run(paths, out_dir, target, lambda p: f"{p.stem}-{first}.csv", "csv", recalc, timeout)
    out_dir = Path(out_dir).resolve()
    return [{name: out_dir / f"{Path(p).stem}-{name}.csv" for name in sheet_names} for p in paths]


def read_csv_grid(path) -> dict:
    """{(row, column): text} of a CSV export, both counted from 1 as in the sheet; blanks left out."""
    grid = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for r, row in enumerate(csv.reader(fh), 1):
            for c, value in enumerate(row, 1):
                if value != "":
                    grid[r, c] = value
    return grid


def read_csv_values(path) -> dict:
    """{'I12': value} of a CSV export: numbers as float, texts as they are, blanks left out."""
    out = {}
    for (row, col), text in read_csv_grid(path).items():
        try:
            value = float(text)
        except ValueError:
            value = text
        out[f"{get_column_letter(col)}{row}"] = value
    return out


def _run(paths, out_dir, target, output_name, extension, recalc, timeout) -> list:
    paths = [Path(p).resolve() for p in paths]
    out_dir = Path(out_dir).resolve()
    if not paths:
        return []
    exe = soffice_path()
    if exe is None:
        raise LibreOfficeError("không tìm thấy LibreOffice (soffice): cài gói libreoffice-calc")
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise LibreOfficeError("các tệp cần chuyển đổi phải có tên khác nhau (kết quả cùng một thư mục)")
    if any(p.parent == out_dir and p.suffix.lower() == "." + extension for p in paths):
        raise LibreOfficeError("thư mục kết quả phải khác thư mục chứa tệp gốc (không ghi đè tệp gốc)")
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = [out_dir / output_name(p) for p in paths]
    for out in outputs:
        out.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="dtscore-lo-") as profile:
        url = write_profile(Path(profile), RECALC_ALWAYS if recalc else 1)
        command = [exe, f"-env:UserInstallation={url}", "--headless", "--invisible", "--nologo", "--norestore",
                   "--nolockcheck", "--nodefault", "--convert-to", target, "--outdir", str(out_dir),
                   *map(str, paths)]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise LibreOfficeError(f"LibreOffice không xong sau {timeout:.0f} giây") from None
    missing = [p.name for p, out in zip(paths, outputs) if not out.exists()]
    if run.returncode != 0 or missing:
        detail = (run.stderr or run.stdout or "").strip().splitlines()[-3:]
        raise LibreOfficeError(
            f"LibreOffice không chuyển được {len(missing)} tệp ({', '.join(missing[:3])}"
            f"{'…' if len(missing) > 3 else ''}); mã thoát {run.returncode}: {' | '.join(detail)}"
        )
    return outputs


def page_png(pdf, png, *, page: int = 1, dpi: int = 110) -> Path:
    """One page of a PDF (counted from 1) as PNG, with poppler's pdftoppm."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise LibreOfficeError("không tìm thấy pdftoppm: cài gói poppler-utils")
    png = Path(png)
    stem = png.with_suffix("")
    run = subprocess.run([exe, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                          str(stem)], capture_output=True, text=True, check=False)
    if run.returncode != 0 or not png.exists():
        raise LibreOfficeError(f"pdftoppm lỗi: {run.stderr.strip()}")
    return png


def pdf_pages_text(pdf) -> list:
    """The text of every page of a PDF (poppler's pdftotext, layout kept)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise LibreOfficeError("không tìm thấy pdftotext: cài gói poppler-utils")
    run = subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise LibreOfficeError(f"pdftotext lỗi: {run.stderr.strip()}")
    pages = run.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages
