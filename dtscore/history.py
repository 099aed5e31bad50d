"""Year-over-year history in a database: an embedded SQLite file by default, or any database
SQLAlchemy reaches through a URL (PostgreSQL for a province or ministry that outgrows one PC) —
the same schema and the same code for both.

Per year and unit: the source file and its sha256, the criteria set (id, version, fingerprint),
the totals, the ranking figure and the rank. Per year, unit and criterion: the inputs (JSON), the
computed, claimed and appraised scores, who appraised and why.

Recording is idempotent: the same consolidation run twice leaves the database unchanged (rows
are only written when their content differs). A different file for the same unit and year
replaces that unit's rows, and the replacement (old and new file and hash) is kept in the table
`replacements`. Units of the year that are not in a run are left as they were (a partial
re-run does not erase the others).

`db` everywhere is a file path (SQLite) or a database URL, e.g.
postgresql+psycopg://dtscore@/dtscore?host=/run/postgresql.
"""

import json
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from .errors import DtscoreError
from .safecells import clean_text
from .unitlist import code_key

SCHEMA_VERSION = 1
metadata = sa.MetaData()
META = sa.Table("meta", metadata, sa.Column("name", sa.Text, primary_key=True),
                sa.Column("value", sa.Text, nullable=False))
UNITS = sa.Table(
    "units", metadata,
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("unit_key", sa.Text, primary_key=True),  # the unit code as compared (NFC, case-insensitive)
    *(sa.Column(name, sa.Text, nullable=False) for name in (
        "unit_code", "unit_name", "level", "criteria_set", "criteria_version", "criteria_fingerprint",
        "source_file", "source_sha256")),
    # decimals as text: exact, as the decision reports them
    *(sa.Column(name, sa.Text) for name in ("claimed_total", "computed_total", "appraised_total", "max_total",
                                            "rank_value")),
    sa.Column("rank", sa.Integer), sa.Column("ranked_units", sa.Integer),
    sa.Column("errors", sa.Integer, nullable=False), sa.Column("warnings", sa.Integer, nullable=False),
    sa.Column("recorded_at", sa.Text, nullable=False), sa.Column("updated_at", sa.Text, nullable=False),
)
SCORES = sa.Table(
    "scores", metadata,
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("unit_key", sa.Text, primary_key=True),
    sa.Column("criterion", sa.Text, primary_key=True),
    sa.Column("inputs_json", sa.Text, nullable=False),
    sa.Column("computed", sa.Text), sa.Column("claimed", sa.Text), sa.Column("appraised", sa.Text),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("appraisal_reason", sa.Text), sa.Column("appraisal_reviewer", sa.Text),
    *(sa.Column(name, sa.Text, nullable=False) for name in (
        "criteria_set", "criteria_version", "criteria_fingerprint", "source_sha256", "recorded_at", "updated_at")),
    sa.ForeignKeyConstraint(["year", "unit_key"], ["units.year", "units.unit_key"], ondelete="CASCADE"),
)
REPLACEMENTS = sa.Table(
    "replacements", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("year", sa.Integer, nullable=False),
    *(sa.Column(name, sa.Text, nullable=False) for name in (
        "unit_key", "unit_code", "old_file", "old_sha256", "new_file", "new_sha256", "replaced_at")),
)

def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _text(x):
    return None if x is None else format(Decimal(x), "f")


def _is_url(db) -> bool:
    return "://" in str(db)


def engine(db, create=True) -> sa.Engine:
    """The engine of a history database: a SQLite file path or a database URL."""
    if _is_url(db):
        try:
            return sa.create_engine(str(db))
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise DtscoreError(f"Địa chỉ cơ sở dữ liệu lịch sử không dùng được ({exc})") from None
    path = Path(db)
    if not create and not path.exists():
        raise DtscoreError(f"Không có cơ sở dữ liệu lịch sử {path} (tạo bằng dtscore consolidate … --db {path})")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DtscoreError(f"{path}: không tạo được thư mục ({exc.strerror})") from None
    eng = sa.create_engine(f"sqlite:///{path.resolve()}")
    sa.event.listen(eng, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys = ON"))
    return eng


def shown(db) -> str:
    """The database as said to the user, without a password."""
    return sa.make_url(str(db)).render_as_string(hide_password=True) if _is_url(db) else str(db)


@contextmanager
def connect(db, create=True):
    """A connection in a transaction (committed at the end), on a schema of the right version."""
    eng = engine(db, create)
    try:
        with eng.begin() as conn:
            metadata.create_all(conn)
            found = conn.execute(sa.select(META.c.value).where(META.c.name == "schema_version")).scalar()
            if found is None:
                conn.execute(META.insert().values(name="schema_version", value=str(SCHEMA_VERSION)))
            elif int(found) != SCHEMA_VERSION:
                raise DtscoreError(f"{shown(db)}: cơ sở dữ liệu lịch sử phiên bản {found}, dtscore này dùng "
                                   f"phiên bản {SCHEMA_VERSION}")
            yield conn
    except SQLAlchemyError as exc:
        reason = str(exc.orig if getattr(exc, "orig", None) is not None else exc).strip().splitlines()[0]
        raise DtscoreError(f"{shown(db)}: không mở được cơ sở dữ liệu lịch sử ({reason})") from None
    finally:
        eng.dispose()


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
                "source_file": clean_text(Path(e.file).name), "source_sha256": e.sha256,
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


def record(cons, db, token=None, before_commit=None) -> dict:
    """Store a consolidation; returns counts {"added", "replaced", "updated", "unchanged"}.
    With dtscore.outputs: `token` names the run in the same transaction (so an interrupted run can
    tell whether the history holds it) and before_commit() swaps the run's files in just before
    the commit — if it fails, nothing is stored."""
    if cons.year is None:
        raise DtscoreError("Không xác định được năm đánh giá để lưu lịch sử: dùng --year")
    counts = {"added": 0, "replaced": 0, "updated": 0, "unchanged": 0}
    now = _now()
    with connect(db) as conn:
        for unit, scores in unit_rows(cons):
            key = code_key(unit["unit_code"] or unit["unit_name"])
            this_unit = (UNITS.c.year == cons.year) & (UNITS.c.unit_key == key)
            old = conn.execute(sa.select(UNITS).where(this_unit)).mappings().first()
            if old is not None and old["source_sha256"] != unit["source_sha256"]:
                conn.execute(REPLACEMENTS.insert().values(
                    year=cons.year, unit_key=key, unit_code=unit["unit_code"], old_file=old["source_file"],
                    old_sha256=old["source_sha256"], new_file=unit["source_file"],
                    new_sha256=unit["source_sha256"], replaced_at=now))
                conn.execute(SCORES.delete().where((SCORES.c.year == cons.year) & (SCORES.c.unit_key == key)))
                conn.execute(UNITS.delete().where(this_unit))
                counts["replaced"] += 1
                old = None
            elif old is None:
                counts["added"] += 1
            changed = _upsert(conn, UNITS, {"year": cons.year, "unit_key": key}, unit, old, now)
            for criterion, fields in scores:
                row_key = {"year": cons.year, "unit_key": key, "criterion": criterion}
                changed |= _upsert(conn, SCORES, row_key, fields, _row(conn, SCORES, row_key), now)
            if old is not None:
                counts["updated" if changed else "unchanged"] += 1
        if token is not None:
            _store_token(conn, token)
        if before_commit is not None:
            before_commit()
    return counts


OUTPUT_TOKEN = "output_token"


def _store_token(conn, token):
    """The run's number, inside the open transaction. SQLite keeps it in the file header
    (user_version), not in a table, so that an identical re-run still changes no row; a no-op
    update first makes sure the driver has begun the transaction the pragma must belong to."""
    if conn.dialect.name == "sqlite":
        conn.execute(META.update().where(META.c.name == "schema_version").values(value=META.c.value))
        conn.exec_driver_sql(f"PRAGMA user_version = {int(token)}")
        return
    if conn.execute(sa.select(META.c.value).where(META.c.name == OUTPUT_TOKEN)).first() is None:
        conn.execute(META.insert().values(name=OUTPUT_TOKEN, value=str(token)))
    else:
        conn.execute(META.update().where(META.c.name == OUTPUT_TOKEN).values(value=str(token)))


def holds_token(db, token) -> bool:
    """Whether the history committed the run named `token` (see record)."""
    if not _is_url(db) and not Path(db).exists():
        return False
    with connect(db, create=False) as conn:
        if conn.dialect.name == "sqlite":
            return conn.exec_driver_sql("PRAGMA user_version").scalar() == int(token)
        return conn.execute(sa.select(META.c.value).where(META.c.name == OUTPUT_TOKEN)).scalar() == str(token)


def _row(conn, table, key: dict):
    return conn.execute(sa.select(table).where(*(table.c[k] == v for k, v in key.items()))).mappings().first()


def _upsert(conn, table, key: dict, fields: dict, old, now) -> bool:
    """Insert the row, or update it where its fields differ; True if anything was written."""
    if old is None:
        conn.execute(table.insert().values(**key, **fields, recorded_at=now, updated_at=now))
        return True
    if all(old[f] == v for f, v in fields.items()):
        return False
    conn.execute(table.update().where(*(table.c[k] == v for k, v in key.items())).values(**fields, updated_at=now))
    return True


# -- reading back ------------------------------------------------------------------------------


def year_units(db, year) -> dict:
    """{unit key: unit row as a dict, decimals as Decimal} for one year (empty when none)."""
    if not _is_url(db) and not Path(db).exists():
        return {}
    with connect(db) as conn:
        rows = conn.execute(sa.select(UNITS).where(UNITS.c.year == year)).mappings().all()
    return {r["unit_key"]: _decoded(r) for r in rows}


def _decoded(row) -> dict:
    out = dict(row)
    for f in ("claimed_total", "computed_total", "appraised_total", "max_total", "rank_value"):
        out[f] = Decimal(out[f]) if out[f] is not None else None
    return out


def unit_history(db, code) -> tuple:
    """(unit rows by year, {year: {criterion: score row}}) for one unit code, oldest year first."""
    key = code_key(code)
    with connect(db, create=False) as conn:
        found = conn.execute(sa.select(UNITS).where(UNITS.c.unit_key == key).order_by(UNITS.c.year)).mappings()
        units = [_decoded(r) for r in found]
        scores: dict = {}
        for r in conn.execute(sa.select(SCORES).where(SCORES.c.unit_key == key).order_by(SCORES.c.year)).mappings():
            scores.setdefault(r["year"], {})[r["criterion"]] = dict(r)
        replaced = [dict(r) for r in conn.execute(
            sa.select(REPLACEMENTS).where(REPLACEMENTS.c.unit_key == key).order_by(REPLACEMENTS.c.id)).mappings()]
    return units, scores, replaced


def recorded_years(db) -> list:
    """Every year the history holds (for any unit), oldest first."""
    with connect(db, create=False) as conn:
        return list(conn.execute(sa.select(UNITS.c.year).distinct().order_by(UNITS.c.year)).scalars())
