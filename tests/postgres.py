"""A real PostgreSQL for the tests, from Debian's package (.ci/run installs `postgresql`): a throw-away
cluster in a temporary folder, listening only on a Unix socket in that folder (no TCP port), started
once per test session and stopped at its end. Each test gets a new, empty database."""

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

USER = "dtscore"


def binaries() -> Path | None:
    """The folder of Debian's initdb/pg_ctl (newest version), or of the ones on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _run(argv, owner):
    """PostgreSQL refuses to run as root: run as the `postgres` account then."""
    if os.geteuid() == 0:
        argv = ["runuser", "-u", owner, "--", *argv]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@contextmanager
def cluster():
    """Yield a function new_database() -> SQLAlchemy URL of a fresh database on the cluster."""
    bin_dir = binaries()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("CI: PostgreSQL is not installed — .ci/run must install postgresql")
        pytest.skip("PostgreSQL (Debian package postgresql) is not installed")
    owner = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    folder = Path(tempfile.mkdtemp(prefix="dtscore-pg-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, owner)
    data = folder / "data"
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-locale"],
             owner)
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"), "-o",
              f"-k {folder} -c listen_addresses='' -c fsync=off -c full_page_writes=off", "start"], owner)
        try:
            import psycopg

            def new_database() -> str:
                name = "t_" + uuid.uuid4().hex[:12]
                with psycopg.connect(host=str(folder), user=USER, dbname="postgres", autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE {name}")
                return f"postgresql+psycopg://{USER}@/{name}?host={folder}"

            yield new_database
        finally:
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], owner)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
