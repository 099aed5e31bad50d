"""Runs inside Pyodide (tests/lite_run.mjs): install the local wheels, load main.py as xlwings Lite
does (a module called "main"), then call functions and the button through xlwings.server exactly as
xlwings' Wasm runtime does. Returns a JSON string: meta, call results, button actions, modules."""

import json
import os
import site
import sys
import types
import zipfile
from pathlib import Path

job = json.loads(Path("/job/job.json").read_text(encoding="utf-8"))
target = site.getsitepackages()[0]
for wheel in sorted(Path("/job/wheels").glob("*.whl")):
    zipfile.ZipFile(wheel).extractall(target)

os.environ["XLWINGS_ON_SERVER"] = "true"  # as xlwings' Wasm runtime sets it, before xlwings is imported
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
import xlwings as xw  # noqa: E402
import xlwings.server  # noqa: E402

main = types.ModuleType("main")
exec(compile(Path("/job/main.py").read_text(encoding="utf-8"), "main.py", "exec"), main.__dict__)
sys.modules["main"] = main

out = {"platform": sys.platform, "python": sys.version.split()[0]}
out["functions"] = sorted(f["name"] for f in xlwings.server.custom_functions_meta(main)["functions"])
out["scripts"] = xlwings.server.custom_scripts_meta(main)
out["results"] = [await xlwings.server.custom_functions_call(body, main) for body in job["calls"]]  # noqa: F704
book = xw.Book(json=job["book"])
book = await xlwings.server.custom_scripts_call(main, "tinh_lai_kiem_tra", typehint_to_value={xw.Book: book})  # noqa: F704
out["actions"] = book.json()["actions"]
out["modules"] = sorted({name.split(".")[0] for name in sys.modules})
import yaml  # noqa: E402

out["yaml_libyaml"] = yaml.__with_libyaml__
json.dumps(out, default=str)
