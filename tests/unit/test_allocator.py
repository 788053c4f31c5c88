"""glibc's allocator as the service tunes it: a freed big block goes back to the system,
even after a block as big was freed before, and every thread shares a few arenas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from daemon.allocator import ARENAS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc, /proc")

TUNED = """
import sys
from daemon.allocator import tune_allocator
if sys.argv[1] == "tuned" and not tune_allocator():
    print("not glibc"); raise SystemExit
"""

KEPT = """
import threading
import numpy as np
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

ARENAS_USED = """
import ctypes, ctypes.util, tempfile, threading
libc = ctypes.CDLL(ctypes.util.find_library("c"))
together = threading.Barrier(12)
def work():  # a dozen threads allocating at once, as web workers under load
    held = [bytes(2000) for _ in range(200)]
    together.wait()
    del held
threads = [threading.Thread(target=work) for _ in range(12)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc.fopen.restype, libc.fopen.argtypes = ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes, libc.fclose.argtypes = [ctypes.c_int, ctypes.c_void_p], [ctypes.c_void_p]
with tempfile.NamedTemporaryFile("r") as report:
    out = libc.fopen(report.name.encode(), b"w")
    libc.malloc_info(0, out)
    libc.fclose(out)
    print(report.read().count("<heap nr="))
"""


def run(code: str, mode: str) -> float:
    ran = subprocess.run([sys.executable, "-c", TUNED + code, mode], cwd=ROOT,
                         capture_output=True, text=True, check=True)  # fmt: skip
    if ran.stdout.strip() == "not glibc":
        pytest.skip("the C library is not glibc")
    return float(ran.stdout)


def test_blocks_freed_on_worker_threads_are_given_back() -> None:
    assert run(KEPT, "tuned") < 2


def test_untuned_the_arena_keeps_them() -> None:
    """The case the tuning is for, so that the test above cannot pass for another reason."""
    assert run(KEPT, "default") > 15


def test_threads_share_a_few_arenas() -> None:
    assert run(ARENAS_USED, "tuned") <= ARENAS
    assert run(ARENAS_USED, "default") > ARENAS  # untuned, a dozen threads take more
