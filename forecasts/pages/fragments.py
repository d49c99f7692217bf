"""What a page works out from the stored data, remembered in this process until the data changes.

Much of a public page is a pure function of the stored rows: an author's
sorted record and the sections drawn from their stored scorecard, the rows of
a page of their claims, the leaderboard's standings, a question's forecasts
and timelines. Working them out again on every visit cost most of each
page's time (reading and sorting hundreds of rows, printing long tables)
while the data changes far less often than it is read.

``remembered`` keeps such a result in this process's memory under its kind,
its key (the author and the filters, say) and the data's change stamp
(``forecasts.models.changes``: any write to a table the pages read moves it,
whatever made the write), so a result is never served once the data it came
from has changed. Nothing here goes through Redis: a Redis outage changes
nothing. Only what depends on the stored data alone (and on the key, which
names every other input: a filter, a page number, a setting, the hour a
timeline runs to) may be kept; the request itself (its host, the query
string of a link) and the present moment are put in afresh on each visit.

The stamp is read once per request (``read_once``), in one query. Memory is
bounded by ``settings.RECKON_PAGE_MEMORY_BYTES`` (0 turns this off: every
visit works everything out), the least recently used results going first;
the size of a result is estimated when it is kept (its text, or its own
``remembered_size``).
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from typing import TypeVar

from django.conf import settings

from forecasts.models.changes import change_stamp, read_once, remember

T = TypeVar("T")

_lock = threading.Lock()
_held: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
_state = {"bytes": 0}


def remembered(kind: str, key: Hashable, work: Callable[[], T]) -> T:
    """``work()``, or what it gave for ``kind`` and ``key`` since the data last changed."""
    limit = settings.RECKON_PAGE_MEMORY_BYTES
    if limit <= 0:
        return work()
    stamp = change_stamp()
    remember(stamp)  # the rest of this request reads the same stamp (``read_once``)
    name = (kind, key, stamp)
    with _lock:
        found = _held.get(name)
        if found is not None:
            _held.move_to_end(name)
            return found[0]  # type: ignore[return-value]
    value = work()
    cost = _size(value)
    if cost > limit:
        return value
    with _lock:
        if name not in _held:
            _held[name] = (value, cost)
            _state["bytes"] += cost
        while _state["bytes"] > limit and _held:
            _, (_, freed) = _held.popitem(last=False)
            _state["bytes"] -= freed
    return value


def forget() -> None:
    """Drop everything remembered (tests, and anything that must start afresh)."""
    with _lock:
        _held.clear()
        _state["bytes"] = 0


def one_stamp(view: Callable) -> Callable:
    """A view whose remembered parts all read the change stamp once (``changes.read_once``)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with read_once():
            return view(*args, **kwargs)

    return wrapped


def _size(value: object) -> int:
    """About the bytes a result holds: its own ``remembered_size()``, or its text (strings,
    one level into tuples, lists and dicts)."""
    measure = getattr(value, "remembered_size", None)
    if measure is not None:
        return measure()
    if isinstance(value, str):
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return 64 * len(value) + sum(_size(v) for v in value.values() if isinstance(v, str))
    if isinstance(value, (tuple, list)):
        return 64 * len(value) + sum(_size(v) for v in value if isinstance(v, str))
    return 256
