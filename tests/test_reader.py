"""workbook.reader: one pass over the .xlsx, everything through the workbook-scoped defined names,
and a one-line Vietnamese WorkbookError for every kind of file that is not a filled template."""

import hashlib
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.defined_name import DefinedName

from dtscore.errors import WorkbookError
from dtscore.limits import limits_set
from dtscore.submission import Submission
from dtscore.workbook import reader
from dtscore.workbook.reader import read_workbook
from tests import hostile
from tests import validate_fixtures as vf

DATA = Path(__file__).parent / "data" / "validate"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reader")
    template = vf.build(folder)
    return {"dir": folder, "template": template,
            "clean": vf.fill(template, folder / "clean.xlsx", vf.clean_values())}


def test_reads_every_part_of_the_contract(files):
    sub = read_workbook(files["clean"])
    assert (sub.criteria_set, sub.version, sub.level, sub.year) == ("soctrang-2023", "2023.1", "huyen", 2023)
    assert sub.unit == {"code": "H01", "name": "Huyện Châu Thành"}
    assert sub.formula_mode == "native"
    assert sub.keys == list(vf.HUYEN_SCORES)
    assert sub.inputs["H04"] == {"ratio": 0.757}
    assert sub.inputs["H01"]["plan_issued"] == datetime(2023, 3, 20)
    assert sub.inputs["H06"] == {"late_monthly": 1, "late_quarterly": 0, "late_semiannual": 0, "late_annual": 0}
    assert sub.inputs["H03"]["option"] == "Đạt chuẩn theo vị trí việc làm"
    assert sub.claimed["H04"] == 9.46 and sub.evidence["H04"] == "Văn bản số 04/UBND ngày 01/12/2023"
    assert set(sub.parameters) == {"plan_due", "report_due", "team_plan_due", "team_report_due"}
    assert sub.parameters["plan_due"] == datetime(2023, 3, 31)
    assert sub.sha256 == hashlib.sha256(files["clean"].read_bytes()).hexdigest()


def test_cells_carry_formula_format_and_where_they_are(files):
    sub = read_workbook(files["clean"])
    wb = load_workbook(files["clean"])  # the independent view of the same cells
    for name in ("H04_ratio", "H04_score", "H01_plan_issued", "total_score"):
        ws, coord = vf.destination(wb, name)
        info = sub.cells[name]
        assert (info.sheet, info.coord) == (ws.title, coord)
        assert info.ref == f"'{ws.title}'!{coord}"
        assert info.number_format == ws[coord].number_format
        expected_formula = ws[coord].value if ws[coord].data_type == "f" else None
        assert info.formula == expected_formula
    assert sub.cells["H01_plan_issued"].data_type == "d"
    assert sub.cells["H04_score"].value is None  # openpyxl saved no cached result


def test_follows_the_names_not_the_positions(files):
    # the H04 ratio moved to another cell (and the name with it): the reader follows the name
    wb = load_workbook(files["clean"])
    ws, coord = vf.destination(wb, "H04_ratio")
    ws["Z40"] = 0.5
    ws[coord] = 0.99
    wb.defined_names["H04_ratio"] = DefinedName("H04_ratio", attr_text=f"'{ws.title}'!$Z$40")
    path = files["dir"] / "moved.xlsx"
    wb.save(path)
    sub = read_workbook(path)
    assert sub.inputs["H04"] == {"ratio": 0.5}
    assert sub.cells["H04_ratio"].coord == "Z40"


def test_reads_cached_values_and_expands_shared_formulas(files):
    # Excel stores a filled-down formula once ("shared") and an empty <f> in the cells below it
    wb = load_workbook(files["clean"])
    ws, h09 = vf.destination(wb, "H09_score")
    _, h10 = vf.destination(wb, "H10_score")
    assert int(h10[1:]) == int(h09[1:]) + 1
    row = int(h09[1:])
    edits = {
        h09: f'<c r="{h09}"><f t="shared" ref="{h09}:{h10}" si="0">ROUND(6*MIN(1,F{row}),2)</f><v>4.8</v></c>',
        h10: f'<c r="{h10}"><f t="shared" si="0"/><v>6</v></c>',
    }
    path = vf.rewrite_cells(files["clean"], files["dir"] / "shared.xlsx", ws.title, edits)
    sub = read_workbook(path)
    assert sub.cells["H09_score"].formula == f"=ROUND(6*MIN(1,F{row}),2)"
    assert sub.cells["H10_score"].formula == f"=ROUND(6*MIN(1,F{row + 1}),2)"
    assert (sub.cells["H09_score"].value, sub.cells["H10_score"].value) == (4.8, 6)


def test_error_values_and_strings(files):
    wb = load_workbook(files["clean"])
    ws, coord = vf.destination(wb, "H09_score")
    _, note = vf.destination(wb, "H09_note")
    edits = {coord: f'<c r="{coord}" t="e"><f>DT_RATIO(F1,1,6)</f><v>#NAME?</v></c>',
             note: f'<c r="{note}" t="inlineStr"><is><r><t>Đã </t></r><r><t>kiểm tra</t></r></is></c>'}
    sub = read_workbook(vf.rewrite_cells(files["clean"], files["dir"] / "errors.xlsx", ws.title, edits))
    assert sub.cells["H09_score"].value == "#NAME?" and sub.cells["H09_score"].is_error
    assert sub.notes["H09"] == "Đã kiểm tra"


# -- files that are not a filled template -------------------------------------------------------


def _error(path) -> str:
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_empty_file(tmp_path):
    (tmp_path / "rong.xlsx").write_bytes(b"")
    assert "rỗng" in _error(tmp_path / "rong.xlsx")


def test_not_a_zip(tmp_path):
    (tmp_path / "notes.xlsx").write_text("Báo cáo chuyển đổi số năm 2023\n", encoding="utf-8")
    assert "không phải bảng tính Excel" in _error(tmp_path / "notes.xlsx")


def test_truncated_download(files, tmp_path):
    data = files["clean"].read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    assert "chưa tải về hết" in _error(tmp_path / "cut.xlsx")


def test_password_protected_file():
    # tests/data/validate/password-protected.xlsx: a clean filled template encrypted with the
    # password "matkhau" (msoffcrypto-tool 6.1, the ECMA-376 agile encryption Excel uses)
    assert "mật khẩu" in _error(DATA / "password-protected.xlsx")


def test_foreign_workbook(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "Bảng kê"
    wb.defined_names["Print_Area"] = DefinedName("Print_Area", attr_text="Sheet!$A$1")
    wb.save(tmp_path / "other.xlsx")
    assert "không phải biểu mẫu" in _error(tmp_path / "other.xlsx")


def test_a_zip_that_is_not_a_workbook(tmp_path):
    with zipfile.ZipFile(tmp_path / "photos.xlsx", "w") as z:
        z.writestr("anh.txt", "x")
    assert "không phải bảng tính Excel" in _error(tmp_path / "photos.xlsx")


def test_renamed_sheet_names_the_sheet(files, tmp_path):
    wb = load_workbook(files["clean"])
    wb["Chấm điểm"].title = "Sheet1"  # openpyxl, like some tools, leaves the names pointing at the old title
    wb.save(tmp_path / "renamed.xlsx")
    message = _error(tmp_path / "renamed.xlsx")
    assert "“Chấm điểm”" in message and "đổi tên" in message and "Sheet1" in message


def test_missing_file_and_folder(tmp_path):
    assert "không tìm thấy" in _error(tmp_path / "khong-co.xlsx")
    assert "thư mục" in _error(tmp_path)


def test_strict_open_xml_is_read_too(files, tmp_path):
    # Excel's "Strict Open XML Spreadsheet" uses other namespaces for the same structure
    transitional = {"http://schemas.openxmlformats.org/spreadsheetml/2006/main": "http://purl.oclc.org/ooxml/spreadsheetml/main",
                    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": "http://purl.oclc.org/ooxml/officeDocument/relationships"}
    strict = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(files["clean"]) as zin, zipfile.ZipFile(strict, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith((".xml", ".rels")):
                text = data.decode("utf-8")
                for old, new in transitional.items():
                    text = text.replace(old, new)
                data = text.encode("utf-8")
            zout.writestr(item, data)
    assert "purl.oclc.org" in zipfile.ZipFile(strict).read("xl/workbook.xml").decode()
    a, b = read_workbook(files["clean"]), read_workbook(strict)
    assert (b.inputs, b.claimed, b.evidence, b.unit) == (a.inputs, a.claimed, a.evidence, a.unit)
    assert b.cells["H04_score"].formula == a.cells["H04_score"].formula


def _central_entries(data: bytes):
    start = 0
    while (start := data.find(b"PK\x01\x02", start + 1)) != -1:
        yield start


@pytest.mark.parametrize("offset, value, what", [
    (6, b"\xff\x00", "an impossible 'version needed to extract'"),  # zipfile: NotImplementedError
    (8, b"\x01\x00", "the 'encrypted' flag of a zip entry"),  # zipfile: RuntimeError
])
def test_damaged_zip_directory(files, tmp_path, offset, value, what):
    data = bytearray(files["clean"].read_bytes())
    for entry in _central_entries(bytes(data)):
        data[entry + offset: entry + offset + 2] = value
    (tmp_path / "damaged.xlsx").write_bytes(bytes(data))
    assert "bị hỏng" in _error(tmp_path / "damaged.xlsx"), what


def test_damaged_bytes_give_a_workbook_error_or_a_submission(files, tmp_path):
    """Flipped bytes and cut files (a bad download, a broken USB stick): never another exception."""
    import random

    data = files["clean"].read_bytes()
    rng = random.Random(7)
    path = tmp_path / "damaged.xlsx"
    for _ in range(300):
        damaged = bytearray(data)
        for _ in range(rng.choice([1, 3, 10])):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        if rng.random() < 0.2:
            damaged = damaged[: rng.randrange(len(damaged))]
        path.write_bytes(bytes(damaged))
        try:
            read_workbook(path)
        except WorkbookError as exc:
            assert "\n" not in str(exc)


# -- a small sheet part parsed at once reads exactly what the stream reads --------------------------


def _outcome(path, streamed: bool, monkeypatch):
    """(submission or error text, rows and cells counted) of one read, the sheets parsed at once or streamed."""
    seen = []
    real = reader._Package.read_cells

    def counting(book, part, wanted):
        try:
            return real(book, part, wanted)
        finally:
            seen.append(book.cells_seen)

    with monkeypatch.context() as mp:
        mp.setattr(reader._Package, "read_cells", counting)
        if streamed:
            mp.setattr(reader._Package, "_plain_rows", lambda book, part: None)
        try:
            result = read_workbook(path)
        except WorkbookError as exc:
            result = str(exc)
    return result, seen


def _same_either_way(path, monkeypatch):
    at_once, streamed = _outcome(path, False, monkeypatch), _outcome(path, True, monkeypatch)
    assert at_once == streamed
    return at_once


def test_sheets_parsed_at_once_read_what_the_stream_reads(files, tmp_path, monkeypatch):
    import random

    parsed_at_once = []
    plain_rows = reader._Package._plain_rows
    monkeypatch.setattr(reader._Package, "_plain_rows",
                        lambda book, part: parsed_at_once.append(plain_rows(book, part)) or parsed_at_once[-1])
    sub, seen = _same_either_way(files["clean"], monkeypatch)
    assert sub.claimed["H01"] == vf.clean_values()["H01_claimed"] and all(parsed_at_once)
    # the same limit errors at the same rows and cells: refused one element before the stream's last
    with limits_set(cells=seen[-1] - 1):
        assert "số ô và hàng" in _same_either_way(files["clean"], monkeypatch)[0]
    with limits_set(cells=seen[-1]):
        assert _same_either_way(files["clean"], monkeypatch)[0] == sub

    # another shape (a cell inside a cell): streamed, and read as the stream always did
    wb = load_workbook(files["clean"])
    ws, note = vf.destination(wb, "H09_note")
    nested = vf.rewrite_cells(files["clean"], tmp_path / "nested.xlsx", ws.title,
                              {note: lambda element: f'<c r="ZZ1">{element}</c>'})
    parsed_at_once.clear()
    assert isinstance(_same_either_way(nested, monkeypatch)[0], Submission) and None in parsed_at_once

    # a wanted cell after sheetData, or a name pointing at a cell that is not there: the part is streamed
    _, evidence = vf.destination(wb, "H09_evidence")
    with zipfile.ZipFile(files["clean"]) as z:
        part = hostile.part_of(z, ws.title)

    def evidence_after_the_rows(name, xml):
        if name != part:
            return xml
        cell = re.search(rb'<c r="%s"(?: [^>]*)?(?:/>|>.*?</c>)' % evidence.encode(), xml, re.S).group(0)
        return xml.replace(cell, b"").replace(b"</sheetData>", b"</sheetData>" + cell)

    late = _same_either_way(hostile.rewrite(files["clean"], tmp_path / "late.xlsx", evidence_after_the_rows),
                            monkeypatch)[0]
    assert late.evidence == sub.evidence and sub.evidence["H09"] and late.cells["H09_evidence"].coord == evidence
    away = hostile.retarget(files["clean"], tmp_path / "away.xlsx", "H09_evidence", f"'{ws.title}'!$ZZ$900")
    assert _same_either_way(away, monkeypatch)[0].evidence["H09"] is None

    # damaged bytes (a part that does not parse to its end is streamed): the same submission or message
    data, rng, path = files["clean"].read_bytes(), random.Random(11), tmp_path / "damaged.xlsx"
    for _ in range(60):
        damaged = bytearray(data)
        for _ in range(rng.choice([1, 3, 10])):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        path.write_bytes(bytes(damaged))
        _same_either_way(path, monkeypatch)


# -- shared strings (what Excel and LibreOffice write for text) ----------------------------------------


def _as_shared_strings(src: Path, out: Path, extra=()) -> Path:
    """The workbook with every inline text cell turned into a shared-string reference, as Excel saves
    text; each text's runs kept as they are (rich text, phonetic guides added to some), and `extra`
    strings no cell uses appended to the table."""
    table: list = []

    def share(match):
        inner = match.group(3)
        if len(table) % 3 == 1:  # a phonetic guide is not part of the value
            inner += "<rPh sb=\"0\" eb=\"1\"><t>ふりがな</t></rPh>"
        table.append(f"<si>{inner}</si>")
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{len(table) - 1}</v></c>'

    def edit(name, data):
        if name.startswith("xl/worksheets/"):
            return re.sub(r'<c r="([A-Z]+\d+)"([^>]*?) t="inlineStr"><is>(.*?)</is></c>', share, data.decode(), flags=re.S).encode()
        if name == "xl/_rels/workbook.xml.rels":
            return data.decode().replace("</Relationships>", '<Relationship Id="rIdSst" Type="http://schemas.openxmlformats'
                                         '.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                         "</Relationships>").encode()
        return data

    hostile.rewrite(src, out, edit)
    table += [f"<si><t>{text}</t></si>" for text in extra]
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                   f'openxmlformats.org/spreadsheetml/2006/main" count="{len(table)}">' + "".join(table) + "</sst>")
    return out


def test_shared_strings_parsed_at_once_read_what_inline_text_and_the_stream_read(files, tmp_path, monkeypatch):
    """A small shared-string table is parsed at once and each text made when a cell asks for it: the
    submission is the one the same texts give inline, and the one the streamed table gives."""
    inline = read_workbook(files["clean"])
    shared = _as_shared_strings(files["clean"], tmp_path / "shared.xlsx", extra=["không dùng"] * 50)
    at_once = read_workbook(shared)
    assert isinstance(at_once.cells["H03_option"].value, str) and at_once.evidence["H09"]
    with monkeypatch.context() as mp:
        mp.setattr(reader, "_SHARED_BYTES", -1)  # every part streamed
        streamed = read_workbook(shared)
    for sub in (at_once, streamed):
        assert {n: (c.value, c.formula) for n, c in sub.cells.items()} == {
            n: (c.value, c.formula) for n, c in inline.cells.items()}
        assert (sub.inputs, sub.claimed, sub.evidence, sub.unit) == (inline.inputs, inline.claimed, inline.evidence, inline.unit)
    # the limits as before: too many entries refused; an overlong text refused once a cell reads it
    entries = zipfile.ZipFile(shared).read("xl/sharedStrings.xml").count(b"<si>")
    with limits_set(strings=entries - 1):
        assert "chuỗi chữ dùng chung" in _error(shared)
    long_unused = _as_shared_strings(files["clean"], tmp_path / "long.xlsx", extra=["x" * 32_768])
    assert read_workbook(long_unused).evidence == inline.evidence
    last = zipfile.ZipFile(long_unused).read("xl/sharedStrings.xml").count(b"<si>") - 1
    long_used = hostile.set_cell_xml(long_unused, tmp_path / "long-used.xlsx", "H09_evidence",
                                     lambda coord: f'<c r="{coord}" t="s"><v>{last}</v></c>')
    assert "độ dài một chuỗi chữ" in _error(long_used)
