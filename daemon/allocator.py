"""glibc's allocator told to keep the service's heap small: big blocks given back to the
system when freed, and a few arenas for all the threads.

Big blocks. By default glibc serves a block above its mmap threshold (128 KiB at first)
with a mapping of its own, unmapped when freed, and then raises the threshold to that
block's size, up to 32 MiB: from then on blocks that size come from the heap of the
thread's arena and stay resident once freed. A password hash takes 19 MiB (argon2id) on
one of the web server's worker threads; after a few sign-ins each worker's arena kept its
19 MiB (the service's resident memory went from 106 to 129 MB in five sign-ins). Setting
the threshold fixes it and turns the raising off: a block of BIG_BLOCK or more is mapped
and unmapped, whatever came before.

Arenas. glibc gives threads that allocate at once arenas of their own, up to 8 a core, and
an arena keeps what it has freed between blocks still in use. Under 50 phones at once
(bench/api_load.py) the web server's worker threads left the service at 154 MB resident;
with ARENAS arenas, 112 MB, the latencies unchanged. Python allocates with the GIL held,
so threads seldom contend for an arena anyway.
"""

from __future__ import annotations

import ctypes
import ctypes.util

__all__ = ["ARENAS", "BIG_BLOCK", "tune_allocator"]

BIG_BLOCK = 1 << 20  # bytes: a block this big or bigger is mapped on its own
ARENAS = 4  # arenas at most, for every thread of the process
M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8  # glibc's malloc.h


def tune_allocator(threshold: int = BIG_BLOCK, arenas: int = ARENAS) -> bool:
    """Fix glibc's mmap threshold and cap its arenas, for this process (call it before
    starting threads); False where the C library is not glibc (nothing changes there)."""
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c")).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, threshold)) and bool(mallopt(M_ARENA_MAX, arenas))
