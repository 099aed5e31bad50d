"""Limits before parsing (issue 16): sizes, ratio, parts, names, cells, strings — checked on the zip
directory or while streaming, so a bomb is refused before it expands; only regular files are read;
a link leaving the inbox is reported, not followed; XML with a DTD is refused."""

import os
import re
import subprocess
import sys
import zipfile

import pytest

from dtscore.cli import main
from dtscore.limits import LIMITS, limits_set
from dtscore.validation import validate_file
from tests import hostile

REFUSED = "vượt giới hạn an toàn"


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return hostile.good_unit(tmp_path_factory.mktemp("good"), "X-A")


def _error(path):
    v = validate_file(path)
    assert v.error, "the file was read"
    return v.error


def test_the_template_is_far_inside_every_limit(good):
    with zipfile.ZipFile(good) as z:
        infos = z.infolist()
        names = z.read("xl/workbook.xml").count(b"<definedName ")
    assert len(infos) * 10 < LIMITS.parts
    assert max(i.file_size for i in infos) * 50 < LIMITS.part_bytes
    assert names * 10 < LIMITS.defined_names
    assert good.stat().st_size * 100 < LIMITS.file_bytes
    assert validate_file(good).error is None


@pytest.mark.parametrize("declared", [None, 1 << 20], ids=["declared-2GB", "lying-1MB"])
def test_a_2gb_bomb_is_refused_with_bounded_memory_and_the_good_file_is_checked(good, tmp_path, declared):
    """Run in a fresh process, so that its peak RSS is the bomb's alone."""
    inbox = tmp_path / "hop-thu"
    inbox.mkdir()
    (inbox / "X-A.xlsx").write_bytes(good.read_bytes())
    hostile.deflate_bomb(good, inbox / "X-BOM.xlsx", gigabytes=2, declared=declared)
    assert (inbox / "X-BOM.xlsx").stat().st_size < 5 * 1024 * 1024
    run, peak = hostile.run_dtscore("validate", inbox, timeout=300)
    if declared is None:
        assert run.returncode == 1, run.stderr
        bomb = next(r for r in run.stdout.split("━━ ") if "X-BOM" in r)
        assert REFUSED in bomb
        assert "1 không đọc được" in run.stdout and "2 tệp: 1 đọc được" in run.stdout
    else:  # the directory claims 1 MB: within the limits, and the part is never inflated (nor would be past 1 MB)
        assert run.returncode == 0 and "2 tệp: 2 đọc được" in run.stdout, run.stdout
    assert peak < 300, f"peak RSS {peak:.0f} MB"


def _extra_parts(good, out, count, size=10):
    return hostile.rewrite(good, out, lambda n, d: d) if count == 0 else _add_parts(good, out, count, size)


def _add_parts(good, out, count, size):
    hostile.rewrite(good, out, lambda n, d: d)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        for i in range(count):
            z.writestr(f"customXml/item{i}.xml", b"<a/>" + b" " * size)
    return out


def test_too_many_parts(good, tmp_path):
    error = _error(_add_parts(good, tmp_path / "p.xlsx", LIMITS.parts, 1))
    assert REFUSED in error and "số phần trong tệp nén" in error


def test_a_part_too_large_or_compressed_too_well(good, tmp_path):
    with limits_set(part_bytes=2 * 1024 * 1024):
        error = _error(_add_parts(good, tmp_path / "big.xlsx", 1, 3 * 1024 * 1024))
    assert REFUSED in error and "khi giải nén" in error
    error = _error(_add_parts(good, tmp_path / "ratio.xlsx", 1, 8 * 1024 * 1024))  # ~1000:1
    assert REFUSED in error and "tỉ lệ nén" in error


def test_a_file_too_large(good, tmp_path):
    with limits_set(file_bytes=good.stat().st_size - 1):
        assert "kích thước tệp" in _error(good)


def test_too_many_defined_names(good, tmp_path):
    names = {f"n{i}": "'Chấm điểm'!$A$1" for i in range(LIMITS.defined_names + 1)}
    error = _error(hostile.add_names(good, tmp_path / "n.xlsx", names))
    assert REFUSED in error and "tên vùng" in error


def test_too_many_rows_and_cells_streamed(good, tmp_path):
    path = hostile.sheet_bomb(good, tmp_path / "rows.xlsx", 20_000)
    assert validate_file(path).error is None  # 20.000 empty rows are still a workbook
    with limits_set(cells=10_000):
        error = _error(path)
    assert REFUSED in error and "số ô và hàng" in error


def test_too_many_shared_strings_and_a_text_too_long(good, tmp_path):
    table = hostile.shared_strings(good, tmp_path / "sst.xlsx", 6)
    v = validate_file(table)
    assert v.error is None and v.submission.evidence["X01"] == "Văn bản số 1"
    with limits_set(strings=5):
        assert "chuỗi chữ dùng chung" in _error(table)
    long_text = hostile.set_cell_xml(good, tmp_path / "long.xlsx", "X01_evidence",
                                     hostile.text_cell("x" * (LIMITS.string_chars + 1)))
    error = _error(long_text)
    assert REFUSED in error and "độ dài một chuỗi chữ" in error


def test_xml_with_a_dtd_is_refused(good, tmp_path):
    laughs = '<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    path = hostile.with_workbook_xml(good, tmp_path / "dtd.xlsx",
                                     lambda xml: re.sub(r"<workbook\b", lambda m: laughs + m.group(0), xml, count=1))
    assert "DTD" in _error(path)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "loop"])
def test_odd_file_types_in_a_folder_are_reported_never_read(good, tmp_path, kind):
    """In a fresh process with a time-out: reading a FIFO or /dev/zero would block or never end."""
    inbox = tmp_path / "hop-thu"
    inbox.mkdir()
    (inbox / "X-A.xlsx").write_bytes(good.read_bytes())
    odd = inbox / "X-ODD.xlsx"
    if kind == "fifo":
        os.mkfifo(odd)
    elif kind == "dev-zero":
        odd.symlink_to("/dev/zero")
    else:
        odd.symlink_to(inbox / "X-LOOP.xlsx")
        (inbox / "X-LOOP.xlsx").symlink_to(odd)
    for command in (["validate", str(inbox)],
                    ["consolidate", str(inbox), "-o", str(tmp_path / "kq.xlsx"), "--no-progress"]):
        run = subprocess.run([sys.executable, "-m", "dtscore", *command], capture_output=True, text=True, timeout=120)
        assert run.returncode in (0, 1), run.stderr
        if command[0] == "validate":
            assert "X-ODD.xlsx" in run.stdout and "không đọc" in run.stdout
            assert re.search(r"\d+ tệp: 1 đọc được", run.stdout)
        else:
            assert "tổng hợp 1 đơn vị" in run.stdout


def test_a_link_leaving_the_inbox_is_reported_not_followed(good, tmp_path, capsys):
    outside = tmp_path / "ngoai"
    outside.mkdir()
    secret = hostile.good_unit(outside, "X-OUT")
    inbox = tmp_path / "hop-thu"
    inbox.mkdir()
    (inbox / "X-A.xlsx").write_bytes(good.read_bytes())
    (inbox / "X-OUT.xlsx").symlink_to(secret)
    (inbox / "thu-muc-ngoai").symlink_to(outside, target_is_directory=True)
    out = tmp_path / "kq.xlsx"
    assert main(["consolidate", str(inbox), "-o", str(out), "--no-progress"]) == 0
    assert "tổng hợp 1 đơn vị" in capsys.readouterr().out
    import openpyxl

    files = openpyxl.load_workbook(out)["Tệp"]
    text = " ".join(str(c) for row in files.iter_rows(values_only=True) for c in row if c)
    assert text.count("trỏ ra ngoài thư mục hồ sơ") == 2
    assert main(["validate", str(inbox)]) == 1
    assert "trỏ ra ngoài thư mục hồ sơ" in capsys.readouterr().out
