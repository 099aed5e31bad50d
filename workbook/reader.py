"""Reading a filled template through its workbook-scoped defined names → Submission.

One pass over the file: the .xlsx (a zip of XML parts) is parsed directly, so each named cell
yields its formula and the value the last program cached for it at the same time (openpyxl would
need two full loads for that: one with data_only=True). Only the parts the names point into are
parsed; a template's sheet is parsed at once up to the end of its cells, any other sheet streamed
and abandoned once every wanted cell has been seen, which keeps validating thousands of workbooks cheap.

Never relies on cell positions: a cell is reached only through its name. Every problem with the
file itself is a WorkbookError with a one-line Vietnamese reason.
"""

import hashlib
import os
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from contextlib import closing
from datetime import datetime, timedelta
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from types import MappingProxyType
from xml.etree import ElementTree as ET
from xml.parsers import expat

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.common import DTDForbidden  # type: ignore[import-untyped]

from dtscore import limits
from dtscore.errors import WorkbookError
from dtscore.submission import (
    CHECK_SUMMARY,
    CLAIMED,
    CRITERIA_FINGERPRINT,
    CRITERIA_SET,
    CRITERIA_VERSION,
    EVIDENCE,
    HEADER_NAMES,
    LEVEL,
    NOTE,
    PARAM_PREFIX,
    SCORE,
    TOTAL_CLAIMED,
    TOTAL_SCORE,
    UNIT_CODE,
    UNIT_NAME,
    YEAR,
    CellInfo,
    Submission,
    split_row_name,
)
from dtscore.values import nfc

from .numformats import BUILTIN_FORMATS, is_date_format

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
STRICT_NS = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"
STRICT_REL_NS = "{http://purl.oclc.org/ooxml/officeDocument/relationships}"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: an old .xls or an encrypted .xlsx
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

FORMULA_MODE_NAME = "formula_mode"  # optional name a template may carry: "udf" | "native"
ADDIN_CONFIG_SHEET = "xlwings.conf"  # present in UDF-mode templates (the classic add-in's settings)

# 'Chấm điểm'!$H$12  or  Thong_tin!B2
_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?(\d+)$")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def read_workbook(path) -> Submission:
    """The submission in the workbook at `path`. Raises WorkbookError for a file that is not a
    readable .xlsx built from a dtscore template."""
    path = Path(path)
    data = _read_regular_file(path)
    _check_container(data, path)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            _check_parts(archive)
            book = _Package(archive)
            return _submission(book, path, hashlib.sha256(data).hexdigest())
    except DefusedXmlException:
        raise WorkbookError("tệp .xlsx chứa khai báo DTD/thực thể XML — biểu mẫu Excel không bao giờ có; tệp bị "
                            "sửa bằng công cụ khác, đề nghị đơn vị điền lại vào biểu mẫu gốc") from None
    except zipfile.BadZipFile:
        raise WorkbookError("tệp .xlsx bị hỏng hoặc chưa tải về hết (cấu trúc nén không đọc được)") from None
    except (zlib.error, EOFError, KeyError, ValueError, IndexError, NotImplementedError, RuntimeError, struct.error,
            UnicodeDecodeError) as exc:  # a damaged package shows up as any of these
        raise WorkbookError(f"tệp .xlsx bị hỏng hoặc chưa tải về hết ({type(exc).__name__})") from None
    except ET.ParseError:
        raise WorkbookError("tệp .xlsx bị hỏng: nội dung XML bên trong không hợp lệ") from None


def _read_regular_file(path: Path) -> bytes:
    """The file's bytes — only a regular file (not a FIFO, device or socket, which would block or
    never end) and only up to the size limit, checked before reading."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise WorkbookError("đây là một thư mục, không phải tệp Excel")
        if not stat.S_ISREG(info.st_mode):
            raise WorkbookError("không phải tệp thường (FIFO, thiết bị hoặc socket) — bỏ qua, không đọc")
        if info.st_size > limits.LIMITS.file_bytes:
            raise limits.exceeded("kích thước tệp", info.st_size, limits.LIMITS.file_bytes, "byte")
        with open(path, "rb") as fh:
            data = fh.read(limits.LIMITS.file_bytes + 1)
    except FileNotFoundError:
        raise WorkbookError("không tìm thấy tệp") from None
    except OSError as exc:
        raise WorkbookError(f"không mở được tệp ({exc.strerror})") from None
    if len(data) > limits.LIMITS.file_bytes:  # grew since stat
        raise limits.exceeded("kích thước tệp", len(data), limits.LIMITS.file_bytes, "byte")
    return data


def _check_parts(archive: zipfile.ZipFile):
    """Limits on the package, from its directory alone, before any part is decompressed (a part
    never yields more than its declared size: zipfile stops there and checks the CRC)."""
    lim = limits.LIMITS
    infos = archive.infolist()
    if len(infos) > lim.parts:
        raise limits.exceeded("số phần trong tệp nén", len(infos), lim.parts)
    total = 0
    for info in infos:
        if info.file_size > lim.part_bytes:
            raise limits.exceeded(f"phần “{info.filename[:60]}” khi giải nén", info.file_size, lim.part_bytes, "byte")
        if info.file_size > lim.ratio_from_bytes and info.file_size > lim.ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise limits.exceeded(f"tỉ lệ nén của phần “{info.filename[:60]}”", ratio, lim.ratio, "lần")
        total += info.file_size
    if total > lim.total_bytes:
        raise limits.exceeded("tổng dung lượng khi giải nén", total, lim.total_bytes, "byte")


def _check_container(data: bytes, path: Path):
    """The reasons a file is not an .xlsx at all, each in the words an official understands."""
    if not data:
        raise WorkbookError("tệp rỗng (0 byte) — có lẽ tệp đính kèm bị lỗi khi gửi; đề nghị đơn vị gửi lại")
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_STREAM in data:
            raise WorkbookError("tệp được đặt mật khẩu mở — đề nghị đơn vị gỡ mật khẩu (File › Info › Protect Workbook) rồi gửi lại")
        raise WorkbookError("tệp Excel 97-2003 (.xls) — mở bằng Excel và lưu lại dạng .xlsx (Excel Workbook) từ biểu mẫu gốc")
    if not data.startswith(b"PK"):
        if data.lstrip()[:1] == b"<":
            raise WorkbookError("tệp là HTML/XML chứ không phải bảng tính .xlsx (có thể là trang web lưu nhầm)")
        raise WorkbookError("tệp không phải bảng tính Excel .xlsx")
    if b"mimetypeapplication/vnd.oasis.opendocument" in data[:200]:
        raise WorkbookError("tệp OpenDocument (.ods) — trong LibreOffice chọn Lưu thành › Excel 2007-365 (.xlsx)")


class _Package:
    """The parts of an .xlsx the reader needs, parsed on demand."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        names = set(archive.namelist())
        if "xl/workbook.bin" in names:
            raise WorkbookError("tệp Excel nhị phân (.xlsb) — lưu lại dạng .xlsx (Excel Workbook)")
        self.workbook_part = self._main_part(names)
        workbook = self._part(self.workbook_part)
        folder, base = posixpath.split(self.workbook_part)
        try:
            rels = self._part(posixpath.join(folder, "_rels", base + ".rels"))
        except KeyError:
            rels = b""
        # a template's parts are small; a huge one (a hostile file) is parsed for itself, never kept
        self.cacheable = len(workbook) + len(rels) <= _SHARED_BYTES
        facts = _workbook_facts if self.cacheable else _workbook_facts.__wrapped__
        (self.ns, self.rel_ns, self.date1904, self.sheets, self.defined, self.shared_part,
         self.styles_part) = facts(workbook, rels, folder)
        self._strings: list | _SharedStrings | None = None
        self._formats: tuple | None = None
        self.cells_seen = 0

    def _main_part(self, names) -> str:
        if "[Content_Types].xml" not in names and "xl/workbook.xml" not in names:
            raise WorkbookError("tệp nén ZIP nhưng không phải bảng tính Excel .xlsx")
        try:
            root = self._xml("_rels/.rels")
            for rel in root.iter(f"{PKG_REL_NS}Relationship"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    return rel.get("Target").lstrip("/")
        except KeyError:
            pass
        if "xl/workbook.xml" in names:
            return "xl/workbook.xml"
        raise WorkbookError("tệp nén ZIP nhưng không phải bảng tính Excel .xlsx")

    def _xml(self, part):
        return ET.fromstring(self._part(part))

    def _part(self, part) -> bytes:
        """A part's bytes, refused if it declares a DTD (see _DtdRefusal)."""
        data = self.archive.read(part)
        refusal = _DtdRefusal()
        refusal.feed(data)
        refusal.feed(b"")
        return data

    def _stream(self, part) -> "_ReadAhead":
        """A part to stream (a sheet, the shared strings: up to the part size limit), refused if it
        declares a DTD; only its prolog is read ahead."""
        fh = self.archive.open(part)
        try:
            head, refusal = [], _DtdRefusal()
            while not refusal.done:
                head.append(fh.read(_CHUNK))
                refusal.feed(head[-1])
        except BaseException:
            fh.close()
            raise
        return _ReadAhead(b"".join(head), fh)

    @property
    def strings(self):
        """The shared strings, by index (what Excel and LibreOffice write for text cells)."""
        if self._strings is None:
            self._strings = self._shared_strings() if self.shared_part else []
        return self._strings

    def _shared_strings(self):
        """A small table (the usual one) is parsed at once and a string's text taken only when a
        cell asks for it — a template's table holds every label, a workbook's cells use a few;
        a larger one, or one of another shape (an `si` inside another), is streamed."""
        si_tag, lim = f"{self.ns}si", limits.LIMITS
        if self.archive.getinfo(self.shared_part).file_size <= _SHARED_BYTES:
            root = ET.fromstring(self._part(self.shared_part))
            items = root.findall(si_tag)
            if len(items) == len(list(root.iter(si_tag))):
                if len(items) > lim.strings:
                    raise limits.exceeded("số chuỗi chữ dùng chung", lim.strings + 1, lim.strings)
                return _SharedStrings(items, self.ns)
        strings: list = []
        with self._stream(self.shared_part) as fh:
            for _, elem in ET.iterparse(fh, events=("end",)):
                if elem.tag != si_tag:
                    continue
                if len(strings) >= lim.strings:
                    raise limits.exceeded("số chuỗi chữ dùng chung", len(strings) + 1, lim.strings)
                strings.append(_checked(_text_of(elem, self.ns)))
                elem.clear()
        return strings

    @property
    def formats(self) -> tuple:
        """Number format code of each cell style index (cellXfs order)."""
        if self._formats is None:
            styles = self._part(self.styles_part) if self.styles_part else b""
            formats = _number_formats if len(styles) <= _SHARED_BYTES else _number_formats.__wrapped__
            self._formats = formats(styles, self.ns) if styles else ()
        return self._formats

    def read_cells(self, part, wanted: set) -> dict:
        """{coord: CellInfo fields} for the wanted coordinates of one sheet part. A small part of the
        usual shape is parsed at once, up to the end of its cells (fewer steps in Python); should a
        wanted cell not be among them, or the part have another shape, it is streamed."""
        plain = self._plain_rows(part) if self.archive.getinfo(part).file_size <= _SHARED_BYTES else None
        if plain is not None:
            rows, shared = plain
            seen = self.cells_seen
            found = self._take(_in_stream_order(rows), wanted) if shared else self._take_from_rows(rows, wanted)
            if len(found) == len(wanted):
                return found
            self.cells_seen = seen  # a cell is missing: the whole part is streamed, as it always was
        with closing(self._streamed(part)) as elements:
            return self._take(elements, wanted)

    def _take(self, elements, wanted) -> dict:
        """The wanted cells among `c` and `row` elements in the order a stream ends them, counted."""
        found: dict = {}
        masters: dict = {}
        remaining = set(wanted)
        cell_tag, formula_tag = self.ns + "c", self.ns + "f"
        for elem in elements:
            self._count(self.cells_seen + 1)  # rows count too: a sheet of empty rows is no lighter to stream
            if elem.tag != cell_tag:
                continue
            coord = elem.get("r")
            f = elem.find(formula_tag)
            formula = None if f is None else self._formula(f, coord, masters)
            if coord in remaining:
                found[coord] = self._cell(elem, formula)
                remaining.discard(coord)
                if not remaining:
                    break
        return found

    def _take_from_rows(self, rows, wanted) -> dict:
        """_take over rows parsed at once, with no shared formula: the same cells, formulas, count and
        errors (each cell, then its row, counted up to the last wanted cell), but a step in Python
        only for each row and each wanted cell, not for every cell: only a shared formula needs its
        master, which may be in any cell before."""
        found: dict = {}
        remaining = set(wanted)
        formula_tag = self.ns + "f"
        for row in rows:
            before = self.cells_seen
            for i, c in enumerate(row):
                coord = c.get("r")
                if coord in remaining:
                    self._count(before + i + 1)
                    f = c.find(formula_tag)
                    found[coord] = self._cell(c, None if f is None else self._formula(f, coord, {}))
                    remaining.discard(coord)
                    if not remaining:
                        return found
            self._count(before + len(row) + 1)
        return found

    def _count(self, seen: int):
        """Cells and rows read so far: `seen`, refused past the limit (as the element after it)."""
        most = limits.LIMITS.cells
        if seen > most:
            raise limits.exceeded("số ô và hàng đã đọc", most + 1, most)
        self.cells_seen = seen

    def _streamed(self, part):
        """The part's `c` and `row` elements, streamed in the order they end (a row after its cells)."""
        cell_tag, row_tag, data_tag = (self.ns + tag for tag in ("c", "row", "sheetData"))
        with self._stream(part) as fh:
            for _, elem in ET.iterparse(fh, events=("end",)):
                tag = elem.tag
                if tag == cell_tag or tag == row_tag:
                    yield elem
                if tag == row_tag or tag == data_tag:
                    elem.clear()

    def _plain_rows(self, part) -> tuple | None:
        """(rows, whether a formula is shared) of a sheet part parsed at once up to the end of sheetData
        (what follows — protection, merged cells, validations — is never read, as a stream stops once
        it has every wanted cell), when every `c` there is in a `row` of sheetData and holds no other;
        None to stream the part instead: another shape, or a part that does not parse (a stream may
        find every wanted cell before the damage, and otherwise fails as it always did)."""
        cell_tag, row_tag, data_tag, formula_tag = (self.ns + tag for tag in ("c", "row", "sheetData", "f"))
        try:
            xml = self._part(part)
            end = xml.find(_DATA_END)
            if end < 0:
                return None
            root = ET.fromstring(xml[: end + len(_DATA_END)] + b"</worksheet>")
        except Exception:  # noqa: BLE001 — the stream gives the verdict
            return None
        data = root.find(data_tag)
        rows = data.findall(row_tag) if data is not None else []
        cells = sum(len(row.findall(cell_tag)) for row in rows)
        plain = (len(rows) == (0 if data is None else len(data)) and cells == sum(len(row) for row in rows)
                 and len(rows) == len(list(root.iter(row_tag))) and cells == len(list(root.iter(cell_tag))))
        return (rows, any(f.get("t") == "shared" for f in root.iter(formula_tag))) if plain else None

    @staticmethod
    def _formula(f, coord, masters):
        text = f.text
        if f.get("t") == "shared":
            si = f.get("si")
            if text:
                masters[si] = ("=" + text, coord)
            elif si in masters:
                master, origin = masters[si]
                from openpyxl.formula.translate import Translator  # only files saved by Excel share formulas

                try:
                    return Translator(master, origin=origin).translate_formula(coord)
                except Exception:  # noqa: BLE001 — an unusual formula the translator cannot shift: show the master's
                    return master
        return "=" + text if text else None

    def _cell(self, c, formula):
        kind = c.get("t", "n")
        style, formats = int(c.get("s", 0)), self.formats
        number_format = formats[style] if style < len(formats) else "General"
        v = c.find(f"{self.ns}v")
        raw = v.text if v is not None else None
        if kind == "inlineStr":
            is_ = c.find(f"{self.ns}is")
            return formula, (_checked(_text_of(is_, self.ns)) if is_ is not None else None), "s", number_format
        if raw is None:
            return formula, None, "n", number_format
        if kind == "s":
            return formula, self.strings[int(raw)], "s", number_format
        if kind == "str":
            return formula, _checked(_unescape(raw)), "s", number_format
        if kind == "b":
            return formula, raw.strip() in ("1", "true"), "b", number_format
        if kind == "e":
            return formula, raw, "e", number_format
        if kind == "d":
            try:
                return formula, datetime.fromisoformat(raw), "d", number_format
            except ValueError:
                return formula, raw, "s", number_format
        number = float(raw)
        if is_date_format(number_format):
            try:
                return formula, _from_serial(number, self.date1904), "d", number_format
            except (OverflowError, ValueError):
                pass
        if number.is_integer() and "e" not in raw.lower() and "." not in raw:
            number = int(raw)
        return formula, number, "n", number_format


_DATA_END = b"</sheetData>"


class _SharedStrings:
    """Shared strings parsed at once: each text made (and checked against the length limit) when
    first asked for, by index as in a list."""

    def __init__(self, items, ns):
        self._items, self._ns, self._texts = items, ns, {}

    def __len__(self):
        return len(self._items)

    def __getitem__(self, index: int) -> str:
        text = self._texts.get(index)
        if text is None:
            text = self._texts[index] = _checked(_text_of(self._items[index], self._ns))
        return text


def _in_stream_order(rows):
    for row in rows:
        yield from row
        yield row


# The parts every workbook of one template shares, parsed once per distinct content (the bytes are
# the key: a workbook whose names or styles differ is parsed on its own).
_SHARED_BYTES = 1024 * 1024  # larger parts are parsed for their file alone


@lru_cache(maxsize=16)
def _workbook_facts(workbook: bytes, rels: bytes, folder: str) -> tuple:
    """(ns, rel_ns, date1904, sheets, defined names, shared strings part, styles part) of workbook.xml."""
    root = ET.fromstring(workbook)
    # Transitional OOXML (what Excel saves by default) or Strict ("Strict Open XML Spreadsheet")
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else NS
    rel_ns = STRICT_REL_NS if ns == STRICT_NS else REL_NS
    targets = _relationships(rels, folder)
    pr = root.find(f"{ns}workbookPr")
    date1904 = pr is not None and pr.get("date1904") in ("1", "true")
    sheets = tuple((nfc(sheet.get("name", "")), targets.get(sheet.get(f"{rel_ns}id"))) for sheet in root.iter(f"{ns}sheet"))
    defined = {}  # workbook-scoped name → reference text
    for count, dn in enumerate(root.iter(f"{ns}definedName"), start=1):
        if count > limits.LIMITS.defined_names:
            raise limits.exceeded("số tên vùng (defined names)", count, limits.LIMITS.defined_names)
        name = dn.get("name", "")
        if dn.get("localSheetId") is not None or name.startswith("_xlnm."):
            continue
        defined[name] = (dn.text or "").strip()
    shared = next((t for t in targets.values() if t and t.endswith("sharedStrings.xml")), None)
    styles = next((t for t in targets.values() if t and t.endswith("styles.xml")), None)
    return ns, rel_ns, date1904, sheets, MappingProxyType(defined), shared, styles


def _relationships(rels: bytes, folder: str) -> dict:
    """{relationship id: part path} of a .rels part (empty when there is none)."""
    if not rels:
        return {}
    out = {}
    for rel in ET.fromstring(rels).iter(f"{PKG_REL_NS}Relationship"):
        target = rel.get("Target", "")
        out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
    return out


@lru_cache(maxsize=16)
def _number_formats(styles: bytes, ns: str) -> tuple:
    """Number format code of each cell style index (cellXfs order) of styles.xml."""
    root = ET.fromstring(styles)
    custom = {int(f.get("numFmtId")): f.get("formatCode", "") for f in root.iter(f"{ns}numFmt")}  # type: ignore[arg-type]
    xfs = root.find(f"{ns}cellXfs")
    ids = [int(xf.get("numFmtId", 0)) for xf in (xfs.iter(f"{ns}xf") if xfs is not None else ())]
    return tuple(custom.get(fid) or BUILTIN_FORMATS.get(fid, "General") for fid in ids)


_CHUNK = 64 * 1024


class _Prolog(Exception):
    """The prolog has been read: the root element starts."""


class _DtdRefusal:
    """Refuse a part with a document type declaration, as defusedxml's forbid_dtd does: entity
    declarations (billion laughs, external entities) can only live there, and a DTD can only come
    before the root element, so only the prolog is read (fed in chunks until `done`); the part is
    then parsed by ElementTree's C parser, many times faster than defusedxml's pure-Python one."""

    def __init__(self):
        self.done = False
        self._parser = expat.ParserCreate()

        def doctype(name, sysid, pubid, has_internal_subset):
            raise DTDForbidden(name, sysid, pubid)

        def root(name, attributes):
            raise _Prolog

        self._parser.StartDoctypeDeclHandler = doctype
        self._parser.StartElementHandler = root

    def feed(self, chunk: bytes):
        """The next bytes of the part; b"" at its end."""
        if self.done:
            return
        try:
            self._parser.Parse(chunk, not chunk)
        except _Prolog:
            self.done = True
        except expat.ExpatError as exc:
            raise ET.ParseError(str(exc)) from None
        self.done = self.done or not chunk


class _ReadAhead:
    """A part's stream for ElementTree.iterparse: the bytes read ahead, then the rest."""

    def __init__(self, head: bytes, rest):
        self._head, self._rest = head, rest

    def read(self, size=-1) -> bytes:
        if self._head:
            head, self._head = self._head, b""
            return head
        return self._rest.read(size)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._rest.close()


def _from_serial(serial: float, date1904: bool) -> datetime:
    if date1904:
        return datetime(1904, 1, 1) + timedelta(days=serial)
    if serial < 61:  # Excel's fictitious 29/02/1900
        serial += 1
    return datetime(1899, 12, 30) + timedelta(days=serial)


def _text_of(elem, ns) -> str:
    # Rich text runs are concatenated; phonetic guides (rPh) are not part of the value.
    parts = []
    for child in elem:
        if child.tag == f"{ns}t":
            parts.append(child.text or "")
        elif child.tag == f"{ns}r":
            parts.extend(t.text or "" for t in child.iter(f"{ns}t"))
    return _unescape("".join(parts))


def _checked(text: str) -> str:
    if len(text) > limits.LIMITS.string_chars:
        raise limits.exceeded("độ dài một chuỗi chữ", len(text), limits.LIMITS.string_chars, "ký tự")
    return text


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _resolve(reference: str):
    """(sheet, coord) of a single-cell reference, or None for #REF!, ranges and constants."""
    match = _REF.match(reference.lstrip("="))
    if not match:
        return None
    sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
    return nfc(sheet), f"{match.group(3).upper()}{match.group(4)}"


def _submission(book: _Package, path: Path, sha256: str) -> Submission:
    sheet_parts = dict(book.sheets)
    layout = _name_layout if book.cacheable else _name_layout.__wrapped__
    located, broken, ignored, by_sheet = layout(tuple(book.defined.items()), tuple(book.sheets))
    cells_at = {}
    for sheet, coords in by_sheet.items():
        part = sheet_parts[sheet]
        if part is None:
            raise WorkbookError(f"trang tính “{sheet}” bị hỏng (không tìm thấy nội dung)")
        found = book.read_cells(part, coords)
        for coord in coords:
            cells_at[(sheet, coord)] = found.get(coord, (None, None, "n", "General"))
    cells = {}
    for name, (sheet, coord) in located.items():
        formula, value, data_type, number_format = cells_at[(sheet, coord)]
        if isinstance(value, str):
            value = nfc(value) if value.strip() else None
        cells[name] = CellInfo(sheet, coord, value, formula, number_format, data_type)
    sub = submission_from_cells(cells, file=str(path), sha256=sha256, sheets=[n for n, _ in book.sheets],
                                unresolved=broken)
    sub.ignored_names = tuple((name, book.defined[name][:200]) for name in ignored)
    return sub


@lru_cache(maxsize=16)  # every workbook of one template has the same names: resolved once
def _name_layout(defined: tuple, sheets: tuple) -> tuple:
    """(located {name: (sheet, coord)}, broken names, ignored names, {sheet: coords to read}) of the
    workbook-scoped names, or the WorkbookError that makes the workbook unreadable."""
    names = dict(defined)
    ours = [n for n in names if n in HEADER_NAMES or split_row_name(n)[0]]
    if CRITERIA_SET not in names or not ours:
        raise WorkbookError(
            "không phải biểu mẫu chấm điểm của dtscore: không có tên vùng criteria_set, unit_code, …_score "
            "(hãy điền vào biểu mẫu do Sở TTTT phát hành)"
        )
    sheet_parts = dict(sheets)
    located, broken, ignored = {}, [], []
    missing_sheets: dict = {}
    is_ours = _contract_names(names)
    for name, reference in names.items():
        where = None if _EXTERNAL.match(reference.lstrip("=")) else _resolve(reference)
        if where is None:
            if is_ours(name):
                broken.append(name)
            elif "#REF!" in reference or _EXTERNAL.match(reference.lstrip("=")):
                ignored.append(name)
            continue  # a range or a constant of the unit's own: not ours, left alone
        if where[0] not in sheet_parts and not is_ours(name):
            # A name the template does not have (a leftover of copied sheets, `[1]Sheet1!$A$1`): not ours to
            # read, so never a reason to refuse the file — validation warns about it.
            ignored.append(name)
            continue
        sheet, coord = where
        if sheet not in sheet_parts:
            missing_sheets.setdefault(sheet, []).append(name)
            continue
        located[name] = (sheet, coord)
    if missing_sheets:
        sheet, lost = next(iter(missing_sheets.items()))
        present = ", ".join(f"“{s}”" for s, _ in sheets)
        raise WorkbookError(
            f"không có trang tính “{sheet}” mà các tên vùng {', '.join(lost[:3])}{'…' if len(lost) > 3 else ''} "
            f"trỏ tới — trang tính đã bị đổi tên hoặc xóa (hiện có: {present}); hãy đặt lại tên cũ hoặc dùng biểu mẫu gốc"
        )
    if CRITERIA_SET in broken:
        raise WorkbookError("tên vùng criteria_set không còn trỏ tới ô nào (#REF!) — trang “Thông tin” đã bị sửa; hãy dùng biểu mẫu gốc")

    by_sheet: dict = {}
    for sheet, coord in located.values():
        by_sheet.setdefault(sheet, set()).add(coord)
    return located, tuple(broken), tuple(ignored), {sheet: frozenset(coords) for sheet, coords in by_sheet.items()}


_EXTERNAL = re.compile(r"^'?\[")  # [1]Sheet1!$A$1 or '[1]Sheet 1'!$A$1: a cell of another workbook


def _contract_names(defined):
    """A predicate: is this one of the names a dtscore template defines (header, totals, parameter,
    a criterion row's names or inputs)?"""
    keys = tuple(sorted({k for n in defined for k, suffix in [split_row_name(n)] if suffix in (SCORE, CLAIMED)},
                        key=len, reverse=True))
    fixed = set(HEADER_NAMES) | {TOTAL_CLAIMED, TOTAL_SCORE, FORMULA_MODE_NAME}

    def is_ours(name):
        return (name in fixed or name.startswith(PARAM_PREFIX) or split_row_name(name)[0] in keys
                or any(name.startswith(k + "_") for k in keys))
    return is_ours


def submission_from_cells(cells: dict, *, file="", sha256="", sheets=(), unresolved=(), formulas_read=True) -> Submission:
    """A Submission from {defined name: CellInfo}: shared by the file reader and the Excel button,
    which gets the same cells through xlwings."""
    def text(name):
        info = cells.get(name)
        if info is None or info.value is None:
            return ""
        value = info.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return nfc(value)

    year = cells[YEAR].value if YEAR in cells else None
    if isinstance(year, float) and year.is_integer():
        year = int(year)
    # Criterion keys: every row carries KEY_score and KEY_claimed; inputs are KEY_<input>.
    keys = {split_row_name(n)[0] for n in cells if split_row_name(n)[1] in (SCORE, CLAIMED)}
    by_length = sorted(keys, key=len, reverse=True)
    inputs: dict = {}
    claimed, evidence, notes, parameters, stray = {}, {}, {}, {}, []
    for name in sorted(cells, key=lambda n: (_row(cells[n].coord), cells[n].coord)):
        value = cells[name].value
        if name in HEADER_NAMES or name in (TOTAL_CLAIMED, TOTAL_SCORE, FORMULA_MODE_NAME, CHECK_SUMMARY):
            continue
        if name.startswith(PARAM_PREFIX):
            parameters[name[len(PARAM_PREFIX):]] = value
            continue
        key, suffix = split_row_name(name)
        if key in keys:
            if suffix == CLAIMED:
                claimed[key] = value
            elif suffix == EVIDENCE:
                evidence[key] = value
            elif suffix == NOTE:
                notes[key] = value
            continue
        key = next((k for k in by_length if name.startswith(k + "_")), None)
        if key is None:
            stray.append(name)
            continue
        inputs.setdefault(key, {})[name[len(key) + 1:]] = value
    return Submission(
        criteria_set=text(CRITERIA_SET),
        version=text(CRITERIA_VERSION),
        fingerprint=text(CRITERIA_FINGERPRINT),
        level=text(LEVEL),
        year=year,
        unit={"code": text(UNIT_CODE), "name": text(UNIT_NAME)},
        inputs=inputs,
        claimed=claimed,
        evidence=evidence,
        parameters=parameters,
        cells=cells,
        file=file,
        sha256=sha256,
        notes=notes,
        formula_mode=_formula_mode(cells, sheets, keys),
        sheets=tuple(sheets),
        stray_names=tuple(stray) + tuple(unresolved),
        formulas_read=formulas_read,
    )


def _formula_mode(cells, sheets, keys) -> str | None:
    """'udf' when the computed cells call the DT_* functions, 'native' when they hold plain
    formulas; a template may also say so in a `formula_mode` cell."""
    declared = cells.get(FORMULA_MODE_NAME)
    if declared is not None and str(declared.value or "").strip().lower() in ("udf", "native"):
        return str(declared.value).strip().lower()
    formulas = [cells[f"{k}_{SCORE}"].formula for k in keys if f"{k}_{SCORE}" in cells]
    formulas = [f for f in formulas if f]
    if any("DT_" in f.upper() for f in formulas):
        return "udf"
    if formulas:
        return "native"
    if ADDIN_CONFIG_SHEET in sheets:
        return "udf"
    return None


@lru_cache(maxsize=8192)  # the same coordinates in every workbook of a template
def _row(coord: str) -> int:
    return int("".join(ch for ch in coord if ch.isdigit()) or 0)
