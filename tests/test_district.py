"""The district tier (Điều 2.1): three districts consolidate their communes and write packages for
Sở TTTT; Sở TTTT consolidates the three packages beside provincial files. Every commune is ranked
among all communes (ranks recomputed here from the engine's totals, 1, 2, 2, 4), every file keeps
its origin, and a file changed after its district packed it is not used."""

import contextlib
import hashlib
import io
import json
import zipfile
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from dtscore.cli import main
from dtscore.criteria import load_set
from dtscore.sampledata import cell_values, sample_unit
from dtscore.scoring import score_unit
from tests.fillers import write_unit

CS = load_set("soctrang-2023")
DISTRICTS = {"HCT": ["XCT1", "XCT2", "XCT3"], "HKS": ["XKS1", "XKS2"], "HMT": ["XMT1", "XMT2", "XMT3"]}
PROVINCIAL = ["SYT", "STC"]
SEEDS = {code: i for i, code in enumerate(sum(DISTRICTS.values(), []) + PROVINCIAL, start=11)}
TWINS = {"XMT2": "XCT2"}  # two communes with identical figures in different districts: they share a rank


def unit(level, code):
    source = TWINS.get(code, code)
    return sample_unit(CS, level, source, f"Đơn vị {source}", seed=SEEDS[source])


def write(folder, level, code):
    s = unit(level, code)
    return write_unit(CS, level, folder / f"{code}.xlsx", code=code, name=f"Đơn vị {code}",
                      inputs=cell_values(CS, level, s.inputs), claimed=s.claimed, evidence=s.evidence)


def total(level, code):
    s = unit(level, code)
    return score_unit(CS, level, s.inputs, s.claimed, s.evidence).total


def table(ws, header_row=4) -> pd.DataFrame:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    return pd.DataFrame([r for r in rows[1:] if any(v is not None for v in r)], columns=list(rows[0]))


def run(*args) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        assert main([str(a) for a in args]) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def tier(tmp_path_factory):
    root = tmp_path_factory.mktemp("district")
    packages = []
    for district, communes in DISTRICTS.items():
        inbox = root / f"hop-thu-{district}"
        for code in communes:
            write(inbox, "xa", code)
        (inbox / f"minh-chung-{communes[0]}.pdf").write_bytes(b"%PDF-1.4 evidence")
        package = root / f"goi-{district}.zip"
        run("consolidate", inbox, "-o", root / f"ket-qua-{district}.xlsx", "--package", package,
            "--district", district, "--district-name", f"Huyện {district}", "--no-progress")
        packages.append(package)
    provincial = root / "hop-thu-tinh"
    for code in PROVINCIAL:
        write(provincial, "tinh", code)
    result = root / "ket-qua.xlsx"
    console = run("consolidate", *packages, provincial, "-o", result, "--no-progress")
    assert "không đọc được" not in console  # the evidence PDF in a package is listed, not read
    return {"root": root, "packages": packages, "result": openpyxl.load_workbook(result), "console": console}


def test_a_package_holds_the_result_the_originals_and_their_hashes(tier):
    with zipfile.ZipFile(tier["root"] / "goi-HCT.zip") as z:
        index = json.loads(z.read("index.json"))
        assert index["district"] == {"code": "HCT", "name": "Huyện HCT"} and index["year"] == CS.year
        assert z.read("ket-qua.xlsx") == (tier["root"] / "ket-qua-HCT.xlsx").read_bytes()
        names = sorted(f["original_name"] for f in index["files"])
        assert names == sorted([f"{c}.xlsx" for c in DISTRICTS["HCT"]] + ["minh-chung-XCT1.pdf"])
        for f in index["files"]:
            original = tier["root"] / "hop-thu-HCT" / f["original_name"]
            assert f["sha256"] == hashlib.sha256(original.read_bytes()).hexdigest() == \
                hashlib.sha256(z.read(f["path"])).hexdigest()


def test_the_district_ranks_its_own_communes(tier):
    ranking = table(openpyxl.load_workbook(tier["root"] / "ket-qua-HCT.xlsx")["Xếp hạng cấp xã"])
    assert sorted(ranking["Mã đơn vị"]) == sorted(DISTRICTS["HCT"])


def test_the_province_ranks_every_commune_and_keeps_origins(tier):
    ranking = table(tier["result"]["Xếp hạng cấp xã"]).set_index("Mã đơn vị")
    communes = sum(DISTRICTS.values(), [])
    assert sorted(ranking.index) == sorted(communes)
    totals = pd.Series({c: float(total("xa", c)) for c in communes})
    expected = totals.rank(method="min", ascending=False).astype(int)
    assert (ranking["Hạng"].astype(int) == expected[ranking.index]).all()
    assert ranking.loc["XCT2", "Hạng"] == ranking.loc["XMT2", "Hạng"]  # the tie across districts
    for code in communes:
        assert Decimal(str(ranking.loc[code, "Điểm tính"])) == total("xa", code)
    tinh = table(tier["result"]["Xếp hạng cấp tỉnh"])
    assert sorted(tinh["Mã đơn vị"]) == sorted(PROVINCIAL)
    files = table(tier["result"]["Tệp"])
    origin = dict(zip(files["Mã đơn vị"], files["Nguồn"]))
    for district, codes in DISTRICTS.items():
        for code in codes:
            assert origin[code] == f"goi-{district}.zip"
    assert {origin[c] for c in PROVINCIAL} == {"gửi trực tiếp"}
    shown = dict(zip(files["Mã đơn vị"], files["Tệp"]))
    assert shown["XKS1"] == "goi-HKS.zip › ho-so/XKS1.xlsx"


def test_a_file_changed_after_packing_is_not_used(tier, tmp_path):
    src = tier["root"] / "goi-HMT.zip"
    bad = tmp_path / "goi-HMT.zip"
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(bad, "w") as out:
        for item in z.infolist():
            data = z.read(item.filename)
            if item.filename == "ho-so/XMT1.xlsx":
                data = (tier["root"] / "hop-thu-HCT" / "XCT1.xlsx").read_bytes()  # swapped after packing
            out.writestr(item, data)
    console = run("consolidate", bad, "-o", tmp_path / "kq.xlsx", "--no-progress")
    assert "goi-HMT.zip › ho-so/XMT1.xlsx: SHA-256 khác chỉ mục" in console
    result = openpyxl.load_workbook(tmp_path / "kq.xlsx")
    ranking = table(result["Xếp hạng cấp xã"])
    assert sorted(ranking["Mã đơn vị"]) == ["XMT2", "XMT3"]
    # the reviewer's signed result says so too, not only the console: the file, its package, why
    files = table(result["Tệp"]).set_index("Tệp")
    refused = files.loc["goi-HMT.zip › ho-so/XMT1.xlsx"]
    assert (refused["Nguồn"], refused["Tình trạng"]) == ("goi-HMT.zip", "không đọc được")
    assert refused["Lý do / ghi chú"].startswith("SHA-256 khác chỉ mục")
    assert "1 tệp không đọc được" in console
