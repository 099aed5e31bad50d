// Run tests/lite_job.py in Pyodide under Node, the runtime xlwings Lite runs in Excel, with packages
// only from local wheels (no CDN): node tests/lite_run.mjs PYODIDE_DIR JOB_DIR
// JOB_DIR holds job.json, main.py and wheels/; the job's JSON result is printed on stdout.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, jobDir] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/", stdout: (s) => console.error(s) });
pyodide.FS.mkdirTree("/job");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: jobDir }, "/job");
const code = readFileSync(new URL("./lite_job.py", import.meta.url), "utf8");
const result = await pyodide.runPythonAsync(code);
process.stdout.write(result);
