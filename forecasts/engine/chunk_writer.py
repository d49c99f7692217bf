"""One chunk's rows written while the next chunk is scored.

A full rescore alternates between NumPy work in this process (scoring a
chunk) and waiting for the database (copying the chunk's rows in, stamping
its questions, its numeric and date scores). ``chunk_writer`` runs each
chunk's writes in a thread of its own, on the rescore's own connection and
so inside its one transaction, while the caller scores the next chunk: the
server's work and the scorer's overlap (``prefetch`` does the same for the
reads, on a second connection).

The connection is never used by both threads at once: a write starts only
once the previous one has finished, and the caller touches the database
only through writes it submits until the block ends, which waits for the
last write (after an error too, so that nothing runs on the connection
while the transaction rolls back). A write's error is raised in the caller
at its next ``submit`` or at the end of the block. Where the ledgers are
read on this same connection (``prefetch`` could not share the snapshot),
and on SQLite (one writer, its connection bound to its thread), each write
runs at once instead.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections

from forecasts.engine.stopwatch import phase


class ChunkWriter:
    """Runs submitted writes one at a time, in order; ``results()`` gives their results."""

    def __init__(self, pool: ThreadPoolExecutor | None):
        self._pool = pool
        self._done: list[Any] = []
        self._pending: Future | None = None

    def submit(self, write: Callable[[], Any]) -> None:
        """Start ``write`` once the previous write has finished (raising its error, if any)."""
        self._wait()
        if self._pool is None:
            self._done.append(write())
            return
        # The write runs in the caller's context, so its phases are timed with the caller's.
        self._pending = self._pool.submit(contextvars.copy_context().run, write)

    def results(self) -> list[Any]:
        """Every write's result, in order, once the last has finished."""
        self._wait()
        return self._done

    def _wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            with phase("write_wait"):
                self._done.append(pending.result())


@contextmanager
def chunk_writer(*, overlap: bool = True) -> Iterator[ChunkWriter]:
    """A writer on this thread's connection (inside its transaction) for the block.

    ``overlap=False`` (the caller still reads on this connection between writes):
    each write runs at once, in the caller's thread.
    """
    wrapper = connections[connection.alias]
    if not overlap or wrapper.vendor != "postgresql":
        yield ChunkWriter(None)
        return
    wrapper.inc_thread_sharing()
    pool = ThreadPoolExecutor(
        max_workers=1,
        thread_name_prefix="reckon-chunk-writer",
        initializer=_use_connection,
        initargs=(wrapper,),
    )
    writer = ChunkWriter(pool)
    try:
        yield writer
    finally:
        pool.shutdown(wait=True)  # the last write ends before the connection is used again
        wrapper.dec_thread_sharing()


def _use_connection(wrapper) -> None:
    """Make ``wrapper`` this (writer) thread's connection, so the writes run in its transaction."""
    connections[wrapper.alias] = wrapper
