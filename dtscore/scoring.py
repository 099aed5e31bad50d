"""Scoring one unit: parse its inputs, apply each criterion's rule, round as Excel does, add up,
and report findings. Pure: the same inputs (and `today`) always give the same result."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from . import rules
from .aggregation import add_up
from .criteria import CriteriaSet, Criterion
from .decimals import fmt_percent_vn, fmt_vn, round_half_up
from .errors import InputError
from .findings import WARNING, Finding
from .results import NOT_APPLICABLE, PENDING, SCORED, UNSCORED, CriterionResult, UnitResult
from .values import fmt_date_vn, is_blank, nfc, parse_choice, parse_count, parse_date, parse_number, parse_ratio

__all__ = ["NOT_APPLICABLE", "PENDING", "SCORED", "UNSCORED", "CriterionResult", "UnitResult", "parse_input", "score_unit"]

def parse_input(spec: rules.InputSpec, raw, field_name):
    """One raw value (cell, YAML, Excel serial) → the Python value of its input type."""
    if spec.type == rules.DATE:
        return parse_date(raw, field_name)
    if spec.type == rules.RATIO:
        return parse_ratio(raw, field_name)
    if spec.type == rules.COUNT:
        return parse_count(raw, field_name)
    if spec.type == rules.CHOICE:
        return parse_choice(raw, spec.options, field_name)
    return parse_number(raw, field_name)


def range_problems(spec, value, year, today, raw=None):
    """(severity, message) for a parsed value outside its range ("error" blocks scoring)."""
    if spec.type == rules.RATIO and (value < 0 or value > 1):
        written_as_percent = isinstance(raw, str) and raw.strip().endswith("%")
        if 1 < value <= 100 and not written_as_percent:  # 75,7 meant as 75,7%
            shown = fmt_vn(value, 4)
            return "error", f"{shown} > 1: nhập {shown}% hoặc {fmt_vn(value / 100, 6)}"
        return "error", f"tỉ lệ {fmt_percent_vn(value)} nằm ngoài 0–100%"
    if spec.type in (rules.COUNT, rules.NUMBER) and value < 0:
        return "error", f"{fmt_vn(value)} là số âm"
    if spec.type == rules.DATE:
        if value < date(year, 1, 1) - _YEAR_GRACE:
            return WARNING, f"ngày {fmt_date_vn(value)} trước năm đánh giá {year}"
        if today is not None and value > today:
            return WARNING, f"ngày {fmt_date_vn(value)} ở tương lai"
    return None


# A plan for year Y is often issued in late Y−1: dates in the last quarter before the year are normal.
_YEAR_GRACE = timedelta(days=92)


@dataclass(frozen=True)
class ReadValue:
    """One input cell read as its type: the value (the spec's default for a blank that has one),
    and the finding reading it gave (WRONG_TYPE, or a range problem) with whether it blocks scoring.
    Depends only on the raw value, its spec and the day: the batch engine reads each distinct
    raw value of a column once."""

    value: object
    blank: bool  # the cell is blank (the default, if any, stands for it)
    finding: Finding | None = None
    wrong_type: bool = False
    blocks: bool = False


def read_input(crit: Criterion, spec, raw, year, today, reading=None) -> ReadValue:
    """`reading`: read_raw's result for this raw value and spec, if already known."""
    field_name = f"{crit.key}_{spec.name}"
    value, error, problem = reading or read_raw(spec, raw, year, today)
    if error is not None:
        finding = Finding("WRONG_TYPE", crit.key, f"{crit.key} – {spec.label}: {InputError(field_name, error)}",
                          name=field_name)
        return ReadValue(None, False, finding, wrong_type=True, blocks=True)
    if not problem:
        return ReadValue(value, is_blank(raw))
    severity, message = problem
    finding = Finding("INPUT_OUT_OF_RANGE", crit.key, f"{crit.key} – {spec.label}: {message}",
                      severity=severity if severity != "error" else "", name=field_name)
    return ReadValue(value, is_blank(raw), finding, blocks=severity == "error")


def read_raw(spec, raw, year, today) -> tuple:
    """(value, the parser's message when it cannot read it, the range problem): what reading a raw
    value gives whatever the cell — the same for every criterion's input of the same type."""
    try:
        value = parse_input(spec, raw, None)
    except InputError as exc:
        return None, str(exc), None
    if value is None and spec.default is not None:
        value = spec.default  # e.g. no late data entries written down = none
    return value, None, None if value is None else range_problems(spec, value, year, today, raw)


def input_form(crit: Criterion, blank) -> list:
    """The input specs a unit filled: another accepted form (a ratio for numerator/denominator, or
    back) when that is what was filled, else the declared one. `blank(name)`: is that cell blank."""
    filled = (form for form in crit.rule_kind.alternatives(crit.params) if not all(blank(s.name) for s in form))
    return next(filled, list(crit.inputs))


def score_leaf(cs, crit: Criterion, raw_inputs: dict, params: dict, year, today, findings):
    raw_inputs = dict(raw_inputs or {})
    switched = truthy(raw_inputs.pop("not_applicable", None))
    specs = input_form(crit, lambda name: is_blank(raw_inputs.get(name)))
    reads = [read_input(crit, spec, raw_inputs.get(spec.name), year, today) for spec in specs]
    outcome = judge_leaf(crit, switched, specs, reads, findings)
    if not isinstance(outcome, dict):
        return outcome
    return scored_leaf(cs, crit, crit.rule_kind.score(crit.max_points, outcome, crit.params, params), outcome, findings)


def judge_leaf(crit: Criterion, switched: bool, specs, reads, findings):
    """A leaf's inputs, read: its result (status, score, values) when they decide it (not
    applicable, missing, blocked), else the values dict the rule scores (see scored_leaf)."""
    label = crit.key
    values: dict = {}
    if switched:
        if crit.allow_not_applicable:
            return NOT_APPLICABLE, None, values
        findings.append(Finding("INPUT_OUT_OF_RANGE", crit.key,
                                f"{label}: tiêu chí này không có trường hợp “không áp dụng”; điểm được tính theo số liệu",
                                name=f"{crit.key}_not_applicable"))
    blocked, missing = False, []
    for spec, read in zip(specs, reads):
        if read.finding:
            findings.append(read.finding)
        blocked = blocked or read.blocks
        if read.wrong_type:
            continue
        values[spec.name] = read.value
        if read.value is None:
            missing.append(spec)
    if specs and all(spec.default is not None and read.blank for spec, read in zip(specs, reads)):
        # Blanks here mean "none late" (Phần I.6), but an untouched block may also be forgotten.
        findings.append(Finding("INPUT_MISSING", crit.key, f"{label} – chưa nhập số liệu nào: tính như không có lần nào",
                                severity=WARNING, name=f"{crit.key}_{specs[0].name}"))
    kind = crit.rule_kind
    for input_name, message in kind.check(values, crit.params, crit.max_points):
        findings.append(Finding("INPUT_OUT_OF_RANGE", crit.key, f"{label}: {message}", name=f"{crit.key}_{input_name}"))
        blocked = True
    if missing:
        not_issued = kind.blank_is_not_done
        for spec in missing:
            hint = " — nếu chưa ban hành, tiêu chí được 0 điểm" if not_issued else ""
            findings.append(Finding("INPUT_MISSING", crit.key, f"{label} – chưa nhập “{spec.label}”{hint}",
                                    severity=WARNING if not_issued else "", name=f"{crit.key}_{spec.name}"))
        if not (not_issued and not blocked):
            return UNSCORED, Decimal(0), values
        for spec in missing:
            values[spec.name] = None
    if blocked:
        return UNSCORED, Decimal(0), values
    return values


def scored_leaf(cs, crit: Criterion, result, values: dict, findings):
    """(status, score, values) from the rule's unrounded result."""
    label = crit.key
    if result is rules.NOT_APPLICABLE:
        if crit.allow_not_applicable:
            return NOT_APPLICABLE, None, values
        findings.append(Finding("INPUT_OUT_OF_RANGE", crit.key, f"{label}: mẫu số bằng 0, không tính được tỉ lệ",
                                name=f"{crit.key}_denominator"))
        return UNSCORED, Decimal(0), values
    if result is rules.PENDING:
        findings.append(Finding("PENDING_CONSOLIDATION", crit.key,
                                f"{label}: điểm so sánh giữa các đơn vị, được tính khi Sở TTTT tổng hợp"))
        return PENDING, None, values
    return SCORED, round_half_up(result, cs.decimals), values


def truthy(value) -> bool:
    if isinstance(value, str):
        return nfc(value).lower() in {"1", "true", "x", "có", "co", "yes", "không áp dụng", "khong ap dung"}
    return bool(value)


def score_unit(
    cs: CriteriaSet,
    level_code: str,
    inputs: dict | None = None,
    claimed: dict | None = None,
    evidence: dict | None = None,
    parameters: dict | None = None,
    unit: dict | None = None,
    today: date | None = None,
    only: str | None = None,
) -> UnitResult:
    """Score one unit of `level_code` against the criteria set.

    inputs: {key: {input_name: raw value}}; claimed: {key: self-score}; evidence: {key: text};
    parameters: per-unit overrides of the set's year parameters (e.g. a later plan_due);
    only: the key of one criterion (or group) to score alone, e.g. for one Excel cell — the
    totals are then that criterion's.
    """
    level = cs.level(level_code)
    inputs, claimed, evidence = inputs or {}, claimed or {}, evidence or {}
    params = year_parameters(cs, parameters)
    findings: list = []
    results: list = []

    def visit(crit: Criterion) -> None:
        own_inputs = inputs.get(crit.key) or {}
        if crit.is_group:
            row = CriterionResult(crit.key, crit.title, crit.max_points, crit.max_points, None, SCORED,
                                  depth=crit.depth, is_group=True)
            results.append(row)
            if crit.allow_not_applicable and truthy(own_inputs.get("not_applicable")):
                row.status, row.applicable_max = NOT_APPLICABLE, Decimal(0)
                findings.append(group_not_applicable(crit))
                for child in crit.children:  # still listed, all not applicable
                    for c in child.walk():
                        results.append(CriterionResult(c.key, c.title, c.max_points, Decimal(0), None, NOT_APPLICABLE,
                                                       depth=c.depth, is_group=c.is_group))
                return
            for child in crit.children:
                visit(child)
            row.claimed = parse_claim(claimed.get(crit.key), crit, findings)
            return
        status, score, values = score_leaf(cs, crit, own_inputs, params, cs.year, today, findings)
        row = CriterionResult(crit.key, crit.title, crit.max_points, crit.max_points, score, status,
                              evidence=nfc(evidence.get(crit.key) or ""), inputs=values, depth=crit.depth)
        results.append(row)
        leaf_findings_after(row, claimed.get(crit.key), crit, cs.decimals, findings)

    tops = level.criteria if only is None else (level.find(only),)
    for crit in tops:
        visit(crit)
    totals = add_up(level, {row.key: row for row in results}, cs.decimals, None if only is None else tops)
    claims = [r.claimed for r in results if not r.is_group and r.claimed is not None]
    return UnitResult(
        criteria_set=cs.id,
        version=cs.version,
        fingerprint=cs.fingerprint,
        level=level.code,
        unit=dict(unit or {}),
        criteria=results,
        findings=findings,
        total=totals.total,
        max_total=totals.max_total,
        total_100=totals.total_100,
        claimed_total=sum(claims, Decimal(0)) if claims else None,
        index=totals.index,
    )


def year_parameters(cs: CriteriaSet, parameters: dict | None) -> dict:
    """The set's year parameters by name, with a unit's own overrides (e.g. a later plan_due)."""
    params = cs.parameter_values()
    for name, value in (parameters or {}).items():
        if name not in params:
            raise InputError(f"parameters.{name}", f"bộ tiêu chí {cs.id} không có tham số này")
        params[name] = parse_date(value, f"parameters.{name}") if isinstance(cs.parameters[name].value, date) else value
    return params


def group_not_applicable(crit: Criterion) -> Finding:
    return Finding("NOT_APPLICABLE", crit.key, f"{crit.key}: nhóm không áp dụng, hạ điểm chuẩn {fmt_vn(crit.max_points)}")


def leaf_findings_after(row: CriterionResult, claimed_raw, crit: Criterion, decimals, findings):
    """What follows a leaf's scoring: a not-applicable leaf's lowered maximum, its self-score read
    and checked, evidence missing for a score."""
    if row.status == NOT_APPLICABLE:
        row.applicable_max = Decimal(0)
        findings.append(leaf_not_applicable(crit))
    row.claimed = parse_claim(claimed_raw, crit, findings)
    _check_claim(row, decimals, findings)
    if row.score and row.score > 0 and not row.evidence:
        findings.append(missing_evidence(crit.key))


def leaf_not_applicable(crit: Criterion) -> Finding:
    return Finding("NOT_APPLICABLE", crit.key,
                   f"{crit.key}: không áp dụng, hạ điểm chuẩn {fmt_vn(crit.max_points)} — Sở TTTT xác nhận")


def missing_evidence(key) -> Finding:
    return Finding("MISSING_EVIDENCE", key, f"{key}: có điểm nhưng chưa ghi căn cứ tính điểm", name=f"{key}_evidence")


def parse_claim(raw, crit, findings):
    try:
        return parse_number(raw, f"{crit.key}_claimed")
    except InputError as exc:
        findings.append(Finding("WRONG_TYPE", crit.key, f"{crit.key} – Điểm tự chấm: {exc}", name=f"{crit.key}_claimed"))
        return None


def claims_on_not_applicable(key, claimed, decimals) -> Finding:
    """A self-score ≠ 0 on a not-applicable criterion: its points are out of the totals."""
    return Finding("CLAIM_MISMATCH", key, f"{key}: tiêu chí không áp dụng (hạ điểm chuẩn) nhưng tự chấm "
                                          f"{fmt_vn(claimed, decimals)} điểm", name=f"{key}_claimed")


def claim_above_max(key, claimed, max_points) -> Finding:
    return Finding("CLAIM_ABOVE_MAX", key, f"{key}: điểm tự chấm {fmt_vn(claimed)} vượt điểm chuẩn {fmt_vn(max_points)}",
                   name=f"{key}_claimed")


def claim_mismatch(key, claimed: str, score: str, difference: str) -> str:
    """The message of a self-score that, rounded, differs from the score; the numbers as fmt_vn
    shows them at the set's decimals (the batch engine formats each distinct number once)."""
    return f"{key}: điểm tự chấm {claimed} khác điểm tính {score} (chênh {difference})"


def _check_claim(row: CriterionResult, decimals, findings):
    if row.claimed is None:
        return
    if row.status == NOT_APPLICABLE and row.claimed != 0:
        findings.append(claims_on_not_applicable(row.key, row.claimed, decimals))
    if row.claimed > row.max_points:
        findings.append(claim_above_max(row.key, row.claimed, row.max_points))
    if row.status in (SCORED, UNSCORED) and row.score is not None and round_half_up(row.claimed, decimals) != row.score:
        findings.append(Finding("CLAIM_MISMATCH", row.key, claim_mismatch(
            row.key, fmt_vn(row.claimed, decimals), fmt_vn(row.score, decimals), fmt_vn(row.claimed - row.score, decimals)),
            name=f"{row.key}_claimed"))
