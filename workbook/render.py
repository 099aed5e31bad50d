"""Pictures of the templates as an official prints them: each level's template converted to PDF by
LibreOffice, and the first page of its "Chấm điểm" sheet turned into a PNG (docs/template-*.png).

    python -m workbook.render                      # soctrang-2023 → docs/template-<level>.png
    python -m workbook.render --set SET -o DIR
"""

import argparse
import sys
import tempfile
from pathlib import Path

from dtscore.criteria import load_set

from . import libreoffice
from .builder import build_template

SCORE_TITLE = "BẢNG TỰ CHẤM ĐIỂM"  # the first line of the "Chấm điểm" sheet
SAMPLE_UNITS = {"tinh": "Sở Thông tin và Truyền thông", "huyen": "Ủy ban nhân dân huyện Châu Thành",
                "xa": "Ủy ban nhân dân Phường 1, thành phố Sóc Trăng"}


def render_pdfs(cs, folder, levels=None, formulas="native") -> dict:
    """{level: PDF path} of each level's template, prefilled with a sample unit name."""
    folder = Path(folder)
    levels = list(levels or cs.levels)
    books = [build_template(cs, level, folder / f"template-{level}.xlsx", unit_name=SAMPLE_UNITS.get(level, ""),
                            formulas=formulas) for level in levels]
    pdfs = libreoffice.convert(books, folder / "pdf", "pdf")
    return dict(zip(levels, pdfs))


def score_sheet_page(pdf) -> int:
    """The page (from 1) where the "Chấm điểm" sheet starts."""
    for number, text in enumerate(libreoffice.pdf_pages_text(pdf), 1):
        if SCORE_TITLE in text:
            return number
    raise libreoffice.LibreOfficeError(f"không thấy trang “Chấm điểm” trong {pdf}")


def render_pictures(cs, out_dir, levels=None, dpi=110) -> list:
    """docs/template-<level>.png for each level; returns the PNG paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dtscore-render-") as tmp:
        pdfs = render_pdfs(cs, tmp, levels)
        return [libreoffice.page_png(pdf, out_dir / f"template-{level}.png", page=score_sheet_page(pdf), dpi=dpi)
                for level, pdf in pdfs.items()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Ảnh trang đầu bảng chấm điểm của mỗi cấp (PNG)")
    parser.add_argument("--set", default="soctrang-2023")
    parser.add_argument("-o", "--output", default=str(Path(__file__).parent.parent / "docs"))
    parser.add_argument("--dpi", type=int, default=110)
    args = parser.parse_args(argv)
    for png in render_pictures(load_set(args.set), args.output, dpi=args.dpi):
        print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
