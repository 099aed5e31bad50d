"""The "Chấm điểm" sheet: one block per criterion in the decision's order, group subtotals, totals,
the signature block; defined names for every cell a reader needs."""

from dataclasses import dataclass, field

from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font

from dtscore import rules
from dtscore import styles as S
from dtscore.criteria import CriteriaSet, Level
from dtscore.decimals import fmt_vn

from . import layout as L
from . import native_formulas as nf
from . import self_check as sc
from .validations import Validations


@dataclass
class Context:
    """What the score sheet needs from the rest of the workbook."""

    cs: CriteriaSet
    level: Level
    year: int
    formulas: str  # "native" | "udf"
    params: dict  # parameter name → absolute reference ('Tham số'!$C$4)
    options: dict  # criterion key → (labels, points, codes) absolute ranges
    unit_name_ref: str
    names: dict = field(default_factory=dict)  # defined name → absolute reference (filled here)


@dataclass
class Block:
    crit: object
    first: int
    last: int
    number: str  # STT as printed: 1, 2, … or 1.2.3 in a hierarchy
    input_rows: dict = field(default_factory=dict)  # input name → row
    na_row: int | None = None

    def cell(self, column: L.Column, row=None) -> str:
        return f"{column.letter}{row or self.first}"

    def abs(self, column: L.Column, row=None) -> str:
        return f"${column.letter}${row or self.first}"


def _plan(level) -> list:
    """A block of rows per criterion (groups one row; leaves one row per input, plus one for the
    not-applicable switch), in document order."""
    blocks, row = [], L.FIRST_DATA_ROW

    def visit(crit, number):
        nonlocal row
        size = 1 if crit.is_group else len(crit.inputs)
        has_na_row = crit.allow_not_applicable and not crit.is_group
        block = Block(crit, row, row + size + int(has_na_row) - 1, number)
        if not crit.is_group:
            block.input_rows = {spec.name: row + i for i, spec in enumerate(crit.inputs)}
            if has_na_row:
                block.na_row = row + size
        elif crit.allow_not_applicable:
            block.na_row = row  # a group's switch sits on its own row
        blocks.append(block)
        row = block.last + 1
        for i, child in enumerate(crit.children, 1):
            visit(child, f"{number}.{i}")

    for i, crit in enumerate(level.criteria, 1):
        visit(crit, str(i))
    return blocks


def _title_text(crit):
    """The decision's wording, then its "Cách tính" in small italics (rich text)."""
    if crit.is_group or not crit.method:
        return crit.title
    title_font = InlineFont(rFont=S.FONT_NAME, sz=S.BODY_SIZE, b=False)
    method_font = InlineFont(rFont=S.FONT_NAME, sz=S.BODY_SIZE - 1, i=True, color=S.NOTE_FONT_COLOR)
    return CellRichText(TextBlock(title_font, crit.title), TextBlock(method_font, "\nCách tính: " + crit.method))


_UNIT_TEXT = {rules.RATIO: "%", rules.COUNT: "", rules.NUMBER: "", rules.CHOICE: ""}


def _style(cell, font=S.BODY, fill=None, alignment=S.WRAP_TOP, number_format=None, locked=True):
    cell.font = font
    cell.border = S.BORDER
    cell.alignment = alignment
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    cell.protection = S.LOCKED if locked else S.UNLOCKED


def write_score_sheet(ws, ctx: Context, dv: Validations):
    cs, level = ctx.cs, ctx.level
    sheet = L.SHEET_SCORE
    decimals = cs.decimals
    score_fmt = S.score_format(decimals)
    for col in L.SCORE_COLUMNS + L.HIDDEN_COLUMNS:
        ws.column_dimensions[col.letter].width = col.width
    for col in L.HIDDEN_COLUMNS:
        ws.column_dimensions[col.letter].hidden = True
    _write_heading(ws, ctx)

    blocks = _plan(level)
    by_key = {b.crit.key: b for b in blocks}
    parents = {child.key: b.crit.key for b in blocks for child in b.crit.children}

    def name(n, column, row):
        ctx.names[n] = L.absolute(sheet, f"{column.letter}{row}")

    def na_flags(crit, own=True):
        """Not-applicable tests of the criterion (unless own=False) and every group above it."""
        flags, key = [], crit.key if own else parents.get(crit.key)
        while key is not None:
            block = by_key[key]
            if block.na_row is not None:
                flags.append(nf.na_flag(block.abs(L.VALUE, block.na_row)))
            key = parents.get(key)
        return flags

    for block in blocks:
        crit, top = block.crit, block.first
        group_fill = S.GROUP_FILL if crit.is_group else None
        bold = S.BOLD if crit.is_group else S.BODY
        for row in range(block.first, block.last + 1):
            for col in L.SCORE_COLUMNS:
                _style(ws[f"{col.letter}{row}"], bold, group_fill)
        ws[block.cell(L.STT)] = block.number
        ws[block.cell(L.STT)].alignment = S.TOP_CENTER
        ws[block.cell(L.KEY)] = crit.key
        ws[block.cell(L.KEY)].alignment = S.TOP_CENTER
        ws[block.cell(L.TITLE)] = _title_text(crit)
        ws[block.cell(L.TITLE)].alignment = S.indented(crit.depth)
        ws[block.cell(L.MAX)] = crit.max_points
        _style(ws[block.cell(L.MAX)], bold, group_fill, S.TOP_CENTER, "General")

        # input rows
        for spec in crit.inputs:
            row = block.input_rows[spec.name]
            _write_input(ws, dv, ctx, crit, spec, row, name)
        if block.na_row is not None:
            row = block.na_row
            ws[f"{L.LABEL.letter}{row}"] = "Không áp dụng với đơn vị? (Sở TTTT xác nhận)"
            cell = ws[f"{L.VALUE.letter}{row}"]
            _style(cell, S.BODY, S.INPUT_FILL, S.WRAP_TOP, S.TEXT_FORMAT, locked=False)
            dv.not_applicable(cell.coordinate)
            name(f"{crit.key}_not_applicable", L.VALUE, row)

        # score, claim, difference
        score_cell = ws[block.cell(L.SCORE)]
        claimed_cell = ws[block.cell(L.CLAIMED)]
        if crit.is_group:
            children = [by_key[c.key] for c in crit.children]
            own = nf.na_flag(block.abs(L.VALUE, block.na_row)) if block.na_row else None
            score_cell.value = "=" + nf.group(crit.max_points, [c.abs(L.SCORE) for c in children], decimals, own)
            claims = ",".join(c.abs(L.CLAIMED) for c in children)
            claimed_cell.value = f'=IF(COUNT({claims})=0,"",SUM({claims}))'
            if own:  # a group marked not applicable drops its parts' self-scores, as the engine does
                claimed_cell.value = f'=IF({own},"",{claimed_cell.value[1:]})'
            _style(claimed_cell, S.BOLD, S.GROUP_FILL, S.TOP_CENTER, score_fmt)
            applicable = nf.applicable_max(
                crit.max_points, block.abs(L.SCORE), sum(c.max_points for c in crit.children),
                [c.abs(L.APPLICABLE) for c in children],
            )
        else:
            score_cell.value = "=" + _leaf_formula(ctx, block, na_flags(crit))
            _style(claimed_cell, S.BODY, S.INPUT_FILL, S.TOP_CENTER, score_fmt, locked=False)
            dv.claimed(claimed_cell.coordinate, crit.max_points)
            applicable = nf.applicable_max(crit.max_points, block.abs(L.SCORE))
        _style(score_cell, bold, S.COMPUTED_FILL if not crit.is_group else S.GROUP_FILL, S.TOP_CENTER, score_fmt)
        h, i = block.cell(L.CLAIMED), block.cell(L.SCORE)
        ws[block.cell(L.DIFF)] = f'=IF(AND(ISNUMBER({h}),ISNUMBER({i})),{h}-{i},"")'
        _style(ws[block.cell(L.DIFF)], bold, group_fill, S.TOP_CENTER, score_fmt)
        ws[block.cell(L.APPLICABLE)] = "=" + applicable
        name(f"{crit.key}_claimed", L.CLAIMED, top)
        name(f"{crit.key}_score", L.SCORE, top)

        # evidence and note: the unit's text
        for col, suffix in ((L.EVIDENCE, "evidence"), (L.NOTE, "note")):
            cell = ws[block.cell(col)]
            _style(cell, S.BODY, S.INPUT_FILL, S.WRAP_TOP, S.TEXT_FORMAT, locked=False)
            name(f"{crit.key}_{suffix}", col, top)
        hint = crit.evidence or ""
        dv.text(block.cell(L.EVIDENCE), prompt_title="Căn cứ tính điểm",
                prompt=("Theo Quyết định: " + hint) if hint else "Ghi số, ngày văn bản, nguồn số liệu.")
        dv.text(block.cell(L.NOTE))

        groups_na = na_flags(crit, own=False)
        _write_self_check(ws, ctx, block, sc.any_of(groups_na) if groups_na else None, _subtree_end(block, by_key))
        name(f"{crit.key}_status", L.STATUS, top)

        if block.last > block.first:
            for col in L.MERGED_COLUMNS:
                ws.merge_cells(f"{col.letter}{block.first}:{col.letter}{block.last}")
        _set_heights(ws, block)

    last = blocks[-1].last
    totals_row = _write_totals(ws, ctx, [by_key[c.key] for c in level.criteria], last + 1, name)
    _conditional_formats(ws, L.FIRST_DATA_ROW, last, decimals)
    _write_summary(ws, ctx, last, name)
    end = _write_signatures(ws, ctx, totals_row + 2)
    _print_setup(ws, end)
    dv.attach(ws)
    ws.freeze_panes = f"A{L.FIRST_DATA_ROW}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # officials may widen columns and rows to read long text
    ws.protection.formatRows = False
    ws.protection.formatCells = False  # the button colours offending cells, also where it cannot unprotect (Office.js)
    return blocks


def _subtree_end(block, by_key) -> int:
    """The last row of a criterion and everything under it."""
    crit = block.crit
    while crit.children:
        crit = crit.children[-1]
    return by_key[crit.key].last


def _write_self_check(ws, ctx, block, groups_na, end):
    """Status, counts, cell flags, the first problem's address and its place in the list."""
    crit, top = block.crit, block.first
    score, claimed, evidence = block.abs(L.SCORE), block.abs(L.CLAIMED), block.abs(L.EVIDENCE)
    na_cell = block.abs(L.VALUE, block.na_row) if block.na_row is not None else None
    otherwise = None
    if crit.is_group:
        checks = sc.group(na_cell, score, groups_na, nf.na_flag(na_cell) if na_cell else None)
        parts = f"SUM({L.ERRORS.letter}{top + 1}:{L.WARNINGS.letter}{end})"
        otherwise = f"IF({parts}>0,{nf.text(sc.PARTS_TEXT)},{nf.text(sc.OK_TEXT)})"
    else:
        checks = sc.leaf(crit, _formula_cells(ctx, block), claimed, score, evidence, na_cell, ctx.cs.year, groups_na)
        ws[block.cell(L.CLAIM_FLAG)] = "=" + sc.flag_formula(checks, claimed)
        ws[block.cell(L.EVIDENCE_FLAG)] = "=" + sc.flag_formula(checks, evidence)
    for row in range(block.first, block.last + 1):
        cell = f"$F${row}"
        if sc.has_targets(checks, cell):
            ws[f"{L.VALUE_FLAG.letter}{row}"] = "=" + sc.flag_formula(checks, cell)
    status = ws[block.cell(L.STATUS)]
    status.value = "=" + sc.status_formula(checks, otherwise)
    _style(status, S.BOLD if crit.is_group else S.BODY, S.GROUP_FILL if crit.is_group else S.COMPUTED_FILL)
    errors, warnings = block.cell(L.ERRORS), block.cell(L.WARNINGS)
    ws[errors] = "=" + sc.count_formula(checks, sc.ERROR)
    ws[warnings] = "=" + sc.count_formula(checks, sc.WARNING)
    ws[block.cell(L.TARGET)] = "=" + sc.target_formula(checks)
    rank = L.RANK.letter
    ws[block.cell(L.RANK)] = f'=IF({errors}+{warnings}>0,COUNT(${rank}${L.HEADER_ROW + 1}:{rank}{top - 1})+1,"")'


def _write_summary(ws, ctx, last, name):
    """Row 4: the self-check's counts over every criterion and the unit's code and name."""
    row = L.SUMMARY_ROW
    first = L.FIRST_DATA_ROW
    code, unit_name = ctx.names["unit_code"], ctx.names["unit_name"]
    errors, warnings = f"{L.ERRORS.letter}{row}", f"{L.WARNINGS.letter}{row}"
    ws[errors] = f"=SUM({L.ERRORS.letter}{first}:{L.ERRORS.letter}{last})+IF({sc.blank(code)},1,0)"
    ws[warnings] = f"=SUM({L.WARNINGS.letter}{first}:{L.WARNINGS.letter}{last})+IF({sc.blank(unit_name)},1,0)"
    label_end = L.MAX.letter
    ws.merge_cells(f"A{row}:{label_end}{row}")
    ws[f"A{row}"] = f'=HYPERLINK("#{L.quote_sheet(L.SHEET_CHECK)}!A1","Tự kiểm tra (bấm để xem danh sách):")'
    ws[f"A{row}"].font = S.BOLD
    ws[f"A{row}"].alignment = Alignment(horizontal="right", vertical="center")
    start, end = L.LABEL.letter, L.PRINTED_COLUMNS[-1].letter
    ws.merge_cells(f"{start}{row}:{end}{row}")
    summary = ws[f"{start}{row}"]
    summary.value = "=" + sc.summary_formula(errors, warnings)
    summary.font = S.BOLD
    summary.alignment = Alignment(horizontal="left", vertical="center")
    name("check_summary", L.LABEL, row)
    ws.conditional_formatting.add(f"{start}{row}", FormulaRule(formula=[f"${errors}>0"], fill=S.ERROR_FILL,
                                                                font=Font(color=S.ERROR_FONT_COLOR, bold=True)))
    ws.conditional_formatting.add(f"{start}{row}", FormulaRule(formula=[f"${warnings}>0"], fill=S.WARNING_FILL))
    ws.conditional_formatting.add(f"{start}{row}", FormulaRule(formula=["TRUE"], fill=S.COMPUTED_FILL))


def _write_input(ws, dv, ctx, crit, spec, row, name):
    label = spec.label + (" (chọn trong danh sách)" if spec.type == rules.CHOICE else "")
    ws[f"{L.LABEL.letter}{row}"] = label
    cell = ws[f"{L.VALUE.letter}{row}"]
    formats = {rules.DATE: S.DATE_FORMAT, rules.RATIO: S.RATIO_FORMAT, rules.COUNT: S.COUNT_FORMAT,
               rules.NUMBER: S.NUMBER_FORMAT, rules.CHOICE: S.TEXT_FORMAT}
    align = S.WRAP_TOP if spec.type == rules.CHOICE else S.TOP_RIGHT
    _style(cell, S.BODY, S.INPUT_FILL, align, formats[spec.type], locked=False)
    unit = ws[f"{L.UNIT.letter}{row}"]
    if spec.type == rules.DATE:
        dv.date(cell.coordinate)
        if spec.deadline:  # the due date, shown next to the date and used by the formula
            unit.value = "=" + ctx.params[spec.deadline]
            unit.number_format = S.DATE_FORMAT
            unit.alignment = S.TOP_CENTER
            ws[f"{L.LABEL.letter}{row}"] = f"{label} (hạn: xem cột bên phải)"
    elif spec.type == rules.RATIO:
        dv.ratio(cell.coordinate)
        unit.value = crit.rule_kind.input_unit(crit.params, spec)
    elif spec.type == rules.COUNT:
        dv.count(cell.coordinate)
        unit.value = spec.unit or ""
    elif spec.type == rules.NUMBER:
        dv.number(cell.coordinate)
        unit.value = spec.unit or ""
    else:
        labels = ctx.options[crit.key][0]
        dv.choice(cell.coordinate, labels, crit.key)
    if unit.alignment != S.TOP_CENTER:
        unit.alignment = S.TOP_CENTER
    name(f"{crit.key}_{spec.name}", L.VALUE, row)


def _leaf_formula(ctx, block, flags) -> str:
    return nf.leaf_formula(block.crit, _formula_cells(ctx, block), ctx.formulas, flags)


def _formula_cells(ctx, block) -> rules.FormulaCells:
    """What the criterion's formulas refer to (its input cells, due dates, option lists)."""
    crit = block.crit
    rows = block.input_rows
    dated = [rows[spec.name] for spec in crit.inputs if spec.deadline]
    return rules.FormulaCells(
        max_points=crit.max_points,
        decimals=ctx.cs.decimals,
        allow_not_applicable=crit.allow_not_applicable,
        inputs={n: f"${L.VALUE.letter}${r}" for n, r in rows.items()},
        set_id=ctx.cs.id,
        key=crit.key,
        dues={spec.name: f"${L.UNIT.letter}${rows[spec.name]}" for spec in crit.inputs if spec.deadline},
        due_range=f"${L.UNIT.letter}${min(dated)}:${L.UNIT.letter}${max(dated)}" if dated else "",
        done_range=f"${L.VALUE.letter}${min(dated)}:${L.VALUE.letter}${max(dated)}" if dated else "",
        options=ctx.options.get(crit.key),
    )


def _set_heights(ws, block):
    """Row heights: the title (merged over the block) and each input label must be readable."""
    crit = block.crit
    rows = list(range(block.first, block.last + 1))
    own = {r: 1 for r in rows}
    for r in block.input_rows.values():
        label = ws[f"{L.LABEL.letter}{r}"].value or ""
        own[r] = L.text_lines(label, L.LABEL.width)
    if block.na_row is not None:
        own[block.na_row] = max(own[block.na_row], L.text_lines(ws[f"{L.LABEL.letter}{block.na_row}"].value, L.LABEL.width))
    width = L.TITLE.width - 2 * min(crit.depth, 4)
    # the title at 11 points, then the method in 10-point italics: counted in 11-point lines
    needed = L.text_lines(crit.title, width)
    if crit.method and not crit.is_group:
        needed += L.text_lines("Cách tính: " + crit.method, width, S.BODY_SIZE - 1) * (S.BODY_SIZE - 1) / S.BODY_SIZE
    extra = max(0.0, needed - sum(own.values()))
    for r in rows:
        ws.row_dimensions[r].height = L.height_for(own[r] + extra / len(rows))


def _write_heading(ws, ctx):
    cs, level = ctx.cs, ctx.level
    last = L.PRINTED_COLUMNS[-1].letter
    titles = L.APPLICABLE.letter  # the titles stop before the status column: its N2 holds the sheet button
    ws.merge_cells(f"A1:{titles}1")
    ws["A1"] = f"BẢNG TỰ CHẤM ĐIỂM {cs.heading} NĂM {ctx.year}"
    ws["A1"].font = S.TITLE
    ws["A1"].alignment = S.CENTER
    ws.merge_cells(f"A2:{titles}2")
    ws["A2"] = f"{level.title} — {cs.title}"
    ws["A2"].font = S.SUBTITLE
    ws["A2"].alignment = S.WRAP_CENTER
    ws.row_dimensions[2].height = L.height_for(L.text_lines(ws["A2"].value, 150))
    ws.merge_cells(f"A3:{titles}3")
    ws["A3"] = f'="Đơn vị: "&{ctx.unit_name_ref}'
    ws["A3"].font = S.SUBTITLE
    ws["A3"].alignment = S.CENTER
    legend = L.HEADER_ROW - 1
    ws.merge_cells(f"A{legend}:{last}{legend}")
    ws[f"A{legend}"] = (f"Ô nền vàng: đơn vị nhập. Ô nền xanh: tự động tính (đã khóa). Ô tô đỏ: lỗi cần sửa; "
                        f"ô tô cam: cần xem lại (cột “Trạng thái” nói lý do). {nf.NA_TEXT} = không áp dụng. "
                        f"Xem trang “{L.SHEET_GUIDE}”.")
    ws[f"A{legend}"].font = S.ITALIC_NOTE
    ws[f"A{legend}"].alignment = S.CENTER
    for number_, col in enumerate(L.PRINTED_COLUMNS, 1):
        head = ws[f"{col.letter}{L.HEADER_ROW}"]
        head.value = col.header
        _style(head, S.BOLD, S.HEADER_FILL, S.WRAP_CENTER)
        number = ws[f"{col.letter}{L.HEADER_ROW + 1}"]
        number.value = f"({number_})"
        _style(number, S.font(size=S.BODY_SIZE - 1, italic=True), S.HEADER_FILL, S.CENTER)
    ws.row_dimensions[L.HEADER_ROW].height = L.height_for(3)


def _write_totals(ws, ctx, top_blocks, row, name) -> int:
    """Total, applicable maximum and the total on a 100 scale (and an index where the set has one);
    returns the last row used."""
    decimals = ctx.cs.decimals
    score_fmt = S.score_format(decimals)
    sheet = L.SHEET_SCORE
    scores = ",".join(b.abs(L.SCORE) for b in top_blocks)
    claims = ",".join(b.abs(L.CLAIMED) for b in top_blocks)
    applicable = ",".join(b.abs(L.APPLICABLE) for b in top_blocks)
    level = ctx.level

    def label_row(r, text, bold=True):
        ws.merge_cells(f"A{r}:C{r}")
        for col in L.PRINTED_COLUMNS:
            _style(ws[f"{col.letter}{r}"], S.BOLD if bold else S.BODY, S.GROUP_FILL, S.TOP_CENTER, score_fmt)
        ws[f"A{r}"] = text
        ws[f"A{r}"].alignment = S.WRAP_TOP
        ws.row_dimensions[r].height = L.height_for(L.text_lines(text, 58))

    total = row
    label_row(total, "TỔNG CỘNG")
    ws[f"D{total}"] = level.max_total
    ws[f"D{total}"].number_format = "General"
    ws[f"H{total}"] = f'=IF(COUNT({claims})=0,"",ROUND(SUM({claims}),{decimals}))'  # blank: nothing claimed yet
    ws[f"I{total}"] = f"=ROUND(SUM({scores}),{decimals})"
    ws[f"J{total}"] = f'=IF(AND(ISNUMBER(H{total}),ISNUMBER(I{total})),H{total}-I{total},"")'
    ctx.names["total_claimed"] = L.absolute(sheet, f"H{total}")
    ctx.names["total_score"] = L.absolute(sheet, f"I{total}")

    app = total + 1
    label_row(app, "Điểm chuẩn áp dụng (điểm chuẩn trừ các tiêu chí không áp dụng — KAD)", bold=False)
    ws[f"D{app}"] = f"=SUM({applicable})"
    ws[f"D{app}"].number_format = "General"

    scaled = app + 1
    label_row(scaled, f"Tổng điểm quy về thang {fmt_vn(level.max_total)} (= tổng điểm tính ÷ điểm chuẩn áp dụng × 100)",
              bold=False)
    if level.max_total != 100:
        ws[f"A{scaled}"] = "Tổng điểm quy về thang 100 (= tổng điểm tính ÷ điểm chuẩn áp dụng × 100)"
    ws[f"I{scaled}"] = f'=IF(D{app}>0,ROUND(I{total}/D{app}*100,{decimals}),"{nf.NA_TEXT}")'
    last = scaled
    if level.index:
        # Σ value × weight over the applicable components, brought back to the full scale:
        # achieved ÷ Σ applicable weights × Σ weights ÷ weights_total (dtscore.scoring._index)
        spec = level.index
        weights = {c.key: (c.weight if c.weight is not None else c.max_points) for c in level.criteria}
        achieved = "+".join(
            f"IF({b.abs(L.APPLICABLE)}>0,N({b.abs(L.SCORE)})/{b.abs(L.APPLICABLE)}*{nf.num(weights[b.crit.key])},0)"
            for b in top_blocks
        )
        applicable_weights = "+".join(
            f"IF({b.abs(L.APPLICABLE)}>0,{nf.num(weights[b.crit.key])},0)" for b in top_blocks
        )
        every = sum(weights.values())
        last = scaled + 1
        label_row(last, "Chỉ số (tổng có trọng số của tỉ lệ điểm từng trụ cột)", bold=False)
        digits = int(spec.get("digits", 4))
        ws[f"I{last}"] = (f'=IF(({applicable_weights})>0,ROUND(({achieved})/({applicable_weights})'
                          f'*{nf.num(every)}/{nf.num(spec.get("weights_total", 1))},{digits}),"{nf.NA_TEXT}")')
        ws[f"I{last}"].number_format = "0." + "0" * digits if digits else "0"
    return last


def _conditional_formats(ws, first, last, decimals):
    """A self-score that differs from the computed score (or exceeds the maximum) turns red; every
    cell the self-check finds a problem in is coloured (red: error, orange: warning), and so is
    the status."""
    h, i, d = f"$H{first}", f"$I{first}", f"$D{first}"
    differs = f"AND(ISNUMBER({h}),OR(AND(ISNUMBER({i}),ROUND({h},{decimals})<>{i}),{h}>{d}))"
    red = FormulaRule(formula=[differs], fill=S.MISMATCH_FILL, font=Font(color=S.MISMATCH_FONT_COLOR, bold=True))
    ws.conditional_formatting.add(f"H{first}:H{last}", red)
    ws.conditional_formatting.add(f"J{first}:J{last}", red)
    error_font = Font(color=S.ERROR_FONT_COLOR, bold=True)
    for column, flag in ((L.VALUE, L.VALUE_FLAG), (L.CLAIMED, L.CLAIM_FLAG), (L.EVIDENCE, L.EVIDENCE_FLAG)):
        cells = f"{column.letter}{first}:{column.letter}{last}"
        # a blank input stays yellow ("type here"; its status says it is missing): a fresh template is not all red
        typed = f"NOT(ISBLANK({column.letter}{first}))" if column is L.VALUE else "TRUE"
        ws.conditional_formatting.add(cells, FormulaRule(formula=[f"AND(${flag.letter}{first}=2,{typed})"],
                                                         fill=S.ERROR_FILL, font=error_font))
        ws.conditional_formatting.add(cells, FormulaRule(formula=[f"AND(${flag.letter}{first}=1,{typed})"],
                                                         fill=S.WARNING_FILL))
    status = f"{L.STATUS.letter}{first}:{L.STATUS.letter}{last}"
    errors, warnings = f"${L.ERRORS.letter}{first}", f"${L.WARNINGS.letter}{first}"
    ws.conditional_formatting.add(status, FormulaRule(formula=[f"N({errors})>0"], fill=S.ERROR_FILL, font=error_font))
    ws.conditional_formatting.add(status, FormulaRule(formula=[f"N({warnings})>0"], fill=S.WARNING_FILL))


def _write_signatures(ws, ctx, row) -> int:
    """"Người lập biểu" on the left, "Thủ trưởng đơn vị" on the right, as administrative forms end."""
    ws.merge_cells(f"H{row}:L{row}")
    ws[f"H{row}"] = "…………, ngày …… tháng …… năm ……"
    ws[f"H{row}"].font = S.font(italic=True)
    ws[f"H{row}"].alignment = S.CENTER
    pairs = (("A", "E", "NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"),
             ("H", "L", "THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ tên và đóng dấu)"))
    for first, last, title, hint in pairs:
        ws.merge_cells(f"{first}{row + 1}:{last}{row + 1}")
        ws[f"{first}{row + 1}"] = title
        ws[f"{first}{row + 1}"].font = S.BOLD
        ws[f"{first}{row + 1}"].alignment = S.CENTER
        ws.merge_cells(f"{first}{row + 2}:{last}{row + 2}")
        ws[f"{first}{row + 2}"] = hint
        ws[f"{first}{row + 2}"].font = S.font(italic=True)
        ws[f"{first}{row + 2}"].alignment = S.CENTER
    for r in range(row + 3, row + 8):
        ws.row_dimensions[r].height = 18
    return row + 7


def _print_setup(ws, last_row):
    S.page_setup(ws, L.HEADER_ROW, header_rows=2, area=f"A1:{L.PRINTED_COLUMNS[-1].letter}{last_row}")
