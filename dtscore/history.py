"""Year-over-year history in an embedded SQLite database (stdlib sqlite3, no server).

Per year and unit: the source file and its sha256, the criteria set (id, version, fingerprint),
the totals, the ranking figure and the rank. Per year, unit and criterion: the inputs (JSON), the
computed, claimed and appraised scores, who appraised and why.

Recording is idempotent: the same consolidation run twice leaves the database unchanged (rows
are only written when their content differs). A different file for the same unit and year
replaces that unit's rows, and the replacement (old and new file and hash) is kept in the table
`replacements`. Units of the year that are not in a run are left as they were (a partial
re-run does not erase the others).
"""

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from .errors import DtscoreError
from .unitlist import code_key

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    year INTEGER NOT NULL,
    unit_key TEXT NOT NULL,            -- the unit code as compared (NFC, case-insensitive)
    unit_code TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    level TEXT NOT NULL,
    criteria_set TEXT NOT NULL,
    criteria_version TEXT NOT NULL,
    criteria_fingerprint TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    claimed_total TEXT,                -- decimals as text: exact, as the decision reports them
    computed_total TEXT,
    appraised_total TEXT,
    max_total TEXT,
    rank_value TEXT,
    rank INTEGER,
    ranked_units INTEGER,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (year, unit_key)
);
CREATE TABLE IF NOT EXISTS scores (
    year INTEGER NOT NULL,
    unit_key TEXT NOT NULL,
    criterion TEXT NOT NULL,
    inputs_json TEXT NOT NULL,
    computed TEXT,
    claimed TEXT,
    appraised TEXT,
    status TEXT NOT NULL,
    appraisal_reason TEXT,
    appraisal_reviewer TEXT,
    criteria_set TEXT NOT NULL,
    criteria_version TEXT NOT NULL,
    criteria_fingerprint TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (year, unit_key, criterion),
    FOREIGN KEY (year, unit_key) REFERENCES units (year, unit_key) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS replacements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    unit_key TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    old_file TEXT NOT NULL,
    old_sha256 TEXT NOT NULL,
    new_file TEXT NOT NULL,
    new_sha256 TEXT NOT NULL,
    replaced_at TEXT NOT NULL
);
"""

UNIT_FIELDS = ("unit_code", "unit_name", "level", "criteria_set", "criteria_version", "criteria_fingerprint",
               "source_file", "source_sha256", "claimed_total", "computed_total", "appraised_total", "max_total",
               "rank_value", "rank", "ranked_units", "errors", "warnings")
SCORE_FIELDS = ("inputs_json", "computed", "claimed", "appraised", "status", "appraisal_reason",
                "appraisal_reviewer", "criteria_set", "criteria_version", "criteria_fingerprint", "source_sha256")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _text(x):
    return None if x is None else format(Decimal(x), "f")


def connect(path, create=True) -> sqlite3.Connection:
    path = Path(path)
    if not create and not path.exists():
        raise DtscoreError(f"Không có cơ sở dữ liệu lịch sử {path} (tạo bằng dtscore consolidate … --db {path})")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executescript(SCHEMA)
        found = conn.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
        if found is None:
            conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            conn.commit()
        elif int(found["value"]) != SCHEMA_VERSION:
            raise DtscoreError(f"{path}: cơ sở dữ liệu lịch sử phiên bản {found['value']}, dtscore này dùng "
                               f"phiên bản {SCHEMA_VERSION}")
    except sqlite3.DatabaseError as exc:
        raise DtscoreError(f"{path}: không mở được cơ sở dữ liệu lịch sử ({exc})") from None
    return conn


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def unit_rows(cons) -> list:
    """(unit row, [score rows]) for every unit of the consolidation, as they are stored."""
    out = []
    for g in cons.groups:
        ranked = len(g.ranked)
        for e in g.entries:
            if any(n.code == "WRONG_YEAR" for n in e.notes):
                continue  # another year's workbook: not this year's result of the unit
            applied = {a.key: a for a in e.appraisals}
            unit = {
                "unit_code": e.code, "unit_name": e.name, "level": g.level.code, "criteria_set": g.cs.id,
                "criteria_version": g.cs.version, "criteria_fingerprint": g.cs.fingerprint,
                "source_file": Path(e.file).name, "source_sha256": e.sha256,
                "claimed_total": _text(e.computed.claimed_total), "computed_total": _text(e.computed.total),
                "appraised_total": _text(e.appraised.total) if e.appraised is not None else None,
                "max_total": _text(e.final.max_total), "rank_value": _text(e.rank_value), "rank": e.rank,
                "ranked_units": ranked, "errors": e.errors, "warnings": e.warnings,
            }
            scores = []
            for row in e.computed.criteria:
                final = e.appraised.criterion(row.key) if e.appraised is not None else None
                a = applied.get(row.key)
                scores.append((row.key, {
                    "inputs_json": _json(row.to_dict()["inputs"]), "computed": _text(row.score),
                    "claimed": _text(row.claimed), "appraised": _text(final.score) if final is not None else None,
                    "status": (final or row).status, "appraisal_reason": a.reason if a else None,
                    "appraisal_reviewer": a.reviewer if a else None, "criteria_set": g.cs.id,
                    "criteria_version": g.cs.version, "criteria_fingerprint": g.cs.fingerprint,
                    "source_sha256": e.sha256,
                }))
            out.append((unit, scores))
    return out


def record(cons, db_path) -> dict:
    """Store a consolidation; returns counts {"added", "replaced", "updated", "unchanged"}."""
    if cons.year is None:
        raise DtscoreError("Không xác định được năm đánh giá để lưu lịch sử: dùng --year")
    counts = {"added": 0, "replaced": 0, "updated": 0, "unchanged": 0}
    now = _now()
    with closing(connect(db_path)) as conn, conn:
        for unit, scores in unit_rows(cons):
            key = code_key(unit["unit_code"] or unit["unit_name"])
            old = conn.execute("SELECT * FROM units WHERE year = ? AND unit_key = ?", (cons.year, key)).fetchone()
            if old is not None and old["source_sha256"] != unit["source_sha256"]:
                conn.execute("INSERT INTO replacements (year, unit_key, unit_code, old_file, old_sha256, new_file, "
                             "new_sha256, replaced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (cons.year, key, unit["unit_code"], old["source_file"], old["source_sha256"],
                              unit["source_file"], unit["source_sha256"], now))
                conn.execute("DELETE FROM scores WHERE year = ? AND unit_key = ?", (cons.year, key))
                conn.execute("DELETE FROM units WHERE year = ? AND unit_key = ?", (cons.year, key))
                counts["replaced"] += 1
                old = None
            elif old is None:
                counts["added"] += 1
            changed = _upsert_unit(conn, cons.year, key, unit, old, now)
            for criterion, fields in scores:
                changed |= _upsert_score(conn, cons.year, key, criterion, fields, now)
            if old is not None:
                counts["updated" if changed else "unchanged"] += 1
    return counts


def _upsert_unit(conn, year, key, unit, old, now) -> bool:
    values = [unit[f] for f in UNIT_FIELDS]
    if old is None:
        conn.execute(f"INSERT INTO units (year, unit_key, {', '.join(UNIT_FIELDS)}, recorded_at, updated_at) "
                     f"VALUES ({', '.join('?' * (len(UNIT_FIELDS) + 4))})", (year, key, *values, now, now))
        return True
    if [old[f] for f in UNIT_FIELDS] == values:
        return False
    conn.execute(f"UPDATE units SET {', '.join(f + ' = ?' for f in UNIT_FIELDS)}, updated_at = ? "
                 "WHERE year = ? AND unit_key = ?", (*values, now, year, key))
    return True


def _upsert_score(conn, year, key, criterion, fields, now) -> bool:
    values = [fields[f] for f in SCORE_FIELDS]
    old = conn.execute("SELECT * FROM scores WHERE year = ? AND unit_key = ? AND criterion = ?",
                       (year, key, criterion)).fetchone()
    if old is None:
        conn.execute(f"INSERT INTO scores (year, unit_key, criterion, {', '.join(SCORE_FIELDS)}, recorded_at, "
                     f"updated_at) VALUES ({', '.join('?' * (len(SCORE_FIELDS) + 5))})",
                     (year, key, criterion, *values, now, now))
        return True
    if [old[f] for f in SCORE_FIELDS] == values:
        return False
    conn.execute(f"UPDATE scores SET {', '.join(f + ' = ?' for f in SCORE_FIELDS)}, updated_at = ? "
                 "WHERE year = ? AND unit_key = ? AND criterion = ?", (*values, now, year, key, criterion))
    return True


# -- reading back ------------------------------------------------------------------------------


def year_units(db_path, year) -> dict:
    """{unit key: unit row as a dict, decimals as Decimal} for one year (empty when none)."""
    if not Path(db_path).exists():
        return {}
    with closing(connect(db_path)) as conn:
        rows = conn.execute("SELECT * FROM units WHERE year = ?", (year,)).fetchall()
    return {r["unit_key"]: _decoded(r) for r in rows}


def _decoded(row) -> dict:
    out = dict(row)
    for f in ("claimed_total", "computed_total", "appraised_total", "max_total", "rank_value"):
        out[f] = Decimal(out[f]) if out[f] is not None else None
    return out


def unit_history(db_path, code) -> tuple:
    """(unit rows by year, {year: {criterion: score row}}) for one unit code, oldest year first."""
    key = code_key(code)
    with closing(connect(db_path, create=False)) as conn:
        units = [_decoded(r) for r in conn.execute("SELECT * FROM units WHERE unit_key = ? ORDER BY year", (key,))]
        scores: dict = {}
        for r in conn.execute("SELECT * FROM scores WHERE unit_key = ? ORDER BY year", (key,)):
            scores.setdefault(r["year"], {})[r["criterion"]] = dict(r)
        replaced = [dict(r) for r in conn.execute("SELECT * FROM replacements WHERE unit_key = ? ORDER BY id", (key,))]
    return units, scores, replaced


def recorded_years(db_path) -> list:
    """Every year the history holds (for any unit), oldest first."""
    with closing(connect(db_path, create=False)) as conn:
        return [r[0] for r in conn.execute("SELECT DISTINCT year FROM units ORDER BY year")]
