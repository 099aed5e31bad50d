"""Test setup. xlwings' decorators only register functions for xlwings Server when these are set
before xlwings is first imported, so they are set here, at the top of the test session."""

import os

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import shutil  # noqa: E402

import pytest  # noqa: E402


def pytest_sessionstart(session):
    """In CI every real-engine test must run: a missing LibreOffice is a failed install, not a skip."""
    if os.environ.get("CI") and not (shutil.which("soffice") or shutil.which("libreoffice")):
        raise pytest.UsageError("CI: LibreOffice (soffice) is not installed — .ci/run must install libreoffice-calc-nogui")


@pytest.fixture(autouse=True, scope="session")
def _own_cache_dir(tmp_path_factory):
    """Caches (the expected template formulas) go to a folder of this session, not the user's."""
    os.environ["DTSCORE_CACHE_DIR"] = str(tmp_path_factory.mktemp("dtscore-cache"))
