"""Scores from counts of events."""

from decimal import Decimal

# Phần I.6 / II.6: "trừ 20% số điểm đối với tần suất nhập tháng, 30% … quý, 60% … 6 tháng,
# 100% … năm" for each late data entry.
LATE_ENTRY_DEDUCTIONS = {
    "late_monthly": Decimal("0.2"),
    "late_quarterly": Decimal("0.3"),
    "late_semiannual": Decimal("0.6"),
    "late_annual": Decimal("1.0"),
}


def late_entries(max_points, monthly=0, quarterly=0, semiannual=0, annual=0, deductions=None) -> Decimal:
    """max(0, max × (1 − 0,2·monthly − 0,3·quarterly − 0,6·semiannual − 1,0·annual))."""
    d = {**LATE_ENTRY_DEDUCTIONS, **(deductions or {})}
    lost = (
        d["late_monthly"] * monthly
        + d["late_quarterly"] * quarterly
        + d["late_semiannual"] * semiannual
        + d["late_annual"] * annual
    )
    return max(Decimal(0), Decimal(max_points) * (1 - lost))


def count_steps(count: int, steps, otherwise=0) -> Decimal:
    """Points by a count: steps[count] (0 late tasks → steps[0], …), past the list → otherwise."""
    return Decimal(str(steps[count])) if 0 <= count < len(steps) else Decimal(str(otherwise))
