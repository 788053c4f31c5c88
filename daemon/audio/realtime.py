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

The device's thread needs the GIL in every period, and a thread holding it that the kernel
takes off its core (for the decode child, or any other process) keeps the device's thread
waiting until it is given a core again. So the threads that hold the GIL in short bursts
all day long (the follower, the decode reader and orders) ask for `HELPER_PRIORITY`, below
the device's thread: no ordinary process takes their core mid-burst. Threads whose work may
run for seconds (the API, the chores, an in-process decoder) stay at ordinary scheduling,
where a runaway cannot starve the decode child.
"""

from __future__ import annotations

import os
import resource

__all__ = ["HELPER_PRIORITY", "PRIORITY", "go_realtime"]

PRIORITY = 20
HELPER_PRIORITY = 10  # the GIL's short-burst holders (see above)
HOW = "grant it with LimitRTPRIO=20 in the systemd unit (systemd/mall-pa.service has it)"


def go_realtime(priority: int = PRIORITY) -> str:
    """Put the calling thread on SCHED_FIFO; what it runs at, in words for the log. Under a
    lower `RLIMIT_RTPRIO` it keeps the same distance below the device thread's `PRIORITY`
    (the helpers stay under it), or ordinary scheduling if that leaves nothing."""
    setscheduler = getattr(os, "sched_setscheduler", None)
    if setscheduler is None:
        return "ordinary scheduling (this system has no real-time scheduling)"
    allowed, _ = resource.getrlimit(resource.RLIMIT_RTPRIO)
    below = PRIORITY - priority  # how far under the device's thread this one keeps
    capped = 0 < allowed < PRIORITY  # an unprivileged process's ceiling (root may go past it)
    tries = [] if capped and below else [priority]
    if capped and allowed - below > 0:
        tries.append(allowed - below)
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
