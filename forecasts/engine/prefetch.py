"""The next chunk's ledger read while this one is scored and written.

A full rescore alternates between waiting for the database (reading a
chunk's ledger) and working in Python (scoring it, encoding its rows), so
one of the two sits idle at any moment. ``chunk_ledgers`` reads the chunks
on a second connection, in a thread, one chunk ahead of the scorer: the
server packs chunk k + 1 while this process scores chunk k. In a cold
start the ledger of the chunk's numeric and date questions is read with it
(otherwise the chunk's writes read it, on the rescore's connection, while
this reader reads the next chunk).

The reader sees exactly what the rescore's own transaction would: before
writing anything, the rescore's transaction exports its snapshot and the
reader imports it (REPEATABLE READ, read only). The rescore writes only
score rows and digests (with their ``scored_at``) of the chunks it has already read, so
every later chunk reads the same from that snapshot as it would in the
transaction itself. Where a snapshot cannot be shared (SQLite, or a
transaction that has written already, or a savepoint, as in the tests'
transactions: ``bulkload.read_at_once``) the chunks are read one after the
other on the rescore's own connection.

At most one chunk waits read ahead, so memory holds two chunks' ledgers.
The rescore must take no lock that stops the reader (it waits for the
reader's next chunk): it may drop and rebuild the score table's indexes,
which the reader never reads, but must not truncate a table the ledger
queries read (such as the digests).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, connections

from forecasts.engine.bulkload import can_share_snapshot, read_small
from forecasts.engine.ledger_arrays import IdRange, Ledger, build_ledger, ledger_queries
from forecasts.engine.quantities import QuantityLedger, read_quantities

ChunkRead = tuple[Ledger, QuantityLedger | None]  # a chunk's ledger and its quantities


@dataclass
class ChunkLedgers:
    """The chunks' ledgers in order, each with the ledger of its numeric and date
    questions when read ahead (None: read it when needed); ``apart``: read on a
    connection of their own, so this thread's connection is free meanwhile."""

    ledgers: Iterator[ChunkRead]
    apart: bool

    def __iter__(self) -> Iterator[ChunkRead]:
        return self.ledgers


@contextmanager
def chunk_ledgers(
    ranges: Sequence[IdRange], *, with_quantities: bool = False
) -> Iterator[ChunkLedgers]:
    """The ledgers of ``ranges`` in order; enter before the transaction writes anything.

    ``with_quantities``: read each chunk's numeric and date ledger ahead too (for a
    cold start, whose writes, not its reads, set the pace).
    """
    wrapper = connections[connection.alias]
    if len(ranges) < 2 or not can_share_snapshot(wrapper):
        here = ((build_ledger(read_small(connection, ledger_queries(r))), None) for r in ranges)
        yield ChunkLedgers(here, apart=False)
        return
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
    reader = _Reader(wrapper, snapshot, ranges, with_quantities)
    reader.start()
    try:
        yield ChunkLedgers(reader.ledgers(), apart=True)
    finally:
        reader.stop()


class _Reader(threading.Thread):
    def __init__(self, wrapper, snapshot: str, ranges: Sequence[IdRange], with_quantities: bool):
        super().__init__(name="reckon-ledger-reader", daemon=True)
        self.wrapper, self.snapshot, self.ranges = wrapper, snapshot, list(ranges)
        self.with_quantities = with_quantities
        self.ready: queue.Queue = queue.Queue(maxsize=1)
        self.stopping = threading.Event()

    def run(self) -> None:
        reader = type(self.wrapper)(self.wrapper.settings_dict.copy(), self.wrapper.alias)
        try:
            with reader.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SET TRANSACTION SNAPSHOT %s", [self.snapshot])
                cursor.execute("SET LOCAL jit = off")
                for questions in self.ranges:
                    ledger = build_ledger(read_small(reader, ledger_queries(questions)))
                    quantities = (
                        read_quantities(questions, reader) if self.with_quantities else None
                    )
                    if not self._put((ledger, quantities)):
                        break
                cursor.execute("COMMIT")
        except BaseException as error:  # handed to the scorer, which raises it
            self._put(error)
        finally:
            reader.close()

    def _put(self, item) -> bool:
        while not self.stopping.is_set():
            try:
                self.ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def ledgers(self) -> Iterator[ChunkRead]:
        for _ in self.ranges:
            item = self.ready.get()
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        self.stopping.set()
        self.join()
