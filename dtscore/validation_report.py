"""Reports of a validation run, for people: the console text, an .xlsx workbook of findings with
links to the cells, and a plain HTML page. All Vietnamese, decimal commas; files written atomically."""

import html
import os
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from .atomic import write_atomic
from .criteria import load_set
from .decimals import fmt_vn
from .errors import DtscoreError
from .findings import ERROR, SEVERITY_VN, WARNING, count_by_severity
from .names import MODE_NAMES, level_name
from .outputs import refuse_inside_inputs
from .safecells import clean_text

REPORT_SUFFIXES = (".xlsx", ".html", ".htm")
MODE_VN = MODE_NAMES


def _decimals(validation) -> int:
    try:
        return load_set(validation.result.criteria_set).decimals
    except DtscoreError:
        return 2


def _level_title(sub) -> str:
    try:
        return level_name(sub.level, load_set(sub.criteria_set).level(sub.level).title).lower()
    except DtscoreError:
        return level_name(sub.level).lower() if sub.level else "cấp —"


def text_summary(validation) -> str:
    """A few lines per file: who, totals, the one-line verdict, each finding with its cell."""
    lines = [f"━━ {validation.file}"]
    if validation.error:
        lines.append(f"  ✗ Không đọc được: {validation.error}")
        return "\n".join(lines)
    sub, result = validation.submission, validation.result
    unit = sub.unit if sub else {}
    head = f"  Đơn vị: {unit.get('name') or '(chưa ghi tên)'} ({unit.get('code') or '—'}) — {_level_title(sub)}"
    head += f" — bộ tiêu chí {sub.criteria_set or '—'} {sub.version}".rstrip()
    if sub.formula_mode:
        head += f" — {MODE_VN[sub.formula_mode]}"
    lines.append(head)
    if result is not None:
        d = _decimals(validation)
        total = f"  Tổng điểm tính: {fmt_vn(result.total, d)} / {fmt_vn(result.max_total, d)}"
        if result.claimed_total is not None:
            total += f" — tự chấm: {fmt_vn(result.claimed_total, d)}"
            diff = result.claimed_total - result.total
            if diff:
                total += f" (chênh {'+' if diff > 0 else ''}{fmt_vn(diff, d)})"
        lines.append(total)
    n = count_by_severity(validation.findings)
    verdict = "✓ Không có lỗi" if not n[ERROR] and not n[WARNING] else f"{n[ERROR]} lỗi, {n[WARNING]} cảnh báo"
    lines.append(f"  Kết quả kiểm tra: {verdict}")
    for f in validation.findings:
        where = f" {f.cell}" if f.cell else ""
        name = f" [{f.name}]" if f.name else ""
        lines.append(f"    – {SEVERITY_VN[f.severity]}{where}{name}: {f.title} — {f.message}")
    return "\n".join(lines)


def run_summary(validations) -> str:
    read = [v for v in validations if v.ok]
    with_errors = [v for v in read if any(f.severity == ERROR for f in v.findings)]
    erred = {id(v) for v in with_errors}
    warned = [v for v in read if id(v) not in erred and any(f.severity == WARNING for f in v.findings)]
    clean = len(read) - len(with_errors) - len(warned)
    failed = len(validations) - len(read)
    text = (f"Đã kiểm tra {len(validations)} tệp: {len(read)} đọc được ({clean} không có lỗi, {len(warned)} chỉ có "
            f"cảnh báo, {len(with_errors)} có lỗi)")
    return text + (f", {failed} không đọc được." if failed else ".")


# -- files ---------------------------------------------------------------------------------------


def check_report_path(report, inputs):
    """Refuse a report that would overwrite one of the files being checked, or has no known type."""
    path = Path(report)
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise DtscoreError(f"--report {report}: chỉ ghi được báo cáo .xlsx hoặc .html")
    refuse_inside_inputs(path, inputs, "Báo cáo --report")
    if not path.parent.exists():
        raise DtscoreError(f"--report {report}: thư mục {path.parent} không tồn tại")
    return path


def write_report(validations, path) -> Path:
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return _atomic(path, lambda tmp: _write_xlsx(validations, tmp, path.parent))
    return _atomic(path, lambda tmp: Path(tmp).write_text(html_report(validations, path.parent), encoding="utf-8"))


def _atomic(path: Path, write) -> Path:
    return write_atomic(path, write)


FINDING_COLUMNS = ["Tệp", "Mã đơn vị", "Đơn vị", "Tiêu chí", "Ô", "Tên vùng", "Mức độ", "Loại", "Nội dung"]
FILE_COLUMNS = ["Tệp", "Mã đơn vị", "Đơn vị", "Cấp", "Bộ tiêu chí", "Tổng điểm tính", "Tổng tự chấm", "Lỗi",
                "Cảnh báo", "Tình trạng"]


def _file_rows(validations):
    for v in validations:
        unit = (v.submission.unit if v.submission else {}) or {}
        n = count_by_severity(v.findings)
        result = v.result
        yield [
            v.file, unit.get("code", ""), unit.get("name", ""), level_name(v.submission.level) if v.submission else "",
            v.submission.criteria_set if v.submission else "",
            float(result.total) if result else None,
            float(result.claimed_total) if result and result.claimed_total is not None else None,
            n[ERROR], n[WARNING],
            f"Không đọc được: {v.error}" if v.error else ("Có lỗi" if n[ERROR] else ("Có cảnh báo" if n[WARNING] else "Không có lỗi")),
        ]


def _finding_rows(validations):
    for v in validations:
        unit = (v.submission.unit if v.submission else {}) or {}
        for f in v.findings:
            yield v, f, [v.file, unit.get("code", ""), unit.get("name", ""), f.key or "", f.cell or "", f.name or "",
                         SEVERITY_VN[f.severity], f.title, f.message]


REPORT_TITLE = "KẾT QUẢ KIỂM TRA BIỂU MẪU CHẤM ĐIỂM THI ĐUA CHUYỂN ĐỔI SỐ"
FILE_WIDTHS = [38, 12, 30, 11, 18, 11, 11, 6, 9, 40]
FINDING_WIDTHS = [30, 11, 26, 8, 20, 18, 9, 24, 70]
HEADER_ROW = 4


def _write_xlsx(validations, tmp, folder: Path):
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    from .result_tables import Column, Table, Val
    from .styles import LINK_COLOR, SEVERITY_COLORS, page_setup, use_times_new_roman
    from .xlsx_style import write_table, write_title

    wb = Workbook()
    use_times_new_roman(wb)
    overview = wb.active
    overview.title = "Tổng hợp"
    findings = wb.create_sheet("Phát hiện")
    made = f"Lập lúc {datetime.now():%d/%m/%Y %H:%M} bằng dtscore validate."
    scores = {"Tổng điểm tính", "Tổng tự chấm"}
    files = Table("tep", REPORT_TITLE, [Column(h + (" (điểm)" if h in scores else ""), w, "0.00" if h in scores else
                                               "General", wrap=w >= 26) for h, w in zip(FILE_COLUMNS, FILE_WIDTHS)])
    files.rows = [[Val(c, "0.00") if isinstance(c, float) else c for c in row] for row in _file_rows(validations)]
    write_title(overview, 1, REPORT_TITLE, f"{run_summary(validations)} {made}")
    write_table(overview, files, HEADER_ROW)
    page_setup(overview, HEADER_ROW)
    table = Table("phat-hien", "CÁC PHÁT HIỆN KHI KIỂM TRA", [Column(h, w, wrap=w >= 24)
                                                              for h, w in zip(FINDING_COLUMNS, FINDING_WIDTHS)])
    found = list(_finding_rows(validations))
    table.rows = [row for _, _, row in found]
    write_title(findings, 1, table.title, "Bấm vào ô ở cột “Ô” để mở tệp của đơn vị tại ô đó (tệp báo cáo và các tệp "
                                          "của đơn vị phải giữ nguyên vị trí tương đối).")
    first, _ = write_table(findings, table, HEADER_ROW)
    page_setup(findings, HEADER_ROW)
    fills = {severity: PatternFill("solid", fgColor=color) for severity, color in SEVERITY_COLORS.items()}
    for r, (v, f, _) in enumerate(found, start=first):
        findings.cell(r, 7).fill = fills.get(f.severity, PatternFill())
        if f.cell:  # open the unit's workbook at the cell (a relative link: move the folder as a whole)
            link = findings.cell(r, 5)
            link.hyperlink = Hyperlink(ref=link.coordinate, target=_relative(v.file, folder), location=f.cell,
                                       tooltip="Mở ô trong tệp của đơn vị")
            link.font = Font(name=link.font.name, color=LINK_COLOR, underline="single")
    wb.save(tmp)


def _relative(file, folder) -> str:
    """The unit's file as seen from the report's folder, with forward slashes (a link that still
    works when the report and the inbox are moved together), always a path ("./…"): a file named
    `javascript:…` or `http:…` stays a file, never a script or a web address."""
    target = "./" + Path(file).name if folder is None else \
        os.path.relpath(Path(file).resolve(), Path(folder).resolve()).replace(os.sep, "/")
    target = clean_text(target)
    return target if target.startswith(("./", "../")) else "./" + target


def html_report(validations, folder=None) -> str:
    """The report as one HTML page; links to the units' files are relative to `folder` (where the
    page is written), so they open from beside it."""
    def e(text):
        return html.escape(clean_text(str(text)))

    rows = []
    for row in _file_rows(validations):
        total = fmt_vn(row[5]) if row[5] is not None else "—"
        claimed = fmt_vn(row[6]) if row[6] is not None else "—"
        cls = "bad" if row[9].startswith("Không đọc") or row[9] == "Có lỗi" else ("warn" if row[9] == "Có cảnh báo" else "ok")
        href = quote(_relative(row[0], folder))
        rows.append(f"<tr><td><a href=\"{e(href)}\">{e(row[0])}</a></td><td>{e(row[1])}</td><td>{e(row[2])}</td>"
                    f"<td>{e(row[3])}</td><td class=num>{total}</td><td class=num>{claimed}</td><td class=num>{row[7]}</td>"
                    f"<td class=num>{row[8]}</td><td class={cls}>{e(row[9])}</td></tr>")
    sections = []
    for v in validations:
        if not v.findings:
            continue
        items = "".join(
            f"<tr class={f.severity}><td>{e(f.key or '')}</td><td><code>{e(f.cell or '')}</code></td>"
            f"<td><code>{e(f.name or '')}</code></td><td>{e(SEVERITY_VN[f.severity])}</td><td>{e(f.title)}</td>"
            f"<td>{e(f.message)}</td></tr>" for f in v.findings)
        unit = (v.submission.unit if v.submission else {}) or {}
        sections.append(f"<h2>{e(unit.get('name') or v.file)} <small>{e(v.file)}</small></h2>"
                        "<table><tr><th>Tiêu chí</th><th>Ô</th><th>Tên vùng</th><th>Mức độ</th><th>Loại</th><th>Nội dung</th></tr>"
                        f"{items}</table>")
    summary = e(run_summary(validations))
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Kết quả kiểm tra biểu mẫu chấm điểm</title>
<style>
body{{font-family:"Times New Roman",serif;margin:2em;color:#222}} table{{border-collapse:collapse;margin-bottom:1.5em;width:100%}}
th,td{{border:1px solid #bbb;padding:4px 6px;vertical-align:top;text-align:left}} th{{background:#ddebf7}}
td.num{{text-align:right}} .bad,.error td:nth-child(4){{background:#ffc7ce}} .warn,.warning td:nth-child(4){{background:#ffeb9c}}
.ok{{background:#c6efce}} small{{color:#666;font-weight:normal}}
</style></head><body>
<h1>Kết quả kiểm tra biểu mẫu chấm điểm thi đua Chuyển đổi số</h1>
<p>{summary} Lập lúc {datetime.now():%d/%m/%Y %H:%M}.</p>
<table><tr><th>Tệp</th><th>Mã</th><th>Đơn vị</th><th>Cấp</th><th>Tổng điểm tính</th><th>Tự chấm</th><th>Lỗi</th><th>Cảnh báo</th><th>Tình trạng</th></tr>
{''.join(rows)}</table>
{''.join(sections)}
</body></html>
"""
