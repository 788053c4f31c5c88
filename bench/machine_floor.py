"""Benchmark reference: the worst a constant, trivial callback takes on this machine.

    python bench/machine_floor.py [--seconds 60] [--idle]

The same steady-state block a mixing callback renders (a 480-frame view of a ring, a bed's
view added, a gain, the clip to full scale: what `Mixer.mix` does in every period with a
bed under the item), run back to back for `--seconds` of wall time on a thread at the
scheduling the service's device thread asks for (daemon/audio/realtime.py), alone in its
process: no other thread of ours runs, nothing waits for a GIL, nothing is decoded, opened
or allocated beyond the block; unless `--idle`, a process spins on each other core
meanwhile, as the follower thread and the decode process keep the other core busy while a
callback series runs. It rests 2 ms after every 5,000 calls, outside the timing, so that
the kernel's real-time throttling (a FIFO thread may hold a core for 95% of each second)
never stops it mid-call. Each call is timed with the clocks callback_worst.py uses (wall:
perf_counter_ns; own CPU: thread_time_ns).

Every call does the same few microseconds of work, so whatever makes one of them slow is
the machine's: the hypervisor stopping the virtual CPU (the guest counts that time as the
running thread's own CPU), interrupts handled on the thread's time (a kernel without
CONFIG_IRQ_TIME_ACCOUNTING charges them to the thread they interrupt), other processes.
Such stalls come in bursts, minutes apart: the floor is measured over as much wall time as
the series it is set beside (before 2026-12-04 over as many calls, which took an eighth of
the time and had missed every burst: a flattering reference). It is the floor under any
callback's worst case here: a figure below it cannot be shown on this machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from daemon.audio.realtime import go_realtime

PERIOD = 480  # frames, 10 ms at 48 kHz: the block the device asks for
RING = 48_000 * 4  # frames of the rings read from (4 s, as a feed's ring)
REST_EVERY, REST = 5_000, 0.002  # calls between rests (about 25 ms of them), seconds of rest


@dataclass
class Floor:
    calls: int
    histogram: npt.NDArray[np.int64]  # calls by wall time in whole microseconds (BINS: more)
    worst: tuple[int, int]  # the slowest call's wall and own CPU time, ns
    over: dict[float, int]  # calls over each of OVER_MS
    scheduling: str
    seconds: float  # wall time of the whole series
    busy: int  # processes spinning on the other cores meanwhile

    @property
    def max_ms(self) -> float:
        return self.worst[0] / 1e6

    def _quantile(self, share: float) -> float:
        """The wall time in ms that `share` of the calls took at most (to the microsecond)."""
        return float(np.searchsorted(np.cumsum(self.histogram), share * self.calls)) / 1000

    def line(self) -> str:
        over = ", ".join(f"over {t:g} ms {n}" for t, n in self.over.items())
        others = f", {self.busy} process(es) spinning on the other core(s)" if self.busy else ""
        return (
            f"{self.calls:,} calls in {self.seconds:.1f} s at {self.scheduling}{others}: p50 "
            f"{self._quantile(0.5):.3f} ms, p99.9 {self._quantile(0.999):.3f} ms, max "
            f"{self.max_ms:.2f} ms (its own CPU {self.worst[1] / 1e6:.2f} ms); {over}"
        )


BINS = 100_000  # microseconds the histogram tells apart (a call over 0.1 s lands in the last)
OVER_MS = (1.0, 2.0, 10.0)


def floor(seconds: float, busy: bool = True) -> Floor:
    """Time constant mixing blocks for `seconds` on a thread of their own, with a process
    spinning on each other core if `busy` (see the module)."""
    rng = np.random.default_rng(7)
    ring = rng.uniform(-0.5, 0.5, (RING, 2)).astype(np.float32)
    bed = rng.uniform(-0.1, 0.1, (RING, 2)).astype(np.float32)
    wall = np.ones(REST_EVERY, np.int64)  # every page touched before the series
    own = np.ones(REST_EVERY, np.int64)
    histogram = np.zeros(BINS, np.int64)
    spinners = (os.cpu_count() or 1) - 1 if busy else 0
    found: list[Floor] = []

    def series() -> None:
        scheduling = go_realtime()
        now, cpu = time.perf_counter_ns, time.thread_time_ns
        began = time.perf_counter()
        calls, worst, over = 0, (0, 0), dict.fromkeys(OVER_MS, 0)
        while time.perf_counter() - began < seconds:
            for i in range(REST_EVERY):
                at = ((calls + i) * PERIOD) % (RING - PERIOD)
                a, c0 = now(), cpu()
                out = ring[at : at + PERIOD] + bed[at : at + PERIOD]
                out *= 0.8
                np.minimum(out, 1.0, out=out)
                np.maximum(out, -1.0, out=out)
                c1, b = cpu(), now()
                wall[i], own[i] = b - a, c1 - c0
            calls += REST_EVERY  # untimed from here: the round's sums, then the rest
            histogram[:] += np.bincount(np.minimum(wall // 1000, BINS - 1), minlength=BINS)
            k = int(np.argmax(wall))
            if wall[k] > worst[0]:
                worst = (int(wall[k]), int(own[k]))
            for t in OVER_MS:
                over[t] += int(np.count_nonzero(wall > t * 1e6))
            time.sleep(REST)  # a FIFO thread spinning past its real-time share
            # (kernel.sched_rt_runtime_us, 95%) would be throttled for the rest of it
        took = time.perf_counter() - began
        found.append(Floor(calls, histogram, worst, over, scheduling, took, spinners))

    spinning = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(spinners)
    ]
    try:
        thread = threading.Thread(target=series, name="floor")
        thread.start()
        thread.join()
    finally:
        for spinner in spinning:
            spinner.kill()
            spinner.wait()
    return found[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="wall time to run for")
    parser.add_argument("--idle", action="store_true", help="leave the other cores idle")
    args = parser.parse_args()
    print(floor(min(max(args.seconds, 1.0), 3600.0), busy=not args.idle).line())


if __name__ == "__main__":
    main()
