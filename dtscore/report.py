"""Rendering a UnitResult for people: a plain-text table with Vietnamese labels and decimal commas."""

from .decimals import fmt_vn
from .findings import SEVERITY_VN, summary_vn
from .names import STATUS_NAMES, level_name

STATUS_VN = {k: v for k, v in STATUS_NAMES.items() if k != "scored"}  # the text report leaves "scored" blank


def text_report(result, decimals=2) -> str:
    unit = result.unit or {}
    lines = [
        f"Đơn vị: {unit.get('name', '')} ({unit.get('code', '')}) — {level_name(result.level).lower()} — bộ tiêu chí {result.criteria_set} {result.version}",
        "",
        f"{'Mã':<8}{'Điểm chuẩn':>11}{'Điểm tính':>11}{'Tự chấm':>10}{'Chênh':>9}  Ghi chú",
    ]
    for c in result.criteria:
        indent = "  " * c.depth
        lines.append(
            f"{indent + c.key:<8}{fmt_vn(c.max_points, decimals):>11}{fmt_vn(c.score, decimals):>11}"
            f"{fmt_vn(c.claimed, decimals):>10}{fmt_vn(c.difference, decimals):>9}  {STATUS_VN.get(c.status, '')}"
        )
    lines += [
        "",
        f"Tổng điểm tính: {fmt_vn(result.total, decimals)} / {fmt_vn(result.max_total, decimals)}"
        + (f" (quy về thang 100: {fmt_vn(result.total_100, decimals)})" if result.max_total != 100 else ""),
        f"Tổng điểm tự chấm: {fmt_vn(result.claimed_total, decimals) or '—'}",
    ]
    if result.index is not None:
        lines.append(f"Chỉ số: {fmt_vn(result.index, 4)}")
    lines += ["", f"Kết quả kiểm tra: {summary_vn(result.findings)}"]
    for f in result.findings:
        lines.append(f"  [{SEVERITY_VN[f.severity]}] {f.title}: {f.message}")
    return "\n".join(lines)
