"""Drawn charts kept as files, each named by a digest of everything it draws.

Why files under the var dir (``RECKON_CHART_DIR``, default ``var/charts``), and
not only the Redis cache: a chart costs matplotlib about half a second per
width to draw, and the cache is allowed to fail (config/redis_cache.py). Were
charts held in Redis alone, an outage would redraw every chart on every
request, and a busy page would stop answering. Not the database either: the
pages' query counts stay what they are, and SQLite and PostgreSQL behave alike.

The name is the SHA-256 of the chart's kind, the numbers and text it plots and
its label, so a stored drawing can never be stale: other data is another name.
A chart is drawn once per change of its data on each web host, whatever rescoring
or restarts happen in between. Writes go to a temporary file renamed into
place, so a reader never sees half a drawing and two workers drawing the same
chart at once both leave a whole one. Files not written for ``KEEP_DAYS`` are
swept (at most once a day per process); any may be deleted at any time, and
is drawn again when next asked for. A store that cannot be read or written
(full disk, read-only) only costs drawing again: it is said once in the log.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

# Bumped when the stored drawing changes shape, so no older drawing is served.
VERSION = 4
KEEP_DAYS = 30
_state = {"next_sweep": 0.0, "warned": False}


def digest(kind: str, data: object, label: str) -> str:
    """The name of the drawing of ``data`` as a ``kind`` chart labelled ``label``."""
    text = json.dumps([VERSION, kind, data, label], default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _path(name: str) -> Path:
    return Path(settings.RECKON_CHART_DIR) / name[:2] / f"{name}.json"


def read(name: str) -> dict[str, str] | None:
    """The stored drawing (its ``wide`` and ``narrow`` SVG), or None."""
    try:
        return json.loads(_path(name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        _warn("read", error)
        return None


def write(name: str, drawn: dict[str, str]) -> None:
    """Store a drawing whole (a temporary file renamed into place), or say why not once."""
    path = _path(name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
        ) as stream:
            json.dump(drawn, stream)
        os.replace(stream.name, path)
    except OSError as error:
        _warn("write", error)
        return
    if time.monotonic() >= _state["next_sweep"]:
        _state["next_sweep"] = time.monotonic() + 24 * 3600
        sweep()


def sweep(*, older_than_days: float = KEEP_DAYS) -> int:
    """Delete the drawings (and stray temporary files) not written for that long; how many."""
    cutoff = time.time() - older_than_days * 24 * 3600
    removed = 0
    for path in Path(settings.RECKON_CHART_DIR).glob("*/*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue  # gone already, or another process's
    return removed


def _warn(what: str, error: OSError | ValueError) -> None:
    if not _state["warned"]:
        _state["warned"] = True
        logger.warning(
            "The chart store %s cannot %s a drawing (%s); charts are drawn again instead.",
            settings.RECKON_CHART_DIR,
            what,
            error,
        )
