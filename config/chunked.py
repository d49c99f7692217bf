"""Request bodies sent without a Content-Length: read within the limit, or refused.

Django reads a request body only as far as ``CONTENT_LENGTH`` says. A body sent
with ``Transfer-Encoding: chunked`` has no length, so Django (and DRF after it)
would read it as empty and act on an empty request: a sign-in answered "username
required", a 64 MB upload accepted unread. This WSGI wrapper gives such a body
its length instead:

* gunicorn decodes chunked bodies and says so (``wsgi.input_terminated``). The
  wrapper reads the decoded body, at most ``limit`` bytes (the largest body any
  route accepts), into a spooled temporary file. A longer body gets 413 at once;
  a shorter one reaches Django with its ``CONTENT_LENGTH``, so every route's own
  limit applies exactly as to a body sent with a length.
* A server that cannot decode chunked input (Django's development server)
  hands over no body at all; the request is refused with 411 Length Required
  rather than treated as empty.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
CHUNK_BYTES = 64 * 1024


class ChunkedBodyLimit:
    """Wrap a WSGI application so chunked request bodies are measured before Django reads them."""

    def __init__(self, app: WSGIApp, *, limit: int | None, spool_bytes: int) -> None:
        self.app = app
        self.limit = limit
        self.spool_bytes = spool_bytes

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        if environ.get("CONTENT_LENGTH") or not _is_chunked(environ):
            return self.app(environ, start_response)
        if not environ.get("wsgi.input_terminated"):
            return _refuse(
                environ,
                start_response,
                "411 Length Required",
                "This server needs a Content-Length header for a request body.",
            )
        body = tempfile.SpooledTemporaryFile(max_size=self.spool_bytes)
        size = _copy(environ["wsgi.input"], body, self.limit)
        if self.limit is not None and size > self.limit:
            body.close()
            return _refuse(
                environ,
                start_response,
                "413 Request Entity Too Large",
                f"The request body is larger than {self.limit} bytes.",
            )
        body.seek(0)
        environ["CONTENT_LENGTH"] = str(size)
        environ["wsgi.input"] = body
        return self.app(environ, start_response)


def _is_chunked(environ: dict[str, Any]) -> bool:
    codings = environ.get("HTTP_TRANSFER_ENCODING", "").lower().split(",")
    return "chunked" in (c.strip() for c in codings)


def _copy(source, target, limit: int | None) -> int:
    """Copy at most ``limit + 1`` bytes (all when there is no limit); return how many."""
    size = 0
    while limit is None or size <= limit:
        want = CHUNK_BYTES if limit is None else min(CHUNK_BYTES, limit + 1 - size)
        chunk = source.read(want)
        if not chunk:
            break
        target.write(chunk)
        size += len(chunk)
    return size


def _refuse(environ: dict[str, Any], start_response, status: str, detail: str) -> list[bytes]:
    """Answer in JSON under /api/ (as every API error is), in plain text elsewhere."""
    if environ.get("PATH_INFO", "").startswith("/api/"):
        body, content_type = json.dumps({"detail": detail}).encode(), "application/json"
    else:
        body, content_type = detail.encode(), "text/plain; charset=utf-8"
    start_response(
        status,
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
        ],
    )
    return [body]
