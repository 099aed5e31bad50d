"""Pictures of the templates as an official prints them: each level's template converted to PDF by
LibreOffice, and the first page of its "Chấm điểm" sheet turned into a PNG (docs/template-*.png);
and a district's template filled with typical mistakes, showing the self-check (the coloured
inputs, the "Trạng thái" column, the summary, the "Tự kiểm tra" list: docs/template-mistakes*.png).

    python -m dtscore.workbook.render              # soctrang-2023 → docs/template-<level>.png
    python -m dtscore.workbook.render --set SET -o DIR
"""

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

from dtscore.criteria import load_set
from dtscore.scoring import score_unit

from . import libreoffice
from .builder import build_template, make_workbook, save_atomic
from .filling import fill

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


# A district that typed a percentage as text, 120% instead of 100%, claimed points for a report it
# has not issued, and forgot one criterion's evidence; everything else is right.
MISTAKES_SET, MISTAKES_LEVEL = "soctrang-2023", "huyen"
MISTAKES = {
    "H01": {"plan_issued": date(2023, 3, 20), "report_submitted": date(2023, 12, 10)},
    "H02": {"plan_issued": date(2023, 4, 5)},
    "H03": {"option": "dai_hoc"},
    "H04": {"ratio": "75,7%"},
    "H05": {"ratio": 1.2},
    "H06": {"late_monthly": 1},
    "H07": {"ratio": 0.9}, "H08": {"ratio": 0.96}, "H09": {"ratio": 0.85}, "H10": {"ratio": 1.0},
    "H11": {"ratio": 0.8}, "H12": {"ratio": 0.4}, "H13": {"ratio": 0.5}, "H14": {"ratio": 0.75},
    "H15": {"option": "phong_trao"},
}
MISTAKEN_CLAIMS = {"H02": 4, "H04": 9.46, "H05": 10}
NO_EVIDENCE = ("H06",)


def mistakes_workbook(cs=None):
    """The sample district's filled template (openpyxl Workbook)."""
    cs = cs or load_set(MISTAKES_SET)
    level = cs.level(MISTAKES_LEVEL)
    labels = {c.key: {o.code: o.label for spec in c.inputs for o in spec.options} for c in level.leaves()
              if any(spec.options for spec in c.inputs)}
    inputs = {k: {n: labels[k].get(v, v) if k in labels else v for n, v in own.items()} for k, own in MISTAKES.items()}
    result = score_unit(cs, MISTAKES_LEVEL, inputs)
    claimed = {r.key: float(r.score) for r in result.criteria if not r.is_group and r.score is not None}
    claimed.update(MISTAKEN_CLAIMS)
    evidence = {k: f"Báo cáo số {i + 10}/BC-UBND ngày 05/12/2023" for i, k in enumerate(inputs) if k not in NO_EVIDENCE}
    wb = make_workbook(cs, MISTAKES_LEVEL, unit_code="CT", unit_name=SAMPLE_UNITS[MISTAKES_LEVEL])
    return fill(wb, inputs, claimed, evidence)


def render_mistakes(out_dir, dpi=110) -> list:
    """docs/template-mistakes.png (the first page of "Chấm điểm") and template-mistakes-list.png
    (the "Tự kiểm tra" sheet) of the sample district with mistakes."""
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="dtscore-render-") as tmp:
        book = save_atomic(mistakes_workbook(), Path(tmp) / "template-mistakes.xlsx")
        pdf = libreoffice.convert([book], Path(tmp) / "pdf", "pdf")[0]
        first = score_sheet_page(pdf)
        pages = libreoffice.pdf_pages_text(pdf)
        listed = next(n for n, text in enumerate(pages, 1) if "TỰ KIỂM TRA BIỂU MẪU" in text)
        return [libreoffice.page_png(pdf, out_dir / "template-mistakes.png", page=first, dpi=dpi),
                libreoffice.page_png(pdf, out_dir / "template-mistakes-list.png", page=listed, dpi=dpi)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Ảnh trang đầu bảng chấm điểm của mỗi cấp (PNG)")
    parser.add_argument("--set", default="soctrang-2023")
    parser.add_argument("-o", "--output", default=str(Path(__file__).parent.parent / "docs"))
    parser.add_argument("--dpi", type=int, default=110)
    args = parser.parse_args(argv)
    for png in render_pictures(load_set(args.set), args.output, dpi=args.dpi):
        print(png)
    if args.set == MISTAKES_SET:
        for png in render_mistakes(args.output, dpi=args.dpi):
            print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
