"""What the reviewer reads on the console after a consolidation run (`dtscore consolidate`, the
demo), in Vietnamese."""

from .consolidation import SUPERSEDED, UNREADABLE
from .decimals import fmt_vn


def summary_text(cons, path, stored=None, db=None, csv_paths=(), csv_dir=None) -> str:
    """What the reviewer reads after a run, in Vietnamese."""
    unreadable = sum(1 for e in cons.entries if e.status == UNREADABLE)
    superseded = sum(1 for e in cons.entries if e.status == SUPERSEDED)
    units = sum(len(g.entries) for g in cons.groups)
    lines = [f"Năm đánh giá {cons.year or '(không rõ)'}: đã đọc {len(cons.entries)} tệp, tổng hợp {units} đơn vị"
             + (f", {unreadable} tệp không đọc được" if unreadable else "")
             + (f", {superseded} tệp trùng đơn vị bị bỏ qua" if superseded else "") + "."]
    for g in cons.groups:
        s = g.total_summary()
        line = f"  {g.level.title}: {len(g.entries)} đơn vị, {len(g.ranked)} được xếp hạng"
        if g.unranked:
            line += f", {len(g.unranked)} chưa xếp hạng (lỗi chặn)"
        if cons.units_listed:
            line += f", {len(g.missing)} chưa nộp" + _named(g.missing)
        if s["count"]:
            best = g.ranked[0]
            line += (f"; cao nhất {fmt_vn(s['max'], 4)} ({best.name or best.code}), trung bình "
                     f"{fmt_vn(s['mean'])}")
        lines.append(line)
    if cons.units_listed:
        placed = {id(u) for g in cons.groups for u in g.missing}
        absent = [u for u in cons.missing if id(u) not in placed]
        if absent:
            lines.append(f"  Các cấp khác: {len(absent)} đơn vị chưa nộp{_named(absent)}")
    if cons.has_appraisal:
        lines += appraisal_summary(cons)
    if stored is not None:
        lines.append(f"Lịch sử {db}: thêm {stored['added']} đơn vị, thay {stored['replaced']} (tệp mới), cập nhật "
                     f"{stored['updated']}, không đổi {stored['unchanged']}")
    lines.append(f"Kết quả: {path}")
    if csv_paths:
        lines.append(f"Bảng CSV: {len(csv_paths)} tệp trong {csv_dir}")
    return "\n".join(lines)


def _named(units, limit=10) -> str:
    """' (Xã A – XA, Xã B – XB, … và 3 đơn vị khác)': who has not submitted, by name and code."""
    if not units:
        return ""
    shown = [f"{u.name} – {u.code}" if u.name and u.code else (u.name or u.code) for u in units[:limit]]
    more = f", … và {len(units) - limit} đơn vị khác" if len(units) > limit else ""
    return f" ({', '.join(shown)}{more})"


def appraisal_summary(cons, limit=30) -> list:
    """What the appraisal changed and what it refused, each refusal with its row and reason."""
    applied = [(e, a) for e in cons.entries for a in e.appraisals]
    refused = [f"{e.code} {r.message}" for e in cons.entries for r in e.refusals]
    refused += [n.message for n in cons.appraisal_notes if n.severity == "error"]
    units = len({id(e) for e, _ in applied})
    lines = [f"Thẩm định: áp dụng {len(applied)} tiêu chí của {units} đơn vị; không áp dụng {len(refused)} mục"
             + (" (xem trang “Thẩm định” và “Phát hiện”):" if refused else "")]
    lines += [f"  - {m}" for m in refused[:limit]]
    if len(refused) > limit:
        lines.append(f"  … và {len(refused) - limit} mục khác")
    warned = [n.message for e in cons.entries for n in e.notes if n.code == "APPRAISAL_WARNING"]
    warned += [n.message for n in cons.appraisal_notes if n.severity != "error"]
    if warned:
        lines.append(f"  Lưu ý ({len(warned)}):")
        lines += [f"  - {m}" for m in warned[:limit]]
    return lines
