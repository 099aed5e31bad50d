"""The province's xlwings Server for real: `dtscore server init` writes the project, the real
xlwings-server (PyPI) serves it on 127.0.0.1 as `dtscore server run` starts it, and the tests talk
HTTP to it with the bodies Excel's Office.js client sends (custom-functions-code.js: culture vi-VN;
runPython: the book payload). Expected scores are the decision's and hand calculations."""

import json
from datetime import date

import pytest

from dtscore import server
from dtscore.udfs import button, functions
from tests import validate_fixtures as vf
from tests.button_payload import book_payload
from tests.server_process import function_body, get, post, running
from tests.test_button import SCORE_SHEET, books, check_sheet, colours, name_cells, written  # noqa: F401
from tests.test_udfs_calls import PHUONG_1, PHUONG_1_SCORES, XA_KEYS
from tests.xlwings_calls import OMITTED, Repeating

CALL = "/xlwings/custom-functions-call"
DUES = [[date(2023, 3, 31)], [date(2023, 12, 15)]]  # soctrang-2023 X01: plan by 31/03, report by 15/12


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return server.init_project(tmp_path_factory.mktemp("server") / "dtscore-server")


@pytest.fixture(scope="module")
def served(project):
    with running(project) as (url, log):
        yield url, log


def call(url, *args):
    status, body = post(url + CALL, function_body(*args))
    assert status == 200, body
    return body["result"]


def test_init_writes_a_production_project(project):
    env = (project / ".env").read_text(encoding="utf-8")
    for line in ('XLWINGS_ENVIRONMENT="prod"', 'XLWINGS_FUNCTIONS_NAMESPACE="DTSCORE"', "XLWINGS_ENABLE_EXAMPLES=false",
                 'XLWINGS_LICENSE_KEY="noncommercial"'):
        assert line in env.splitlines()
    assert "XÁC NHẬN BẰNG VĂN BẢN" in env  # the licence caveat sits next to the key
    assert "from dtscore.udfs.functions import *" in (project / "custom_functions" / "__init__.py").read_text()
    for size in (16, 32, 64, 80):
        assert (project / "static" / "images" / "icons" / f"dtscore-{size}.png").read_bytes()[:4] == b"\x89PNG"
    requirements = (project / "requirements.txt").read_text().splitlines()
    assert requirements[-1] == f"./{server.wheel_name()}" and requirements[-1].endswith("-py3-none-any.whl")
    assert "HTTPS" in (project / "README.md").read_text(encoding="utf-8")
    with pytest.raises(Exception, match="đã có nội dung"):
        server.init_project(project)  # never writes over an existing project


def test_meta_lists_every_function_with_its_vietnamese_help(served):
    url, _ = served
    status, text, _ = get(url + "/xlwings/custom-functions-meta")
    assert status == 200
    meta = {f["name"]: f for f in json.loads(text)["functions"]}
    assert set(meta) == set(functions.__all__)
    ratio = {p["name"]: p["description"] for p in meta["DT_RATIO"]["parameters"]}
    assert ratio["target"].startswith("Chỉ tiêu của tiêu chí")
    assert all(p["description"] for f in meta.values() for p in f["parameters"])


def test_manifest_taskpane_and_icons_are_the_provinces(served):
    url, _ = served
    _, manifest, _ = get(url + "/manifest")
    assert '<bt:String id="Functions.Namespace" DefaultValue="DTSCORE" />' in manifest
    assert '<DisplayName DefaultValue="dtscore" />' in manifest  # no " [dev]"
    assert "https://www.xlwings.org" not in manifest and "/images/icons/dtscore-80.png" in manifest
    status, png, kind = get(url + "/static/images/icons/dtscore-32.png")
    assert status == 200 and kind == "image/png" and png[:4] == b"\x89PNG"
    _, page, _ = get(url + "/taskpane.html")
    assert 'xw-click="tinh_lai_kiem_tra"' in page and "Tính lại &amp; kiểm tra" in page
    assert "Hello" not in page


def test_dt_ratio_the_decisions_example(served):
    url, _ = served
    assert call(url, "DT_RATIO", 0.9, 0.95, 4) == [[3.79]]  # Phần I, tiêu chí 3: 90/95 × 4 = 3,789… → 3,79
    assert call(url, "DT_RATIO", None, 0.95, 4) == [[""]]  # nothing entered yet


def test_dt_penalty_months_with_date_ranges(served):
    url, _ = served
    # plan on time; report 16/01/2024: one month and a day after 15/12 → 2 months begun → 8 − 2
    assert call(url, "DT_PENALTY_MONTHS", 8, DUES, [[date(2023, 3, 31)], [date(2024, 1, 16)]]) == [[6]]
    # counting whole months only: 1 → 8 − 1
    assert call(url, "DT_PENALTY_MONTHS", 8, DUES, [[date(2023, 3, 31)], [date(2024, 1, 16)]], "completed") == [[7]]
    # the report was never issued → 0
    assert call(url, "DT_PENALTY_MONTHS", 8, DUES, [[date(2023, 3, 31)], [None]], OMITTED, OMITTED) == [[0]]


def test_dt_score_and_dt_score_table(served):
    url, _ = served
    assert call(url, "DT_SCORE", "soctrang-2023", "X03", Repeating(0.54)) == [[9]]  # 54/60 × 10
    assert call(url, "DT_SCORE", "soctrang-2023", "X01", Repeating(date(2023, 3, 31), date(2024, 1, 16))) == [[6]]
    assert call(url, "DT_SCORE_TABLE", "soctrang-2023", "xa", XA_KEYS, [PHUONG_1, [None] * 17]) == [
        PHUONG_1_SCORES, [""] * 15]


def test_bad_input_gets_a_vietnamese_message_and_the_log_no_cell_values(served):
    url, log = served
    assert call(url, "DT_RATIO", 1.2345, 0.95, 4) == [["DT_RATIO: tỉ lệ 1,2345 > 100%"]]
    assert call(url, "DT_SCORE", "soctrang-2023", "X11", Repeating(987654, 7)) == [
        ["DT_SCORE: X11: số tổ có hoạt động 987654 lớn hơn tổng số tổ 7"]]
    logged = "".join(log)
    assert "DT_RATIO" in logged  # the server does log the calls…
    for value in ("1.2345", "1,2345", "987654", "0.54", "Châu Thành"):  # …but never what the cells hold
        assert value not in logged


@pytest.mark.skipif(vf.soffice() is None, reason="LibreOffice computes what Excel would show")
def test_the_button_over_http_returns_the_actions_excel_runs(served, books):  # noqa: F811
    url, log = served
    cells = name_cells(books["faulty"])
    # the official typed 6 over the H09 score (inputs give 6 × 75,7% = 4,54)
    payload = book_payload(books["faulty"], shown={(SCORE_SHEET, cells["H09_score"]): 6})
    status, answer = post(url + "/xlwings/custom-scripts-call/tinh_lai_kiem_tra", payload)
    assert status == 200, answer
    actions = answer["actions"]
    assert set(written(payload, actions, SCORE_SHEET)) == {cells["H09_score"]}  # only the computed cell
    values, _ = check_sheet(payload, actions)
    assert values["A2"] == "Kết quả: 3 lỗi, 2 cảnh báo"
    painted = colours(payload, actions, SCORE_SHEET)
    assert painted[cells["H08_ratio"]] == button.SEVERITY_FILL["error"]
    assert painted[cells["H03_evidence"]] == button.SEVERITY_FILL["warning"]
    (alert,) = [a for a in actions if a["func"] == "alert"]
    assert alert["args"][0].startswith("3 lỗi, 2 cảnh báo")
    logged = "".join(log)
    assert 'Script "tinh_lai_kiem_tra" called' in logged
    assert "Huyện Châu Thành" not in logged and "Văn bản số" not in logged
