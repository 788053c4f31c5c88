"""The resident set of a group of processes: each physical page in memory counted once.

A process's VmRSS counts the pages it has in memory. Summed over two processes it counts
twice every page both map (the text of libpython, numpy and FFmpeg, which the kernel keeps
once); PSS shares such a page out among every process that maps it, this machine's others
too (libc's pages then count a fraction: flattering). The union of the page frames the
processes have resident is what the group holds, as one process mapping the same would.

It is read from /proc/PID/pagemap (one 64-bit entry per virtual page: bit 63 present, bits
0-54 the page frame number). The kernel shows page frame numbers to root only; elsewhere
`union_mb` answers None.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

__all__ = ["resident_frames", "union_during", "union_mb"]

PAGE = 4096
PRESENT = np.uint64(1 << 63)
FRAME = np.uint64((1 << 55) - 1)


def resident_frames(pid: int) -> np.ndarray:
    """The page frame numbers of the pages `pid` has resident (zeros without root)."""
    found = []
    with open(f"/proc/{pid}/pagemap", "rb", buffering=0) as pagemap:
        for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
            span, *rest = line.split(maxsplit=5)
            if rest[-1:] == ["[vsyscall]"]:  # outside the process's page tables
                continue
            low, high = (int(end, 16) // PAGE for end in span.split("-"))
            pagemap.seek(low * 8)
            entries = np.frombuffer(pagemap.read((high - low) * 8), np.uint64)
            found.append(entries[(entries & PRESENT) != 0] & FRAME)
    return np.concatenate(found) if found else np.zeros(0, np.uint64)


def union_mb(pids: Iterable[int]) -> float | None:
    """MB of the distinct pages the processes have resident; None where this user cannot
    see page frame numbers (not root), or a process ended meanwhile."""
    try:
        frames = [resident_frames(pid) for pid in pids]
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    every = np.concatenate(frames) if frames else np.zeros(0, np.uint64)
    if every.size and not every.any():  # page frame numbers hidden: all read as zero
        return None
    return np.unique(every).size * PAGE / 2**20


def union_during(pids: Callable[[], Iterable[int]], action: Callable[[], object]) -> float:
    """The largest union of resident pages seen while `action` runs (samples back to back,
    each a few tens of milliseconds: repeat a brief action to be sure of catching it), in
    MB; 0 where it cannot be taken."""
    done, most = threading.Event(), [0.0]

    def sample() -> None:
        while not done.is_set():
            try:
                group = list(pids())
            except OSError:  # a process of the group ended while it was listed: again
                continue
            most[0] = max(most[0], union_mb(group) or 0.0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        action()
    finally:
        done.set()
        sampler.join()
    return most[0]
