"""A generator of hostile and careless submissions (issue 16): each attack is a function writing one
file into an inbox, next to good files made from the same sample unit. Attacks are small: the
limits they test are lowered by the tests (dtscore.limits.limits_set), so a "2 GB" bomb needs no
2 GB.

Cells are edited in the package's XML directly (what a program can do and Excel would not), so the
reader meets exactly the bytes an attacker would send.
"""

import os
import re
import zipfile
from datetime import datetime
from pathlib import Path

from dtscore.criteria import load_set
from dtscore.sampledata import cell_values, sample_unit
from tests.fillers import write_unit

CS = load_set("soctrang-2023")
YEAR = 2023
LEVEL = "xa"
MTIME = datetime(2023, 12, 14).timestamp()


def good_unit(folder: Path, code: str, name: str | None = None, *, seed=1, year=YEAR, evidence=None,
              file_name=None, mtime=MTIME) -> Path:
    """A correct commune submission (sample figures) written through the template's names."""
    s = sample_unit(CS, LEVEL, code, name or f"Xã {code}", seed=seed)
    ev = dict(s.evidence)
    ev.update(evidence or {})
    return write_unit(CS, LEVEL, Path(folder) / (file_name or f"{code}.xlsx"), code=code, name=name or f"Xã {code}",
                      inputs=cell_values(CS, LEVEL, s.inputs), claimed=s.claimed, evidence=ev, year=year,
                      mtime=mtime)


def part_of(archive: zipfile.ZipFile, sheet: str) -> str:
    """The zip part of a sheet, through workbook.xml and its rels."""
    wb = archive.read("xl/workbook.xml").decode()
    rid = re.search(r'<sheet [^>]*name="%s"[^>]*r:id="([^"]+)"' % re.escape(sheet), wb).group(1)
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    target = re.search(r'<Relationship [^>]*Id="%s"[^>]*Target="([^"]+)"' % rid, rels)
    if target is None:
        target = re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="%s"' % rid, rels)
    t = target.group(1).lstrip("/")
    return t if t.startswith("xl/") else "xl/" + t


def rewrite(src: Path, out: Path, edit) -> Path:
    """Copy the package, replacing parts: edit(name, bytes) → bytes (or None to drop the part);
    edit may also return extra parts as {name: bytes} under the key None."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = edit(item.filename, zin.read(item.filename))
            if data is not None:
                zout.writestr(item, data)
    return out


def defined_name(path: Path, name: str) -> str:
    xml = zipfile.ZipFile(path).read("xl/workbook.xml").decode()
    return re.search(r'<definedName name="%s"[^>]*>([^<]*)</definedName>' % re.escape(name), xml).group(1)


def with_workbook_xml(src: Path, out: Path, change) -> Path:
    """A copy whose xl/workbook.xml is change(text)."""
    return rewrite(src, out, lambda n, d: change(d.decode()).encode() if n == "xl/workbook.xml" else d)


def retarget(src: Path, out: Path, name: str, reference: str) -> Path:
    """The defined name `name` made to point at `reference` (e.g. an off-screen cell)."""
    def change(xml):
        return re.sub(r'(<definedName name="%s"[^>]*>)[^<]*(</definedName>)' % re.escape(name),
                      lambda m: m.group(1) + reference + m.group(2), xml)
    return with_workbook_xml(src, out, change)


def add_names(src: Path, out: Path, names: dict) -> Path:
    """Extra workbook names {name: reference} (external, broken or just many)."""
    extra = "".join(f'<definedName name="{n}">{ref}</definedName>' for n, ref in names.items())
    return with_workbook_xml(src, out, lambda xml: xml.replace("</definedNames>", extra + "</definedNames>"))


def set_cell_xml(src: Path, out: Path, name: str, cell_xml) -> Path:
    """Replace the <c> element the defined name points at: cell_xml(coord) → '<c r=…>…</c>'."""
    ref = defined_name(src, name)
    sheet, coord = ref.rsplit("!", 1)
    sheet = sheet.strip("'").replace("''", "'")
    coord = coord.replace("$", "")
    with zipfile.ZipFile(src) as z:
        part = part_of(z, sheet)
    pattern = re.compile(r'<c r="%s"(?: [^>]*)?(?:/>|>.*?</c>)' % coord, re.S)

    def edit(n, d):
        if n != part:
            return d
        xml = d.decode()
        new, count = pattern.subn(lambda m: cell_xml(coord), xml, count=1)
        assert count == 1, (name, coord)
        return new.encode()
    return rewrite(src, out, edit)


def number_cell(text):
    return lambda coord: f'<c r="{coord}"><v>{text}</v></c>'


def text_cell(text):
    return lambda coord: f'<c r="{coord}" t="inlineStr"><is><t>{text}</t></is></c>'


def bomb(src: Path, out: Path, megabytes: int) -> Path:
    """A workbook with one extra part of `megabytes` MB of zeros: a few KB compressed."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        with zout.open("xl/media/bomb.bin", "w", force_zip64=True) as fh:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                fh.write(block)
    return out


def sheet_bomb(src: Path, out: Path, rows: int) -> Path:
    """The score sheet padded with `rows` empty rows before its data: a real sheet part that
    expands hugely (what the reader would have to stream)."""
    with zipfile.ZipFile(src) as z:
        part = part_of(z, "Chấm điểm")

    def edit(n, d):
        if n != part:
            return d
        xml = d.decode()
        padding = '<row r="1" s="1"/>' * rows
        return re.sub(r"<sheetData>", lambda m: m.group(0) + padding, xml, count=1).encode()
    return rewrite(src, out, edit)


def non_utf8_name(folder: Path, good: Path) -> Path:
    """A copy of `good` whose file name holds a byte that is not UTF-8 (an unzipped Windows archive)."""
    raw = os.fsencode(folder) + b"/X-NB-x\xe3-\xc2m.xlsx"
    with open(raw, "wb") as fh:
        fh.write(good.read_bytes())
    return Path(os.fsdecode(raw))


def deflate_bomb(src: Path, out: Path, gigabytes: float = 2, declared: int | None = None) -> Path:
    """`src` plus a part of `gigabytes` GB of zeros, built in about a second: one deflated
    megabyte of zeros (ending on a byte boundary) repeated, then a final empty block. With
    `declared`, the zip directory lies about the part's size (claims `declared` bytes)."""
    import struct
    import zlib

    block = b"\0" * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = comp.compress(block) + comp.flush(zlib.Z_SYNC_FLUSH)
    count = int(gigabytes * 1024)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    stream = chunk * count + b"\x03\x00"  # a final, empty fixed-Huffman block
    size = declared if declared is not None else count << 20
    name = b"xl/media/image1.bin"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
    # Append the bomb by hand: a local header + data, and a rewritten central directory.
    data = out.read_bytes()
    eocd = data.rindex(b"PK\x05\x06")
    (_, _, _, _, entries, cd_size, cd_offset, _) = struct.unpack("<4s4H2LH", data[eocd:eocd + 22])
    body, central = data[:cd_offset], data[cd_offset:cd_offset + cd_size]
    zip64 = size >= 0xFFFFFFFF
    extra = struct.pack("<HHQQ", 1, 16, size, len(stream)) if zip64 else b""
    small = 0xFFFFFFFF if zip64 else size
    csize = 0xFFFFFFFF if zip64 else len(stream)
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 45, 0, 8, 0, 0, crc, csize, small, len(name), len(extra))
    offset = len(body)
    body += local + name + extra + stream
    central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 45, 45, 0, 8, 0, 0, crc, csize, small, len(name),
                           len(extra), 0, 0, 0, 0, offset) + name + extra
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, entries + 1, entries + 1, len(central), len(body), 0)
    if len(body) >= 0xFFFFFFFF:
        raise ValueError("bomb too large for this generator")
    out.write_bytes(body + central + end)
    return out


def shared_strings(src: Path, out: Path, count: int, name="X01_evidence") -> Path:
    """A shared-string table of `count` entries (the cell `name` uses the first), as Excel writes
    text; openpyxl here writes inline strings, so the part is added."""
    staged = set_cell_xml(src, out.with_name(out.stem + "-0.xlsx"), name,
                          lambda coord: f'<c r="{coord}" t="s"><v>0</v></c>')
    table = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             f'2006/main" count="{count}" uniqueCount="{count}">' + "<si><t>Văn bản số 1</t></si>" * count + "</sst>")
    rel = ('<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/>')

    def edit(n, d):
        if n == "xl/_rels/workbook.xml.rels":
            return d.decode().replace("</Relationships>", rel + "</Relationships>").encode()
        return d
    rewrite(staged, out, edit)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", table)
    return out


def run_dtscore(*args, timeout=900, cwd=None):
    """(subprocess.CompletedProcess, peak resident set in MB of the largest process of its tree) of
    `python -m dtscore ARGS` in a fresh process. The peak is the one os.wait4 reports for that
    process and the workers it waited for — not RUSAGE_CHILDREN's running maximum, which holds
    any process this one started before (a fork of a large test process among them)."""
    import subprocess
    import sys
    import tempfile
    import threading

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "dtscore", *map(str, args)], stdout=out, stderr=err, cwd=cwd)
        waited: dict = {}
        waiter = threading.Thread(target=lambda: waited.update(result=os.wait4(proc.pid, 0)))
        waiter.start()
        waiter.join(timeout)
        if waiter.is_alive():
            proc.kill()
            waiter.join()
        _, status, usage = waited["result"]
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(proc.args, proc.returncode, out.read().decode("utf-8"),
                                           err.read().decode("utf-8"))
    return done, usage.ru_maxrss / 1024
