"""The bytes of PostgreSQL's binary COPY format, built from columns with NumPy.

``forecasts.engine.bulkload.write_rows`` sends what ``binary_tuples`` builds:
each row a tuple of fields, each field its length (-1 for NULL) and its
bytes, big-endian. No Python code runs per row: a chunk whose rows all have
one layout (no NULL, one width per column) fills slices of one array; other
chunks place each field's bytes at its rows' offsets, or, when the rows may
be written in any order, are assembled one layout at a time.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# PostgreSQL's binary timestamps count microseconds from 2000-01-01 UTC.
PG_EPOCH_US = 946_684_800_000_000
NULL_TIME = np.iinfo(np.int64).min
SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = SIGNATURE + struct.pack(">ii", 0, 0)
TRAILER = struct.pack(">h", -1)
WIDTH = {"int2": 2, "int4": 4, "int8": 8, "float8": 8, "bool": 1, "time": 8}
BIG_ENDIAN = {
    "int2": ">i2",
    "int4": ">i4",
    "int8": ">i8",
    "float8": ">f8",
    "bool": "u1",
    "time": ">i8",
}


@dataclass(frozen=True)
class Column:
    """One column to write: ``kind`` is int2/int4/int8/float8/bool/time/text/json/bytes.

    ``values`` is an array (one per row) or a constant. NULL is written for a
    ``None`` constant, a NaN float, a ``NULL_TIME`` time and wherever the
    optional boolean array ``nulls`` is true. With ``labels``, ``values`` are
    integer codes of text labels (``labels[code]`` is written), which is much
    faster than one Python string per row.
    """

    name: str
    kind: str
    values: object
    nulls: np.ndarray | None = None
    labels: Sequence[str] | None = None

    def is_constant(self) -> bool:
        return not isinstance(self.values, np.ndarray | list | tuple)


def _slice(column: Column, start: int, stop: int) -> object:
    return column.values if column.is_constant() else column.values[start:stop]


def _field(column: Column, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """Lengths (-1 for NULL) and the concatenated payload bytes of one column."""
    n = stop - start
    values = _slice(column, start, stop)
    if column.labels is not None:
        return _labelled(column, values)
    if column.kind in ("text", "json", "bytes") and column.is_constant():
        one = _encode_texts(column, values, 1)[0]
        if one is None:
            return np.full(n, -1, np.int32), np.empty(0, np.uint8)
        return np.full(n, len(one), np.int32), np.tile(np.frombuffer(one, np.uint8), n)
    if column.kind in ("text", "json", "bytes"):
        encoded = _encode_texts(column, values, n)
        lengths = np.fromiter((-1 if b is None else len(b) for b in encoded), np.int32, n)
        payload = np.frombuffer(b"".join(b for b in encoded if b is not None), np.uint8)
        return lengths, payload
    width = WIDTH[column.kind]
    if column.is_constant():
        if values is None:
            return np.full(n, -1, np.int32), np.empty(0, np.uint8)
        values = np.full(n, values)
    array = np.asarray(values)
    null = np.zeros(n, bool) if column.nulls is None else column.nulls[start:stop]
    if column.kind == "float8":
        null = null | np.isnan(array)
    elif column.kind == "time":
        null = null | (array == NULL_TIME)
        array = array - PG_EPOCH_US
    data = array[~null].astype(BIG_ENDIAN[column.kind]).view(np.uint8)
    return np.where(null, -1, width).astype(np.int32), data


def _labelled(column: Column, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    encoded = _encode_texts(Column(column.name, column.kind, list(column.labels)), column.labels, 0)
    sizes = np.array([len(b) for b in encoded], np.int64)
    pool = np.frombuffer(b"".join(encoded), np.uint8)
    lengths = sizes[codes]
    starts = (np.cumsum(sizes) - sizes)[codes]
    within = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return lengths.astype(np.int32), pool[np.repeat(starts, lengths) + within]


def _encode_texts(column: Column, values: object, n: int) -> list[bytes | None]:
    if column.kind == "bytes":
        return [values] * n if column.is_constant() else list(values)
    prefix = b"\x01" if column.kind == "json" else b""  # jsonb's binary form is versioned
    if column.is_constant():
        one = None if values is None else prefix + str(values).encode()
        return [one] * n
    return [None if v is None else prefix + str(v).encode() for v in values]


def binary_tuples(
    columns: Sequence[Column], start: int, stop: int, *, any_order: bool = False
) -> bytes:
    """The COPY BINARY tuples for rows [start, stop), assembled with array indexing.

    With ``any_order`` the tuples may come out in another order than the
    rows (for rows whose order means nothing, such as ids drawn as they are
    inserted): rows of one layout are then assembled together, which is
    several times faster than placing NULLs and ragged fields row by row.
    """
    n = stop - start
    fields = [_field(c, start, stop) for c in columns]
    if all(lengths.size and lengths.min() == lengths.max() >= 0 for lengths, _ in fields):
        return _fixed_width_tuples(fields, n)
    if any_order:
        grouped = _grouped_tuples(columns, fields, start, stop)
        if grouped is not None:
            return grouped
    return _ragged_tuples(fields, n)


def _grouped_tuples(
    columns: Sequence[Column], fields: list[tuple[np.ndarray, np.ndarray]], start: int, stop: int
) -> bytes | None:
    """The tuples grouped by layout (each field's length, -1 for NULL), one block per layout.

    A layout's block is an array of packed records, one field per value, so
    each column is copied in one pass of whole values. None when there are
    too many layouts for that to pay (fields of many lengths): the rows are
    then placed one by one.
    """
    n = stop - start
    layout, span = np.zeros(n, np.int64), 1  # each row's lengths as one number below span
    for lengths, _ in fields:
        low, base = int(lengths.min()), int(lengths.max() - lengths.min()) + 1
        if base == 1:
            continue
        if span * base >= 2**62:
            _, layout = np.unique(layout, return_inverse=True)
            layout, span = layout.reshape(-1), int(layout.max()) + 1
        layout, span = layout * base + (lengths - low), span * base
    order = np.argsort(layout, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(layout[order]) != 0])
    if starts.size * _ROWS_PER_LAYOUT > n:
        return None
    cells = [_Cells(c, f, start, stop) for c, f in zip(columns, fields, strict=True)]
    count = np.array(len(fields), ">i2")
    blocks = []
    for first, stop_at in zip(starts, [*starts[1:], n], strict=True):
        rows = order[first:stop_at]
        shape = [int(lengths[rows[0]]) for lengths, _ in fields]
        record = np.dtype(
            [("count", ">i2")]
            + [
                item
                for i, width in enumerate(shape)
                for item in [(f"n{i}", ">i4"), *([(f"v{i}", f"V{width}")] if width > 0 else [])]
            ]
        )
        block = np.empty(rows.size, record)
        block["count"] = count
        for i, (width, values) in enumerate(zip(shape, cells, strict=True)):
            block[f"n{i}"] = width
            if width > 0:
                block[f"v{i}"] = values.of_width(width)[rows]
        blocks.append(block.view(np.uint8))
    return np.concatenate(blocks).tobytes()


_ROWS_PER_LAYOUT = 64  # at fewer rows per layout on average, the rows are placed one by one


class _Cells:
    """One column's bytes per row as opaque values of a given width (NULLs: anything)."""

    def __init__(self, column: Column, field: tuple[np.ndarray, np.ndarray], start, stop):
        self.matrix = _cell_bytes(column, field, start, stop)
        self.widths: dict[int, np.ndarray] = {}

    def of_width(self, width: int) -> np.ndarray:
        if width not in self.widths:  # each row's first ``width`` bytes, made once per width
            head = np.ascontiguousarray(self.matrix[:, :width])
            self.widths[width] = head.view(np.dtype((np.void, width))).reshape(-1)
        return self.widths[width]


def _cell_bytes(column: Column, field: tuple[np.ndarray, np.ndarray], start: int, stop: int):
    """Each row's bytes of one column, left-aligned in a row of an (n, widest) array."""
    n = stop - start
    if column.kind in WIDTH and column.labels is None:
        values = _slice(column, start, stop)
        array = np.asarray(values if not column.is_constant() else np.full(n, values or 0))
        if column.kind == "time":
            array = array - PG_EPOCH_US
        width = WIDTH[column.kind]
        return array.astype(BIG_ENDIAN[column.kind]).view(np.uint8).reshape(n, width)
    lengths, payload = field
    widths = np.maximum(lengths, 0).astype(np.int64)
    widest = int(widths.max(initial=0))
    if n and widths.min() == widest:
        return payload.reshape(n, widest)
    padded = np.zeros(n * widest, np.uint8)
    _scatter_ragged(padded, np.arange(n, dtype=np.int64) * widest, widths, payload)
    return padded.reshape(n, widest)


def _ragged_tuples(fields: list[tuple[np.ndarray, np.ndarray]], n: int) -> bytes:
    """Any tuples: NULLs, and fields whose width differs from row to row."""
    sizes = 2 + sum(4 + np.maximum(lengths, 0).astype(np.int64) for lengths, _ in fields)
    row_start = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    buffer = np.zeros(int(sizes.sum()), np.uint8)
    _scatter(buffer, row_start, np.full(n, len(fields), ">i2").view(np.uint8), 2)
    position = row_start + 2
    for lengths, payload in fields:
        _scatter(buffer, position, lengths.astype(">i4").view(np.uint8), 4)
        width = np.maximum(lengths, 0).astype(np.int64)
        _scatter_ragged(buffer, position + 4, width, payload)
        position = position + 4 + width
    return buffer.tobytes()


def _fixed_width_tuples(fields: list[tuple[np.ndarray, np.ndarray]], n: int) -> bytes:
    """The common case for a chunk with no NULL and one width per column: every
    tuple has the same layout, so each column fills a slice of an (n, size) array."""
    widths = [int(lengths[0]) for lengths, _ in fields]
    rows = np.empty((n, 2 + sum(4 + width for width in widths)), np.uint8)
    rows[:, :2] = np.frombuffer(struct.pack(">h", len(fields)), np.uint8)
    at = 2
    for width, (_, payload) in zip(widths, fields, strict=True):
        rows[:, at : at + 4] = np.frombuffer(struct.pack(">i", width), np.uint8)
        rows[:, at + 4 : at + 4 + width] = payload.reshape(n, width)
        at += 4 + width
    return rows.tobytes()


def _scatter(buffer: np.ndarray, at: np.ndarray, data: np.ndarray, width: int) -> None:
    buffer[(at[:, None] + np.arange(width)).ravel()] = data


def _scatter_ragged(
    buffer: np.ndarray, at: np.ndarray, widths: np.ndarray, data: np.ndarray
) -> None:
    total = int(widths.sum())
    if total == 0:
        return
    if widths.min() == widths.max():  # the common case: one width for every row
        _scatter(buffer, at, data, int(widths[0]))
        return
    # The bytes of the rows' fields are runs [at[r], at[r] + widths[r]) in order: each
    # byte's place is its run's start plus its offset within the run. Work in
    # proportion to the field's bytes, not to the whole buffer's.
    used = widths > 0
    run_width = widths[used]
    run_first = np.cumsum(run_width) - run_width  # where each run starts within ``data``
    buffer[np.repeat(at[used] - run_first, run_width) + np.arange(total)] = data
