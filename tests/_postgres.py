"""A throwaway PostgreSQL server from the machine's binaries (used by the tests and bench/).

:func:`find_pg_bin` looks for ``pg_ctl`` and ``initdb`` on ``PATH``, then in Debian's
``/usr/lib/postgresql/*/bin``. :class:`TempPostgres` runs ``initdb`` and ``pg_ctl start`` in a
new temporary directory, listening on 127.0.0.1 on a free port and on a unix socket in that
directory, with ``trust`` authentication for local connections only. PostgreSQL refuses to run
as root, so as root every command runs as the unprivileged ``postgres`` user (created by the
Debian package) through ``runuser``. ``fsync`` is off unless ``durable=True`` (benchmarks).
:meth:`TempPostgres.stop` stops the server and removes the directory.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PostgresUnavailable", "TempPostgres", "find_pg_bin"]

_USER = "postgres"
DATABASE = "easyink"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries on this machine (or no unprivileged user to run them as root)."""


def find_pg_bin() -> Path:
    """The directory holding ``pg_ctl`` and ``initdb`` (``PostgresUnavailable`` when none)."""
    found = shutil.which("pg_ctl")
    candidates = [Path(found).resolve().parent] if found else []
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    candidates += [Path(p) for p in debian]
    for directory in candidates:
        if (directory / "pg_ctl").is_file() and (directory / "initdb").is_file():
            return directory
    raise PostgresUnavailable("no PostgreSQL binaries (pg_ctl, initdb) found")


def _version_key(path: str) -> int:
    try:
        return int(Path(path).parent.name.split(".")[0])
    except ValueError:
        return 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class TempPostgres:
    """One PostgreSQL server in a temporary directory; ``dsn`` reaches its ``easyink`` database."""

    def __init__(self, *, durable: bool = False) -> None:
        self.durable = durable  # fsync on: for benchmarks; tests do not need it
        self.bin = find_pg_bin()
        self._as_root = os.geteuid() == 0
        if self._as_root and shutil.which("runuser") is None:
            raise PostgresUnavailable("running as root and runuser is missing")
        self.root = Path(tempfile.mkdtemp(prefix="easyink-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.dsn = f"postgresql://{_USER}@127.0.0.1:{self.port}/{DATABASE}"
        self.socket_dsn = f"postgresql:///{DATABASE}?host={self.root}&port={self.port}&user={_USER}"
        self._options = ""
        self._started = False

    def _run(self, *command: str) -> None:
        result = self._call(*command)
        if result.returncode != 0:
            tail = (result.stdout + result.stderr)[-2000:]
            raise RuntimeError(f"{command[0]} failed ({result.returncode}): {tail}")

    def _call(self, *command: str) -> subprocess.CompletedProcess[str]:
        argv = [str(self.bin / command[0]), *command[1:]]
        if self._as_root:
            argv = ["runuser", "-u", _USER, "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)

    def _stop(self, mode: str) -> None:
        """``pg_ctl stop``; a server found already stopped (``pg_ctl status`` exit 3) is fine."""
        result = self._call("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
        if (
            result.returncode != 0
            and self._call("pg_ctl", "-D", str(self.data), "status").returncode != 3
        ):
            tail = (result.stdout + result.stderr)[-2000:]
            raise RuntimeError(f"pg_ctl stop -m {mode} failed ({result.returncode}): {tail}")

    def start(self) -> TempPostgres:
        """initdb, start, create the database; returns self."""
        if self._as_root:
            shutil.chown(self.root, user=_USER)
        self.root.chmod(0o700)
        self._run("initdb", "-D", str(self.data), "-U", _USER, "-A", "trust", "-E", "UTF8")
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.root} -c max_connections=100"
        )
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off"
        self._options = options
        self._pg_ctl_start()
        self._started = True
        self._run("createdb", "-h", str(self.root), "-p", str(self.port), "-U", _USER, DATABASE)
        return self

    def crash(self) -> None:
        """Stop the server at once, as a power cut would (``-m immediate``); keeps the data."""
        self._stop("immediate")

    def restart(self) -> None:
        """Start the server again after :meth:`crash` (same port, same data)."""
        self._pg_ctl_start()

    def _pg_ctl_start(self) -> None:
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", self._options,
            "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory."""
        try:
            if self._started:
                self._stop("fast")
                self._started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> TempPostgres:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()
