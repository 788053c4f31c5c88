"""A freed big block goes back to the system, even after a block as big was freed before
(glibc otherwise raises its threshold and keeps such blocks in the thread's arena)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

KEPT = """
import sys, threading
import numpy as np
from daemon.allocator import give_big_blocks_back
if sys.argv[1] == "fixed" and not give_big_blocks_back():
    print("not glibc"); raise SystemExit
def resident():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
def hash_like():  # what an argon2id hash does on a web server's worker thread
    block = np.ones(19 * 2**20, np.uint8)
    del block
hash_like()  # freed from its own mapping: glibc raises its threshold to 19 MiB
before = resident()
for _ in range(3):
    worker = threading.Thread(target=hash_like)
    worker.start()
    worker.join()
print(resident() - before)
"""


def kept_mb(mode: str) -> float:
    ran = subprocess.run([sys.executable, "-c", KEPT, mode], cwd=ROOT, capture_output=True,
                         text=True, check=True)  # fmt: skip
    if ran.stdout.strip() == "not glibc":
        pytest.skip("the C library is not glibc")
    return float(ran.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_blocks_freed_on_worker_threads_are_given_back() -> None:
    assert kept_mb("fixed") < 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_without_it_the_arena_keeps_them() -> None:
    """The case the fix is for, so that the test above cannot pass for another reason."""
    assert kept_mb("default") > 15
