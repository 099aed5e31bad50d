"""Consolidation: from an inbox of unit workbooks to the ranked result of every level.

Steps, in order:
1. read every workbook (`dtscore.reading`: each file validated under a guard, over the cores);
2. set aside what cannot take part: unreadable or foreign files, the older of two files for one
   unit (both reported), workbooks of another year or of another level than the unit list says;
3. apply the reviewers' appraisal (thẩm định), if any: a verified input re-scores the criterion
   through the validation core, a verified score replaces it;
4. fill in the Min-Max criteria, which depend on every unit of the level;
5. rank each level (ties share a rank, the next rank is skipped) on the appraised total when there
   is an appraisal, else on the computed total; units with a blocking error are listed, flagged
   and left unranked.

Nothing here writes files: see result_workbook (RESULT.xlsx and CSV) and history (SQLite).
"""

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .criteria import CriteriaSet, Level, load_set
from .decimals import fmt_vn, round_half_up, to_decimal
from .errors import DtscoreError
from .findings import ERROR, WARNING, Finding
from .limits import entry_problem
from .names import level_name
from .ranking import competition_ranks, summary
from .reading import Read, failed, read_all, read_unit
from .rescoring import with_scores
from .scoring import NOT_APPLICABLE, PENDING, UNSCORED, UnitResult
from .unitlist import code_key, level_matches, name_key, unit_identity
from .validation import year_problem
from .values import nfc

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".ods"}

# What happened to a file.
USED, SUPERSEDED, UNREADABLE, SKIPPED = "used", "superseded", "unreadable", "skipped"


@dataclass(frozen=True)
class Skipped:
    """A file of the inbox that is not read, and why (Vietnamese)."""

    path: str
    reason: str

    def __str__(self):
        return self.path


NOT_A_SPREADSHEET = "Không phải tệp bảng tính, bỏ qua"


def inbox_files(inbox, exclude=()) -> tuple:
    """(spreadsheets, other files) under the inbox folder, sorted; Office lock files (~$…) and
    hidden files are ignored, and so are the outputs of this run (`exclude`). Other files are
    `Skipped` with the reason: not a spreadsheet, a link leaving the inbox, not a regular file.
    Linked folders are not entered (no loops)."""
    inbox = Path(inbox)
    excluded = {os.path.realpath(p) for p in exclude if p}
    sheets: list = []
    others: list = []
    for path in _walk(inbox):
        if path.name.startswith(("~$", ".")) or os.path.realpath(path) in excluded:
            continue
        problem = entry_problem(path, inbox)
        if problem:
            others.append(Skipped(str(path), problem))
        elif path.is_dir():
            continue  # a link to a folder inside the inbox: its files are listed where they are
        elif path.suffix.lower() in SPREADSHEET_SUFFIXES:
            sheets.append(path)
        else:
            others.append(Skipped(str(path), NOT_A_SPREADSHEET))
    return sheets, others


def _walk(folder: Path):
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        else:
            yield Path(entry.path)


# -- the model of a consolidation --------------------------------------------------------------


@dataclass
class Entry:
    """One file of the inbox and what consolidation made of it."""

    file: str
    mtime: float = 0.0
    validation: object = None
    status: str = USED
    notes: list = field(default_factory=list)
    code: str = ""
    name: str = ""
    level: str = ""
    criteria_set: str = ""
    year: int | None = None
    computed: UnitResult | None = None  # the engine's result, Min-Max criteria filled in
    appraised: UnitResult | None = None  # after the appraisal (None when there is none)
    appraisals: list = field(default_factory=list)  # appraisal.Applied, per criterion
    refusals: list = field(default_factory=list)  # appraisal.Refused: entries not applied, and why
    origin: str = ""  # where the file came from when not sent directly ("goi-HCT.zip › ho-so/x.xlsx")
    excluded: list = field(default_factory=list)  # why the unit is not ranked (Vietnamese)
    rank: int | None = None
    rank_value: Decimal | None = None

    @property
    def final(self) -> UnitResult | None:
        """The result the ranking uses: appraised when there is an appraisal, else computed."""
        return self.appraised if self.appraised is not None else self.computed

    @property
    def sha256(self) -> str:
        return getattr(self.validation, "sha256", "") or ""

    @property
    def findings(self) -> list:
        """The workbook's own findings, then consolidation's notes."""
        own = list(getattr(self.validation, "findings", []) or [])
        return own + self.notes

    def count(self, severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count(ERROR)

    @property
    def warnings(self) -> int:
        return self.count(WARNING)

    @property
    def flag(self) -> str:
        """The one line the ranking sheet shows next to the unit."""
        if self.excluded:
            return "Chưa xếp hạng: " + "; ".join(self.excluded)
        parts = []
        if self.errors:
            parts.append("có lỗi, xem “Phát hiện”")
        if any(n.code == "DUPLICATE_UNIT" for n in self.notes):
            parts.append("đơn vị gửi nhiều tệp")
        if any(n.code == "UNKNOWN_UNIT" for n in self.notes):
            parts.append("không có trong danh sách đơn vị")
        if self.appraisals:
            parts.append(f"đã thẩm định {len(self.appraisals)} tiêu chí")
        return "; ".join(parts)


@dataclass
class LevelGroup:
    """The units of one level of one criteria set: ranked first, then those not ranked."""

    cs: CriteriaSet
    level: Level
    entries: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # ListedUnit without a submission

    @property
    def ranked(self) -> list:
        return [e for e in self.entries if e.rank is not None]

    @property
    def unranked(self) -> list:
        return [e for e in self.entries if e.rank is None]

    @property
    def with_errors(self) -> int:
        return sum(1 for e in self.entries if e.errors)

    def total_summary(self) -> dict:
        return summary(e.rank_value for e in self.ranked)

    def criterion_summary(self, key) -> dict:
        """Statistics of the final scores of one criterion over the ranked units where it applies."""
        scores = []
        for e in self.ranked:
            row = e.final.criterion(key)
            if row.status != NOT_APPLICABLE and row.score is not None:
                scores.append(row.score)
        return summary(scores)


@dataclass
class Consolidation:
    year: int | None
    groups: list  # LevelGroup, in the criteria set's level order
    entries: list  # every file, sorted by path
    units_listed: bool = False
    appraisal_file: str | None = None
    appraisal_notes: list = field(default_factory=list)  # appraisal rows that matched no unit
    missing: list = field(default_factory=list)  # every listed unit without a submission
    previous: dict | None = None  # filled by history: {unit code key: previous year's row}

    @property
    def used(self) -> list:
        return [e for e in self.entries if e.status == USED and e.computed is not None]

    @property
    def has_appraisal(self) -> bool:
        return self.appraisal_file is not None


# -- consolidation -----------------------------------------------------------------------------


def consolidate(paths, *, year=None, units=None, appraisal=None, workers=None, progress=True,
                skipped=(), refused=()) -> Consolidation:
    """Consolidate workbooks. `units`: ListedUnit list (units.csv) or None; `appraisal`: the
    path of a filled appraisal workbook or None; `skipped`: non-spreadsheet files to report; `refused`:
    (file, reason) of files not read at all (a district's package refused them), listed as unreadable."""
    reads = read_all(sorted(str(p) for p in paths), workers, progress, read=read_unit)
    reads += [failed(file, reason) for file, reason in refused]
    return consolidate_reads(reads, year=year, units=units, appraisal=appraisal, skipped=skipped)


def consolidate_reads(reads, *, year=None, units=None, appraisal=None, skipped=()) -> Consolidation:
    """The consolidation of files already read (`Read`s): everything after reading."""
    entries = [_entry(read) for read in reads]
    entries += [Entry(str(p), status=SKIPPED, notes=[Finding("FILE_SKIPPED", None, getattr(p, "reason", NOT_A_SPREADSHEET))])
                for p in skipped]
    entries.sort(key=lambda e: e.file)
    _mark_bad_year(entries)
    year = int(year) if year is not None else _common_year(entries)
    _mark_wrong_year(entries, year)
    _settle_duplicates(entries)
    missing = _match_unit_list(entries, units) if units is not None else []
    book = None
    if appraisal:
        from . import appraisal as appraisal_mod  # only with an appraisal (its import costs every reader of many files)

        book = appraisal_mod.read_appraisal(appraisal)
    groups = _groups(entries, missing)
    appraisal_notes = []
    for group in groups:
        if book is not None:
            _appraise(group, book)
        _fill_minmax(group)
        _rank(group)
    if book is not None:
        appraisal_notes = book.problems + book.unmatched(
            {(g.cs.id, g.level.code, code_key(e.code)) for g in groups for e in g.entries})
    return Consolidation(year, groups, entries, units is not None, str(appraisal) if appraisal else None,
                         appraisal_notes, missing)


def _entry(read: Read) -> Entry:
    v = read.validation
    entry = Entry(read.file, read.mtime, v)
    sub = v.submission
    if sub is not None:
        entry.code = nfc(sub.unit.get("code") or "")
        entry.name = nfc(sub.unit.get("name") or "")
        entry.level = nfc(sub.level or "")
        entry.criteria_set = nfc(sub.criteria_set or "")
        entry.year = _year_of(sub.year)
    elif v.result is not None:  # a result without its workbook (scored from data, e.g. in tests)
        entry.code = nfc(v.result.unit.get("code") or "")
        entry.name = nfc(v.result.unit.get("name") or "")
        entry.level, entry.criteria_set = v.result.level, v.result.criteria_set
        entry.year = _year_of(v.result.unit.get("year"))
    if v.error:
        entry.status = UNREADABLE
        entry.notes.append(Finding("FILE_UNREADABLE", None, v.error))
    elif v.result is None:
        entry.status = UNREADABLE
        reasons = "; ".join(f.message for f in v.findings if f.severity == ERROR) or "không rõ bộ tiêu chí hoặc cấp"
        entry.notes.append(Finding("NOT_SCORED", None, f"Không chấm được: {reasons}"))
    else:
        entry.computed = v.result
        if not entry.code:
            entry.notes.append(Finding("NO_UNIT_CODE", None, "Biểu mẫu chưa ghi mã đơn vị: đơn vị được nhận theo tên", name="unit_code"))
    return entry


def _year_of(raw) -> int | None:
    """A whole year, or None (blank, text, a fraction: validation reports those)."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
        return None
    try:
        number = to_decimal(raw)
        return int(number) if number == number.to_integral_value() else None
    except (ValueError, TypeError, ArithmeticError):
        return None


def _common_year(entries) -> int | None:
    years = Counter(e.year for e in entries if e.status == USED and e.year is not None)
    return years.most_common(1)[0][0] if years else None


def _mark_bad_year(entries):
    """A blank, text, fractional or implausible year is no year: flagged, never ranked or stored."""
    for e in entries:
        if e.status == USED and e.validation is not None and year_problem(e.validation):
            e.year = None
            e.notes.append(Finding("WRONG_YEAR", None, "Năm đánh giá trong biểu mẫu không hợp lệ (xem “Phát hiện”): không "
                                                       "xếp hạng, không lưu vào lịch sử", name="year"))
            e.excluded.append("năm đánh giá không hợp lệ")


def _mark_wrong_year(entries, year):
    if year is None:
        return
    for e in entries:
        if e.status == USED and e.year is not None and e.year != year:
            e.notes.append(Finding("WRONG_YEAR", None, f"Biểu mẫu năm {e.year}, đang tổng hợp năm {year}", name="year"))
            e.excluded.append(f"biểu mẫu năm {e.year}")


def _settle_duplicates(entries):
    """Two files for one unit: the most recently modified is kept (the first by name on a tie);
    both are reported."""
    by_unit = defaultdict(list)
    for e in entries:
        if e.status == USED:
            by_unit[unit_identity(e.code, e.name)].append(e)
    for same in by_unit.values():
        if len(same) < 2:
            continue
        # A file of the year consolidated is kept over any other year's, however recent; then the most
        # recent (max keeps the first of equals: entries are sorted by name).
        kept = max(same, key=lambda e: (not _wrong_year(e), e.mtime))
        others = [e for e in same if e is not kept]
        names = ", ".join(Path(e.file).name for e in others)
        why = "đúng năm đang tổng hợp" if any(_wrong_year(e) for e in others) else "sửa gần nhất"
        kept.notes.append(Finding("DUPLICATE_UNIT", None, f"Đơn vị {kept.code or kept.name} có {len(same)} tệp: dùng "
                                                       f"tệp này ({why}), bỏ qua {names}"))
        for e in others:
            e.status = SUPERSEDED
            reason = "tệp của năm đang tổng hợp" if _wrong_year(e) and not _wrong_year(kept) else "tệp sửa gần hơn"
            e.notes.append(Finding("SUPERSEDED", None, f"Bỏ qua tệp này: đơn vị {e.code or e.name} đã có {reason} "
                                              f"{Path(kept.file).name}"))


def _wrong_year(entry) -> bool:
    return any(n.code == "WRONG_YEAR" for n in entry.notes)


def _match_unit_list(entries, units) -> list:
    """Notes for units outside the list or differing from it; returns the listed units missing."""
    listed = {code_key(u.code): u for u in units}
    by_name = {name_key(u.name): u for u in units}
    seen = set()
    for e in entries:
        if e.status != USED:
            continue
        unit = listed.get(code_key(e.code)) if e.code else by_name.get(name_key(e.name))
        if unit is None:
            e.notes.append(Finding("UNKNOWN_UNIT", None, f"Đơn vị “{e.code or e.name}” không có trong danh sách đơn vị", name="unit_code"))
            continue
        seen.add(code_key(unit.code))
        if e.code and unit.name and name_key(unit.name) != name_key(e.name):
            e.notes.append(Finding("UNIT_NAME_DIFFERS", None, f"Tên trong biểu mẫu “{e.name}” khác tên trong danh sách "
                                                     f"“{unit.name}” (mã {unit.code})", name="unit_name"))
        if not e.code:
            e.code = unit.code  # identified by name: the list gives the code
        if not _level_is(unit.level, e):
            e.notes.append(Finding("LEVEL_DIFFERS", None, f"Biểu mẫu {level_name(e.level).lower()}, danh sách ghi đơn vị "
                                                 f"thuộc cấp “{unit.level}”: dùng đúng biểu mẫu của cấp mình", name="level"))
            e.excluded.append(f"biểu mẫu {level_name(e.level).lower()}, danh sách ghi cấp “{unit.level}”")
    return [u for u in units if code_key(u.code) not in seen]


def _level_is(listed, entry) -> bool:
    try:
        return level_matches(listed, load_set(entry.criteria_set).level(entry.level))
    except DtscoreError:
        return code_key(listed) == code_key(entry.level)


def _groups(entries, missing) -> list:
    """One group per (criteria set, level), in the set's level order; listed units missing a
    submission go to the group of their level."""
    groups = {}
    for e in entries:
        if e.status == USED:
            cs = load_set(e.criteria_set)
            key = (cs.id, e.level)
            if key not in groups:
                groups[key] = LevelGroup(cs, cs.level(e.level))
            groups[key].entries.append(e)
    for unit in missing:
        matching = [g for g in groups.values() if level_matches(unit.level, g.level)]
        if matching:
            matching[0].missing.append(unit)
    return sorted(groups.values(), key=lambda g: (g.cs.id, list(g.cs.levels).index(g.level.code)))


# -- appraisal, Min-Max, ranking ---------------------------------------------------------------


def _appraise(group: LevelGroup, book):
    from . import appraisal as appraisal_mod

    for e in group.entries:
        items = book.for_unit(group.cs.id, group.level.code, e.code)
        result, applied, refused, notes = appraisal_mod.apply(group.cs, group.level, e.validation, items)
        e.appraised, e.appraisals, e.refusals = result, applied, refused
        e.notes.extend(notes)


def _competing(group) -> list:
    return [e for e in group.entries if not any(n.code in ("WRONG_YEAR", "LEVEL_DIFFERS") for n in e.notes)]


def _fill_minmax(group: LevelGroup):
    """Score the Min-Max criteria across the units of the level (computed and appraised apart)."""
    keys = [c for c in group.level.leaves() if c.rule_kind.across_units]
    if not keys:
        return
    entries = _competing(group)
    for attr in ("computed", "appraised"):
        present = [e for e in entries if getattr(e, attr) is not None]
        filled: dict = {id(e): {} for e in present}
        for crit in keys:
            values = [(e, getattr(e, attr).criterion(crit.key)) for e in present]
            values = [(e, row.inputs.get("value")) for e, row in values if row.status == PENDING]
            values = [(e, Decimal(v)) for e, v in values if v is not None]
            if not values:
                continue
            lowest, highest = min(v for _, v in values), max(v for _, v in values)
            for e, value in values:
                score = round_half_up(crit.rule_kind.score_across(crit.params, value, lowest, highest, crit.max_points),
                                      group.cs.decimals)
                filled[id(e)][crit.key] = score
                if attr == "computed":
                    e.notes.append(Finding("MINMAX_FILLED", crit.key, f"{crit.key}: giá trị {fmt_vn(value, 4)} (thấp nhất "
                                        f"{fmt_vn(lowest, 4)}, cao nhất {fmt_vn(highest, 4)} trong {len(values)} đơn "
                                        f"vị) → {fmt_vn(score, group.cs.decimals)} điểm"))
        for e in present:
            setattr(e, attr, with_scores(group.cs, getattr(e, attr), filled[id(e)]))


def rank_value(cs: CriteriaSet, level: Level, result: UnitResult) -> Decimal | None:
    """The figure units are ranked on: the level's index when it has one (DTI); otherwise the
    total, brought back to the level's maximum when a part did not apply (hạ điểm chuẩn), so a unit
    is neither helped nor hurt by a criterion that does not concern it."""
    if level.index:
        return result.index
    if result.max_total == level.max_total:
        return result.total
    if result.max_total <= 0:
        return None
    return round_half_up(result.total / result.max_total * level.max_total, cs.decimals)


def blocking_reasons(entry: Entry) -> list:
    """Why a unit's total cannot be relied on for the ranking (besides year/level exclusions)."""
    reasons = []
    result = entry.final
    if result is None:
        return ["chưa có kết quả chấm điểm"]
    unscored = [r.key for r in result.criteria if not r.is_group and r.status in (UNSCORED, PENDING)]
    if unscored:
        reasons.append(f"chưa tính được điểm tiêu chí {', '.join(unscored)}")
    if any(f.code == "TEMPLATE_MISMATCH" for f in entry.findings):
        reasons.append("biểu mẫu không khớp bộ tiêu chí")
    appraised = {a.key for a in entry.appraisals}
    moved = sorted({f.name for f in entry.findings if f.code == "NAME_RETARGETED" and (f.key is None or f.key not in appraised)})
    if moved:  # the figure may not be what the unit's sheet shows: only an appraisal settles it
        reasons.append(f"tên vùng bị trỏ sang ô khác ({', '.join(moved[:3])}{'…' if len(moved) > 3 else ''}), chờ "
                       "thẩm định")
    return reasons


def _rank(group: LevelGroup):
    for e in group.entries:
        e.excluded = [r for r in e.excluded if r] + blocking_reasons(e)
        e.rank_value = rank_value(group.cs, group.level, e.final)
    eligible = [e for e in group.entries if not e.excluded and e.rank_value is not None]
    for e, rank in zip(eligible, competition_ranks([e.rank_value for e in eligible])):
        e.rank = rank
    group.entries.sort(key=lambda e: (e.rank is None, e.rank or 0, -(e.rank_value or 0), name_key(e.name)))
