"""xlwings probes for Pyodide on every argument cell; dtscore.udfs makes that probe fail at once
outside Pyodide, and must leave a real Pyodide (or an installed `pyodide` package) alone."""

import subprocess
import sys
import textwrap


def _run(code, **env):
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                         env={"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial", **env})
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_outside_pyodide_the_probe_fails_without_a_search():
    assert _run("""
        import sys
        import dtscore.udfs.functions
        from xlwings.utils import is_jsnull
        try:
            import pyodide.ffi
        except ImportError as exc:
            print("absent", "pyodide" in sys.modules)
        print(is_jsnull(None))
    """) == ["absent", "True", "False"]


def test_an_installed_pyodide_is_still_imported(tmp_path):
    package = tmp_path / "pyodide"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "ffi.py").write_text("class JsNull:\n    pass\n\njsnull = JsNull()\n")
    assert _run("""
        import dtscore.udfs.functions
        from pyodide.ffi import jsnull
        from xlwings.utils import is_jsnull
        print(is_jsnull(jsnull))
    """, PYTHONPATH=str(tmp_path)) == ["True"]


def test_under_emscripten_nothing_is_blocked(monkeypatch):
    from dtscore.udfs import adapters

    monkeypatch.delitem(sys.modules, "pyodide", raising=False)
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert adapters.skip_pyodide_probe() is False
    assert "pyodide" not in sys.modules
