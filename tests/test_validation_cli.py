"""`dtscore validate` on an inbox of generated, filled workbooks: clean, with findings, round-tripped
through LibreOffice, and broken in every way a submission can be broken — one bad file never
stops the others, the input files are never written, reports are new files."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dtscore.cli import main
from tests import validate_fixtures as vf

DATA = Path(__file__).parent / "data" / "validate"
needs_libreoffice = pytest.mark.skipif(vf.soffice() is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inbox")
    work = tmp_path_factory.mktemp("work")
    native, udf = vf.build(work, mode="native"), vf.build(work, mode="udf")
    files = {
        "clean": vf.fill(native, folder / "h01-sach.xlsx", vf.clean_values()),
        "claim": vf.fill(native, folder / "h02-tu-cham-sai.xlsx", {**vf.clean_values(), "H09_ratio": 0.757, "H09_claimed": 6}),
        "udf": vf.fill(udf, folder / "h03-udf.xlsx", vf.clean_values()),
    }
    empty = folder / "h04-rong.xlsx"
    empty.write_bytes(b"")
    files["empty"] = empty
    notzip = folder / "h05-khong-phai-excel.xlsx"
    notzip.write_text("xin gửi báo cáo", encoding="utf-8")
    files["notzip"] = notzip
    data = files["clean"].read_bytes()
    cut = folder / "h06-thieu.xlsx"
    cut.write_bytes(data[: len(data) // 3])
    files["cut"] = cut
    wb = load_workbook(files["clean"])
    wb["Chấm điểm"].title = "Chấm điểm (2)"
    wb.save(folder / "h07-doi-ten.xlsx")
    files["renamed"] = folder / "h07-doi-ten.xlsx"
    locked = folder / "h08-mat-khau.xlsx"
    locked.write_bytes((DATA / "password-protected.xlsx").read_bytes())
    files["locked"] = locked
    return folder, files


@pytest.fixture(scope="module")
def libreoffice_files(inbox, tmp_path_factory):
    """The clean workbooks opened and saved by LibreOffice (recalculated, cached values written),
    and the clean workbook saved as an old .xls."""
    if vf.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    _, files = inbox
    out = tmp_path_factory.mktemp("lo")
    native, udf = vf.convert([files["clean"], files["udf"]], "xlsx", out / "xlsx")
    (xls,) = vf.convert([files["clean"]], "xls", out / "xls")
    return {"native": native, "udf": udf, "xls": xls}


def run(capsys, *args):
    code = main(["validate", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def digest(paths):
    return {str(p): (hashlib.sha256(Path(p).read_bytes()).hexdigest(), os.stat(p).st_mtime_ns) for p in paths}


def test_clean_file_exit_0_and_a_readable_summary(inbox, capsys):
    _, files = inbox
    code, out, _ = run(capsys, files["clean"])
    assert code == 0
    assert "Huyện Châu Thành (H01)" in out
    assert "84,56 / 100" in out  # decimal comma
    assert "Không có lỗi" in out


def test_findings_still_exit_0_and_name_the_cell(inbox, capsys):
    _, files = inbox
    code, out, _ = run(capsys, files["claim"])
    assert code == 0
    cell = vf.coordinate_of(files["claim"], "H09_claimed")
    line = next(line for line in out.splitlines() if "H09_claimed" in line)
    assert cell in line and "4,54" in line and "lỗi" in line


def test_every_broken_file_gets_one_line_and_the_others_are_still_validated(inbox, capsys):
    folder, files = inbox
    before = digest(files.values())
    code, out, _ = run(capsys, *files.values())
    assert code == 1
    blocks = {b.splitlines()[0].removeprefix("━━ "): b for b in out.split("\n\n") if b.startswith("━━ ")}
    assert len(blocks) == len(files)
    reasons = {"empty": "rỗng", "notzip": "không phải bảng tính", "cut": "chưa tải về hết",
               "renamed": "đổi tên", "locked": "mật khẩu"}
    for key, words in reasons.items():
        block = blocks[str(files[key])]
        lines = block.splitlines()
        assert len(lines) == 2 and lines[1].startswith("  ✗ Không đọc được:") and words in lines[1], block
    assert "Không có lỗi" in blocks[str(files["clean"])]
    assert "H09_claimed" in blocks[str(files["claim"])]
    assert "Đã kiểm tra 8 tệp: 3 đọc được" in out and "5 không đọc được" in out
    assert digest(files.values()) == before  # nothing written into the inputs


def test_json_is_a_list_with_file_and_error(inbox, capsys):
    _, files = inbox
    code, out, _ = run(capsys, "--json", files["clean"], files["empty"], files["claim"])
    assert code == 1
    items = json.loads(out)
    assert [i["file"] for i in items] == [str(files["clean"]), str(files["empty"]), str(files["claim"])]
    clean, empty, claim = items
    assert "error" not in clean and clean["total"] == 84.56 and clean["findings"] == []
    assert set(clean) >= {"criteria_set", "version", "fingerprint", "level", "unit", "total", "max_total",
                          "total_100", "claimed_total", "criteria", "findings"}
    assert "rỗng" in empty["error"] and empty["criteria"] == []
    finding = next(f for f in claim["findings"] if f["code"] == "CLAIM_MISMATCH")
    assert finding["cell"] == vf.coordinate_of(files["claim"], "H09_claimed") and finding["name"] == "H09_claimed"


def test_a_folder_argument_means_its_workbooks(inbox, capsys):
    folder, files = inbox
    code, out, _ = run(capsys, "--json", folder)
    assert code == 1
    assert sorted(i["file"] for i in json.loads(out)) == sorted(str(p) for p in files.values())


def test_xlsx_report_lists_findings_with_links_and_is_a_new_file(inbox, capsys, tmp_path):
    _, files = inbox
    before = digest(files.values())
    report = tmp_path / "ket-qua.xlsx"
    code, out, _ = run(capsys, files["clean"], files["claim"], files["empty"], "--report", report)
    assert code == 1 and report.exists()
    assert digest(files.values()) == before
    wb = load_workbook(report)
    assert wb.sheetnames == ["Tổng hợp", "Phát hiện"]
    rows = list(wb["Phát hiện"].iter_rows(values_only=True))
    assert rows[3][:6] == ("Tệp", "Mã đơn vị", "Đơn vị", "Tiêu chí", "Ô", "Tên vùng")  # under the title
    assert wb["Tổng hợp"]["A1"].value.startswith("KẾT QUẢ KIỂM TRA") and "(điểm)" in wb["Tổng hợp"]["F4"].value
    claim = next(r for r in wb["Phát hiện"].iter_rows(min_row=5) if r[5].value == "H09_claimed")
    link = claim[4].hyperlink
    assert claim[4].value == vf.coordinate_of(files["claim"], "H09_claimed")
    # relative to the report, so the inbox and the report can be moved together
    assert link.location == claim[4].value
    assert link.target == os.path.relpath(files["claim"], report.parent).replace(os.sep, "/")
    overview = {r[0]: r for r in wb["Tổng hợp"].iter_rows(min_row=5, values_only=True) if r[0]}
    assert overview[str(files["clean"])][5] == 84.56
    assert "rỗng" in overview[str(files["empty"])][9]


def test_html_report_is_escaped(inbox, capsys, tmp_path):
    _, files = inbox
    values = {**vf.clean_values(), "H09_ratio": 0.757, "H09_claimed": 6}
    odd = vf.fill(vf.build(tmp_path, unit_name="<script>alert(1)</script>"), tmp_path / "odd.xlsx", values)
    report = tmp_path / "ket-qua.html"
    code, _, _ = run(capsys, odd, files["clean"], "--report", report)
    page = report.read_text(encoding="utf-8")
    assert code == 0
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<html lang="vi">' in page and "H09_claimed" in page and "Không có lỗi" in page


def test_html_links_are_relative_to_the_report_and_warning_only_files_are_counted(inbox, capsys, tmp_path):
    _, files = inbox
    report = tmp_path / "bao-cao" / "ket-qua.html"
    report.parent.mkdir()
    code, out, _ = run(capsys, files["clean"], files["claim"], "--report", report)
    page = report.read_text(encoding="utf-8")
    for f in (files["clean"], files["claim"]):
        target = os.path.relpath(f, report.parent).replace(os.sep, "/")
        assert f'href="{target}"' in page and (report.parent / target).resolve() == Path(f).resolve()
    assert "0 chỉ có cảnh báo" in out


def test_a_warning_only_file_is_counted_apart():
    from dtscore.findings import Finding
    from dtscore.validation import Validation
    from dtscore.validation_report import run_summary

    def v(*severities):
        return Validation("x.xlsx", "", findings=[Finding("INPUT_MISSING", "H01", "…", severity=s) for s in severities])

    text = run_summary([v(), v("warning"), v("warning", "error"), v("info")])
    assert "4 đọc được (2 không có lỗi, 1 chỉ có cảnh báo, 1 có lỗi)" in text


def test_a_report_never_overwrites_an_input(inbox, capsys):
    _, files = inbox
    before = digest([files["clean"]])
    code, _, err = run(capsys, files["clean"], "--report", files["clean"])
    assert code == 2 and "không bao giờ ghi đè" in err
    assert digest([files["clean"]]) == before


def test_the_installed_command(inbox):
    _, files = inbox
    done = subprocess.run([sys.executable, "-m", "dtscore", "validate", "--json", str(files["clean"])],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["total"] == 84.56


# -- LibreOffice -------------------------------------------------------------------------------


@needs_libreoffice
def test_a_native_workbook_round_tripped_through_libreoffice_still_validates(libreoffice_files, capsys):
    path = libreoffice_files["native"]
    code, out, _ = run(capsys, "--json", path)
    (item,) = json.loads(out)
    assert code == 0 and item["findings"] == [] and item["total"] == 84.56
    sub = __import__("dtscore.workbook.reader", fromlist=["read_workbook"]).read_workbook(path)
    # LibreOffice computed and cached every score: the same as the hand calculation
    assert {k: sub.cells[f"{k}_score"].value for k in vf.HUYEN_SCORES} == {k: float(v) for k, v in vf.HUYEN_SCORES.items()}
    assert sub.cells["total_score"].value == 84.56


@needs_libreoffice
def test_a_udf_workbook_opened_without_the_add_in_shows_name_errors(libreoffice_files, capsys):
    code, out, _ = run(capsys, "--json", libreoffice_files["udf"])
    (item,) = json.loads(out)
    assert code == 0 and item["total"] == 84.56  # the engine still scores the inputs
    stale = [f for f in item["findings"] if f["code"] == "CELL_VALUE_STALE"]
    assert {f["name"] for f in stale} >= {f"{k}_score" for k in vf.HUYEN_SCORES}
    assert all("#NAME?" in f["message"] for f in stale)
    assert not [f for f in item["findings"] if f["code"] == "FORMULA_TAMPERED"]


@needs_libreoffice
def test_an_old_xls_file_is_one_clear_line(libreoffice_files, inbox, capsys):
    _, files = inbox
    code, out, _ = run(capsys, libreoffice_files["xls"], files["clean"])
    assert code == 1
    line = next(line for line in out.splitlines() if "Không đọc được" in line)
    assert ".xls" in line and "lưu lại dạng .xlsx" in line
    assert "Không có lỗi" in out


@needs_libreoffice
def test_stale_value_after_an_edit_without_recalculation(libreoffice_files, tmp_path):
    """A LibreOffice-saved file (real cached values) whose H08 ratio is then changed by a program
    that does not recalculate: the cached 9,00 no longer matches the engine's 10 × 95% = 9,5."""
    from dtscore.validation import validate_file

    src = libreoffice_files["native"]
    wb = load_workbook(src)
    ws, coord = vf.destination(wb, "H08_ratio")
    path = vf.rewrite_cells(src, tmp_path / "edited.xlsx", ws.title,
                            {coord: lambda e: vf.set_typed_number(e, 0.95)})
    v = validate_file(path, today=vf.TODAY)
    stale = {f.name: f for f in v.findings if f.code == "CELL_VALUE_STALE"}
    assert set(stale) == {"H08_score", "total_score"}
    assert "9,5" in stale["H08_score"].message and stale["H08_score"].cell == vf.coordinate_of(src, "H08_score")
    assert "84,56" in stale["total_score"].message and "85,06" in stale["total_score"].message


def test_a_set_outside_the_built_in_ones_is_given_with_set(capsys, tmp_path):
    from dtscore.criteria import load_set
    from dtscore.workbook.builder import build_template

    yaml = Path(__file__).parent / "data" / "template-all-kinds.yaml"
    path = build_template(load_set(yaml), "mix", tmp_path / "thu.xlsx")
    code, out, _ = run(capsys, "--json", path)
    (item,) = json.loads(out)
    assert code == 0 and item["criteria"] == []
    assert item["findings"][0]["code"] == "TEMPLATE_MISMATCH" and "--set" in item["findings"][0]["message"]
    code, out, _ = run(capsys, "--json", "--set", yaml, path)
    (item,) = json.loads(out)
    assert code == 0 and item["criteria_set"] == "template-all-kinds" and item["criteria"]
    assert not [f for f in item["findings"] if f["code"] in ("TEMPLATE_MISMATCH", "FORMULA_TAMPERED")]


def test_text_from_a_unit_never_becomes_a_formula_in_the_report(capsys, tmp_path):
    odd = '=HYPERLINK("http://x","bấm")'  # text a unit typed with Excel's apostrophe: '=HYPERLINK(…)
    wb = load_workbook(vf.fill(vf.build(tmp_path), tmp_path / "odd.xlsx", vf.clean_values()))
    ws, coord = vf.destination(wb, "unit_name")
    ws[coord].value = odd
    ws[coord].data_type = "s"
    path = tmp_path / "odd.xlsx"
    wb.save(path)
    report = tmp_path / "out" / "ket-qua.xlsx"
    report.parent.mkdir()
    assert run(capsys, path, "--report", report)[0] == 0
    cell = load_workbook(report)["Tổng hợp"]["C5"]
    assert cell.value == odd and cell.data_type == "s"


def test_many_files_are_spread_over_processes_and_print_what_one_process_prints(inbox, capsys, monkeypatch):
    """From reading.PARALLEL_FROM files on, validate reads them in worker processes: same
    text, same order, same exit code as reading them one by one in this process."""
    from dtscore import reading

    _, files = inbox
    many = [path for _ in range(6) for path in files.values()]  # 48 files, broken ones among them
    assert len(many) >= reading.PARALLEL_FROM
    spread = []
    real = reading._read_in_workers
    monkeypatch.setattr(reading, "_read_in_workers", lambda *a: spread.append(a[1]) or real(*a))
    parallel = run(capsys, *many)
    monkeypatch.setattr(reading, "PARALLEL_FROM", len(many) + 1)
    alone = run(capsys, *many)
    assert spread and spread[0] >= 2 or (os.cpu_count() or 1) == 1
    assert parallel == alone
    assert parallel[0] == 1 and f"Đã kiểm tra {len(many)} tệp: 18 đọc được" in parallel[1]
