"""The button "Tính lại & kiểm tra" (recalculate and check), for the unit official in Excel.

`recalc_and_validate(book)` is the whole behaviour, on an xlwings Book, whichever runtime hosts it:
- the classic Windows add-in runs `main()` through RunPython (a form button or the ribbon);
- xlwings Server / xlwings Lite run the `@script` `tinh_lai_kiem_tra`, bound to a sheet button.

What it does, reading only through the workbook's defined names:
1. reads every named cell (values, and formulas where the runtime can give them) and scores the
   unit with dtscore — the same validation `dtscore validate` runs on the file at Sở TTTT;
2. repairs the "Điểm tính" cells whose shown value differs from the engine (or whose formula was
   altered): it puts back the template's formula, so the cell computes the engine's score again and
   the file passes the Sở's check; only if no template formula is known is the score written as a
   value. Input, self-score ("Điểm tự chấm") and evidence cells are never written;
3. writes the "Kiểm tra" sheet (overwritten on each press): the one-line summary, the totals and
   every finding with a link to its cell;
4. colours the offending cells (red: error, yellow: warning), after restoring the template's colour
   of the cells it coloured last time;
5. shows the summary ("3 lỗi, 2 cảnh báo") in an alert.
"""

import os
from contextlib import contextmanager
from datetime import date, datetime

import xlwings as xw

from dtscore import styles
from dtscore.criteria import load_set
from dtscore.decimals import fmt_vn
from dtscore.errors import DtscoreError
from dtscore.findings import ERROR, SEVERITY_VN, summary_vn
from dtscore.submission import CLAIMED, SCORE, TOTAL_CLAIMED, TOTAL_SCORE, CellInfo, split_row_name
from dtscore.validation import template_formulas, validate_submission
from dtscore.workbook import layout as L
from dtscore.workbook.reader import submission_from_cells

CHECK_SHEET = "Kiểm tra"
TITLE = "KẾT QUẢ TÍNH LẠI VÀ KIỂM TRA"
HEADER_ROW = 6
COLUMNS = ["STT", "Mức độ", "Tiêu chí", "Ô (bấm để tới ô)", "Tên vùng", "Loại", "Nội dung"]
NAME_COLUMN = 5  # "Tên vùng": also tells the next press which cells this press coloured
SEVERITY_FILL = {severity: "#" + color for severity, color in styles.SEVERITY_COLORS.items()}
HEADER_FILL = "#" + styles.HEADER_COLOR
EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!", "#SPILL!", "#CALC!"}
LINK_FONT = "#" + styles.LINK_COLOR


def recalc_and_validate(book: xw.Book, today: date | None = None) -> dict:
    """Recompute, repair the computed cells, write "Kiểm tra", colour, alert. Returns what it did:
    {"summary", "written": {name: formula or value}, "coloured": [names], "findings": [...]}."""
    submission = read_book(book)
    validation = validate_submission(submission, today or date.today())
    findings = validation.findings
    summary = summary_vn(findings)
    previous = _previously_coloured(book)
    # "Kiểm tra" first: if Excel refuses a later change (a protected sheet in Excel on the web),
    # the official still has the findings
    check = _write_check_sheet(book, validation, summary)
    with _editable(book, submission):
        _restore_colours(book, submission, previous)
        coloured = _colour_findings(book, submission, findings)
        written = _repair_scores(book, submission, validation)
    check.activate()
    book.app.alert(f"{summary}. Xem chi tiết ở trang “{CHECK_SHEET}”.", title="Tính lại & kiểm tra", buttons="ok")
    return {"summary": summary, "written": written, "coloured": coloured, "findings": [f.to_dict() for f in findings]}


# -- reading -------------------------------------------------------------------------------------


def read_book(book: xw.Book):
    """The Submission of an open workbook, through its workbook-scoped names (as the file reader)."""
    cells, unresolved, formulas_read = {}, [], True
    for name in book.names:
        label = name.name
        if "!" in label or label.startswith("_xl"):
            continue  # sheet-scoped names and Excel's internal ones are not part of the contract
        try:
            rng = name.refers_to_range
        except Exception:  # noqa: BLE001 — #REF! or a constant: the row it belonged to is reported as missing
            unresolved.append(label)
            continue
        value = rng.options(err_to_str=True).value
        formula = None
        if formulas_read:
            try:
                formula = rng.formula or None
            except NotImplementedError:  # xlwings Server/Lite send values only
                formulas_read = False
        if isinstance(formula, str) and not formula.startswith("="):
            formula = None  # COM returns the constant itself for a cell without formula
        cells[label] = _cell_info(rng, value, formula)
    sheets = [sheet.name for sheet in book.sheets]
    return submission_from_cells(cells, file=book.name, sheets=sheets, unresolved=unresolved,
                                 formulas_read=formulas_read)


def _cell_info(rng, value, formula) -> CellInfo:
    if isinstance(value, str) and not value.strip():
        value = None
    if isinstance(value, str) and value in EXCEL_ERRORS:
        data_type = "e"
    elif isinstance(value, str):
        data_type = "s"
    elif isinstance(value, bool):
        data_type = "b"
    elif isinstance(value, (datetime, date)):
        data_type = "d"
    else:
        data_type = "n"
    try:
        number_format = rng.number_format or "General"
    except NotImplementedError:
        number_format = "General"
    return CellInfo(rng.sheet.name, rng.address.replace("$", ""), value, formula, number_format, data_type)


# -- the "Kiểm tra" sheet ------------------------------------------------------------------------


def _check_sheet(book):
    for sheet in book.sheets:
        if sheet.name == CHECK_SHEET:
            return sheet
    return None


def _previously_coloured(book) -> list:
    sheet = _check_sheet(book)
    if sheet is None:
        return []
    values = sheet.range((HEADER_ROW + 1, NAME_COLUMN), (HEADER_ROW + 2000, NAME_COLUMN)).value
    return [v for v in values if isinstance(v, str) and v.strip()]


def _write_check_sheet(book, validation, summary):
    sheet = _check_sheet(book)
    if sheet is None:
        sheet = book.sheets.add(CHECK_SHEET, after=book.sheets[len(book.sheets) - 1])
    else:
        sheet.clear()
    result = validation.result
    decimals = load_set(result.criteria_set).decimals if result is not None else 2
    lines = [
        [TITLE],
        [f"Kết quả: {summary}"],
        [f"Tính lúc {datetime.now():%H:%M %d/%m/%Y} bằng dtscore — các ô “Điểm tính” đã được tính lại theo bộ tiêu chí"],
    ]
    if result is not None:
        claimed = fmt_vn(result.claimed_total, decimals) if result.claimed_total is not None else "chưa tự chấm"
        lines.append([f"Tổng điểm tính: {fmt_vn(result.total, decimals)} / {fmt_vn(result.max_total, decimals)}"
                      f" — Tổng điểm tự chấm: {claimed}"])
    else:
        lines.append(["Không tính được điểm: biểu mẫu không khớp bộ tiêu chí (xem dưới)"])
    sheet.range("A1").value = lines
    sheet.range((HEADER_ROW, 1)).value = [COLUMNS]
    sheet.range((HEADER_ROW, 1), (HEADER_ROW, len(COLUMNS))).color = HEADER_FILL
    _layout_check_sheet(sheet)
    findings = validation.findings
    if not findings:
        sheet.range((HEADER_ROW + 1, 1)).value = [["", "", "", "", "", "", "Không có lỗi: có thể gửi biểu mẫu."]]
        return sheet
    rows = [[i, SEVERITY_VN[f.severity], f.key or "", f.cell or "", f.name or "", f.title, _text(f.message)]
            for i, f in enumerate(findings, start=1)]
    first = HEADER_ROW + 1
    sheet.range((first, 1)).value = rows
    links = [[_link_formula(f.cell)] if f.cell else [""] for f in findings]
    sheet.range((first, 4), (first + len(findings) - 1, 4)).formula = links
    for i, f in enumerate(findings):
        if f.severity in SEVERITY_FILL:
            sheet.range((first + i, 2)).color = SEVERITY_FILL[f.severity]
    return sheet


CHECK_WIDTHS = (5, 9, 8, 18, 20, 26, 90)  # characters, columns A–G


def _layout_check_sheet(sheet):
    """Readable without touching anything: widths, a bold title and headers, wrapped messages.
    Office.js measures widths in points, COM in characters (about 7 points each)."""
    remote = isinstance(sheet.book.api, dict)
    for i, width in enumerate(CHECK_WIDTHS, start=1):
        sheet.range((1, i)).column_width = width * 7 if remote else width
    sheet.range("A1").font.bold = True
    sheet.range((HEADER_ROW, 1), (HEADER_ROW, len(COLUMNS))).font.bold = True
    sheet.range((HEADER_ROW + 1, len(COLUMNS)), (HEADER_ROW + 500, len(COLUMNS))).wrap_text = True


def _link_formula(ref: str) -> str:
    """=HYPERLINK("#'Chấm điểm'!H12", "'Chấm điểm'!H12"): a link inside the workbook that Excel,
    Excel on the web and LibreOffice all follow."""
    quoted = ref.replace('"', '""')
    return f'=HYPERLINK("#{quoted}","{quoted}")'


def _text(message: str) -> str:
    # A message quotes the unit's own text; never let Excel take it for a formula.
    return "'" + message if message[:1] in ("=", "+", "-", "@") else message


# -- colours -------------------------------------------------------------------------------------


def template_color(name: str, groups=frozenset()) -> str:
    """The fill the template gives a named cell (dtscore.styles' colour code), to undo our marking:
    green for a computed score, grey for totals and group rows, yellow for what the unit types."""
    key, suffix = split_row_name(name)
    if name in (TOTAL_SCORE, TOTAL_CLAIMED) or (key in groups and suffix in (SCORE, CLAIMED)):
        return "#" + styles.GROUP_COLOR
    if suffix == SCORE:
        return "#" + styles.COMPUTED_COLOR
    return "#" + styles.INPUT_COLOR


def _group_keys(submission) -> frozenset:
    try:
        return frozenset(c.key for c in load_set(submission.criteria_set).level(submission.level).walk() if c.is_group)
    except DtscoreError:
        return frozenset()


def _restore_colours(book, submission, names):
    groups = _group_keys(submission)
    for name in names:
        if name in submission.cells:
            _range(book, submission.cells[name]).color = template_color(name, groups)


def _colour_findings(book, submission, findings) -> list:
    """Fill each offending cell; an error wins over a warning on the same cell."""
    worst: dict = {}
    for f in findings:
        if f.name in submission.cells and f.severity in SEVERITY_FILL:
            if worst.get(f.name) != ERROR:
                worst[f.name] = f.severity
    for name, severity in worst.items():
        _range(book, submission.cells[name]).color = SEVERITY_FILL[severity]
    return list(worst)


@contextmanager
def _editable(book, submission):
    """Lift the template's sheet protection (it has no password) while the button colours and
    repairs cells, and put it back as the builder set it. Only the classic add-in (COM) can: on
    xlwings Server/Lite the Excel API offers no unprotect, see docs/validate.md."""
    sheets = {info.sheet for info in submission.cells.values()}
    lifted = []
    try:
        for name in sheets:
            api = book.sheets[name].api
            try:
                protected = bool(api.ProtectContents)
            except AttributeError:  # not COM: the remote book's api is its JSON payload
                continue
            if protected:
                api.Unprotect()
                lifted.append(api)
        yield
    finally:
        for api in lifted:
            api.Protect(DrawingObjects=True, Contents=True, Scenarios=True,
                        AllowFormattingColumns=True, AllowFormattingRows=True)


def _range(book, info: CellInfo):
    return book.sheets[info.sheet].range(info.coord)


# -- repairing the computed cells ----------------------------------------------------------------


def _repair_scores(book, submission, validation) -> dict:
    """Put the template's formula back into every computed cell that shows something other than
    the engine's score, or whose formula was altered. Never touches any other cell."""
    result = validation.result
    if result is None:
        return {}
    decimals = load_set(result.criteria_set).decimals
    expected = {f"{row.key}_{SCORE}": row.score for row in result.criteria}
    expected[TOTAL_SCORE] = result.total
    tampered = {f.name for f in validation.findings if f.code == "FORMULA_TAMPERED"}
    formulas = template_formulas(submission)
    written: dict = {}
    for name, score in expected.items():
        info = submission.cells.get(name)
        if info is None:
            continue
        if name not in tampered and _shows(info, score, decimals):
            continue
        formula = _formula_for(name, info, formulas)
        target = _range(book, info)
        if formula:
            target.formula = formula
            written[name] = formula
        else:
            value = float(score) if score is not None else None
            target.value = value
            written[name] = value
    return written


def _shows(info: CellInfo, score, decimals) -> bool:
    """Does the cell already show the engine's score?"""
    value = info.value
    if score is None:
        return value is None or value == 0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return abs(value - float(score)) <= 10 ** -(decimals + 2)


def _formula_for(name, info, formulas) -> str | None:
    """The template's formula for a computed cell: the workbook's own mode's, except where the cell
    shows an error (#NAME?: no DT_* functions in this Excel), where the plain-Excel formula is
    used since it computes everywhere. Excel's API takes formulas without the file's _xlfn. marks."""
    choices = formulas.get(name) or {}
    mode = "native" if info.is_error else None
    formula = choices.get(mode) if mode else None
    formula = formula or choices.get("own") or choices.get("native")
    if not formula:
        return None
    return formula.replace("_xlfn.", "").replace("_xlws.", "")


# -- the runtimes --------------------------------------------------------------------------------


def main():
    """Classic add-in: a form button or the ribbon runs `RunPython "import dtscore.udfs.button; dtscore.udfs.button.main()"`.
    When the macro lives elsewhere (PERSONAL.XLSB, an .xlam), the active workbook is the one checked."""
    book = xw.Book.caller()
    if not _is_template(book):
        book = book.app.books.active
    _run(book)


def _is_template(book) -> bool:
    return any(name.name == "criteria_set" for name in book.names)


run_button = main


@xw.script(name=L.BUTTON_TEXT, button=f"[{L.BUTTON_SHAPE}]'{L.SHEET_SCORE}'!{L.BUTTON_CELL}", show_taskpane=False)
def tinh_lai_kiem_tra(book: xw.Book):
    """xlwings Server / Lite: "Tính lại & kiểm tra", bound to the sheet button btnKiemTra."""
    _run(book)


def _run(book):
    """The official sees a Vietnamese sentence, never a traceback (DTSCORE_DEBUG=1 shows it)."""
    try:
        recalc_and_validate(book)
    except Exception as exc:
        if os.environ.get("DTSCORE_DEBUG"):
            raise
        reason = str(exc) if isinstance(exc, DtscoreError) else f"lỗi không mong đợi ({type(exc).__name__}: {exc})"
        book.app.alert(f"Không tính lại và kiểm tra được: {reason}", title="Tính lại & kiểm tra", buttons="ok")

