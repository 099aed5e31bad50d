"""`dtscore history --unit CODE [--db lich-su.sqlite] [--merger sap-nhap.csv]`: a unit's results year
by year; a unit formed on 1 July 2025 also shows the results of the units it replaced."""

from decimal import Decimal

from ..decimals import fmt_vn
from ..errors import DtscoreError
from ..history import recorded_years, shown, unit_history, year_units
from ..merger import MERGER_YEAR, former_results, read_mapping
from ..names import level_name

TOP_CHANGES = 10  # criteria listed, largest change first


def register(sub):
    p = sub.add_parser("history", help="Xem kết quả các năm của một đơn vị (từ cơ sở dữ liệu lịch sử)")
    p.add_argument("--unit", required=True, help="mã đơn vị")
    p.add_argument("--db", default="lich-su.sqlite",
                   help="cơ sở dữ liệu lịch sử: tệp SQLite (mặc định lich-su.sqlite) hoặc địa chỉ PostgreSQL")
    p.add_argument("--merger", metavar="SAP-NHAP.CSV",
                   help="bảng đơn vị mới ← đơn vị cũ (sáp nhập 01/7/2025): thêm kết quả của các đơn vị cũ")
    p.set_defaults(func=run)


def run(args):
    mapping = read_mapping(args.merger) if args.merger else {}
    units, scores, replaced = unit_history(args.db, args.unit)
    held = recorded_years(args.db)
    former = former_results(mapping, args.unit, {y: year_units(args.db, y) for y in held}) if mapping else []
    if former:  # the years before 2025 under this code were a former unit's, shown with the others
        units = [u for u in units if u["year"] >= MERGER_YEAR]
        scores = {y: s for y, s in scores.items() if y >= MERGER_YEAR}
    if not units and not former:
        raise DtscoreError(f"Chưa có kết quả nào của đơn vị “{args.unit}” trong {shown(args.db)}")
    if former:
        print(former_text(former, units))
        held = [y for y in held if y >= MERGER_YEAR]
    if units:
        print(history_text(units, scores, replaced, held))
    return 0


def former_text(former, units) -> str:
    """The years before the merger: each year's combined or listed results of the former units, and
    the first own year's change against the last combined figure, with the basis said plainly."""
    first = former[-1][1]
    lines = [f"Đơn vị {first['unit_code']} — {first['unit_name']}: trước sáp nhập (01/7/2025)"]
    for year, row in former:
        lines.append(f"  Năm {year}: {row['basis']}")
    own = next((u for u in units if u["year"] > former[-1][0]), None)
    if own is not None and own["rank_value"] is not None and first["rank_value"] is not None:
        lines.append(f"  Năm {own['year']} so với bình quân gia quyền năm {former[-1][0]}: "
                     f"{_signed(own['rank_value'] - first['rank_value'])} điểm"
                     f" ({fmt_vn(first['rank_value'])} → {fmt_vn(own['rank_value'])})")
    elif own is not None:
        lines.append(f"  Năm {own['year']}: không so sánh thành một con số (các đơn vị cũ không có trọng số)")
    return "\n".join(lines) + "\n"


def _signed(x, digits=2) -> str:
    return ("+" if x > 0 else "") + fmt_vn(x, digits)


def history_text(units, scores, replaced=(), years=()) -> str:
    """The unit's years; a year the history holds for other units but not this one is "không nộp"."""
    last = units[-1]
    level = level_name(last["level"]).lower()
    lines = [f"Đơn vị {last['unit_code']} — {last['unit_name']} ({level})", ""]
    lines.append(f"{'Năm':<6}{'Điểm':>9}{'Hạng':>10}   Thay đổi so với năm trước")
    previous, units = None, list(units)
    submitted = {u["year"] for u in units}
    for year in sorted(set(years) - submitted):
        if units[0]["year"] < year:  # years before the unit's first are not its concern
            units.append({"year": year, "missing": True})
    units.sort(key=lambda u: u["year"])
    for u in units:
        if u.get("missing"):
            lines.append(f"{u['year']:<6}{'—':>9}{'—':>10}   không nộp hồ sơ (không có trong lịch sử năm này)")
            continue
        score = fmt_vn(u["rank_value"], 4) if u["rank_value"] is not None else "—"
        rank = f"{u['rank']}/{u['ranked_units']}" if u["rank"] is not None else "chưa xếp"
        change = ""
        if previous is not None and u["rank_value"] is not None and previous["rank_value"] is not None:
            change = f"{_signed(u['rank_value'] - previous['rank_value'])} điểm"
            if previous["year"] != u["year"] - 1:
                change += f" so với năm {previous['year']}"
            if u["rank"] is not None and previous["rank"] is not None:
                steps = previous["rank"] - u["rank"]
                change += (f"; tăng {steps} bậc" if steps > 0 else f"; giảm {-steps} bậc" if steps < 0
                           else "; giữ nguyên hạng")
            if (u["criteria_set"], u["criteria_fingerprint"]) != (previous["criteria_set"],
                                                                    previous["criteria_fingerprint"]):
                change += f" (bộ tiêu chí khác: {previous['criteria_set']} → {u['criteria_set']}, chỉ để tham khảo)"
        appraised = " (sau thẩm định)" if u["appraised_total"] is not None and \
            u["appraised_total"] != u["computed_total"] else ""
        lines.append(f"{u['year']:<6}{score:>9}{rank:>10}   {change}{appraised}".rstrip())
        previous = u
    units = [u for u in units if not u.get("missing")]
    if len(units) >= 2:
        a, b = units[-2], units[-1]
        before, after = scores.get(a["year"], {}), scores.get(b["year"], {})
        changes = []
        for key, row in after.items():
            old = before.get(key)
            new_score = row["appraised"] if row["appraised"] is not None else row["computed"]
            old_score = None if old is None else (old["appraised"] if old["appraised"] is not None else old["computed"])
            if new_score is not None and old_score is not None and new_score != old_score:
                changes.append((key, Decimal(new_score) - Decimal(old_score)))
        if changes:
            lines += ["", f"Tiêu chí thay đổi nhiều nhất từ {a['year']} đến {b['year']}:"]
            changes.sort(key=lambda kv: -abs(kv[1]))
            for key, delta in changes[:TOP_CHANGES]:
                lines.append(f"  {key}: {_signed(delta)} điểm")
            if len(changes) > TOP_CHANGES:
                lines.append(f"  … và {len(changes) - TOP_CHANGES} tiêu chí khác")
    for r in replaced:
        lines.append(f"\nNăm {r['year']}: tệp {r['old_file']} được thay bằng {r['new_file']} ({r['replaced_at']})")
    return "\n".join(lines)
