"""A real xlwings-server on 127.0.0.1, serving a project written by `dtscore server init`, started the
way `dtscore server run` starts it; and the request bodies Excel's Office.js client sends it."""

import json
import socket
import subprocess
import threading
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager

import xlwings as xw

from dtscore import server
from tests.xlwings_calls import argument

SESSION = str(uuid.uuid4())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(project, workers=1):
    """Start the server, wait until uvicorn says it listens and every worker started, yield (base URL, log lines); stop."""
    port = free_port()
    argv = server.command(project, "127.0.0.1", port, workers)
    env = server.environment(project)
    env.pop("XLWINGS_LICENSE_KEY", None)  # the project's .env must be enough
    proc = subprocess.Popen(argv, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, encoding="utf-8")
    log = []
    try:
        started, listening = 0, False
        for line in proc.stdout:  # blocks until the server writes; ends when it died
            log.append(line)
            started += "Application startup complete" in line
            listening |= "Uvicorn running on" in line
            if listening and started == workers:
                break
        else:
            raise RuntimeError("xlwings-server did not start:\n" + "".join(log))
        drain = threading.Thread(target=lambda: log.extend(proc.stdout), daemon=True)
        drain.start()
        yield f"http://127.0.0.1:{port}", log
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def get(url):
    """(status, body — text unless binary, content type)."""
    with urllib.request.urlopen(url, timeout=60) as r:
        kind = r.headers.get("Content-Type", "")
        body = r.read()
        return r.status, body if kind.startswith("image/") else body.decode("utf-8"), kind


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": "",
                                              "Auth-Provider": ""})
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def function_body(func_name, *args, address="Chấm điểm!H12", book="Bảng chấm điểm.xlsx"):
    """What custom-functions-code.js posts to /xlwings/custom-functions-call (xlwings-server 1.x)."""
    return {
        "client": "Office.js",
        "func_name": func_name,
        "args": [argument(a) for a in args],
        "caller_address": f"[{book}]{address}",
        "session_id": SESSION,
        "culture_info_name": "vi-VN",
        "date_format": "dd/MM/yyyy",
        "version": xw.__version__,
        "runtime": "1.4",
    }
