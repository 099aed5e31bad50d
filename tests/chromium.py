"""Headless Chromium (Debian's `chromium`) driven over the DevTools protocol, for the task pane test.
The websocket client is simple-websocket (installed with xlwings-server); the browser gets a new
profile folder and the flags that keep it off the network except for the page it is given."""

import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import urllib.request
from contextlib import contextmanager

import simple_websocket

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--remote-debugging-port=0"]


def binary():
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Page:
    """One page's DevTools session: call(method, **params) → result; evaluate(js) → its value."""

    def __init__(self, ws_url):
        self.ws = simple_websocket.Client.connect(ws_url, max_message_size=64 * 2**20)
        self.ids = itertools.count(1)
        self.console = []

    def _next(self) -> dict:
        message = self.ws.receive(timeout=180)
        if message is None:
            raise RuntimeError("Chromium did not answer")
        message = json.loads(message)
        if message.get("method") == "Runtime.consoleAPICalled":
            self.console.append(" ".join(str(a.get("value", a.get("description", "")))
                                         for a in message["params"]["args"]))
        return message

    def call(self, method, **params):
        n = next(self.ids)
        self.ws.send(json.dumps({"id": n, "method": method, "params": params}))
        while True:
            message = self._next()
            if message.get("id") == n:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def wait_for(self, event):
        """Read the browser's messages until `event` (e.g. "Page.loadEventFired") arrives."""
        while self._next().get("method") != event:
            pass

    def evaluate(self, expression):
        """The value of a JS expression; a promise is awaited (in the page, not here)."""
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])

    def click(self, selector):
        """A real mouse press and release at the centre of the element."""
        box = self.evaluate(f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                            ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)


@contextmanager
def page(url, width=420, height=360):
    """Open `url` in a fresh headless Chromium; yield its Page."""
    profile = tempfile.mkdtemp(prefix="dtscore-chromium-")
    proc = subprocess.Popen([binary(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                             "about:blank"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        for line in proc.stderr:  # "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/…"
            if line.startswith("DevTools listening on "):
                port = line.split("ws://", 1)[1].split("/", 1)[0]
                break
        else:
            raise RuntimeError("Chromium did not start")
        with urllib.request.urlopen(f"http://{port}/json/list", timeout=60) as r:
            target = next(t for t in json.loads(r.read()) if t["type"] == "page")
        p = Page(target["webSocketDebuggerUrl"])
        p.call("Runtime.enable")
        p.call("Page.enable")
        p.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        p.call("Page.navigate", url=url)
        p.wait_for("Page.loadEventFired")
        yield p
        p.ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
