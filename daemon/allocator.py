"""glibc's allocator told to give every big block back to the system when it is freed.

By default glibc serves a block above its mmap threshold (128 KiB at first) with a mapping
of its own, unmapped when freed, and then raises the threshold to that block's size, up to
32 MiB: from then on blocks that size come from the heap of the thread's arena and stay
resident once freed. A password hash takes 19 MiB (argon2id) on one of the web server's
worker threads; after a few sign-ins each worker's arena kept its 19 MiB (the service's
resident memory went from 106 to 129 MB in five sign-ins). Setting the threshold fixes
it and turns the raising off: a block of BIG_BLOCK or more is mapped and unmapped, whatever
came before.
"""

from __future__ import annotations

import ctypes
import ctypes.util

__all__ = ["BIG_BLOCK", "give_big_blocks_back"]

BIG_BLOCK = 1 << 20  # bytes: a block this big or bigger is mapped on its own
M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def give_big_blocks_back(threshold: int = BIG_BLOCK) -> bool:
    """Fix glibc's mmap threshold for this process; False where the C library is not glibc
    (nothing changes there)."""
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c")).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))
