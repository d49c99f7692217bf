"""Chunked request bodies (no Content-Length): read within the limit, refused beyond it.

Django's test client always sends a Content-Length, so these requests go to a
real gunicorn, which decodes chunked bodies, on a free loopback port.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import subprocess
import sys

import pytest
from django.test import override_settings

from config.chunked import ChunkedBodyLimit
from tests import builders
from tests.processes import ROOT, free_port, subprocess_database_url, wait_for

LIMIT = 4000  # RECKON_IMPORT_MAX_BYTES below: the largest body any route accepts


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "REDIS_URL": "",
        "RECKON_VAR_DIR": str(tmp_path / "var"),
        "RECKON_MAX_BODY_BYTES": "2000",
        "RECKON_IMPORT_MAX_BYTES": str(LIMIT),
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: _answers(port) or process.poll() is not None, 30, "gunicorn")
        assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
        yield port
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/api/health/")
        return connection.getresponse().status == 200
    except OSError:
        return False


def post_chunked(port: int, path: str, body: bytes, content_type: str) -> tuple[int, dict]:
    """POST ``body`` in 1,000-byte chunks with Transfer-Encoding: chunked and no length."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    chunks = (body[i : i + 1000] for i in range(0, len(body), 1000))
    connection.request(
        "POST",
        path,
        body=chunks,
        headers={"Content-Type": content_type, "Accept": "application/json"},
        encode_chunked=True,
    )
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"{}")


@pytest.mark.postgres
def test_it_reads_a_chunked_body_within_the_limit_and_refuses_a_longer_one(gunicorn):
    # The server hashes with Django's default hasher, not the tests' fast one.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        builders.user("ada")
    sign_in = json.dumps({"username": "ada", "password": "pw-ada-123"}).encode()
    status, answer = post_chunked(gunicorn, "/api/auth/token/", sign_in, "application/json")
    assert status == 200, answer
    assert len(answer["token"]) == 40

    padded = json.dumps({"username": "ada", "password": "pw-ada-123", "x": "y" * 3000}).encode()
    status, answer = post_chunked(gunicorn, "/api/auth/token/", padded, "application/json")
    assert (status, answer) == (413, {"detail": "The request body is larger than 2000 bytes."})

    huge = b'{"username": "' + b"a" * (LIMIT + 10) + b'"}'
    status, answer = post_chunked(gunicorn, "/api/auth/token/", huge, "application/json")
    assert (status, answer) == (413, {"detail": f"The request body is larger than {LIMIT} bytes."})


def _call(environ: dict, limit: int = 10) -> tuple[str, bytes, dict]:
    seen: dict = {}

    def app(env, start_response):
        seen.update(env, body=env["wsgi.input"].read(int(env.get("CONTENT_LENGTH") or 0)))
        start_response("200 OK", [])
        return [b"ok"]

    statuses = []
    wrapped = ChunkedBodyLimit(app, limit=limit, spool_bytes=5)
    body = b"".join(wrapped(environ, lambda status, headers: statuses.append(status)))
    return statuses[0], body, seen


def test_it_refuses_a_chunked_body_the_server_did_not_decode():
    environ = {
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(b"5\r\nhello\r\n0\r\n"),
    }
    status, body, seen = _call({**environ, "PATH_INFO": "/api/forecasts/"})
    assert status == "411 Length Required"
    assert json.loads(body) == {
        "detail": "This server needs a Content-Length header for a request body."
    }
    assert seen == {}


def test_it_hands_a_decoded_chunked_body_on_with_its_length():
    def environ(body: bytes) -> dict:
        return {
            "HTTP_TRANSFER_ENCODING": "gzip, chunked",
            "wsgi.input_terminated": True,
            "wsgi.input": io.BytesIO(body),
        }

    status, _, seen = _call(environ(b"0123456789"))
    assert (status, seen["CONTENT_LENGTH"], seen["body"]) == ("200 OK", "10", b"0123456789")
    status, body, seen = _call(environ(b"0123456789A"))
    assert status == "413 Request Entity Too Large"
    assert body == b"The request body is larger than 10 bytes."
    assert seen == {}


def test_it_leaves_a_body_with_a_length_alone():
    environ = {
        "CONTENT_LENGTH": "3",
        "wsgi.input": io.BytesIO(b"abc"),
        "HTTP_TRANSFER_ENCODING": "",
    }
    assert _call(environ, limit=1)[2]["body"] == b"abc"
