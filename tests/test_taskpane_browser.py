"""The task pane in a real browser: headless Chromium loads it from the real xlwings-server serving a
`dtscore server init` project, with a small Office.js stand-in (tests/officejs_standin.js) served in
place of office.js; the Vietnamese button is shown (screenshot; DTSCORE_DOCS_SCREENSHOT=1 writes it to
docs/taskpane.png) and a mouse press on it makes xlwings' own JS post the script call to the server."""

import os
import re
import shutil
from pathlib import Path

import pytest

from dtscore import server
from tests import chromium
from tests.server_process import get, running

STANDIN = Path(__file__).with_name("officejs_standin.js")
DOCS = Path(__file__).resolve().parent.parent / "docs" / "taskpane.png"
BUTTON = "#dtscore-nut-kiem-tra"
READY = (f"new Promise(resolve => {{ const check = () => document.querySelector('{BUTTON}')"
         "?.hasAttribute('xw-click-initialized') ? resolve(true) : setTimeout(check, 50); check(); })")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if chromium.binary() is None:
        if os.environ.get("CI"):
            pytest.fail("CI: Chromium is not installed — .ci/run must install the Debian package chromium")
        pytest.skip("Chromium (Debian package chromium) is not installed")
    project = server.init_project(tmp_path_factory.mktemp("taskpane") / "dtscore-server")
    with running(project) as (url, log):
        # the stand-in replaces office.js where the page loads it (project static files win over the package's)
        _, page, _ = get(url + "/taskpane.html")
        (office_js,) = re.findall(r'src="/static/(vendor/office-js/[^"]+/office\.js)"', page)
        target = project / "static" / office_js
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(STANDIN, target)
        yield url, log


def test_the_task_pane_shows_the_button_and_a_press_calls_the_script(served, tmp_path):
    url, log = served
    with chromium.page(url + "/taskpane.html") as page:
        assert page.evaluate(READY) is True  # xlwings' JS bound the button (xw-click)
        assert page.evaluate(f"document.querySelector('{BUTTON}').textContent.trim()") == "Tính lại & kiểm tra"
        assert page.evaluate("document.querySelector('#dtscore-ket-qua').textContent") == "Chưa bấm lần nào."
        png = page.screenshot()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
        if os.environ.get("DTSCORE_DOCS_SCREENSHOT"):
            DOCS.write_bytes(png)
        assert not any("Script" in line for line in log)
        page.click(BUTTON)
        # xw-click disables the button while the request runs; our task pane JS then writes the result line
        done = ("new Promise(resolve => { const check = () => document.querySelector('#dtscore-ket-qua')"
                ".textContent.includes(':') ? resolve(true) : setTimeout(check, 50); check(); })")
        assert page.evaluate(done) is True
    logged = "".join(log)
    assert 'Script "tinh_lai_kiem_tra" called' in logged
    assert '"POST /xlwings/custom-scripts-call/tinh_lai_kiem_tra HTTP/1.1" 200' in logged
