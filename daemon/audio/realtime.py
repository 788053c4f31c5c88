"""Real-time scheduling for the sound card's thread, as audio servers give theirs.

A period is 10 ms and the service's other threads (the follower's forecasts, the decode
reader) and processes (the decode child, the API's clients) share two or four cores: under
ordinary scheduling the kernel may hand the device's thread's core to any of them for a
time slice of several milliseconds. `go_realtime()`, called once from that thread, asks for
SCHED_FIFO at `PRIORITY` (what rtkit grants PipeWire's threads; the kernel's interrupt
threads run at 50, above it), or at the highest `RLIMIT_RTPRIO` allows below it. A process
without the right (no root, no `LimitRTPRIO=` in its unit) keeps ordinary scheduling and
plays as before; the words returned say which, and how to grant it. Children forked from
the thread start at ordinary scheduling again (`SCHED_RESET_ON_FORK`).
"""

from __future__ import annotations

import os
import resource

__all__ = ["PRIORITY", "go_realtime"]

PRIORITY = 20
HOW = "grant it with LimitRTPRIO=20 in the systemd unit (systemd/mall-pa.service has it)"


def go_realtime(priority: int = PRIORITY) -> str:
    """Put the calling thread on SCHED_FIFO; what it runs at, in words for the log."""
    setscheduler = getattr(os, "sched_setscheduler", None)
    if setscheduler is None:
        return "ordinary scheduling (this system has no real-time scheduling)"
    allowed, _ = resource.getrlimit(resource.RLIMIT_RTPRIO)
    tries = [priority] + ([allowed] if 0 < allowed < priority else [])
    policy = os.SCHED_FIFO | os.SCHED_RESET_ON_FORK
    for wanted in tries:
        try:
            setscheduler(0, policy, os.sched_param(wanted))  # 0: this thread (Linux)
        except PermissionError:
            continue
        except OSError as err:
            return f"ordinary scheduling (real-time refused: {err.strerror})"
        return f"real-time scheduling (SCHED_FIFO, priority {wanted})"
    return f"ordinary scheduling (real-time not permitted, RLIMIT_RTPRIO {allowed}: {HOW})"
