"""Lateness of a document against its due date, in months (Phần I–III, tiêu chí 1–2:
"trễ so với thời gian quy định thì sẽ trừ 01 điểm/tháng")."""

import calendar
from datetime import date
from decimal import Decimal

STARTED, COMPLETED = "started", "completed"
MODES = (STARTED, COMPLETED)


def edate(start: date, months: int) -> date:
    """Excel's EDATE: the same day `months` later, clamped to the month's last day."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def months_late(due: date, done: date, mode: str = STARTED) -> int:
    """Months a document came after its due date.

    started (the decision): every begun month counts — the smallest m with done ≤ EDATE(due, m),
    so one day late is one month. completed (the draft, "n = n+1"): only full months count —
    the largest m with EDATE(due, m) ≤ done.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if done <= due:
        return 0
    k = (done.year - due.year) * 12 + done.month - due.month  # EDATE(due, k) falls in done's month
    if mode == STARTED:
        return k if done <= edate(due, k) else k + 1
    return k if edate(due, k) <= done else k - 1


def late_deduction(max_points, dues, dones, mode: str = STARTED, max_deduction=None) -> Decimal:
    """max(0, max − Σ months late), the sum capped at max_deduction; a document not issued → 0."""
    if any(done is None for done in dones):
        return Decimal(0)
    months = sum(months_late(due, done, mode) for due, done in zip(dues, dones, strict=True))
    if max_deduction is not None:
        months = min(months, max_deduction)
    return max(Decimal(0), Decimal(max_points) - months)
