"""Benchmark reference: the worst a constant, trivial callback takes on this machine.

    python bench/machine_floor.py [--calls 1800000]

The same steady-state block a mixing callback renders (a 480-frame view of a ring, a bed's
view added, a gain, the clip to full scale: what `Mixer.mix` does in every period with a
bed under the item), run `--calls` times back to back on a thread at the scheduling the
service's device thread asks for (daemon/audio/realtime.py), alone in its process: no
other thread of ours runs, nothing waits for a GIL, nothing is decoded, opened or
allocated beyond the block; it rests 2 ms after every 5,000 calls, outside the timing, so
that the kernel's real-time throttling (a FIFO thread may hold a core for 95% of each
second) never stops it mid-call. Each call is timed with the clocks callback_worst.py uses
(wall: perf_counter_ns; own CPU: thread_time_ns).

Every call does the same few microseconds of work, so whatever makes one of them slow is
the machine's: the hypervisor stopping the virtual CPU, interrupts handled on the thread's
time (a kernel without CONFIG_IRQ_TIME_ACCOUNTING charges them to the thread they
interrupt, as its own CPU), other processes. It is the floor under any callback's worst
case here: a figure below it cannot be shown on this machine.
"""

from __future__ import annotations

import argparse
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
    wall: npt.NDArray[np.int64]  # each call's wall time, ns
    own: npt.NDArray[np.int64]  # each call's own CPU time, ns
    scheduling: str
    seconds: float  # wall time of the whole series

    def line(self) -> str:
        ms, own = self.wall / 1e6, self.own / 1e6
        worst = int(np.argmax(ms))
        over = ", ".join(f"over {t:g} ms {int(np.count_nonzero(ms > t))}" for t in (1, 2, 10))
        return (
            f"{len(ms):,} calls in {self.seconds:.1f} s at {self.scheduling}: p50 "
            f"{np.median(ms):.3f} ms, p99.9 {np.quantile(ms, 0.999):.3f} ms, max "
            f"{ms[worst]:.2f} ms (its own CPU {own[worst]:.2f} ms); {over}"
        )


def floor(calls: int) -> Floor:
    """Time `calls` constant mixing blocks on a thread of their own (see the module)."""
    rng = np.random.default_rng(7)
    ring = rng.uniform(-0.5, 0.5, (RING, 2)).astype(np.float32)
    bed = rng.uniform(-0.1, 0.1, (RING, 2)).astype(np.float32)
    wall = np.zeros(calls, np.int64)
    own = np.zeros(calls, np.int64)
    wall[:] = 1  # touch every page before the series: no page fault lands in it
    own[:] = 1
    said: list[str] = []
    took: list[float] = []

    def series() -> None:
        said.append(go_realtime())
        now, cpu = time.perf_counter_ns, time.thread_time_ns
        began = time.perf_counter()
        for i in range(calls):
            at = (i * PERIOD) % (RING - PERIOD)
            a, c0 = now(), cpu()
            out = ring[at : at + PERIOD] + bed[at : at + PERIOD]
            out *= 0.8
            np.minimum(out, 1.0, out=out)
            np.maximum(out, -1.0, out=out)
            c1, b = cpu(), now()
            wall[i], own[i] = b - a, c1 - c0
            if i % REST_EVERY == REST_EVERY - 1:
                time.sleep(REST)  # untimed: a FIFO thread spinning past its real-time share
                # (kernel.sched_rt_runtime_us, 95%) would be throttled for the rest of it
        took.append(time.perf_counter() - began)

    thread = threading.Thread(target=series, name="floor")
    thread.start()
    thread.join()
    return Floor(wall, own, said[0], took[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=1_800_000, help="callbacks to time")
    args = parser.parse_args()
    print(floor(max(args.calls, 1)).line())


if __name__ == "__main__":
    main()
