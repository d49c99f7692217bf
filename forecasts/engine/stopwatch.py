"""Where a full rescore's time goes: seconds per named phase, summed over its chunks.

``recording()`` starts a tally for the code it wraps; ``phase(name)`` adds the
time of its block to the tally of the same thread, if one is recording, and
costs next to nothing otherwise. ``rescore_all`` reports the tally (the
benchmark prints it), so a slow step shows by name instead of by guesswork.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[dict[str, float] | None] = ContextVar("reckon_stopwatch", default=None)


@contextmanager
def recording() -> Iterator[dict[str, float]]:
    """A tally of seconds by phase for the block (rounded to the millisecond at its end)."""
    tally: dict[str, float] = {}
    token = _current.set(tally)
    try:
        yield tally
    finally:
        _current.reset(token)
        for name, seconds in tally.items():
            tally[name] = round(seconds, 3)


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Add the block's wall time to phase ``name`` of the tally being recorded."""
    tally = _current.get()
    if tally is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        tally[name] = tally.get(name, 0.0) + time.perf_counter() - started
