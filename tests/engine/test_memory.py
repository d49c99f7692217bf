"""A scoring process keeps freed memory for its next large arrays (glibc)."""

import ctypes
import platform

import numpy as np

from forecasts.engine import memory


class _MallocInfo(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost"
        ).split()
    ]


def _malloc_info() -> _MallocInfo:
    mallinfo2 = ctypes.CDLL(None).mallinfo2
    mallinfo2.restype = _MallocInfo
    return mallinfo2()


def test_a_large_array_comes_from_the_heap_and_stays_there_when_freed():
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        # The thresholds are glibc's (the Debian image and CI have it): elsewhere
        # the call says it did nothing, and there is no glibc heap to look at.
        assert memory.keep_freed_memory() is False
        return
    assert memory.keep_freed_memory()
    size = 64 * 1024 * 1024  # far above glibc's default mmap threshold (128 kB to 32 MB)
    before = _malloc_info()
    array = np.ones(size // 8)
    alive = _malloc_info()
    del array
    freed = _malloc_info()
    # Not a mapping of its own (which munmap would hand back to the kernel)...
    assert alive.hblkhd - before.hblkhd < size
    assert alive.arena >= size
    # ...and once freed, the heap keeps the memory for the next arrays.
    assert freed.arena >= size
    assert freed.fordblks >= size


def test_it_sets_the_thresholds_once_per_process(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "_kept", None)
    monkeypatch.setattr(memory, "_set_thresholds", lambda: calls.append(1) or True)
    assert memory.keep_freed_memory() and memory.keep_freed_memory()
    assert calls == [1]


def test_it_does_nothing_without_glibc(monkeypatch):
    monkeypatch.setattr(memory, "_kept", None)
    monkeypatch.setattr(platform, "libc_ver", lambda: ("", ""))
    assert memory.keep_freed_memory() is False


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        return int(status.read().split("VmRSS:")[1].split()[0])


def test_the_freed_heap_goes_back_to_the_system_when_released(monkeypatch):
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        assert memory.release_freed_memory() is False
        return
    assert memory.keep_freed_memory()
    size = 64 * 1024 * 1024
    array = np.ones(size // 8)  # every page touched
    del array
    kept = _rss_kb()  # the heap keeps it (above)
    assert memory.release_freed_memory()
    assert kept - _rss_kb() >= size // 2 // 1024
    monkeypatch.setattr(platform, "libc_ver", lambda: ("", ""))
    assert memory.release_freed_memory() is False
