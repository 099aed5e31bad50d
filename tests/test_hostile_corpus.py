"""The hostile corpus (issue 16): every attack of tests/hostile.py in one inbox next to good files,
run through `dtscore validate` and `dtscore consolidate --workers 2` as fresh processes. Each
attack gets its message, every good file is processed, the process tree's peak memory stays
bounded (the 2 GB bomb included), and RESULT.xlsx, the CSV tables and the history agree."""

import csv
import os
import re
import sqlite3

import openpyxl
import pytest

from tests import hostile

GOOD = ["X-A", "X-B", "X-C"]
PROCESSED = {"X-NB": "a non-UTF-8 file name", "X-J": "a file named javascript:", "X-CTL": "control characters",
             "X-EXT": "external and #REF! names"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    inbox = root / "hop-thu"
    inbox.mkdir()
    outside = root / "ngoai"
    outside.mkdir()
    work = root / "work"
    work.mkdir()
    for i, code in enumerate(GOOD, start=1):
        hostile.good_unit(inbox, code, seed=i)
    base = hostile.good_unit(work, "X-T", seed=7)
    attacks = {}

    def attack(code, message, make):
        attacks[code] = message
        make(inbox / f"{code}.xlsx")

    attack("X-BOM", "vượt giới hạn an toàn", lambda p: hostile.deflate_bomb(base, p, gigabytes=2))
    attack("X-DTD", "DTD", lambda p: hostile.with_workbook_xml(base, p, lambda x: re.sub(
        r"<workbook\b", lambda m: '<!DOCTYPE w [<!ENTITY a "aaaa">]>' + m.group(0), x, count=1)))
    attack("X-PARTS", "số phần trong tệp nén", lambda p: _many_parts(base, p))
    attack("X-NUM", "Số liệu ngoài phạm vi", lambda p: hostile.set_cell_xml(
        hostile.good_unit(work, "X-NUM", seed=8), p, "X04_ratio", hostile.number_cell("1e308")))
    attack("X-NAN", "Số liệu ngoài phạm vi", lambda p: hostile.set_cell_xml(
        hostile.good_unit(work, "X-NAN", seed=9), p, "X05_claimed", hostile.number_cell("NaN")))
    attack("X-MOV", "Tên vùng bị trỏ sang ô khác", lambda p: hostile.retarget(
        hostile.good_unit(work, "X-MOV", seed=10), p, "X04_ratio", "'Chấm điểm'!$B$1"))
    attack("X-YR", "Năm đánh giá", lambda p: hostile.set_cell_xml(
        hostile.good_unit(work, "X-YR", seed=11), p, "year", hostile.text_cell("năm nay")))
    attack("X-HONG", "bị hỏng", lambda p: p.write_bytes(b"PK\x03\x04" + os.urandom(2000)))
    hostile.add_names(hostile.good_unit(work, "X-EXT", seed=12), inbox / "X-EXT.xlsx",
                      {"Cu": "[1]Sheet1!$A$1", "Hong": "#REF!"})
    hostile.good_unit(inbox, "X-CTL", "Xã _x001B_[2J_x001B_]0;x_x0007_", seed=13, evidence={"X03": "dòng 1_x000B_dòng 2"})
    hostile.good_unit(inbox, "X-J", seed=14, file_name="javascript:alert(1).xlsx")
    hostile.non_utf8_name(inbox, hostile.good_unit(work, "X-NB", seed=15))
    os.mkfifo(inbox / "X-FIFO.xlsx")
    (inbox / "X-ZERO.xlsx").symlink_to("/dev/zero")
    (inbox / "X-OUT.xlsx").symlink_to(hostile.good_unit(outside, "X-OUT", seed=16))
    skipped = {"X-FIFO": "Không phải tệp thường", "X-ZERO": "Không phải tệp thường",
               "X-OUT": "trỏ ra ngoài thư mục hồ sơ"}
    return root, inbox, attacks, skipped


def _many_parts(base, path):
    import zipfile

    hostile.rewrite(base, path, lambda n, d: d)
    with zipfile.ZipFile(path, "a") as z:
        for i in range(1001):
            z.writestr(f"customXml/item{i}.xml", b"<a/>")


def _run(*args):
    return hostile.run_dtscore(*args)


def test_validate_reports_every_attack_and_checks_every_good_file(corpus):
    root, inbox, attacks, _ = corpus
    done, peak = _run("validate", str(inbox), "--report", str(root / "bao-cao.html"))
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert "\x1b" not in out and "\x07" not in out
    blocks = {re.search(r"(X-[A-Z]+)", b).group(1): b for b in out.split("━━ ")[1:]}
    for code in GOOD + list(PROCESSED):
        assert "Không đọc được" not in blocks[code], blocks[code]
    for code, message in attacks.items():
        assert message in blocks[code], (code, blocks[code])
    assert peak < 300, f"peak RSS {peak:.0f} MB"
    page = (root / "bao-cao.html").read_text(encoding="utf-8")
    assert not re.search(r'href="(?!\./|\.\./)', page)


def test_consolidate_goes_on_and_its_outputs_agree(corpus):
    root, inbox, attacks, skipped = corpus
    out, db, csv_dir = root / "ket-qua.xlsx", root / "h.sqlite", root / "csv"
    done, peak = _run("consolidate", str(inbox), "-o", str(out), "--db", str(db), "--csv", str(csv_dir),
                      "--workers", "2", "--no-progress")
    assert done.returncode == 0, done.stderr
    assert peak < 300, f"peak RSS {peak:.0f} MB"
    assert "\x1b" not in done.stdout + done.stderr
    wb = openpyxl.load_workbook(out)
    files = _rows(wb["Tệp"])
    findings = " ".join(" ".join(str(c) for c in r.values() if c) for r in _rows(wb["Phát hiện"]))
    for code, message in {**attacks, **skipped}.items():
        row = next(r for r in files if code in str(r.get("Tệp")))
        assert message in " ".join(str(v) for v in row.values() if v) or message in findings, (code, row)
    ranking = next(ws for ws in wb if ws.title.startswith("Xếp hạng"))
    ranks = {r["Mã đơn vị"]: r["Hạng"] for r in _rows(ranking)}
    for code in GOOD + list(PROCESSED):
        assert ranks.get(code) is not None, (code, ranks)
    for code in ("X-MOV", "X-YR", "X-NUM"):
        assert ranks.get(code, "absent") is None, (code, ranks)
    assert not {"X-BOM", "X-DTD", "X-PARTS", "X-HONG", "X-OUT", "X-FIFO", "X-ZERO"} & set(ranks)
    with sqlite3.connect(db) as conn:
        stored = {r[0] for r in conn.execute("SELECT unit_code FROM units")}
    assert stored == set(ranks) - {"X-YR"}  # a unit without a valid year is not stored
    with open(csv_dir / "diem.csv", encoding="utf-8-sig") as fh:
        in_csv = {r["Mã đơn vị"] for r in csv.DictReader(fh)}
    assert in_csv == {r["Mã đơn vị"] for r in _rows(wb["Điểm"])}
    assert not [p for p in root.rglob(".~*")]


def _rows(ws, header_row=4):
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    header = list(rows[0])
    return [dict(zip(header, r)) for r in rows[1:] if any(v is not None for v in r)]
