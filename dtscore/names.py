"""The Vietnamese name of every code a person reads (levels, statuses, formula modes). Sheets,
reports and the console show these names; JSON, CSV and the history database keep the codes."""

LEVEL_NAMES = {"tinh": "Cấp tỉnh", "huyen": "Cấp huyện", "xa": "Cấp xã"}
STATUS_NAMES = {"scored": "đã tính", "not_applicable": "không áp dụng", "pending": "chờ tổng hợp",
                "unscored": "chưa tính được"}
FILE_STATUS_NAMES = {"used": "đã tổng hợp", "superseded": "bỏ qua (trùng đơn vị)", "unreadable": "không đọc được",
                     "skipped": "bỏ qua (không phải bảng tính)"}  # what consolidation did with a file
MODE_NAMES = {"udf": "hàm DT_* (add-in xlwings)", "native": "công thức Excel thường"}


def level_name(code, title: str = "") -> str:
    """'Cấp huyện' for 'huyen'; a set's own level title (or the code itself) for other codes."""
    if code in LEVEL_NAMES:
        return LEVEL_NAMES[code]
    return title or str(code or "")


def level_code(text, codes=LEVEL_NAMES) -> str:
    """The code back from a name as a sheet shows it ('Cấp huyện' → 'huyen'); codes pass through."""
    text = str(text or "").strip()
    for code in codes:
        if text.casefold() in (code.casefold(), LEVEL_NAMES.get(code, code).casefold()):
            return code
    return text
