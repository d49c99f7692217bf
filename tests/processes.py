"""Real processes for the worker tests: a disposable redis-server, Celery workers and beats.

Every process here is started by the test that uses it and stopped by pid;
nothing touches the shared Redis or PostgreSQL servers beyond the test's own
database and Redis database number.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import kombu.pools
import psycopg
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
# A Redis database the worker tests may flush: RECKON_TEST_REDIS_URL, else the
# REDIS_URL the test run was given (`make test` passes a test-only database).
TEST_REDIS_URL = (
    os.environ.get("RECKON_TEST_REDIS_URL")
    or os.environ.get("REDIS_URL")
    or "redis://127.0.0.1:6379/5"
)


def wait_for(condition: Callable[[], object], timeout: float, what: str, every: float = 0.1):
    """Poll until ``condition()`` is truthy (and return it), or fail saying what we waited for."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def subprocess_database_url() -> str:
    """The pytest-django test database, as a URL a subprocess can use."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class RedisServer:
    """A redis-server of our own on a free port, so a test may stop it."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, 10, f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None


class SilentListener:
    """A TCP server that accepts every connection and never sends a byte (a hung Redis)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                accepted, _ = self.socket.accept()
            except OSError:  # closed
                return
            self.accepted.append(accepted)

    def close(self) -> None:
        self.socket.close()
        for accepted in self.accepted:
            accepted.close()


class CeleryProcess:
    """``celery -A config worker|beat`` as a subprocess, logging to a file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_path: Path):
        self.name = name
        self.app_name = env.get("PGAPPNAME", "")
        self.args = args
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def spawn(self) -> CeleryProcess:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", *self.args],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait_ready(self, timeout: float = 60) -> CeleryProcess:
        ready = "beat: Starting..." if self.args[0] == "beat" else " ready."
        wait_for(
            lambda: ready in self.log() or self.process.poll() is not None,
            timeout,
            f"{self.name} to start",
        )
        assert self.process.poll() is None, f"{self.name} exited:\n{self.log()}"
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no cleanup, no acknowledgement, like a machine losing power."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class Processes:
    """Starts workers and beats for one test, and always stops them."""

    def __init__(self, tmp_path: Path, redis_url: str):
        self.tmp_path = tmp_path
        self.redis_url = redis_url
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.started: list[CeleryProcess] = []
        self.app_names: list[str] = []

    def env(self, app_name: str, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": subprocess_database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": self.redis_url,
            # Redeliver an unacknowledged task 5 s after its worker vanished.
            "CELERY_VISIBILITY_TIMEOUT": "5",
            "CELERY_RESTORE_SWEEP_SECONDS": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "RECKON_VAR_DIR": str(self.tmp_path / "var"),
            "RECKON_RESOLVER_EMAILS": "",
            # libpq tags the worker's database sessions so the test can find them.
            "PGAPPNAME": app_name,
        }
        env.update(extra)
        return env

    def worker(self, name: str = "w1", *, wait: bool = True, **env: str) -> CeleryProcess:
        app_name = f"reckon-test-{name}-{os.getpid()}"
        self.app_names.append(app_name)
        process = CeleryProcess(
            name,
            [
                "worker",
                "--pool=solo",
                "--loglevel=info",
                "-n",
                f"{app_name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            self.env(app_name, **env),
            self.tmp_path / f"{name}.log",
        )
        self.started.append(process)
        return process.spawn().wait_ready() if wait else process.spawn()

    def beat(self, name: str = "b1", *, wait: bool = True, **env: str) -> CeleryProcess:
        app_name = f"reckon-test-{name}-{os.getpid()}"
        self.app_names.append(app_name)
        process = CeleryProcess(
            name,
            ["beat", "--loglevel=info", "-s", str(self.tmp_path / f"{name}-schedule")],
            self.env(app_name, **env),
            self.tmp_path / f"{name}.log",
        )
        self.started.append(process)
        return process.spawn().wait_ready() if wait else process.spawn()

    def terminate_sessions(self, app_name: str) -> None:
        """End the database sessions of our (dead) processes so nothing lingers."""
        with psycopg.connect(subprocess_database_url(), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s",
                [app_name],
            )

    def waiting_on_locks(self, app_name: str) -> int:
        with psycopg.connect(subprocess_database_url(), autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name = %s AND wait_event_type = 'Lock'",
                [app_name],
            ).fetchone()
        return row[0]

    def emails(self) -> list[str]:
        """Messages the filebased backend wrote, one string per message."""
        separator = "-" * 79
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            messages += [m for m in path.read_text().split(separator) if m.strip()]
        return messages

    def close(self) -> None:
        for process in reversed(self.started):
            process.stop()
        for app_name in self.app_names:
            self.terminate_sessions(app_name)


@contextmanager
def publishing_to(url: str):
    """Point this process's Celery app (what ``.delay()`` uses) at another broker.

    Yields a function that drops pooled connections, for use after the broker restarted.
    """
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options)
    _drop_connections()
    conf.broker_url = url
    conf.broker_transport_options = {"socket_connect_timeout": 2, "socket_timeout": 5}
    try:
        yield _drop_connections
    finally:
        _drop_connections()
        conf.broker_url, conf.broker_transport_options = saved


def _drop_connections() -> None:
    # Close and forget every pooled broker connection (kombu keeps them in a
    # registry keyed by URL), so the next publish connects afresh.
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
