"""The department's report on the competition (`dtscore report RESULT.xlsx -o bao-cao.docx`): a
Word document in the administrative format of Nghị định 30/2020/NĐ-CP (Phụ lục I): A4, Times New
Roman 13–14, margins 20–25 mm top and bottom, 30–35 mm left, 15–20 mm right; the header block
(the managing body and the agency on the left, the national name and motto on the right, the
number and the place and date left for the clerk), the title, "Kính gửi", the body, the recipients
and the signature block. The body: overview, one ranking table per level, units that sent
nothing, the appraisal, a chart, and an annex proposing the first N of each level for
commendation (Điều 2.3: Sở Nội vụ proposes awards from these results), ties kept together.

Everything comes from RESULT.xlsx as `dtscore consolidate` wrote it (read back by `read_result`),
so the report's tables are the result's. python-docx builds the document: the tables vary in size
with the data, which a fixed docxtpl template would only wrap in loops, and there is no template
file to keep in step with the code."""

import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .atomic import write_atomic
from .decimals import fmt_vn
from .errors import InputError
from .values import is_blank, nfc

RANKING_PREFIX = "Xếp hạng"
RANK, CODE, NAME, FLAG = "Hạng", "Mã đơn vị", "Tên đơn vị", "Ghi chú"
RANK_VALUES = ("Điểm xếp hạng", "Chỉ số (xếp hạng)")
MISSING_TITLE = "ĐƠN VỊ CHƯA NỘP"
FONT = "Times New Roman"


@dataclass
class Level:
    title: str  # "Đơn vị cấp tỉnh"
    value_header: str  # "Điểm xếp hạng" or "Chỉ số (xếp hạng)"
    rows: list = field(default_factory=list)  # (rank or None, code, name, value, note)

    @property
    def ranked(self) -> list:
        return [r for r in self.rows if r[0] is not None]


@dataclass
class ResultData:
    """What the report says, read from RESULT.xlsx."""

    year: object = None
    heading: str = "THI ĐUA CHUYỂN ĐỔI SỐ"
    overview: list = field(default_factory=list)  # dicts of the "Tổng hợp" levels table
    levels: list = field(default_factory=list)  # Level, in the result's order
    missing: list = field(default_factory=list)  # (level, code, name)
    appraised: list = field(default_factory=list)  # (code, name, criterion) applied
    refused: int = 0
    has_appraisal: bool = False


def _table_rows(ws, header_row):
    rows = ws.iter_rows(min_row=header_row, values_only=True)
    header = [nfc(h) if isinstance(h, str) else h for h in next(rows)]
    for row in rows:
        if all(is_blank(c) for c in row):
            break
        yield dict(zip(header, row))


def read_result(path) -> ResultData:
    import openpyxl

    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(str(path), "không tìm thấy tệp kết quả") from None
    except Exception as exc:  # noqa: BLE001 — any unreadable file is the user's input problem
        raise InputError(str(path), f"không đọc được tệp kết quả ({type(exc).__name__})") from None
    try:
        rankings = [n for n in wb.sheetnames if n.startswith(RANKING_PREFIX)]
        if "Tổng hợp" not in wb.sheetnames or not rankings:
            raise InputError(str(path), "không phải tệp kết quả của dtscore consolidate (thiếu trang “Tổng hợp” "
                                        "hoặc các trang xếp hạng)")
        data = ResultData()
        overview = wb["Tổng hợp"]
        title = overview["A1"].value or ""
        if isinstance(title, str) and title.startswith("KẾT QUẢ TỔNG HỢP "):
            data.heading = title[len("KẾT QUẢ TỔNG HỢP "):].rsplit(" NĂM ", 1)[0]
        data.overview = list(_table_rows(overview, 4))
        grid = list(overview.iter_rows(values_only=True))
        for i, row in enumerate(grid):
            if isinstance(row[0], str) and row[0].startswith(MISSING_TITLE) and i + 2 < len(grid) + 1:
                for r in grid[i + 2:]:
                    if all(is_blank(c) for c in r[:3]):
                        break
                    data.missing.append((r[0], r[1], r[2]))
        if "Thông tin" in wb.sheetnames:
            for label, value, *_ in wb["Thông tin"].iter_rows(values_only=True):
                if label == "Năm đánh giá":
                    data.year = value
        for name in rankings:
            ws = wb[name]
            level_title = str(ws["A1"].value or name).split(" — ")[-1]
            level = Level(level_title[:1] + level_title[1:].lower(), RANK_VALUES[0])
            for r in _table_rows(ws, 4):
                value_header = next((h for h in RANK_VALUES if h in r), RANK_VALUES[0])
                level.value_header = value_header
                rank = r.get(RANK)
                level.rows.append((int(rank) if rank is not None else None, r.get(CODE), r.get(NAME),
                                   r.get(value_header), r.get(FLAG) or ""))
            data.levels.append(level)
        if "Thẩm định" in wb.sheetnames:
            data.has_appraisal = True
            seen = set()
            for r in _table_rows(wb["Thẩm định"], 4):
                outcome = str(r.get("Kết quả") or "Đã áp dụng")
                if outcome.startswith("KHÔNG"):
                    data.refused += 1
                elif (r.get(CODE), r.get("Tiêu chí")) not in seen:
                    seen.add((r.get(CODE), r.get("Tiêu chí")))
                    data.appraised.append((r.get(CODE), r.get(NAME), r.get("Tiêu chí")))
        return data
    finally:
        wb.close()


def proposed(level: Level, top: int) -> list:
    """The units ranked 1 … top; a tie at the boundary keeps every unit of that rank (ranks are
    competition ranks: 1, 2, 2, 4, so 'rank ≤ top' keeps ties together)."""
    return [r for r in level.ranked if r[0] <= top]


# -- the document -------------------------------------------------------------------------------


@dataclass
class Letterhead:
    parent: str = "UBND TỈNH SÓC TRĂNG"
    agency: str = "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    agency_short: str = "STTTT"
    agency_name: str = "Sở Thông tin và Truyền thông"  # as the body text writes it
    place: str = "Sóc Trăng"
    to: tuple = ("Ủy ban nhân dân tỉnh Sóc Trăng", "Sở Nội vụ tỉnh Sóc Trăng")
    signer_title: str = "GIÁM ĐỐC"


def write_report(result_path, out_path, *, top=3, letterhead=None) -> Path:
    """Write the report for a RESULT.xlsx as .docx, atomically; returns the path."""
    out_path = Path(out_path)
    if out_path.suffix.lower() != ".docx":
        raise InputError(str(out_path), "báo cáo phải có đuôi .docx")
    if Path(result_path).resolve() == out_path.resolve():
        raise InputError(str(out_path), "báo cáo phải khác tệp kết quả")
    data = read_result(result_path)
    doc = build_document(data, top=top, letterhead=letterhead or Letterhead())
    return write_atomic(out_path, lambda tmp: doc.save(str(tmp)))


def _font(run, size=14, bold=False, italic=False):
    run.font.name, run.font.size = FONT, _pt(size)
    run.font.bold, run.font.italic = bold, italic
    rpr = run._element.get_or_add_rPr()  # East Asian name too, so Word does not substitute the font
    rpr.get_or_add_rFonts().set(_qn("w:eastAsia"), FONT)
    return run


def _pt(size):
    from docx.shared import Pt

    return Pt(size)


def _qn(tag):
    from docx.oxml.ns import qn

    return qn(tag)


def _para(container, text="", size=14, bold=False, italic=False, align=None, indent=True, space_after=6):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    p = container.add_paragraph()
    p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                   None: WD_ALIGN_PARAGRAPH.JUSTIFY, "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
    p.paragraph_format.space_after = _pt(space_after)
    p.paragraph_format.space_before = _pt(0)
    if indent and align is None:
        p.paragraph_format.first_line_indent = Cm(1)
    if text:
        _font(p.add_run(text), size, bold, italic)
    return p


def build_document(data: ResultData, *, top=3, letterhead: Letterhead):
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(22), Mm(22)
    section.left_margin, section.right_margin = Mm(32), Mm(18)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, _pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(_qn("w:eastAsia"), FONT)
    _page_numbers(section)
    year = data.year or "…"
    heading = data.heading.lower()
    _letterhead(doc, letterhead)
    _para(doc, "BÁO CÁO", 14, bold=True, align="center", space_after=0)
    _para(doc, f"Kết quả đánh giá, xếp hạng {heading} năm {year}", 14, bold=True, align="center", space_after=12)
    to = list(letterhead.to)
    p = _para(doc, align="center", space_after=12)
    _font(p.add_run("Kính gửi: "), 14)
    _font(p.add_run(to[0] if len(to) == 1 else ""), 14)
    for name in to if len(to) > 1 else []:
        _para(doc, f"- {name};" if name != to[-1] else f"- {name}.", 14, align="center", space_after=0)
    _para(doc, space_after=6)
    _para(doc, f"Thực hiện Điều 2 Quyết định ban hành Tiêu chí đánh giá, thang điểm thi đua Chuyển đổi số tỉnh "
               f"Sóc Trăng, {letterhead.agency_name} báo cáo kết quả tổng hợp, thẩm định và xếp "
               f"hạng {heading} năm {year} như sau:")
    _overview(doc, data)
    _rankings(doc, data)
    _missing(doc, data)
    _appraisal(doc, data)
    _chart(doc, data)
    _para(doc, "V. ĐỀ XUẤT", 14, bold=True, indent=False)
    _para(doc, f"Trên cơ sở kết quả xếp hạng, {letterhead.agency_name} đề nghị Sở Nội vụ tổng "
               f"hợp, tham mưu Ủy ban nhân dân tỉnh khen thưởng các cơ quan, đơn vị đạt thành tích nổi bật (xếp hạng "
               f"từ 1 đến {top} của mỗi cấp; các đơn vị bằng điểm cùng hạng được giữ cùng nhau) theo danh sách tại "
               f"Phụ lục kèm theo.")
    _signature(doc, letterhead)
    _annex(doc, data, top, year, letterhead.agency_short)
    return doc


def _no_borders(table):
    from docx.oxml import OxmlElement

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(_qn("w:val"), "nil")
        borders.append(e)
    table._tbl.tblPr.append(borders)


def _letterhead(doc, lh: Letterhead):
    """Ô số 1–4 of Nghị định 30: managing body and agency | national name and motto; number |
    place and date (left blank for the clerk to fill in)."""
    table = doc.add_table(rows=2, cols=2)
    _no_borders(table)
    left, right = table.cell(0, 0), table.cell(0, 1)
    for cell in (left, right):
        cell.paragraphs[0].text = ""
    p = left.paragraphs[0]
    p.alignment = 1
    _font(p.add_run(lh.parent), 13)
    _para(left, lh.agency, 13, bold=True, align="center", space_after=0)
    _para(left, "_______", 13, align="center", space_after=0)
    p = right.paragraphs[0]
    p.alignment = 1
    _font(p.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12, bold=True)
    _para(right, "Độc lập - Tự do - Hạnh phúc", 14, bold=True, align="center", space_after=0)
    _para(right, "________________________", 13, align="center", space_after=0)
    p = table.cell(1, 0).paragraphs[0]
    p.alignment = 1
    _font(p.add_run(f"Số:      /BC-{lh.agency_short}"), 13)
    p = table.cell(1, 1).paragraphs[0]
    p.alignment = 1
    _font(p.add_run(f"{lh.place}, ngày     tháng     năm 20    "), 14, italic=True)
    _widths(table, [65, 95])
    _para(doc, space_after=6)


def _mm(x):
    from docx.shared import Mm

    return Mm(x)


def _grid(doc, headers, rows, widths, size=13):
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    _widths(table, widths)
    for cell, text, width in zip(table.rows[0].cells, headers, widths):
        cell.width = _mm(width)
        cell.paragraphs[0].alignment = 1
        _font(cell.paragraphs[0].add_run(text), size, bold=True)
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, value, width) in enumerate(zip(cells, values, widths)):
            cell.width = _mm(width)
            cell.paragraphs[0].alignment = 0 if i in (1, 2) and isinstance(value, str) else 1
            _font(cell.paragraphs[0].add_run("" if value is None else str(value)), size)
    _widths(table, widths)
    _para(doc, space_after=6)
    return table


def _widths(table, widths):
    """Column widths LibreOffice and Word both follow: the grid and every cell, autofit off."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = _mm(width)
        for cell in column.cells:
            cell.width = _mm(width)


def _n(x) -> str:
    return "" if x is None else fmt_vn(Decimal(str(x)), 2)


def _overview(doc, data):
    _para(doc, "I. TỔNG QUAN", 14, bold=True, indent=False)
    for row in data.overview:
        level, listed = row.get("Cấp"), row.get("Trong danh sách")
        text = f"{level}: {row.get('Đã nộp') or 0} đơn vị đã nộp hồ sơ"
        if listed is not None:
            text += f" trên {listed} đơn vị, {row.get('Chưa nộp') or 0} đơn vị chưa nộp"
        text += f"; {row.get('Chưa xếp hạng') or 0} đơn vị chưa đủ điều kiện xếp hạng"
        if row.get("Điểm trung bình") is not None:
            text += (f"; điểm bình quân {_n(row.get('Điểm trung bình'))}, cao nhất {_n(row.get('Cao nhất'))}, "
                     f"thấp nhất {_n(row.get('Thấp nhất'))}")
        _para(doc, "- " + text + ".", 14)


def _rankings(doc, data):
    _para(doc, "II. KẾT QUẢ XẾP HẠNG", 14, bold=True, indent=False)
    for i, level in enumerate(data.levels, start=1):
        _para(doc, f"{i}. {level.title}", 14, bold=True, indent=False)
        _grid(doc, ["Hạng", "Mã đơn vị", "Tên đơn vị", level.value_header.replace(" (xếp hạng)", ""), "Ghi chú"],
              [[r[0] if r[0] is not None else "—", r[1], r[2], _n(r[3]), r[4]] for r in level.rows],
              [14, 22, 60, 22, 42], size=12)


def _missing(doc, data):
    _para(doc, "III. ĐƠN VỊ CHƯA NỘP HỒ SƠ", 14, bold=True, indent=False)
    if not data.missing:
        _para(doc, "Không có (hoặc chưa đối chiếu danh sách đơn vị).", 14)
        return
    _grid(doc, ["STT", "Cấp", "Mã đơn vị", "Tên đơn vị"],
          [[i, lvl, code, name] for i, (lvl, code, name) in enumerate(data.missing, start=1)], [14, 38, 30, 78],
          size=12)


def _appraisal(doc, data):
    _para(doc, "IV. KẾT QUẢ THẨM ĐỊNH (KIỂM TRA XÁC SUẤT)", 14, bold=True, indent=False)
    if not data.has_appraisal:
        _para(doc, "Chưa có kết quả thẩm định; xếp hạng theo điểm dtscore tính lại từ số liệu đơn vị báo cáo.", 14)
        return
    units = {c for c, _, _ in data.appraised}
    text = (f"Sở đã kiểm tra xác suất, thẩm định và điều chỉnh {len(data.appraised)} tiêu chí của {len(units)} "
            "đơn vị; điểm xếp hạng là điểm sau thẩm định.")
    if data.refused:
        text += f" {data.refused} mục thẩm định không đủ điều kiện áp dụng (xem trang “Thẩm định” của tệp kết quả)."
    _para(doc, text, 14)
    if data.appraised:
        by_unit = {}
        for code, name, key in data.appraised:
            by_unit.setdefault((code, name), []).append(str(key))
        _grid(doc, ["STT", "Mã đơn vị", "Tên đơn vị", "Tiêu chí đã thẩm định"],
              [[i, code, name, ", ".join(keys)] for i, ((code, name), keys) in enumerate(by_unit.items(), start=1)],
              [14, 26, 80, 40], size=12)


def chart_png(data) -> bytes:
    """Horizontal bars of the ranking figure of each level's ranked units (the first 20)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = [lvl for lvl in data.levels if lvl.ranked]
    n = max(1, len(levels))
    heights = [max(1.6, 0.28 * min(20, len(lvl.ranked)) + 0.8) for lvl in levels] or [2]
    fig, axes = plt.subplots(n, 1, figsize=(6.3, sum(heights)), gridspec_kw={"height_ratios": heights})
    axes = axes if n > 1 else [axes]
    plt.rcParams["font.family"] = "serif"
    for ax, lvl in zip(axes, levels):
        rows = lvl.ranked[:20]
        names = [_short(f"{r[0]}. {r[2]}", 42) for r in rows]
        values = [float(r[3]) for r in rows]
        ax.barh(range(len(rows)), values, color="#2F5597")
        ax.set_yticks(range(len(rows)), names, fontsize=7)
        ax.invert_yaxis()
        ax.set_title(lvl.title, fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
        for y, v in enumerate(values):
            ax.text(v, y, " " + fmt_vn(Decimal(str(v)), 2), va="center", fontsize=6)
        ax.set_xlim(0, max(values + [1]) * 1.12)
    fig.subplots_adjust(left=0.42, right=0.97, top=1 - 0.35 / sum(heights), bottom=0.35 / sum(heights),
                        hspace=0.9 / n + 0.2)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=150)
    plt.close(fig)
    return out.getvalue()


def _short(text, limit) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _chart(doc, data):
    if not any(lvl.ranked for lvl in data.levels):
        return
    _para(doc, "Biểu đồ điểm xếp hạng của các đơn vị (mỗi cấp, tối đa 20 đơn vị đầu):", 14, italic=True)
    doc.add_picture(io.BytesIO(chart_png(data)), width=_mm(160))
    doc.paragraphs[-1].alignment = 1


def _signature(doc, lh: Letterhead):
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.cell(0, 0), table.cell(0, 1)
    p = left.paragraphs[0]
    _font(p.add_run("Nơi nhận:"), 12, bold=True, italic=True)
    for line in ("- Như trên;", "- Lưu: VT."):
        _para(left, line, 11, align="left", space_after=0)
    p = right.paragraphs[0]
    p.alignment = 1
    _font(p.add_run(lh.signer_title), 14, bold=True)
    for _ in range(4):
        _para(right, "", 14, align="center", space_after=0)
    _para(right, "(ký, ghi rõ họ tên)", 13, italic=True, align="center", space_after=0)
    _widths(table, [75, 85])


def _annex(doc, data, top, year, short):
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _para(doc, "Phụ lục", 14, bold=True, align="center", space_after=0)
    _para(doc, f"DANH SÁCH ĐƠN VỊ ĐỀ NGHỊ KHEN THƯỞNG THI ĐUA NĂM {year}", 14, bold=True, align="center",
          space_after=0)
    _para(doc, f"(Kèm theo Báo cáo số      /BC-{short} ngày     /     /20     ; xếp hạng từ 1 đến {top} mỗi cấp, "
               "bằng điểm thì cùng hạng)", 13, italic=True, align="center", space_after=12)
    for i, level in enumerate(data.levels, start=1):
        _para(doc, f"{i}. {level.title}", 14, bold=True, indent=False)
        rows = proposed(level, top)
        if not rows:
            _para(doc, "Không có đơn vị được xếp hạng.", 14)
            continue
        _grid(doc, ["Hạng", "Mã đơn vị", "Tên đơn vị", level.value_header.replace(" (xếp hạng)", "")],
              [[r[0], r[1], r[2], _n(r[3])] for r in rows], [16, 26, 90, 28], size=13)


def _page_numbers(section):
    """A centred page number in the footer (Nghị định 30: from the second page; shown on every
    page here, which LibreOffice and Word both print)."""
    from docx.oxml import OxmlElement

    p = section.footer.paragraphs[0]
    p.alignment = 1
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(_qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(_qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    _font(run, 13)
