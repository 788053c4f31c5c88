"""Benchmark: the whole service's CPU and memory while it plays and serves, beside Liquidsoap.

    python bench/service_cost.py [--seconds 25] [--runs 3] [--quick] [--record]

Target (issue 9): the service playing real recorded music and serving uses no more CPU
than Liquidsoap playing the same songs, and stays under 150 MB resident.

Each player runs as a process of its own, playing in real time to a silent output; each
run plays the three one after another (ours, ours' playing part alone, Liquidsoap);
figures are medians of --runs:
- ours: the real `mall-pa run` on the benchmark store (bench/service_store.py: Debian's
  extremetuxracer-data songs, Ogg Vorbis, stereo, 44.1 and 48 kHz, sequential; every file
  decoded by FFmpeg (PyAV) and resampled to 48 kHz stereo float32 by swresample (64 taps)
  on the decode thread a few seconds ahead, levelled by its loudness gain) to the null
  device (paced by a timer, asking every 10 ms): the whole service, with
  its API up (uvicorn), its SQLite store (a heartbeat written every 2 s), APScheduler's
  chores, the follower and decode threads. Each run starts from a fresh state folder but
  the media and speech caches (a first run: the admin is created through the setup link).
  A client in this process then does what the desk console (api/web/static/desk.js) does,
  to the window's end: it holds the live feed (GET /api/events) open and asks GET
  /api/status once at the start, 250 ms after each burst of events and every 15 s; for
  scale, the same run again with a client polling GET /api/status every second instead.
  On air: /healthz answers 200 and the start-up check (which decodes every file in full,
  once) has logged its result.
- for scale, not a target: only the playing part of ours, `Live` on the same store's day
  to `DeviceSink("null")` in a child of its own (this file, --live-child): no API, no
  SQLite, no chores; the difference to the first is what serving costs. On air: the child
  prints a line just before `Live.run()`.
- reference: Liquidsoap (Debian's, installed with apt-get when missing) playing the same
  files in the same order (playlist mode "normal") to `output.dummy`, its frame rate set to
  48 kHz (`settings.frame.audio.samplerate`) so that it too resamples the 44.1 kHz songs to
  48 kHz, with its default converter (it logs which: libsamplerate, quality "fast", a sinc
  resampler), in frames of 10 ms like our device's periods (`settings.frame.duration`; a
  wake-up costs this machine about 50 us whatever is done in it, see live_cost.py), and for
  scale at its default 40 ms. It serves nothing. On air: its output's on_start callback
  logs a line.
The window opens 1 s after ours is ready, by then a second or two into its first song (its
start-up check runs first); the other two open theirs as far into the playlist, so all
three play the same stretch of the same songs (44.1 kHz songs, a song change, the 48 kHz
one). Measured per process with its children (ours decodes in one): CPU time (user +
system, every thread) over --seconds, from /proc/PID/stat (10 ms ticks), as a share of one
core; CPU over the whole life (start-up included) from `os.wait4`; memory, sampled over
the window: the union of the processes' resident pages (bench/resident.py: each page once,
what the target is judged by; at least ru_maxrss), their VmRSS summed (each page both map
twice) and their PSS summed (peak RSS: the larger of ru_maxrss and the sum). Ours signs in
its first admin and then 5 more times before the window, the union sampled meanwhile and
counted in its peak (a password hash takes 19 MiB for a moment). For ours also: VmHWM
before and after the sign-ins and VmRSS at the window's end (/proc/PID/status), seconds
of audio per second of wall time over the window (the audio clock in the polled status) and
the polls' latency. Not measured: the polling client's own cost (it runs in this process), a sound
card's driver (none: every output is silent and timer-paced).
`--record` appends the results to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import av
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.live_cost import (  # noqa: E402
    ON_AIR,
    Cost,
    _cpu,
    ended,
    liquidsoap_script,
    memory_verdict,
    play,
    reap,
    rss_while,
    tree,
)
from bench.render_hour import ensure_tool  # noqa: E402
from bench.report import report  # noqa: E402
from bench.resident import union_during  # noqa: E402
from bench.service_store import (  # noqa: E402
    ADMIN,
    BenchStore,
    ServiceProcess,
    build_store,
    nodelay_client,
)

LIVE_ON_AIR = "mall-pa bench: live on air"
CONVERTER = re.compile(r"Using samplerate converter: (\S+?)\.?$", re.MULTILINE)
SETTLE = 1.0  # seconds after going on air before the measured window opens
CONSOLE_POLL = 15.0  # the desk console's slow fallback GET /api/status (desk.js POLL_MS)
CONSOLE_DEBOUNCE = 0.25  # ... and one GET 250 ms after a burst of live events (DEBOUNCE_MS)
SIGN_INS = 5  # sign-ins after the setup, before the window: their memory counts in the peak
POLL = 1.0  # for scale: a client asking for GET /api/status every second instead
PERIOD_MS = 10  # the device period of the service (DeviceSink), and the reference's frame


@dataclass
class Poll:
    sent: float  # time.time()
    took: float  # seconds
    audio: float | None  # the status's `now` (the audio clock)
    playing: str  # now_playing.ref


@dataclass
class OursCost:
    cost: Cost
    polls: list[Poll] = field(default_factory=list)
    window: tuple[float, float] = (0.0, 0.0)  # time.time() at the window's ends
    timeline: list[dict[str, object]] = field(default_factory=list)
    memory: dict[str, float] = field(default_factory=dict)  # MB: VmHWM/VmRSS at moments
    into: float = 0.0  # seconds into the playlist (its first song's start) at the window's start


def memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a running process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    rss, hwm = (int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))
    return rss, hwm


def live_child(config: Path) -> None:
    """Only the playing part of the service: today's Live on the bench store, to the null
    device, no API, no store, no chores (for scale); until SIGTERM."""
    from daemon.audio.sinks import DeviceSink
    from daemon.catalog.load import load_catalog
    from daemon.dayplan import build_day_plan
    from daemon.drivers.live import Live
    from daemon.speech.speaker import open_speaker

    catalog = load_catalog(config)
    speaker = open_speaker(catalog.config.speech, catalog.config.state_dir)
    zone = catalog.config.store.timezone
    plan, _ = build_day_plan(catalog, datetime.now(zone).date(), speaker)
    sink = DeviceSink("null")
    live = Live(plan, sink, catalog.config.audio, catalog.media.known)
    signal.signal(signal.SIGTERM, lambda *_: live.stop())
    print(LIVE_ON_AIR, flush=True)
    live.run()
    sink.close()


def _status(http: httpx.Client, auth: dict[str, str]) -> Poll:
    sent, began = time.time(), time.perf_counter()
    try:
        answer = http.get("/api/status", headers=auth)
        body = answer.json() if answer.status_code == 200 else {}
    except httpx.HTTPError:
        body = {}
    took = time.perf_counter() - began
    audio = datetime.fromisoformat(body["now"]).timestamp() if "now" in body else None
    playing = (body.get("now_playing") or {}).get("ref", "")
    return Poll(sent, took, audio, str(playing))


def poller(base: str, auth: dict[str, str], stop: threading.Event, out: list[Poll]) -> None:
    """For scale: GET /api/status every POLL seconds."""
    with nodelay_client(base) as http:
        while True:
            out.append(_status(http, auth))
            if stop.wait(max(0.0, POLL - out[-1].took)):
                return


def console(base: str, auth: dict[str, str], stop: threading.Event, out: list[Poll]) -> None:
    """What the desk console (desk.js) asks of the service: the live feed held open, one
    GET /api/status at the start, CONSOLE_DEBOUNCE after each burst of events and every
    CONSOLE_POLL seconds."""
    dirty = threading.Event()

    def listen() -> None:  # ends when the service closes the stream (it is stopped)
        try:
            with (
                nodelay_client(base, timeout=3600.0) as sse,
                sse.stream("GET", "/api/events", headers=auth) as stream,
            ):
                for line in stream.iter_lines():
                    if line.startswith("event:"):
                        dirty.set()
        except httpx.HTTPError:
            return

    threading.Thread(target=listen, name="console-feed", daemon=True).start()
    with nodelay_client(base) as http:
        out.append(_status(http, auth))
        while not stop.is_set():
            waited = 0.0  # this thread wakes every 0.1 s to see the stop: the bench's own cost
            while waited < CONSOLE_POLL and not stop.is_set() and not dirty.wait(0.1):
                waited += 0.1
            if dirty.is_set():
                stop.wait(CONSOLE_DEBOUNCE)
            dirty.clear()
            out.append(_status(http, auth))  # the last one after the window: for the pacing


Client = Callable[[str, dict[str, str], threading.Event, list[Poll]], None]


def sign_in(http: httpx.Client, times: int) -> None:
    """The first admin signs in `times` times (each an argon2id hash: 19 MiB for a moment)."""
    name, password = ADMIN
    for _ in range(times):
        answer = http.post("/api/login", json={"name": name, "password": password})
        if answer.status_code != 200:
            raise SystemExit(f"sign-in failed: {answer.status_code} {answer.text}")


def run_ours(store: BenchStore, seconds: float, client: Client = console) -> OursCost:
    store.fresh()
    began = time.perf_counter()
    service = ServiceProcess(store)
    pid, stop = service.pid, threading.Event()
    polls: list[Poll] = []
    watch: threading.Thread | None = None
    marks: dict[str, float] = {}
    try:
        service.wait_ready()
        marks["ready"] = memory(pid)[1]
        with nodelay_client(store.base) as http:
            auth = service.first_admin(http)
            signing = union_during(lambda: tree(pid), lambda: sign_in(http, SIGN_INS))
        marks["signed"] = memory(pid)[1]
        watch = threading.Thread(target=client, args=(store.base, auth, stop, polls))
        watch.start()
        time.sleep(SETTLE)
        cpu0, t0, w0 = _cpu(pid), time.perf_counter(), time.time()
        rss, pss, union = rss_while(pid, seconds)
        cpu1, t1, w1 = _cpu(pid), time.perf_counter(), time.time()
        if ended(pid):
            raise SystemExit(f"mall-pa ended early:\n{service.output()[-3000:]}")
        marks["end"], marks["end_hwm"] = memory(pid)
    finally:
        stop.set()
        if watch is not None:
            watch.join(10)
        if not ended(pid):
            os.kill(pid, signal.SIGTERM)
        status, usage = reap(pid, 20)
        service.process.returncode = os.waitstatus_to_exitcode(status)
    life = time.perf_counter() - began
    days = sorted(store.state.glob("timeline-*.jsonl"))
    timeline = [json.loads(line) for path in days for line in path.read_text().splitlines()]
    offsets = [p.sent - p.audio for p in polls if p.audio is not None]
    if not offsets or not timeline:
        raise SystemExit("no status poll or no as-run entry: cannot place the window")
    first_song = datetime.fromisoformat(str(timeline[0]["start"])).timestamp()
    into = w0 - statistics.median(offsets) - first_song
    cost = Cost(
        (cpu1 - cpu0) / (t1 - t0),
        usage.ru_utime + usage.ru_stime,
        life,
        max(usage.ru_maxrss / 1024, rss),
        service.output(),
        pss,
        union and max(usage.ru_maxrss / 1024, union, signing),
    )
    marks["signing_union"] = signing
    return OursCost(cost, polls, (w0, w1), timeline, marks, into)


def heard(songs: Sequence[Path], start: float, seconds: float) -> tuple[dict[int, float], int]:
    """Seconds of each sample rate within [start, start + seconds) of the playlist played in
    order from its first song (looping), and how many songs begin in there."""
    out: dict[int, float] = {}
    at, changes = 0.0, 0
    while at < start + seconds:
        for song in songs:
            rate, duration = _info(song)
            overlap = min(at + duration, start + seconds) - max(at, start)
            if overlap > 0:
                out[rate] = out.get(rate, 0.0) + overlap
                changes += at > start
            at += duration
    return out, changes


@functools.cache
def _info(path: Path) -> tuple[int, float]:
    """A song's sample rate and its length in seconds (its samples, counted by decoding)."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        return int(stream.codec_context.sample_rate), samples / stream.codec_context.sample_rate


def mix(seconds: dict[int, float]) -> str:
    return ", ".join(f"{s:.0f} s at {rate / 1000:g} kHz" for rate, s in sorted(seconds.items()))


def measure(seconds: float, runs: int) -> dict[str, str]:
    installed = ensure_tool("liquidsoap", "liquidsoap")
    version = subprocess.run(
        ["liquidsoap", "--version"], capture_output=True, text=True, check=True
    ).stdout.splitlines()[0]
    store = build_store()
    ours: list[OursCost] = []
    polled: list[OursCost] = []  # for scale: the same with a client polling every second
    alone: list[Cost] = []
    theirs: list[Cost] = []  # at the service's block, 10 ms
    default: list[Cost] = []  # at Liquidsoap's own, 40 ms
    live_cmd = [sys.executable, str(Path(__file__).resolve()), "--live-child", str(store.config)]
    with tempfile.TemporaryDirectory(prefix="service-cost-") as scratch:
        liq_cmd = ["liquidsoap", str(liquidsoap_script(Path(scratch), store.songs, PERIOD_MS))]
        liq_default = ["liquidsoap", str(liquidsoap_script(Path(scratch), store.songs, None))]
        for _ in range(runs):  # the others hear the stretch of the playlist ours heard
            ours.append(run_ours(store, seconds))
            polled.append(run_ours(store, seconds, poller))
            into = max(SETTLE, ours[-1].into)
            alone.append(play(live_cmd, LIVE_ON_AIR, seconds, into))
            theirs.append(play(liq_cmd, ON_AIR, seconds, into))
            default.append(play(liq_default, ON_AIR, seconds, into))

    def med(costs: Sequence[Cost], name: str) -> float:
        return float(statistics.median(getattr(c, name) for c in costs))

    mine = [o.cost for o in ours]
    o_cpu, l_cpu = med(mine, "cpu_share"), med(theirs, "cpu_share")
    m = f"median of {runs}"

    def line(costs: Sequence[Cost]) -> str:
        return (
            f"{med(costs, 'cpu_share') * 100:.1f}% of a core on air; whole life "
            f"{med(costs, 'cpu_total'):.2f} s CPU in {med(costs, 'life'):.1f} s; "
            f"peak RSS {med(costs, 'peak_rss'):.0f} MB, PSS {med(costs, 'peak_pss'):.0f} MB, "
            f"union of resident pages {med(costs, 'peak_union'):.0f} MB"
        )

    pacing: list[float] = []
    polls: list[float] = []
    for run in ours + polled:
        inside = [p for p in run.polls if p.audio is not None]
        if len(inside) < 2:
            raise SystemExit("too few status answers to tell the pacing")
        first, last = inside[0], inside[-1]
        assert first.audio is not None and last.audio is not None
        pacing.append((last.audio - first.audio) / (last.sent - first.sent))
        polls += [p.took for p in run.polls]
    into = statistics.median(max(SETTLE, o.into) for o in ours)
    rates, changes = heard(store.songs, into, seconds)
    marks = {k: statistics.median(o.memory[k] for o in ours) for k in ours[0].memory}
    found = CONVERTER.search(theirs[0].output)
    converter = found.group(1) if found else "not logged"
    verdict = "met" if o_cpu <= l_cpu else "NOT met: ours is higher"
    results = {
        "what plays": f"{seconds:g} s measured on air (ours from 1 s after ready, the others "
        "from as far into the same songs), the bench "
        f"store's {len(store.songs)} songs in order (Vorbis, stereo, 44.1 and 48 kHz), both "
        "resampling to 48 kHz, silent outputs paced in real time",
        f"ours: `mall-pa run` (API up; a desk console's traffic: the live feed, GET "
        f"/api/status after each burst of events and every {CONSOLE_POLL:g} s), {m}": line(mine),
        f"for scale: the same with GET /api/status every {POLL:g} s instead, {m}": line(
            [o.cost for o in polled]
        ),
        f"for scale: only the playing part of ours (Live to the null device, no API, store "
        f"or chores), {m}": line(alone),
        f"reference: {version}, playlist to output.dummy at 48 kHz, frames of {PERIOD_MS} ms "
        f"(the service's device period), {m}": line(theirs),
        f"for scale: the same Liquidsoap at its default frames of 40 ms (a quarter of the "
        f"wake-ups), {m}": line(default),
        "what the window heard (the same stretch for the three)": f"from {into:.1f} s into "
        f"the playlist: {mix(rates)}, {changes} song change(s); Liquidsoap's converter: "
        f"{converter}",
        "ours: seconds of audio per second of wall time (pacing)": f"{min(pacing):.3f}-"
        f"{max(pacing):.3f}",
        "ours: GET /api/status (both clients)": f"median {statistics.median(polls) * 1000:.1f}"
        f" ms, max {max(polls) * 1000:.1f} ms over {len(polls)} answers",
        "ratio CPU on air, ours / Liquidsoap at the same block, target <= 1": f"{o_cpu / l_cpu:.2f}"
        f" ({verdict}); against its default 40 ms frames "
        f"{o_cpu / med(default, 'cpu_share'):.2f}",
        "peak RSS, target ours < 150 MB (ours: the service and its decode process)": (
            memory_verdict(mine, theirs, 150)
        ),
        "ours: where the peak comes from (medians, the service's process)": f"VmHWM "
        f"{marks['ready']:.0f} MB on air "
        f"before anyone signs in, {marks['signed']:.0f} MB after the first admin's setup and "
        f"{SIGN_INS} sign-ins (an argon2id hash each, 19 MiB for a moment; the union of the "
        f"two processes' resident pages meanwhile {marks['signing_union']:.0f} MB, counted "
        f"in the peak); resident at the window's end {marks['end']:.0f} MB",
    }
    for note in (installed, store.note):
        if note:
            results["note"] = note
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one run of 5 s: a smoke run")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument("--live-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.live_child:
        live_child(args.live_child)
        return
    if args.quick:
        args.seconds, args.runs = 5.0, 1
    report("service_cost.py", measure(args.seconds, args.runs), args.record)


if __name__ == "__main__":
    main()
