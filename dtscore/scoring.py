"""Scoring one unit: parse its inputs, apply each criterion's rule, round as Excel does, add up,
and report findings. Pure: the same inputs (and `today`) always give the same result."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from . import rules
from .criteria import CriteriaSet, Criterion
from .decimals import fmt_percent_vn, fmt_vn, round_half_up
from .errors import InputError
from .findings import WARNING, Finding
from .values import fmt_date_vn, is_blank, nfc, parse_choice, parse_count, parse_date, parse_number, parse_ratio

SCORED, NOT_APPLICABLE, PENDING, UNSCORED = "scored", "not_applicable", "pending", "unscored"


@dataclass
class CriterionResult:
    key: str
    title: str
    max_points: Decimal  # the criterion's own maximum
    applicable_max: Decimal  # lowered when (part of) it does not apply
    score: Decimal | None
    status: str
    claimed: Decimal | None = None
    evidence: str = ""
    inputs: dict = field(default_factory=dict)
    depth: int = 0
    is_group: bool = False

    @property
    def difference(self) -> Decimal | None:
        if self.claimed is None or self.score is None:
            return None
        return self.claimed - self.score

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "max_points": _num(self.max_points),
            "applicable_max": _num(self.applicable_max),
            "score": _num(self.score),
            "claimed": _num(self.claimed),
            "difference": _num(self.difference),
            "status": self.status,
            "is_group": self.is_group,
            "inputs": {k: _json_value(v) for k, v in self.inputs.items()},
            "evidence": self.evidence,
        }


@dataclass
class UnitResult:
    criteria_set: str
    version: str
    fingerprint: str
    level: str
    unit: dict
    criteria: list  # CriterionResult, groups before their children, document order
    findings: list
    total: Decimal
    max_total: Decimal
    total_100: Decimal | None
    claimed_total: Decimal | None
    index: Decimal | None = None

    def criterion(self, key) -> CriterionResult:
        return next(c for c in self.criteria if c.key == key)

    def to_dict(self) -> dict:
        out = {
            "criteria_set": self.criteria_set,
            "version": self.version,
            "fingerprint": self.fingerprint,
            "level": self.level,
            "unit": self.unit,
            "total": _num(self.total),
            "max_total": _num(self.max_total),
            "total_100": _num(self.total_100),
            "claimed_total": _num(self.claimed_total),
            "criteria": [c.to_dict() for c in self.criteria],
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.index is not None:
            out["index"] = _num(self.index)
        return out


def _num(x):
    if x is None:
        return None
    return int(x) if x == x.to_integral_value() else float(x)


def _json_value(v):
    if isinstance(v, Decimal):
        return _num(v)
    if isinstance(v, date):
        return v.isoformat()
    return v


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
from datetime import timedelta  # noqa: E402

_YEAR_GRACE = timedelta(days=92)


def _score_leaf(cs, crit: Criterion, raw_inputs: dict, params: dict, year, today, findings):
    kind = rules.RULE_KINDS[crit.kind]
    label = f"{crit.key}"
    values, blocked, missing = {}, False, []
    raw_inputs = dict(raw_inputs or {})
    if _truthy(raw_inputs.pop("not_applicable", None)):
        if crit.allow_not_applicable:
            return NOT_APPLICABLE, None, values
        findings.append(Finding("INPUT_OUT_OF_RANGE", crit.key,
                                f"{label}: tiêu chí này không có trường hợp “không áp dụng”; điểm được tính theo số liệu",
                                name=f"{crit.key}_not_applicable"))
    specs = list(crit.inputs)
    if crit.kind in _RATIO_KINDS:  # a ratio and numerator/denominator are accepted for one another
        if not is_blank(raw_inputs.get("ratio")):
            specs = list(kind.inputs({}))
        elif not is_blank(raw_inputs.get("numerator")) or not is_blank(raw_inputs.get("denominator")):
            specs = list(kind.inputs({"input": "counts"}))
    for spec in specs:
        field_name = f"{crit.key}_{spec.name}"
        try:
            value = parse_input(spec, raw_inputs.get(spec.name), field_name)
        except InputError as exc:
            findings.append(Finding("WRONG_TYPE", crit.key, f"{label} – {spec.label}: {exc}", name=field_name))
            blocked = True
            continue
        if value is None and spec.default is not None:
            value = spec.default  # e.g. no late data entries written down = none
        values[spec.name] = value
        if value is None:
            missing.append(spec)
            continue
        problem = range_problems(spec, value, year, today, raw_inputs.get(spec.name))
        if problem:
            severity, message = problem
            findings.append(Finding("INPUT_OUT_OF_RANGE", crit.key, f"{label} – {spec.label}: {message}",
                                    severity=severity if severity != "error" else "", name=field_name))
            blocked = blocked or severity == "error"
    if specs and all(spec.default is not None and is_blank(raw_inputs.get(spec.name)) for spec in specs):
        # Blanks here mean "none late" (Phần I.6), but an untouched block may also be forgotten.
        findings.append(Finding("INPUT_MISSING", crit.key, f"{label} – chưa nhập số liệu nào: tính như không có lần nào",
                                severity=WARNING, name=f"{crit.key}_{specs[0].name}"))
    for input_name, message in kind.check(values, crit.rule, crit.max_points):
        findings.append(Finding("INPUT_OUT_OF_RANGE", crit.key, f"{label}: {message}", name=f"{crit.key}_{input_name}"))
        blocked = True
    if missing:
        not_issued = crit.kind == "late_months"
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
    result = kind.score(crit.max_points, values, crit.rule, params)
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


_RATIO_KINDS = ("ratio_target", "threshold_gate", "gated_ratio")


def _truthy(value) -> bool:
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
    params = cs.parameter_values()
    for name, value in (parameters or {}).items():
        if name not in params:
            raise InputError(f"parameters.{name}", f"bộ tiêu chí {cs.id} không có tham số này")
        params[name] = parse_date(value, f"parameters.{name}") if isinstance(cs.parameters[name].value, date) else value
    findings: list = []
    results: list = []

    def visit(crit: Criterion) -> CriterionResult:
        own_inputs = inputs.get(crit.key) or {}
        if crit.is_group:
            row = CriterionResult(crit.key, crit.title, crit.max_points, crit.max_points, None, SCORED,
                                  depth=crit.depth, is_group=True)
            results.append(row)
            if crit.allow_not_applicable and _truthy(own_inputs.get("not_applicable")):
                row.status, row.applicable_max = NOT_APPLICABLE, Decimal(0)
                findings.append(Finding("NOT_APPLICABLE", crit.key, f"{crit.key}: nhóm không áp dụng, hạ điểm chuẩn {fmt_vn(crit.max_points)}"))
                for child in crit.children:  # still listed, all not applicable
                    for c in child.walk():
                        results.append(CriterionResult(c.key, c.title, c.max_points, Decimal(0), None, NOT_APPLICABLE,
                                                       depth=c.depth, is_group=c.is_group))
                return row
            children = [visit(child) for child in crit.children]
            lowered = sum((c.max_points - c.applicable_max for c in children), Decimal(0))
            row.applicable_max = crit.max_points - lowered
            scored = [c.score for c in children if c.score is not None]
            if all(c.status == NOT_APPLICABLE for c in children):
                row.status, row.applicable_max = NOT_APPLICABLE, Decimal(0)
            else:
                row.score = min(sum(scored, Decimal(0)), crit.max_points)
                row.status = PENDING if any(c.status == PENDING for c in children) else SCORED
            row.claimed = _parse_claim(claimed.get(crit.key), crit, findings)
            return row
        status, score, values = _score_leaf(cs, crit, own_inputs, params, cs.year, today, findings)
        row = CriterionResult(crit.key, crit.title, crit.max_points, crit.max_points, score, status,
                              evidence=nfc(evidence.get(crit.key) or ""), inputs=values, depth=crit.depth)
        results.append(row)
        if status == NOT_APPLICABLE:
            row.applicable_max = Decimal(0)
            findings.append(Finding("NOT_APPLICABLE", crit.key,
                                    f"{crit.key}: không áp dụng, hạ điểm chuẩn {fmt_vn(crit.max_points)} — Sở TTTT xác nhận"))
        row.claimed = _parse_claim(claimed.get(crit.key), crit, findings)
        _check_claim(row, cs.decimals, findings)
        if score and score > 0 and not row.evidence:
            findings.append(Finding("MISSING_EVIDENCE", crit.key, f"{crit.key}: có điểm nhưng chưa ghi căn cứ tính điểm",
                                    name=f"{crit.key}_evidence"))
        return row

    top = [visit(crit) for crit in level.criteria] if only is None else [visit(level.find(only))]
    total = sum((r.score for r in top if r.score is not None), Decimal(0))
    lowered = sum((r.max_points - r.applicable_max for r in top), Decimal(0))
    max_total = level.max_total - lowered
    total_100 = round_half_up(total / max_total * 100, cs.decimals) if max_total > 0 else None
    claims = [r.claimed for r in results if not r.is_group and r.claimed is not None]
    return UnitResult(
        criteria_set=cs.id,
        version=cs.version,
        fingerprint=cs.fingerprint,
        level=level.code,
        unit=dict(unit or {}),
        criteria=results,
        findings=findings,
        total=total,
        max_total=max_total,
        total_100=total_100,
        claimed_total=sum(claims, Decimal(0)) if claims else None,
        index=_index(level, top) if only is None else None,
    )


def _parse_claim(raw, crit, findings):
    try:
        return parse_number(raw, f"{crit.key}_claimed")
    except InputError as exc:
        findings.append(Finding("WRONG_TYPE", crit.key, f"{crit.key} – Điểm tự chấm: {exc}", name=f"{crit.key}_claimed"))
        return None


def _check_claim(row: CriterionResult, decimals, findings):
    if row.claimed is None:
        return
    name = f"{row.key}_claimed"
    if row.status == NOT_APPLICABLE and row.claimed != 0:  # its points are out of the totals
        findings.append(Finding("CLAIM_MISMATCH", row.key,
                                f"{row.key}: tiêu chí không áp dụng (hạ điểm chuẩn) nhưng tự chấm "
                                f"{fmt_vn(row.claimed, decimals)} điểm", name=name))
    if row.claimed > row.max_points:
        findings.append(Finding("CLAIM_ABOVE_MAX", row.key,
                                f"{row.key}: điểm tự chấm {fmt_vn(row.claimed)} vượt điểm chuẩn {fmt_vn(row.max_points)}", name=name))
    if row.status in (SCORED, UNSCORED) and round_half_up(row.claimed, decimals) != row.score:
        findings.append(Finding("CLAIM_MISMATCH", row.key,
                                f"{row.key}: điểm tự chấm {fmt_vn(row.claimed, decimals)} khác điểm tính "
                                f"{fmt_vn(row.score, decimals)} (chênh {fmt_vn(row.claimed - row.score, decimals)})", name=name))


def _index(level, top):
    """Weighted index roll-up (DTI): Σ value × weight ÷ weights_total, value = score ÷ applicable
    max in [0, 1], rounded half-up to `digits` (4: the published DTI convention).

    A component that does not apply at all leaves the sum with its weight, and the rest is brought
    back to the full scale (Σ value × weight ÷ Σ applicable weights × Σ weights ÷ weights_total):
    achieved ÷ applicable maximum, as for the total. Nothing applicable → None, not 0 ÷ 0.
    Computed in fractions, so an exact half at the last digit rounds up as Excel's ROUND does.
    """
    spec = level.index
    if not spec:
        return None
    weights_total = Fraction(str(spec.get("weights_total", 1)))
    weight_of = {c.key: (c.weight if c.weight is not None else c.max_points) for c in level.criteria}
    achieved, applicable, every = Fraction(0), Fraction(0), Fraction(0)
    for row in top:
        weight = Fraction(str(weight_of[row.key]))
        every += weight
        if row.applicable_max > 0:
            applicable += weight
            achieved += Fraction(str(row.score or 0)) / Fraction(str(row.applicable_max)) * weight
    if applicable == 0:
        return None
    index = achieved / applicable * every / weights_total
    return round_half_up(Decimal(index.numerator) / Decimal(index.denominator), int(spec.get("digits", 4)))
