"""A gunicorn of the project's own on a loopback port, and a bounded load against it.

``serve`` starts ``gunicorn config.wsgi`` in production settings (DEBUG off,
static files from the collected manifest) on a free 127.0.0.1 port and stops
that process, by its id, when the block ends. ``load`` keeps ``threads``
clients busy for a number of seconds and records every request's latency;
``Load`` reports the rate and the median and 95th percentile.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.conf import settings


@dataclass(frozen=True)
class Load:
    """What one bounded run measured: answered requests and each one's latency (seconds)."""

    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile_ms(self, q: float) -> float:
        return float(np.percentile(self.latencies, q)) * 1000 if self.latencies else float("nan")


def free_port() -> int:
    """A loopback port nothing listens on (at the time of asking)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port: int, path: str) -> tuple[int, bytes]:
    """One GET on a fresh connection (as a browser's first visit): the status and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def production_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a production server on loopback, with ``env`` over it."""
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-only-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        # The work is measured, not the rate limiter's refusals.
        "RECKON_THROTTLE_ANON": "100000000/second",
        "RECKON_THROTTLE_USER": "100000000/second",
        **(env or {}),
    }


def collect_static() -> None:
    """``collectstatic`` as production runs it: with DEBUG off the pages need its manifest."""
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(command, cwd=settings.BASE_DIR, env=production_env(), check=True)


@contextmanager
def serve(*, workers: int, env: dict[str, str]) -> Iterator[int]:
    """gunicorn on a free loopback port, with ``env`` over the production settings; its port."""
    port = free_port()
    environment = production_env(env)
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=environment)
    try:
        _wait_until_up(port, server)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            fetch(port, "/api/health/")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer within 60 s")


def load(port: int, paths: list[str], *, seconds: float, threads: int) -> Load:
    """``threads`` clients, each sending one request after another until time is up.

    A client takes the paths in turn. Any answer but 200 stops the run with an error.
    """
    stop_at = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(threads)]
    failures: list[str] = []

    def client(n: int) -> None:
        turn = n
        while not failures and time.perf_counter() < stop_at:
            path = paths[turn % len(paths)]
            began = time.perf_counter()
            status, _ = fetch(port, path)
            latencies[n].append(time.perf_counter() - began)
            if status != 200:
                failures.append(f"{path} answered {status}")
            turn += 1

    began = time.perf_counter()
    clients = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    if failures:
        raise RuntimeError(failures[0])
    return Load(time.perf_counter() - began, [t for mine in latencies for t in mine])
