"""A throwaway PostgreSQL cluster for the tests: Debian's ``postgresql`` binaries (``./test``
installs the package), data in a temporary folder, a Unix socket in it and no TCP port,
stopped and deleted at the end. PostgreSQL refuses to run as root, so under root the cluster
belongs to ``nobody``."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

OWNER = "nobody"
ROLE = "registry"


def binaries() -> Path:
    """The newest installed PostgreSQL's ``bin`` folder; the test fails (never skips)
    without one."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    if not found:
        pytest.fail("PostgreSQL is not installed: ./test installs Debian's postgresql package")
    return found[-1].parent


def _run(command: list[str], cwd: Path) -> None:
    """Run a PostgreSQL program as the cluster's owner (``nobody`` under root)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", OWNER, "--", *command]
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, timeout=120)


@dataclass
class Cluster:
    """A running cluster; ``database()`` makes an empty database and returns its URL."""

    folder: Path
    bin: Path
    _numbers: itertools.count[int] = field(default_factory=itertools.count)

    @classmethod
    def start(cls) -> Cluster:
        # A short path in /tmp: a Unix socket's path is at most 107 bytes, and `nobody`
        # must reach it (pytest's own temporary folders are private to their user).
        folder = Path(tempfile.mkdtemp(prefix="registry-pg-"))
        if os.geteuid() == 0:
            shutil.chown(folder, OWNER)
        cluster = cls(folder, binaries())
        data = str(folder / "data")
        _run([str(cluster.bin / "initdb"), "-D", data, "-U", ROLE, "--auth=trust",
              "--no-sync", "-E", "UTF8", "--locale=C"], folder)
        options = f"-k {folder} -c listen_addresses='' -c fsync=off -c max_connections=200"
        _run([str(cluster.bin / "pg_ctl"), "-D", data, "-o", options, "-l",
              str(folder / "log"), "-w", "start"], folder)
        return cluster

    def url(self, name: str) -> str:
        return f"postgresql://{ROLE}@/{name}?host={self.folder}"

    def database(self) -> str:
        """Create a new, empty database and return its URL."""
        name = f"test_{next(self._numbers)}"
        conninfo = f"dbname=postgres user={ROLE} host={self.folder}"
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        _run([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate",
              "stop"], self.folder)
        shutil.rmtree(self.folder, ignore_errors=True)
