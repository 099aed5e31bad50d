"""Scores from an achieved share ("Tỉ lệ đạt")."""

from decimal import Decimal
from typing import cast

ZERO = Decimal(0)


def share(numerator, denominator) -> Decimal | None:
    """numerator ÷ denominator; None when there is nothing to count (denominator 0)."""
    if denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def ratio_target(max_points, ratio, target) -> Decimal:
    """"Đạt ≥ target: Điểm = điểm chuẩn; đạt < target: Điểm = tỉ lệ đạt/target × điểm chuẩn".

    A target of 1 is the plain "Điểm = Tỉ lệ đạt × điểm chuẩn".
    """
    ratio, target = Decimal(ratio), Decimal(target)
    if ratio >= target:
        return Decimal(max_points)
    # multiply before the one division, so that an exact half (2,675) stays exact for ROUND
    return max(ZERO, Decimal(max_points) * ratio / target)


def count_target(max_points, numerator, denominator, target) -> Decimal | None:
    """ratio_target with the ratio given as numerator ÷ denominator (None when the denominator is
    0): max × numerator ÷ (denominator × target) in one division, exact wherever the result is."""
    if denominator == 0:
        return None
    numerator, reach = Decimal(numerator), Decimal(denominator) * Decimal(target)
    if numerator >= reach:
        return Decimal(max_points)
    return max(ZERO, Decimal(max_points) * numerator / reach)


def threshold_gate(max_points, ratio, threshold) -> Decimal:
    """"Đạt ≥ threshold: Điểm = điểm chuẩn; đạt < threshold: Điểm = 0" (e.g. tiêu chí I.14)."""
    return Decimal(max_points) if Decimal(ratio) >= Decimal(threshold) else ZERO


def all_or_nothing(max_points, active, total) -> Decimal:
    """"100% … có hoạt động: Điểm = điểm chuẩn; chỉ 01 … không hoạt động: Điểm = 0" (III.11)."""
    return Decimal(max_points) if total > 0 and active >= total else ZERO


def gated_ratio(max_points, ratio, floor, factor=1, floor_inclusive=True) -> Decimal:
    """100% → max; floor ≤ ratio < 100% → ratio × max × factor; below the floor → 0.

    floor_inclusive=False reads "80% < Tỷ lệ < 100%: Tỷ lệ × Điểm tối đa; Tỷ lệ < 80%: 0" (DTI
    6.3): exactly 80% has not met "80% <" and scores 0, the tier below.
    """
    return cast(Decimal, gated_count(max_points, Decimal(ratio), 1, floor, factor, floor_inclusive))  # denominator 1


def gated_count(max_points, numerator, denominator, floor, factor=1, floor_inclusive=True) -> Decimal | None:
    """gated_ratio with the ratio given as numerator ÷ denominator (None when the denominator is 0),
    compared and scaled without an intermediate division, so exact results stay exact."""
    if denominator == 0:
        return None
    numerator, denominator, floor = Decimal(numerator), Decimal(denominator), Decimal(str(floor))
    if numerator >= denominator:
        return Decimal(max_points)
    reach = floor * denominator
    if numerator < reach or (not floor_inclusive and numerator == reach):
        return ZERO
    return max(ZERO, Decimal(max_points) * Decimal(str(factor)) * numerator / denominator)
