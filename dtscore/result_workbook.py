"""Writing a consolidation: RESULT.xlsx (overview, native charts, one ranking sheet per level,
findings, appraisal, year-over-year, raw tables) and, on request, the raw tables as CSV files.

Every sheet is Vietnamese, Times New Roman, A4 landscape with its header row repeated on each
printed page. Charts are native Excel charts (openpyxl.chart) that reference the sheets' cells,
so they follow any correction a reviewer makes in the file.
"""

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from . import __version__
from . import result_tables as T
from .atomic import write_atomic
from .criteria import CriteriaSet
from .decimals import fmt_vn
from .printing import fit_text_rows
from .safecells import csv_text, set_cell
from .styles import BODY, BOLD, FLAG_FILL, WRAP_TOP, page_setup, use_times_new_roman
from .xlsx_style import (
    discard_rows,
    frame_tables,
    save_atomically,
    start_rows,
    write_table,
    write_table_forked,
    write_title,
)

OVERVIEW, CHARTS, FINDINGS, APPRAISAL, COMPARISON = "Tổng hợp", "Biểu đồ", "Phát hiện", "Thẩm định", "So sánh năm trước"
SCORES, INPUTS, FILES, INFO = "Điểm", "Số liệu", "Tệp", "Thông tin"
HEADER_ROW = 4  # every table sheet: title on row 1, subtitle on row 2, header on row 4
CHART_MAX_UNITS = 150  # the ranking charts show at most this many units (the top of the ranking)
CHART_UNITS_PER_PAGE = 24  # bars per ranking chart, so that each chart prints legibly on one page
FORK_FROM_UNITS = 300  # units: the raw tables of fewer are built in this process (a process costs more than they do)


def ranking_sheet_name(group, taken) -> str:
    """'Xếp hạng cấp tỉnh' (with the set id when two sets share a level); ≤ 31 characters."""
    title = group.level.title
    short = title[len("Đơn vị "):] if title.startswith("Đơn vị ") else title
    name = f"Xếp hạng {short}"
    if name in taken:
        name = f"{name} {group.cs.id}"
    name = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31]
    while name in taken:
        name = name[:29] + f"{len(taken):02d}"
    taken.add(name)
    return name


def write_result(cons, out_path, *, inbox=None, db_path=None, today=None, workers=1) -> Path:
    """Write RESULT.xlsx atomically and return its path; its long raw sheets are written first and
    their rows generated in up to `workers` processes while the rest is written."""
    today = today or date.today()
    wb = openpyxl.Workbook()
    use_times_new_roman(wb)
    overview = wb.active
    overview.title = OVERVIEW
    charts_ws = wb.create_sheet(CHARTS)
    taken: set = set()
    rankings = [(group, wb.create_sheet(ranking_sheet_name(group, taken))) for group in cons.groups]
    findings_ws = wb.create_sheet(FINDINGS)
    appraisal_ws = wb.create_sheet(APPRAISAL) if cons.has_appraisal else None
    comparison = T.comparison_table(cons)
    comparison_ws = wb.create_sheet(COMPARISON) if comparison is not None else None
    scores_ws, inputs_ws = wb.create_sheet(SCORES), wb.create_sheet(INPUTS)
    files_ws, info_ws = wb.create_sheet(FILES), wb.create_sheet(INFO)
    raw_workers = workers if len(cons.used) >= FORK_FROM_UNITS else 1
    try:
        _raw_sheet(scores_ws, T.SCORES_TITLE, lambda: T.scores_table(cons), "Bảng dữ liệu: mỗi dòng một tiêu chí của "
                   "một đơn vị.", raw_workers)
        _raw_sheet(inputs_ws, T.INPUTS_TITLE, lambda: T.inputs_table(cons), "Bảng dữ liệu: mỗi dòng một số liệu của một "
                   "tiêu chí của một đơn vị.", raw_workers)
        ranking_refs = [(group, ws, _ranking_sheet(ws, group, cons, today)) for group, ws in rankings]
        start_rows(wb, workers)
        criteria_refs = _overview_sheet(overview, cons, today)
        _charts_sheet(charts_ws, cons, ranking_refs, criteria_refs, overview)
        frame_tables(wb)
        _table_sheet(findings_ws, T.findings_table(cons), "Mỗi dòng là một phát hiện của một tệp; lọc theo cột “Mức "
                     "độ” hoặc “Mã đơn vị”.")
        if appraisal_ws is not None:
            _table_sheet(appraisal_ws, T.appraisal_table(cons), f"Theo tệp thẩm định {Path(cons.appraisal_file).name}: "
                         "số liệu đơn vị báo cáo, số liệu/điểm thẩm định, lý do và người thẩm định.")
        if comparison_ws is not None:
            _table_sheet(comparison_ws, comparison, "Điểm xếp hạng và thứ hạng so với năm trước, theo cơ sở dữ liệu "
                         "lịch sử; bậc dương là tăng hạng.")
        _table_sheet(files_ws, T.files_table(cons), "Mọi tệp trong hộp thư và việc đã làm với từng tệp.")
        _info_sheet(info_ws, cons, inbox, db_path, today)
    except BaseException:
        discard_rows(wb)
        raise
    return save_atomically(wb, out_path, workers)


def _table_sheet(ws, table, subtitle, styled=True):
    """A sheet holding one table: its rows are streamed (dtscore.sheet_stream)."""
    write_title(ws, 1, table.title, subtitle)
    first, last = write_table(ws, table, HEADER_ROW, styled=styled, stream=True)
    page_setup(ws, HEADER_ROW)
    return first, last


def _raw_sheet(ws, title, make_table, subtitle, workers):
    """A long raw table (no borders), built and written in another process when there are workers."""
    write_title(ws, 1, title, subtitle)
    write_table_forked(ws, make_table, HEADER_ROW, workers)
    page_setup(ws, HEADER_ROW)


def _ranking_sheet(ws, group, cons, today) -> dict:
    table = T.ranking_table(group, cons.has_appraisal, cons.year)
    ranked, unranked = len(group.ranked), len(group.unranked)
    basis = "điểm thẩm định" if cons.has_appraisal else "điểm tính"
    subtitle = (f"Bộ tiêu chí {group.cs.id} ({group.cs.version}); xếp theo {basis}, quy về {fmt_vn(group.level.max_total)}"
                f" điểm khi hạ điểm chuẩn; bằng điểm thì cùng hạng. {ranked} đơn vị được xếp hạng"
                + (f", {unranked} đơn vị chưa xếp hạng (tô màu, xem cột “Ghi chú”)" if unranked else "")
                + f". KAD: tiêu chí không áp dụng. Lập ngày {today:%d/%m/%Y}.")
    write_title(ws, 1, table.title, subtitle)
    first = HEADER_ROW + 1
    first, last = write_table(ws, table, HEADER_ROW, title_span=table.header_index(T.FLAG) + 1, stream=True,
                              fill_rows=range(first + ranked, first + len(table.rows)), fill=FLAG_FILL)
    ws.freeze_panes = f"{get_column_letter(table.header_index(T.NAME) + 2)}{HEADER_ROW + 1}"
    page_setup(ws, HEADER_ROW, pages_wide=2 if len(table.columns) > 16 else 1, title_columns="A:C")
    value_col = table.header_index("Chỉ số (xếp hạng)" if group.level.index else T.RANK_VALUE) + 1
    return {"first": first, "last_ranked": first + ranked - 1, "value_col": value_col,
            "name_col": table.header_index(T.NAME) + 1}


def _overview_sheet(ws, cons, today) -> list:
    """Levels at the top, then per level its criteria statistics, then the units missing."""
    year = f" NĂM {cons.year}" if cons.year else ""
    headings = sorted({g.cs.heading for g in cons.groups}) or [CriteriaSet.heading]
    write_title(ws, 1, f"KẾT QUẢ TỔNG HỢP {' – '.join(headings)}{year}",
                f"{len([e for e in cons.entries if e.status != 'skipped'])} tệp bảng tính; điểm trung bình, trung vị, "
                f"thấp nhất, cao nhất tính trên các đơn vị được xếp hạng. Lập ngày {today:%d/%m/%Y}.")
    levels = T.levels_table(cons)
    _, last = write_table(ws, levels, HEADER_ROW)
    refs = []
    row = last + 3
    for group in cons.groups:
        table = T.criteria_table(group)
        set_cell(ws.cell(row, 1), table.title).font = BOLD
        first, last = write_table(ws, table, row + 1)
        refs.append((group, {"header": row + 1, "first": first, "last": last,
                             "key_col": 1, "share_col": table.header_index("TB / điểm chuẩn") + 1}))
        row = last + 3
    if cons.units_listed:
        table = T.missing_table(cons)
        set_cell(ws.cell(row, 1), f"{table.title}: {len(table.rows)} đơn vị").font = BOLD
        if table.rows:
            write_table(ws, table, row + 1)
    ws.freeze_panes = None
    ws.auto_filter.ref = None
    widths = {1: 24, 2: 46}
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    page_setup(ws, None)
    return refs


def _charts_sheet(ws, cons, ranking_refs, criteria_refs, overview):
    """Native bar charts, one per printed page: the ranking of each level (in parts of
    CHART_UNITS_PER_PAGE units), and each criterion's average as a share of its maximum (the
    province's weakest criteria stand out)."""
    write_title(ws, 1, "BIỂU ĐỒ", "Biểu đồ lấy số liệu trực tiếp từ các trang xếp hạng và trang “Tổng hợp”.")
    row = 4
    for group, sheet, ref in ranking_refs:
        n = min(ref["last_ranked"] - ref["first"] + 1, CHART_MAX_UNITS)
        for start in range(0, n, CHART_UNITS_PER_PAGE):
            stop = min(start + CHART_UNITS_PER_PAGE, n)
            part = f" (hạng {start + 1}–{stop})" if n > CHART_UNITS_PER_PAGE else ""
            chart = _bar_chart("bar", f"Xếp hạng {group.level.title.lower()}{part}",
                               "Chỉ số" if group.level.index else "Điểm")
            chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
            chart.y_axis.scaling.min = 0
            if not group.level.index:
                chart.y_axis.scaling.max = float(group.level.max_total)
            first, last = ref["first"] + start, ref["first"] + stop - 1
            chart.add_data(Reference(sheet, min_col=ref["value_col"], min_row=first, max_row=last))
            chart.set_categories(Reference(sheet, min_col=ref["name_col"], min_row=first, max_row=last))
            chart.x_axis.tickLblSkip = 1  # every unit's name, not every other one
            chart.x_axis.txPr = _font_size(900)
            chart.height = min(17.5, max(7, 3 + 0.6 * (stop - start)))
            row = _place(ws, chart, row)
    for group, ref in criteria_refs:
        chart = _bar_chart("col", f"Điểm trung bình so với điểm chuẩn — {group.level.title.lower()}",
                           "Tỉ lệ so với điểm chuẩn")
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.add_data(Reference(overview, min_col=ref["share_col"], min_row=ref["first"], max_row=ref["last"]))
        chart.set_categories(Reference(overview, min_col=ref["key_col"], min_row=ref["first"], max_row=ref["last"]))
        chart.height = 12
        row = _place(ws, chart, row)
    page_setup(ws, None)
    # one chart per page by manual breaks, which "fit to page" scaling would ignore; charts are
    # narrower than the page
    ws.sheet_properties.pageSetUpPr.fitToPage = False


def _bar_chart(kind, title, value_title) -> BarChart:
    chart = BarChart()
    chart.type = kind
    chart.style = 10
    chart.title = title
    chart.y_axis.title = value_title
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl ≥ 3.1 hides axes unless told
    chart.legend = None
    chart.gapWidth = 60
    chart.width = 25
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    for attr in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        setattr(chart.dataLabels, attr, False)
    return chart


def _font_size(hundredths_pt) -> RichText:
    """Axis label text properties: a smaller font keeps long unit names readable."""
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties(sz=hundredths_pt)),
                                 endParaRPr=CharacterProperties(sz=hundredths_pt))])


def _place(ws, chart, row) -> int:
    """Anchor the chart at `row`, starting a new printed page; returns the first row after it
    (rows are at least 0.45 cm high in Excel and LibreOffice)."""
    if row > 4:
        ws.row_breaks.append(Break(id=row - 1))
    ws.add_chart(chart, f"A{row}")
    return row + int(chart.height / 0.45) + 3


def _info_sheet(ws, cons, inbox, db_path, today):
    write_title(ws, 1, "THÔNG TIN LẦN TỔNG HỢP")
    sets = {(g.cs.id, g.cs.version, g.cs.fingerprint) for g in cons.groups}
    rows = [
        ("Năm đánh giá", cons.year),
        ("Ngày lập", today.strftime("%d/%m/%Y")),
        ("Hộp thư (thư mục hồ sơ)", str(inbox) if inbox else ""),
        ("Số tệp", len(cons.entries)),
        ("Số đơn vị đã tổng hợp", sum(len(g.entries) for g in cons.groups)),
        *[("Bộ tiêu chí", f"{s} — phiên bản {v} — mã kiểm tra {fp}") for s, v, fp in sorted(sets)],
        ("Tệp thẩm định", Path(cons.appraisal_file).name if cons.appraisal_file else "(không có)"),
        ("Cơ sở dữ liệu lịch sử", str(db_path) if db_path else "(không lưu)"),
        ("Cách xếp hạng", "Xếp theo điểm thẩm định nếu có thẩm định, nếu không theo điểm tính (điểm dtscore tính lại "
                          "từ số liệu). Khi có tiêu chí không áp dụng (hạ điểm chuẩn), điểm được quy về thang điểm "
                          "chuẩn của cấp. Bằng điểm thì cùng hạng, hạng sau bỏ trống (1, 2, 2, 4). Đơn vị có lỗi "
                          "chặn (chưa tính được điểm một tiêu chí, biểu mẫu không khớp, sai năm, sai cấp) được liệt kê, "
                          "tô màu và chưa xếp hạng."),
        ("Phần mềm", f"dtscore {__version__}"),
    ]
    for i, (label, value) in enumerate(rows, start=3):
        set_cell(ws.cell(i, 1), label).font = BOLD
        cell = set_cell(ws.cell(i, 2), value)
        cell.font = BODY
        cell.alignment = WRAP_TOP
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    fit_text_rows(ws, 3, 2 + len(rows), [1, 2])
    page_setup(ws, None)


# -- CSV ---------------------------------------------------------------------------------------


def csv_tables(cons) -> list:
    tables = [T.levels_table(cons)]
    tables += [T.ranking_table(g, cons.has_appraisal, cons.year) for g in cons.groups]
    tables += [T.criteria_table(g) for g in cons.groups]
    tables += [T.findings_table(cons), T.scores_table(cons), T.inputs_table(cons), T.files_table(cons)]
    if cons.units_listed:
        tables.append(T.missing_table(cons))
    if cons.has_appraisal:
        tables.append(T.appraisal_table(cons))
    comparison = T.comparison_table(cons)
    if comparison is not None:
        tables.append(comparison)
    return tables


def _csv_value(value):
    if isinstance(value, T.Coded):
        value = value.code
    if isinstance(value, T.Val):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return csv_text(value)


def write_csv(cons, out_dir, outputs=None) -> list:
    """The raw tables as CSV: UTF-8 with BOM (Excel opens it with the right accents), comma
    separated, decimal point; risky text neutralised. Returns the paths written. With `outputs`
    (dtscore.outputs.Outputs) the files join the run's unit of work instead of replacing at once."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in csv_tables(cons):
        path = out_dir / f"{table.name}.csv"

        def write(tmp, table=table):
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow([_csv_value(c.header) for c in table.columns])
                for row in table.rows:
                    writer.writerow([_csv_value(v) for v in row])

        (outputs.write if outputs is not None else write_atomic)(path, write)
        written.append(path)
    return written
