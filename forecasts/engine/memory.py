"""Keep a scoring process's freed memory for its next arrays (glibc only).

A full rescore allocates and frees a few hundred large NumPy arrays (tens of
megabytes each at a million forecasts). By default glibc's malloc serves each
large block with its own ``mmap`` and gives it back with ``munmap`` when the
array is freed, so the next array of that size is faulted in, and zeroed by
the kernel, page by page. At 1M forecasts that was about a third of a full
rescore, and the first rescores of a process were slower than later ones as
glibc's adaptive threshold caught up.

``keep_freed_memory`` raises the mmap threshold, so large blocks come from the
heap, and the trim threshold, so freed heap stays with the process for the
next arrays. The cost is that a process that has run a full rescore keeps its
peak heap (about 0.8 GB at 1M forecasts) until it exits; the work runs in the
Celery worker and management commands, not in web processes. Elsewhere
(macOS, musl) it does nothing.

``release_freed_memory`` hands the heap's free pages back (``malloc_trim``)
once the chunks are scored: what comes after (replacing the cards, the
numeric records) then starts from the memory still in use, not from the
chunks' high-water mark, instead of touching fresh pages above it.
"""

from __future__ import annotations

import ctypes
import platform

# mallopt parameters, from glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 512 * 1024 * 1024
TRIM_THRESHOLD = 1024 * 1024 * 1024

_kept: bool | None = None


def keep_freed_memory() -> bool:
    """Set the thresholds once per process; returns whether they are set."""
    global _kept
    if _kept is None:
        _kept = _set_thresholds()
    return _kept


def release_freed_memory() -> bool:
    """Give the heap's free pages back to the system (glibc); returns whether it could."""
    if not _is_glibc():
        return False
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)
    return True


def _is_glibc() -> bool:
    return platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


def _set_thresholds() -> bool:
    if not _is_glibc():
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(
        mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
