"""The history: rows per year, unit and criterion; idempotent re-runs; replacements recorded;
year-over-year in `dtscore history` and the "So sánh năm trước" sheet. Every test runs against the
embedded SQLite file and against a real PostgreSQL (tests/postgres.py), through a database URL."""

import json
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from dtscore import history
from dtscore.cli import main
from dtscore.consolidation import consolidate_reads
from dtscore.criteria import load_set
from dtscore.history import record, year_units
from dtscore.reading import Read
from dtscore.result_workbook import write_result
from dtscore.sampledata import sample_unit
from dtscore.scoring import score_unit
from dtscore.validation import Validation
from tests.postgres import cluster

CS = load_set("soctrang-2023")


def result(code, year, seed, overrides=None):
    s = sample_unit(CS, "huyen", code, f"Huyện {code}", seed=seed)
    inputs = {**s.inputs, **(overrides or {})}
    return score_unit(CS, "huyen", inputs, s.claimed, s.evidence, unit={"code": code, "name": f"Huyện {code}",
                                                                         "year": year})


def cons_of(year, seed=1, sha="a", overrides=None, codes=("H1", "H2", "H3")):
    reads = []
    for code in codes:
        r = result(code, year, seed, overrides if code == "H2" else None)
        reads.append(Read(f"/hop-thu/{code}.xlsx", 0.0, Validation(f"/hop-thu/{code}.xlsx", f"{code}-{sha}", result=r)))
    return consolidate_reads(reads)


@pytest.fixture(scope="module")
def postgres():
    with cluster() as new_database:
        yield new_database


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """Where the history goes: a SQLite file path, or the URL of a new PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "h.sqlite"
    return request.getfixturevalue("postgres")()


def query(db, sql, **params) -> list:
    """Rows (as dicts) of a plain SQL query, the same text on both databases."""
    with history.engine(db).connect() as conn:
        return [dict(r) for r in conn.execute(sa.text(sql), params).mappings()]


def dump(db) -> dict:
    """Every row of every table, in a stable order."""
    with history.engine(db).connect() as conn:
        return {t.name: conn.execute(sa.select(t).order_by(*t.c)).all() for t in history.metadata.sorted_tables}


def test_rows_per_unit_and_criterion(db):
    cons = cons_of(2023)
    counts = record(cons, db)
    assert counts == {"added": 3, "replaced": 0, "updated": 0, "unchanged": 0}
    units = query(db, "SELECT * FROM units ORDER BY unit_code")
    scores = query(db, "SELECT * FROM scores WHERE unit_key = 'h2' ORDER BY criterion")
    assert [u["unit_code"] for u in units] == ["H1", "H2", "H3"]
    h2 = next(e for e in cons.groups[0].entries if e.code == "H2")
    u = next(u for u in units if u["unit_code"] == "H2")
    assert (u["year"], u["level"], u["criteria_set"], u["criteria_version"], u["criteria_fingerprint"]) == (
        2023, "huyen", CS.id, CS.version, CS.fingerprint)
    assert u["source_sha256"] == "H2-a" and Decimal(u["computed_total"]) == h2.computed.total
    assert len(scores) == len(list(CS.level("huyen").walk()))
    h04 = next(s for s in scores if s["criterion"] == "H04")
    assert Decimal(h04["computed"]) == h2.computed.criterion("H04").score
    assert json.loads(h04["inputs_json"]) == {"ratio": float(h2.computed.criterion("H04").inputs["ratio"])}
    assert h04["recorded_at"] and h04["updated_at"]


def test_rerunning_is_idempotent(db):
    record(cons_of(2023), db)
    before = dump(db)
    counts = record(cons_of(2023), db)
    assert counts == {"added": 0, "replaced": 0, "updated": 0, "unchanged": 3}
    assert dump(db) == before


def test_a_changed_file_replaces_the_rows_and_is_recorded(db):
    record(cons_of(2023), db)
    changed = cons_of(2023, sha="b", overrides={"H04": {"ratio": Decimal("0.1")}})
    counts = record(changed, db)
    assert counts["replaced"] == 3  # every file has a new hash in this run
    rows = query(db, "SELECT unit_code, old_sha256, new_sha256 FROM replacements ORDER BY unit_code")
    (h04,) = query(db, "SELECT computed, source_sha256 FROM scores WHERE unit_key = 'h2' AND criterion = 'H04'")
    (n,) = query(db, "SELECT count(*) AS n FROM scores WHERE year = 2023")
    assert [tuple(r.values()) for r in rows] == [("H1", "H1-a", "H1-b"), ("H2", "H2-a", "H2-b"), ("H3", "H3-a", "H3-b")]
    assert Decimal(h04["computed"]) == Decimal("1.25") and h04["source_sha256"] == "H2-b"  # 10 × 10% ÷ 80% = 1,25
    assert n["n"] == 3 * len(list(CS.level("huyen").walk()))  # replaced, not added to


def test_year_over_year(db, tmp_path, capsys):
    record(cons_of(2022, seed=7), db)
    cons = cons_of(2023, seed=1)
    record(cons, db)
    cons.previous = year_units(db, 2022)
    out = write_result(cons, tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(out)["So sánh năm trước"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[1]}
    prev, now = year_units(db, 2022)["h2"], year_units(db, 2023)["h2"]
    assert Decimal(str(rows["H2"][3])) == prev["rank_value"] and Decimal(str(rows["H2"][5])) == now["rank_value"]
    assert Decimal(str(rows["H2"][7])) == now["rank_value"] - prev["rank_value"]
    assert rows["H2"][8] == prev["rank"] - now["rank"]

    assert main(["history", "--unit", "h2", "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert "Đơn vị H2 — Huyện H2" in text and "2022" in text and "2023" in text
    delta = now["rank_value"] - prev["rank_value"]
    shown = ("+" if delta > 0 else "") + f"{delta:.2f}".replace(".", ",").rstrip("0").rstrip(",")
    assert f"{shown} điểm" in text


def test_history_shows_the_years_a_unit_did_not_submit(db, capsys):
    record(cons_of(2021, seed=5), db)
    record(cons_of(2022, seed=7, codes=("H1", "H3")), db)  # H2 sent nothing in 2022
    record(cons_of(2023, seed=1), db)
    assert main(["history", "--unit", "H2", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "(cấp huyện)" in lines[0]
    by_year = {line[:4]: line for line in lines if line[:4] in ("2021", "2022", "2023")}
    assert list(by_year) == ["2021", "2022", "2023"]
    assert "không nộp" in by_year["2022"]
    assert "so với năm 2021" in by_year["2023"]


def test_history_of_an_unknown_unit_or_database(db, tmp_path, capsys):
    assert main(["history", "--unit", "H1", "--db", str(tmp_path / "none.sqlite")]) == 2
    assert "Không có cơ sở dữ liệu lịch sử" in capsys.readouterr().err
    record(cons_of(2023), db)
    assert main(["history", "--unit", "ZZ", "--db", str(db)]) == 2
    assert "Chưa có kết quả" in capsys.readouterr().err


def test_an_unreachable_database_url_is_a_clear_error(postgres, capsys):
    missing = postgres().rsplit("/", 1)[0] + "/khong_co?host=" + postgres().rsplit("host=", 1)[1]
    assert main(["history", "--unit", "H1", "--db", missing]) == 2
    err = capsys.readouterr().err
    assert "không mở được cơ sở dữ liệu lịch sử" in err and "khong_co" in err
    assert main(["history", "--unit", "H1", "--db", "mysql://u:bí-mật@may-chu/ls"]) == 2
    assert "bí-mật" not in capsys.readouterr().err  # a password is never shown


@pytest.mark.parametrize("bad", [b"not a database at all, just text" * 10])
def test_a_damaged_database_is_a_clear_error(tmp_path, capsys, bad):
    db = tmp_path / "h.sqlite"
    db.write_bytes(bad)
    assert main(["history", "--unit", "H1", "--db", str(db)]) == 2
    assert "không mở được cơ sở dữ liệu lịch sử" in capsys.readouterr().err


def test_a_workbook_of_another_year_is_not_stored_as_this_year(db):
    reads = []
    for code, year in (("H1", 2023), ("H2", 2023), ("H3", 2022)):
        r = result(code, year, 1)
        reads.append(Read(f"/hop-thu/{code}.xlsx", 0.0, Validation(f"/hop-thu/{code}.xlsx", code, result=r)))
    cons = consolidate_reads(reads, year=2023)
    record(cons, db)
    assert sorted(year_units(db, 2023)) == ["h1", "h2"]
    assert year_units(db, 2022) == {}
