"""Benchmark: the live driver's device callback at its worst, on a day of 2,000-song dayparts
(target: every callback under 2 ms, zero underruns).

    python bench/callback_worst.py [--from 12:00] [--to 17:00] [--paced 60] [--runs 7]
                                   [--quick] [--record]

What is timed: `Live._pull(480)`, the work the sound card's thread does every 10 ms period
(apply the commands waiting in the inbox, render the block through the playout and the
mixer from the frames the decode thread has decoded ahead, hand the period's journal and
events to the follower thread), call by call, with time.perf_counter_ns() just around each
`pull(480)` the sink makes.

The day: the example store (mall-pa.toml, 2026-11-23, media from `make media`) with each
daypart's playlist replaced by 2,000 entries drawn (seeded) from real recorded music: with
`--music real` (the default) the ten songs of Debian's extremetuxracer-data (Ogg Vorbis,
nine at 44.1 kHz, one at 48 kHz: every block resampled; bench/service_store.py installs the
package), with `--music example` the example store's 16 songs (48 kHz, as before), each
entry a Track of its own (its own Path), as a 2,000-line playlist loads: the daytime
daypart sequential, the evening one shuffled; the store's fixed scripts, campaigns, stings,
opening and closing songs as they are. Pages (four kinds, one every 15 minutes, the lost
child urgent) and emergencies with their clears (13:10, 15:02, 19:40) are rendered and
measured at set-up, as the desk does before it submits (and the scripts library reloads
twice, a `Reschedule` each), and submitted during the run by a driver thread, each once the
audio clock has reached its time (the sink opens a gate for it): during the run that thread
only calls `Live.submit`, like a phone. Everything else runs as in production: `Live` with
the media cache's `known` as its measure, its follower thread (mirror, forecast,
preloader), its decode thread and two of the event subscribers daemon/service.py gives it,
the timeline file and the event log (here into a temporary folder).

Two series, in one run, each with the audio thread at the scheduling the service's device
thread asks for (daemon/audio/realtime.py: SCHED_FIFO 20 where the process may, as root or
under the systemd unit's LimitRTPRIO=20; before 2026-12-03 both ran at ordinary scheduling),
the follower and the decode reader and orders threads at the 10 they ask for themselves
(since the evening of 2026-12-03; ordinary scheduling before):
- unpaced: a sink calling pull(480) in a loop as fast as the CPU allows, from one thread
  (before each call, outside the timed window, it waits until the decode thread has the
  period's frames of the item on air ready, as 10 ms of real time would give it; the waits
  are counted; and before a period that reaches the playout's next event (an item's end,
  a cut) it lets the follower replay what the audio thread handed it (an item's start, a
  command: its forecast picks the file to open next) and each file opened get its first
  frames, as a device in real time gives them the item's whole length where flat out a
  short item passes in milliseconds: before 2026-12-04 it did not, and in every recorded
  run a file was not ready when its item started (an urgent page's intro, 0.24 s of audio
  after its command, in the probe that found it) and played 4-8 ms of silence); it tells
  `Live` it is real time, so that the feeds are read as the device reads them (never
  waiting: a view of the ring, silence counted if the decoder is behind;
  before 2026-12-02 it said it was not, and every read took the blocking feeds' path, a
  lock shared with the decode thread the device's reads never take),
  over --from to --to (default 12:00-17:00, five hours of audio: the last two of the
  sequential daytime daypart, the switch at 14:00, three of the evening shuffle, two of the
  emergencies; the whole day, --from 10:00 --to 22:00, takes about 3 minutes more). Flat
  out, the audio thread competes with the follower for the GIL whenever the follower has
  work, where in real time it is idle 97% of each period: a pessimistic view of the work.
- paced: the same day to `DeviceSink("null")` (miniaudio's null device: a timer asking for
  480 frames every 10 ms from its own thread, as a sound card does) for --paced seconds
  from 15:00 (evening shuffle), with a page at :02, an emergency at :06 and its clear at
  :12: an emergency cut-in, its alert tone and message, then a break (intro, the page,
  outro) and a song from a preloaded file.
Per series: callbacks timed; p50 / p99 / p99.9 / max (nearest rank); how many took over
1 ms, 2 ms and 10 ms (an underrun: longer than the period, a sound card holding one period
would play silence); and what the slowest were doing: the items that started and the
commands applied in that period (the engine's events, mapped to the callback that rendered
their frame), the files the callback asked for itself (preloader misses: their decoding
starts then, on the decode thread), every Decoder the decode thread opens (timed), every
decode call and the thread it ran on (none may run on the audio thread), the decoder
underruns (periods the decode thread had not filled: silence), garbage collections
(gc.callbacks, with their thread),
the callback's own CPU time (time.thread_time_ns), its context switches (getrusage of the
thread: involuntary, the OS gave the core to another thread or process; voluntary, it
blocked, on the GIL or a lock), the CPU time the follower, decode and driver threads
used meanwhile (their CPU clocks, read around each call), and whether the follower was
computing a forecast (the live driver's `forecast` is wrapped to time it). Other processes'
share of the machine during each series is given (/proc/stat): the machine is shared.
The paced series also places every callback's start, and its block's readiness, against
the device's own 10 ms grid (a line fitted through the start times): a callback whose
thread waited for the GIL before its first line could run starts late on the grid, and
that wait is in no callback's duration; the null device's own timer jitter is given beside,
and a period whose block was ready more than 10 ms after its slot counts as late audio.

The reference, in the same run: the work the callback did before commit d1a19b5 ("the
audio thread only mixes"), moved off it since, measured now on the same drawn dayparts at
500 and 2,000 songs, the engine run from midnight to 15:00 (as the old live driver started):
- the old code itself (`git archive d1a19b5^` into a temporary folder, with that commit's
  own example store (config, playlists, scripts) and today's generated media, run in a child
  process): `Playout.peek()`, which the old callback called once per item, about 3 s before
  its end: a deepcopy of the engine with the plan and the timeline memoized, then `advance`;
- today's engine, `copy.deepcopy(engine, {id(plan): plan, id(engine.timeline): []})` as
  peek did, with the model's frozen values copied field by field (the `_Value` copy hooks
  of daemon/model.py lifted for the measurement: how every copy was made before d1a19b5),
  and as it is today (frozen values copy as themselves; such a copy now runs on the
  follower thread, in each forecast);
- the first-time decode of a script's rendered speech, `MediaCache(None).analysis(path)`,
  for each announcement WAV of the day (the old callback did it the first time a script
  aired; the day plan does it now).
Medians of --runs. The issue's own figures for the old callback are quoted beside them.
And the machine's floor (bench/machine_floor.py): a constant steady-state mixing block timed
back to back for as long as the unpaced series ran (wall time; before 2026-12-04 as many
times as it had callbacks, an eighth of that time), on a thread of its own at the device's
scheduling, nothing else of ours running, a process spinning on the other core as the
follower and the decode process keep it busy during the series: whatever slows one of
those calls is the machine's (the hypervisor stopping the virtual CPU, which the guest
counts as the thread's own CPU; interrupts charged to the thread; other processes), and no
callback's worst case can be shown below it here.

Not measured: a real sound card (its driver and buffer, the scheduling of its thread); the
rest of the service (uvicorn and the API, rendering pages on request, APScheduler's chores,
the store's Recorder and the systemd status subscribers): nothing of theirs competes for
the GIL here; the set-up (catalog, plan, speech). The instruments (the wrappers, the gc
callback, the clock and rusage reads, about 5 us a call) run outside the timed window, on
their own threads' time. `--record` appends the results to bench/RESULTS.md after a
paragraph on the target and the method.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gc
import io
import itertools
import json
import logging
import os
import random
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import time as clock
from pathlib import Path
from types import ModuleType
from typing import Any

import av
import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine_floor import floor  # noqa: E402
from bench.render_hour import CONFIG, DAY, Example, example_day  # noqa: E402
from bench.report import RESULTS, report  # noqa: E402
from bench.service_store import find_music  # noqa: E402
from daemon import what_if  # noqa: E402
from daemon.audio import feed as feed_module  # noqa: E402
from daemon.audio.decode import Decoder  # noqa: E402
from daemon.audio.feed import Feed  # noqa: E402
from daemon.audio.format import RATE, Block  # noqa: E402
from daemon.audio.levels import UNITY, Level  # noqa: E402
from daemon.audio.realtime import go_realtime  # noqa: E402
from daemon.audio.sinks import DeviceSink, Pull  # noqa: E402
from daemon.catalog.media import MediaCache  # noqa: E402
from daemon.dayplan import emergency_presets  # noqa: E402
from daemon.drivers import live as live_module  # noqa: E402
from daemon.drivers.forecast import Forecast, forecast  # noqa: E402
from daemon.drivers.live import Live  # noqa: E402
from daemon.drivers.playout import Playout  # noqa: E402
from daemon.drivers.program import Program  # noqa: E402
from daemon.engine import Engine  # noqa: E402
from daemon.events import CommandApplied, EmergencyChanged, Event, ItemEnded, ItemStarted  # noqa: E402
from daemon.model import (  # noqa: E402
    AsRunEntry,
    DayPlan,
    Instant,
    Item,
    ItemKind,
    Reschedule,
    ScheduledCommand,
    Source,
    Track,
    _Value,
)
from daemon.recurrence import local_instant, to_local  # noqa: E402
from daemon.service import SWITCH_INTERVAL  # noqa: E402
from daemon.service_log import EventLog  # noqa: E402
from daemon.speech.speaker import open_speaker  # noqa: E402
from daemon.timeline import JsonlFile  # noqa: E402

SONGS = 2000  # entries per daypart in the timed day
FEWER = 500  # the reference's smaller day
PERIOD = 480  # frames a device period asks for (10 ms at 48 kHz)
PERIOD_NS = 10_000_000
TARGET_MS = 2.0
TAIL_MS = 1.0  # "the tail": callbacks over this
SLOWEST = 5  # described one by one
OLD = "d1a19b58c951f6c0145c6cbf20b35bc8f6837db5^"  # before "the audio thread only mixes"
OLD_FILES = ("daemon", "mall-pa.toml", "playlists", "scripts_library")  # its code, its store
ISSUE = (
    "12.8 ms at 500 songs a daypart, 52 ms at 2,000; the first decode of a script's speech ~11 ms"
)
PAGES: tuple[dict[str, object], ...] = (
    {"kind": "customer", "name": "张", "honorific": "先生", "place": "一楼服务台"},
    {"kind": "staff", "name": "李", "honorific": "小姐", "place": "三楼办公室"},
    {"kind": "lost_child", "name": "小明", "place": "一楼服务台", "urgent": True},
    {"kind": "vehicle", "plate": "沪A12345", "place": "停车场B2出口"},
)
EMERGENCIES = (  # (script, from, cleared at), store-local
    ("power-failure", "13:10:00", "13:12:30"),
    ("fire-evacuation", "15:02:00", "15:06:30"),
    ("fire-evacuation", "19:40:00", "19:43:00"),
)
RELOADS = ("12:30:00", "16:20:00")  # the scripts library reloaded (a `Reschedule`), store-local
OWN = "mostly the callback's own CPU"
GIL = "mostly our other threads running meanwhile (the GIL)"
PREEMPTED = "preempted by the OS, none of our threads running most of the time"
WAITED = "blocked, none of our threads running (a lock, or the GIL's holder descheduled)"
STALLED = "neither on the CPU nor switched out (the vCPU stalled by the hypervisor, interrupts)"
PACED_FROM = clock(15)
PACED_EVENTS = ((2, "page"), (6, "emergency"), (12, "clear"))  # seconds after PACED_FROM

Array = npt.NDArray[np.int64]


# -- the day ----------------------------------------------------------------------------------


def picks(
    example: Example, songs: int, pool: Sequence[Track] | None = None
) -> tuple[list[Track], dict[str, list[int]]]:
    """The playable songs (the store's unless `pool`), and for each daypart `songs` indexes
    into them (seeded)."""
    pool = list(pool or [t for p in example.plan.dayparts for t in p.tracks if t.playable])
    rng = random.Random(f"callback-worst:{songs}")
    return pool, {
        p.name: [rng.randrange(len(pool)) for _ in range(songs)] for p in example.plan.dayparts
    }


def big_plan(example: Example, songs: int, pool: Sequence[Track] | None = None) -> DayPlan:
    """The store's plan with each daypart's playlist `songs` entries long, each its own Track,
    drawn from `pool` (default: the store's songs)."""
    pool, chosen = picks(example, songs, pool)
    parts = tuple(
        replace(
            p, tracks=tuple(replace(pool[i], path=Path(str(pool[i].path))) for i in chosen[p.name])
        )
        for p in example.plan.dayparts
    )
    return replace(example.plan, dayparts=parts)


def real_songs(example: Example) -> list[Track]:
    """Debian's extremetuxracer-data songs (installed if missing), measured by the example
    store's media cache (as the day plan measures every song before it goes on air)."""
    songs, _ = find_music()
    tracks = [example.media.track(path) for path in songs]
    example.media.save()
    return [t for t in tracks if t.playable]


def _hms(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def day_events() -> list[dict[str, object]]:
    """A busy desk: a page every 15 minutes while open, three emergencies with their clears."""
    lines: list[dict[str, object]] = []
    n = 0
    for hour in range(10, 22):
        for minute in (10, 25, 40, 55):
            lines.append({"at": f"{hour:02d}:{minute:02d}:00", "type": "page", **PAGES[n % 4]})
            n += 1
    for script, begin, cleared in EMERGENCIES:
        lines.append({"at": begin, "type": "emergency", "script": script})
        lines.append({"at": cleared, "type": "emergency_clear"})
    return lines


def paced_events() -> list[dict[str, object]]:
    base = PACED_FROM.hour * 3600 + PACED_FROM.minute * 60
    out: list[dict[str, object]] = []
    for offset, kind in PACED_EVENTS:
        at = _hms(base + offset)
        if kind == "page":
            out.append({"at": at, "type": "page", **PAGES[0]})
        elif kind == "emergency":
            out.append({"at": at, "type": "emergency", "script": "fire-evacuation"})
        else:
            out.append({"at": at, "type": "emergency_clear"})
    return out


def commands(
    example: Example, lines: Sequence[dict[str, object]], folder: Path, name: str
) -> list[ScheduledCommand]:
    """The lines as commands: pages worded, rendered and measured now (at set-up)."""
    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    config = example.catalog.config
    speaker = open_speaker(config.speech, config.state_dir)
    presets = emergency_presets(example.catalog, speaker)
    measure = example.media.analysis
    return what_if.commands(path, DAY, example.plan.zone, presets, speaker, measure=measure)


def reloads(plan: DayPlan) -> list[ScheduledCommand]:
    """The library reloaded at `RELOADS` (the same scripts, as after a hand edit of one)."""
    return [
        ScheduledCommand(
            local_instant(DAY, clock.fromisoformat(at), plan.zone),
            Reschedule(plan.fixed, plan.campaigns),
        )
        for at in RELOADS
    ]


# -- what else happens, on every thread -------------------------------------------------------


@dataclass
class Trace:
    """Intervals (perf_counter_ns) of the follower's forecasts, of file opens and of garbage
    collections, each with the thread it ran on."""

    forecasts: list[tuple[int, int]] = field(default_factory=list)
    opens: list[tuple[int, int, int, str]] = field(default_factory=list)  # thread, from, to, file
    gcs: list[tuple[int, int, int, int]] = field(default_factory=list)  # thread, from, to, gen
    decodes: dict[int, int] = field(default_factory=dict)  # thread -> Decoder.read_into calls
    _gc_began: dict[int, int] = field(default_factory=dict)

    def on_gc(self, phase: str, info: dict[str, int]) -> None:
        ident, now = threading.get_ident(), time.perf_counter_ns()
        if phase == "start":
            self._gc_began[ident] = now
        else:
            self.gcs.append((ident, self._gc_began.pop(ident, now), now, info["generation"]))


@contextlib.contextmanager
def patched(module: ModuleType, name: str, value: object) -> Iterator[None]:
    """`module.name` is `value` while this lasts."""
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


@contextlib.contextmanager
def traced() -> Iterator[Trace]:
    """Time the live driver's forecasts, the decode thread's file opens (the feed module's
    Decoders), count every decode call by thread, and time every GC."""
    trace = Trace()

    def timed_forecast(playout: Playout) -> Forecast:
        began = time.perf_counter_ns()
        try:
            return forecast(playout)
        finally:
            trace.forecasts.append((began, time.perf_counter_ns()))

    class TimedDecoder(Decoder):
        def __init__(self, path: Path, start_frame: int = 0, loop: bool = False) -> None:
            began = time.perf_counter_ns()
            try:
                super().__init__(path, start_frame, loop)
            finally:
                ended = time.perf_counter_ns()
                trace.opens.append((threading.get_ident(), began, ended, path.name))

        def read_into(self, out: Block) -> int:
            ident = threading.get_ident()
            trace.decodes[ident] = trace.decodes.get(ident, 0) + 1
            return super().read_into(out)

    with contextlib.ExitStack() as stack:
        stack.enter_context(patched(live_module, "forecast", timed_forecast))
        stack.enter_context(patched(feed_module, "Decoder", TimedDecoder))
        gc.callbacks.append(trace.on_gc)
        stack.callback(gc.callbacks.remove, trace.on_gc)
        yield trace


class Intervals:
    """Which of some intervals overlap a window (by their index in the list given)."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self._index = sorted(range(len(spans)), key=lambda i: spans[i])
        self.starts = np.array([spans[i][0] for i in self._index], np.int64)
        self.ends = np.array([spans[i][1] for i in self._index], np.int64)
        self._reach = np.maximum.accumulate(self.ends) if len(spans) else self.ends

    def overlapping(self, begin: int, end: int) -> list[int]:
        i = int(np.searchsorted(self._reach, begin, "left"))
        found = []
        while i < len(self.starts) and self.starts[i] <= end:
            if self.ends[i] >= begin:
                found.append(self._index[i])
            i += 1
        return found


class Seen:
    """An event subscriber (on the follower thread): what started, what was applied, when."""

    def __init__(self) -> None:
        self.started: list[tuple[Instant, Item]] = []
        self.applied: list[tuple[Instant, str]] = []
        self.skipped: list[tuple[Instant, str]] = []
        self.emergencies = 0

    def __call__(self, event: Event) -> None:
        if isinstance(event, ItemStarted):
            self.started.append((event.at, event.item))
        elif isinstance(event, CommandApplied):
            verb = "applied" if event.accepted else "refused"
            self.applied.append((event.at, f"{verb} {type(event.command).__name__}"))
        elif isinstance(event, ItemEnded) and event.entry.kind is ItemKind.SKIPPED:
            self.skipped.append((event.entry.start, event.entry.reason))
        elif isinstance(event, EmergencyChanged) and event.active:
            self.emergencies += 1


# -- timing every callback --------------------------------------------------------------------


def _cpu_clock(name: str) -> int:
    """The CPU-time clock of the live thread called `name` (the newest, if several)."""
    found = [t for t in threading.enumerate() if t.name == name and t.ident is not None]
    if not found:
        raise SystemExit(f"no thread called {name!r}: has daemon/drivers/live.py renamed it?")
    ident = found[-1].ident
    assert ident is not None
    return time.pthread_getcpuclockid(ident)


class Recorder:
    """Wraps the live driver's pull: times every call and reads what the other threads did
    meanwhile; opens the driver's gate each time the audio clock reaches the next command."""

    def __init__(self, capacity: int, gates: Sequence[int], driver: threading.Thread) -> None:
        self.capacity = capacity
        self.start: Array = np.zeros(capacity, np.int64)  # perf_counter_ns at the call
        self.wall: Array = np.zeros(capacity, np.int64)
        self.own: Array = np.zeros(capacity, np.int64)  # the calling thread's CPU time
        self.follower: Array = np.zeros(capacity, np.int64)  # other threads' CPU meanwhile
        self.preload: Array = np.zeros(capacity, np.int64)  # the two decode threads'
        self.driver: Array = np.zeros(capacity, np.int64)
        self.pos: Array = np.zeros(capacity, np.int64)  # the program's frame before the call
        self.involuntary: Array = np.zeros(capacity, np.int64)  # context switches in the call:
        self.voluntary: Array = np.zeros(capacity, np.int64)  # preempted / blocked (the GIL)
        self.n = 0
        self.audio_thread = 0
        self.gate = threading.Semaphore(0)
        self.live: Live | None = None
        self._gates = list(gates)
        self._driver = driver

    def wrap(self, pull: Pull) -> Pull:
        """`pull`, timed. Called from Live.run (the follower and decode threads exist)."""
        assert self.live is not None and self._driver.ident is not None
        follower = _cpu_clock("playout-follow")
        preload = _cpu_clock("decode-read")  # the thread that takes the decode process's frames
        orders = _cpu_clock("decode-orders")  # and the one that sends it opens and credits
        driver = time.pthread_getcpuclockid(self._driver.ident)
        cpu, now, own = time.clock_gettime_ns, time.perf_counter_ns, time.thread_time_ns
        usage, me = resource.getrusage, resource.RUSAGE_THREAD
        program = self.live.program
        start, wall, mine = self.start, self.wall, self.own
        fol, pre, drv, pos = self.follower, self.preload, self.driver, self.pos
        inv, vol = self.involuntary, self.voluntary
        gates, capacity = self._gates, self.capacity
        gate = gates.pop(0) if gates else None

        def timed(count: int) -> Block:
            nonlocal gate
            i, at = self.n, program.pos
            f0, p0, d0 = cpu(follower), cpu(preload) + cpu(orders), cpu(driver)
            u0 = usage(me)
            c0 = own()
            a = now()
            block = pull(count)
            b = now()
            c1 = own()
            u1 = usage(me)
            f1, p1, d1 = cpu(follower), cpu(preload) + cpu(orders), cpu(driver)
            if i < capacity:
                start[i], wall[i], mine[i], pos[i] = a, b - a, c1 - c0, at
                fol[i], pre[i], drv[i] = f1 - f0, p1 - p0, d1 - d0
                inv[i], vol[i] = u1.ru_nivcsw - u0.ru_nivcsw, u1.ru_nvcsw - u0.ru_nvcsw
                self.n = i + 1
                if i == 0:
                    self.audio_thread = threading.get_ident()
            while gate is not None and program.pos >= gate:
                self.gate.release()
                gate = gates.pop(0) if gates else None
            return block

        return timed


class Flat:
    """The unpaced sink: pull(480) in a loop as fast as the CPU allows, in the caller's thread;
    real time to `Live` (the feeds read as the device reads them), its waits outside the
    timing."""

    name, realtime, warning = "unpaced (timing)", True, ""
    scheduling = ""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self._frames = 0
        self._stopped = threading.Event()
        self.waits = 0  # periods before which the decode thread was not ready yet
        self.waited = 0.0  # seconds of those waits (outside the timed calls)
        self.settled = 0  # periods before which it let the follower and decoder settle
        self.settling = 0.0  # seconds of those waits (outside the timed calls)
        self._opening: list[Feed] = []  # files opened since the last settle
        self._handed = self._replayed = 0  # batches of inputs given to the follower, replayed

    def play(self, pull: Pull) -> int:
        timed = self.recorder.wrap(pull)
        live = self.recorder.live
        assert live is not None
        self._watch(live)
        self.scheduling = go_realtime()  # as the device's thread asks (daemon/audio/device.py)
        try:
            return self._loop(timed, live.program)
        finally:
            if hasattr(os, "sched_setscheduler"):  # this thread goes on with the benchmark
                os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))

    def _watch(self, live: Live) -> None:
        """Note the files `live` opens and the batches its follower is given and replays."""
        feeder, playout = live.feeder, live.playout
        real_open, real_hand_over, real_catch_up = feeder.open, live._hand_over, live._catch_up

        def opened(path: Path, offset: int = 0, loop: bool = False, level: Level = UNITY) -> Feed:
            feed = real_open(path, offset, loop, level)
            self._opening.append(feed)
            return feed

        def hand_over() -> None:  # the audio thread's: a batch with inputs if its journal has
            self._handed += bool(playout.journal)
            real_hand_over()

        def replayed(inputs: Sequence[Any]) -> None:
            real_catch_up(inputs)
            self._replayed += bool(inputs)

        feeder.open = opened  # type: ignore[method-assign]
        live._hand_over = hand_over  # type: ignore[method-assign]
        live._catch_up = replayed  # type: ignore[method-assign]

    def _settle(self) -> None:
        """Before a period that reaches the playout's next event (an item's end, a cut): let
        the follower replay what the audio thread handed it (an item's start, a command: its
        forecast picks the file to open next) and each file opened have its first frames
        (opened and decoded in the decode process). A device in real time gives both the
        whole item; flat out a short one (an intro) passes in milliseconds."""
        began = time.perf_counter()
        deadline = began + 5.0
        while self._handed > self._replayed and time.perf_counter() < deadline:
            time.sleep(0.0002)
        opening, self._opening = self._opening, []
        for feed in opening:
            if not feed.closed:  # a closed one is never ready
                feed.wait(PERIOD, max(0.0, deadline - time.perf_counter()))
        self.settled += 1
        self.settling += time.perf_counter() - began

    def _loop(self, timed: Pull, program: Program) -> int:
        played, mixer = 0, program.mixer
        while not self._stopped.is_set():
            if program._stale or (
                program._next is not None and program._next <= program.pos + PERIOD
            ):
                self._settle()
            began = time.perf_counter()
            if not mixer.wait(PERIOD, 0.0):  # what 10 ms of real time gives the decoder
                mixer.wait(PERIOD, 5.0)
                self.waits += 1
                self.waited += time.perf_counter() - began
            got = len(timed(PERIOD))
            played += got
            self._frames += got
            if got < PERIOD:
                break
        return played

    def stop(self) -> None:
        self._stopped.set()

    def close(self) -> None:
        self._stopped.set()

    @property
    def frames(self) -> int:
        return self._frames


class Paced:
    """The null device (real time, its own thread), its pulls timed."""

    def __init__(self, recorder: Recorder) -> None:
        self.inner, self.recorder = DeviceSink("null"), recorder
        self.name, self.realtime, self.warning = self.inner.name, True, self.inner.warning

    def play(self, pull: Pull) -> int:
        return self.inner.play(self.recorder.wrap(pull))

    @property
    def scheduling(self) -> str:
        return self.inner.scheduling

    def stop(self) -> None:
        self.inner.stop()

    def close(self) -> None:
        self.inner.close()

    @property
    def frames(self) -> int:
        return self.inner.frames


def _busy() -> tuple[float, float, float]:
    """Seconds of CPU: the whole machine busy, of which this process; stolen by the host."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _, _, irq, softirq, steal = (int(x) for x in fields[:8])
    tick = os.sysconf("SC_CLK_TCK")
    mine = resource.getrusage(resource.RUSAGE_SELF)
    busy = (user + nice + system + irq + softirq) / tick
    return busy, mine.ru_utime + mine.ru_stime, steal / tick


@dataclass
class Series:
    """One run of Live with every callback timed, and what is needed to explain each."""

    origin: Instant
    seconds: float  # of audio asked for
    took: float  # wall seconds of live.run()
    rec: Recorder
    trace: Trace
    seen: Seen
    timeline: list[AsRunEntry]
    submitted: list[ScheduledCommand]
    hits: int
    misses: int
    underruns: tuple[int, int]  # the decoder's: periods short of frames, frames of silence
    waits: tuple[int, float]  # unpaced: periods the sink waited for the decoder, seconds
    settled: tuple[int, float]  # unpaced: periods the sink let settle first, seconds
    others: float  # cores other processes kept busy on average meanwhile
    stolen: float  # cores' worth of time the hypervisor took, on average
    scheduling: str  # what the audio thread ran at (daemon/audio/realtime.py)


def play(
    example: Example,
    plan: DayPlan,
    cmds: Sequence[ScheduledCommand],
    begin: Instant,
    end: Instant,
    folder: Path,
    paced: bool,
) -> Series:
    """Live from `begin` to `end`, every callback timed; `cmds` submitted by a driver thread
    as the audio clock reaches them."""
    folder.mkdir(parents=True, exist_ok=True)
    cmds = [c for c in cmds if begin <= c.at < end]
    done = threading.Event()
    sent: list[ScheduledCommand] = []

    def drive() -> None:
        for scheduled in cmds:
            recorder.gate.acquire()
            if done.is_set():
                break
            live.submit(scheduled.command)
            sent.append(scheduled)
        done.wait()  # alive to the end: every callback reads this thread's CPU clock

    driver = threading.Thread(target=drive, name="bench-driver", daemon=True)
    gates = [max(0, round((c.at - begin) * RATE)) for c in cmds]
    recorder = Recorder(round((end - begin) * RATE) // PERIOD + 64, gates, driver)
    sink: Paced | Flat = Paced(recorder) if paced else Flat(recorder)
    seen = Seen()
    handler = logging.FileHandler(folder / "event-log.txt", encoding="utf-8")
    logger = logging.getLogger("mall-pa")  # the service's journal lines: to a file here
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        with traced() as trace:
            settings, known = example.catalog.config.audio, example.media.known
            live = Live(plan, sink, settings, known, start=begin)
            recorder.live = live
            base = CONFIG.parent.resolve()
            live.subscribe(JsonlFile(folder / f"timeline-{DAY}.jsonl", plan.zone, base))
            live.subscribe(EventLog(plan.zone, base))
            live.subscribe(seen)
            driver.start()
            busy0, mine0, steal0 = _busy()
            began = time.perf_counter()
            try:
                live.run(until=end)
            finally:
                took = time.perf_counter() - began
                busy1, mine1, steal1 = _busy()
                done.set()
                for _ in cmds:
                    recorder.gate.release()
                driver.join(10)
    finally:
        logger.removeHandler(handler)
        handler.close()
        sink.close()
    hits, misses = live.preloader.hits, live.preloader.misses
    underruns = (live.feeder.underruns, live.feeder.underrun_frames)
    waits = (sink.waits, sink.waited) if isinstance(sink, Flat) else (0, 0.0)
    settled = (sink.settled, sink.settling) if isinstance(sink, Flat) else (0, 0.0)
    timeline = list(live.timeline)
    others = max(0.0, (busy1 - busy0) - (mine1 - mine0)) / took
    stolen = (steal1 - steal0) / took
    return Series(
        begin, end - begin, took, recorder, trace, seen, timeline, sent, hits, misses,
        underruns, waits, settled, others, stolen, sink.scheduling,
    )  # fmt: skip


# -- explaining a series ----------------------------------------------------------------------


def nearest(ordered: npt.NDArray[np.float64], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    return float(ordered[max(0, int(np.ceil(share * len(ordered))) - 1)])


class Explained:
    """Labels for the callbacks of a series: what happened in each, what ran meanwhile."""

    def __init__(self, s: Series, zone: Any) -> None:
        self.s, self.zone = s, zone
        rec = s.rec
        n = rec.n
        self.n = n
        self.ms = rec.wall[:n] / 1e6
        self.labels: dict[int, list[str]] = {}
        self.started: set[int] = set()
        self.commanded: set[int] = set()
        self.opened: set[int] = set()
        self.collected: set[int] = set()
        for at, item in s.seen.started:
            self._label(self._by_instant(at), f"started {item.kind.value} ({item.source})")
            self.started.add(self._by_instant(at))
        for at, what in s.seen.applied:
            self._label(self._by_instant(at), what)
            self.commanded.add(self._by_instant(at))
        for at, reason in s.seen.skipped:
            self._label(self._by_instant(at), f"skipped an item ({reason})")
        self._others_opening: list[tuple[int, int]] = []
        self._others_names: list[str] = []
        for ident, a, b, name in s.trace.opens:
            if ident == rec.audio_thread:
                k = self._by_time(a)
                if k is not None:
                    self._label(k, f"opened {name} itself ({(b - a) / 1e6:.2f} ms)")
                    self.opened.add(k)
            else:
                self._others_opening.append((a, b))
                self._others_names.append(name)
        others_gc: list[tuple[int, int]] = []
        self._others_gen: list[int] = []
        for ident, a, b, gen in s.trace.gcs:
            if ident == rec.audio_thread:
                k = self._by_time(a)
                if k is not None:
                    self._label(k, f"a gen-{gen} GC in the callback ({(b - a) / 1e6:.2f} ms)")
                    self.collected.add(k)
            else:
                others_gc.append((a, b))
                self._others_gen.append(gen)
        self.forecasts = Intervals(s.trace.forecasts)
        self.opening = Intervals(self._others_opening)
        self.other_gcs = Intervals(others_gc)

    def _label(self, k: int, text: str) -> None:
        self.labels.setdefault(k, []).append(text)

    def _by_instant(self, at: Instant) -> int:
        """The callback that rendered the frame of `at` (where the engine acted on it)."""
        frame = round((at - self.s.origin) * RATE)
        k = int(np.searchsorted(self.s.rec.pos[: self.n], frame, "right")) - 1
        return min(max(k, 0), self.n - 1)

    def _by_time(self, ns: int) -> int | None:
        """The callback running at perf_counter_ns `ns`, if one was."""
        rec = self.s.rec
        k = int(np.searchsorted(rec.start[: self.n], ns, "right")) - 1
        if k < 0 or ns > rec.start[k] + rec.wall[k]:
            return None
        return k

    def _window(self, k: int) -> tuple[int, int]:
        a = int(self.s.rec.start[k])
        return a, a + int(self.s.rec.wall[k])

    def describe(self, k: int) -> str:
        rec, (a, b) = self.s.rec, self._window(k)
        at = to_local(self.s.origin + int(rec.pos[k]) / RATE, self.zone)
        labels = self.labels.get(k, [])
        counted = [x if labels.count(x) == 1 else f"{x} x{labels.count(x)}" for x in labels]
        what = ", ".join(dict.fromkeys(counted)) or "mixing only (no item started, no command)"
        meanwhile = [f"follower {rec.follower[k] / 1e6:.2f} ms"]
        if self.forecasts.overlapping(a, b):
            meanwhile[-1] += " (computing a forecast)"
        meanwhile.append(f"decode threads {rec.preload[k] / 1e6:.2f} ms")
        opening = sorted({self._others_names[i] for i in self.opening.overlapping(a, b)})
        if opening:
            meanwhile[-1] += f" (opening {', '.join(opening)})"
        meanwhile.append(f"driver {rec.driver[k] / 1e6:.2f} ms")
        gens = [self._others_gen[i] for i in self.other_gcs.overlapping(a, b)]
        gc_text = f"; a gen-{max(gens)} GC on another thread meanwhile" if gens else ""
        return (
            f"{rec.wall[k] / 1e6:.2f} ms at {at:%H:%M:%S}.{at.microsecond // 10000:02d} "
            f"(callback {k + 1:,}): {what}; own CPU {rec.own[k] / 1e6:.2f} ms, preempted "
            f"{rec.involuntary[k]}x, blocked {rec.voluntary[k]}x; CPU of the other threads "
            f"meanwhile: {', '.join(meanwhile)}{gc_text}"
        )

    def slowest(self, count: int, ours: bool = False) -> list[int]:
        """The slowest callbacks; with `ours`, of those not delayed by the machine."""
        order = (int(k) for k in np.argsort(self.ms)[::-1])
        return list(itertools.islice((k for k in order if not ours or self.ours(k)), count))

    def cause(self, k: int) -> str:
        """Where most of callback `k`'s time went."""
        rec = self.s.rec
        wall, own = int(rec.wall[k]), int(rec.own[k])
        others = int(rec.follower[k]) + int(rec.preload[k]) + int(rec.driver[k])
        if own >= wall / 2:
            return OWN
        if others >= (wall - own) / 2:
            return GIL
        if rec.involuntary[k]:
            return PREEMPTED
        return WAITED if rec.voluntary[k] else STALLED

    def ours(self, k: int) -> bool:
        return self.cause(k) in (OWN, GIL)

    def causes(self, over_ms: float) -> str:
        idx = [int(k) for k in np.nonzero(self.ms > over_ms)[0]]
        if not idx:
            return "none"
        found: dict[str, list[float]] = {c: [] for c in (OWN, GIL, PREEMPTED, WAITED, STALLED)}
        for k in idx:
            found[self.cause(k)].append(float(self.ms[k]))
        return "; ".join(
            f"{cause}: {len(ms)}" + (f" (max {max(ms):.2f} ms)" if ms else "")
            for cause, ms in found.items()
        )

    def tail(self, over_ms: float) -> str:
        rec = self.s.rec
        idx = [int(k) for k in np.nonzero(self.ms > over_ms)[0]]
        if not idx:
            return "none"
        wall = sum(int(rec.wall[k]) for k in idx)

        def share(values: Array) -> str:
            return f"{100 * sum(int(values[k]) for k in idx) / wall:.0f}%"

        forecasting = sum(1 for k in idx if self.forecasts.overlapping(*self._window(k)))
        quiet = [k for k in idx if k not in self.labels]
        preempted = sum(1 for k in idx if rec.involuntary[k])
        blocked = sum(1 for k in idx if rec.voluntary[k])
        return (
            f"{len(idx)} callbacks ({wall / 1e6:.1f} ms in all): "
            f"{sum(k in self.started for k in idx)} started an item "
            f"({sum(k in self.opened for k in idx)} opening a file themselves), "
            f"{sum(k in self.commanded for k in idx)} applied a command, "
            f"{sum(k in self.collected for k in idx)} ran a garbage collection, "
            f"{len(quiet)} only mixed; {preempted} were preempted by the OS (involuntary "
            f"context switch: another thread or process took the core), {blocked} blocked "
            f"(voluntary switch: waiting for the GIL or a lock); {forecasting} overlapped a "
            "forecast on the follower. Of their wall time the callback's own CPU was "
            f"{share(rec.own)}; meanwhile the follower used {share(rec.follower)} of it in "
            f"CPU, the decode threads (reader, orders) {share(rec.preload)}, the driver "
            f"{share(rec.driver)}; the rest was other processes' or idle waiting"
        )

    def stats(self) -> str:
        ordered = np.sort(self.ms)
        over = [int(np.count_nonzero(self.ms > x)) for x in (TAIL_MS, TARGET_MS, 10.0)]
        return (
            f"{self.n:,} callbacks: p50 {nearest(ordered, 0.5):.3f} ms, p99 "
            f"{nearest(ordered, 0.99):.3f} ms, p99.9 {nearest(ordered, 0.999):.3f} ms, max "
            f"{ordered[-1]:.2f} ms; over 1 ms {over[0]}, over 2 ms {over[1]}, "
            f"over 10 ms {over[2]}"
        )

    def forecast_line(self) -> str:
        took = sorted((b - a) / 1e6 for a, b in self.s.trace.forecasts)
        if not took:
            return "none"
        return (
            f"{len(took)} forecasts: p50 {statistics.median(took):.2f} ms, "
            f"max {took[-1]:.2f} ms each"
        )


def _clock(instant: Instant, zone: Any) -> str:
    return f"{to_local(instant, zone):%H:%M:%S}"


def covered(s: Series, plan: DayPlan) -> str:
    """What aired and what was asked for, in words."""
    zone, timeline = plan.zone, s.timeline
    songs = [e for e in timeline if e.kind is ItemKind.MUSIC and e.source is Source.PLAYLIST]
    parts = {p.name: sum(1 for e in songs if p.start <= e.start < p.end) for p in plan.dayparts}
    announced = [e for e in timeline if e.kind is ItemKind.ANNOUNCEMENT]
    by_source = {src: sum(1 for e in announced if e.source is src) for src in Source}
    emergency = sum(1 for e in timeline if e.kind is ItemKind.EMERGENCY)
    skipped = [e for e in timeline if e.kind is ItemKind.SKIPPED]
    kinds = [type(c.command).__name__ for c in s.submitted]
    asked = ", ".join(f"{kinds.count(k)} {k}" for k in sorted(set(kinds))) or "none"
    reasons = sorted({e.reason for e in skipped})
    return (
        f"{_clock(s.origin, zone)}-{_clock(s.origin + s.seconds, zone)} of {DAY} "
        f"({s.seconds / 3600:.2f} h of audio) in {s.took:.1f} s wall "
        f"({s.seconds / s.took:.0f}x real time); aired: playlist songs "
        + ", ".join(f"{n} {name}" for name, n in parts.items())
        + f"; breaks {sum(1 for e in timeline if e.kind is ItemKind.INTRO)}, announcements "
        f"{len(announced)} ({by_source[Source.FIXED]} fixed, "
        f"{by_source[Source.CAMPAIGN]} campaign, {by_source[Source.PAGE]} page); "
        f"emergencies {s.seen.emergencies} ({emergency} alert tones and messages); skipped "
        f"{len(skipped)} ({'; '.join(reasons) or '-'}); submitted from the driver thread: "
        f"{asked}; files: {s.hits} taken ready from the preloader, {s.misses} asked for by "
        f"the callback itself (decoded from then on by the decode process); {_decoding(s)}; "
        f"{_load(s)}; the audio thread at {s.scheduling}"
    )


def paced_line(s: Series, plan: DayPlan) -> str:
    rec = s.rec
    starts = rec.start[: rec.n]
    gaps = np.diff(starts) / 1e6 if rec.n > 1 else np.zeros(1)
    played = rec.n * PERIOD / RATE
    aired = " > ".join(
        item.kind.value
        + (f" ({item.source})" if item.kind is ItemKind.ANNOUNCEMENT else "")
        + (f" ({item.title})" if item.kind is ItemKind.EMERGENCY else "")
        for _, item in s.seen.started
    )
    events = ", ".join(
        f"{type(c.command).__name__} at :{round(c.at - s.origin):02d} s" for c in s.submitted
    )
    return (
        f"{_clock(s.origin, plan.zone)} for {s.seconds:g} s of {DAY} in real time to "
        f"DeviceSink('null'); submitted: {events or 'none'}; on air in turn: {aired}; "
        f"gaps between callbacks p50 {float(np.median(gaps)):.2f} ms, max "
        f"{float(gaps.max()):.2f} ms; {played / s.took:.3f} s of audio per second of wall "
        f"time; files: {s.hits} taken ready from the preloader, {s.misses} asked for by the "
        f"callback itself (decoded from then on by the decode process); {_decoding(s)}; "
        f"{_load(s)}; the audio thread at {s.scheduling}"
    )


def _decoding(s: Series) -> str:
    """Where the decoding ran, the decoder's underruns, the unpaced sink's waits."""
    calls = s.trace.decodes
    on_audio = calls.get(s.rec.audio_thread, 0)
    opens = len(s.trace.opens)
    text = (
        f"decode calls in the service's own process {sum(calls.values()):,} ({on_audio} on "
        f"the audio thread), {opens} files opened in it (the decode process does the rest, "
        f"unseen here); decoder underruns {s.underruns[0]} periods "
        f"({s.underruns[1] / RATE:.3f} s of silence)"
    )
    if s.waits[0]:
        text += (
            f"; the unpaced sink waited for decoding before {s.waits[0]:,} periods "
            f"({s.waits[1]:.2f} s in all, untimed)"
        )
    if s.settled[0]:
        text += (
            f"; before the {s.settled[0]:,} periods that reached an item's end or a cut it let "
            "the follower replay what it had been handed and each file opened get its first "
            f"frames ({s.settled[1]:.2f} s in all, untimed)"
        )
    return text


def _load(s: Series) -> str:
    return (
        f"meanwhile other processes kept {s.others:.2f} of the machine's {os.cpu_count()} "
        f"cores busy and the hypervisor took {s.stolen:.2f} (/proc/stat)"
    )


def late_periods(s: Series, told: Explained) -> tuple[int, npt.NDArray[np.float64]]:
    """(blocks ready more than a period after their slot on the device's grid, each callback's
    start against the grid in ms, after the start-up burst)."""
    rec, n = s.rec, s.rec.n
    k = np.arange(n, dtype=np.float64)
    began = rec.start[:n].astype(np.float64) / 1e6
    slope, at0 = np.polyfit(k[5:], began[5:], 1)
    late = (began - (slope * k + at0))[5:]
    return int(np.count_nonzero(late + told.ms[5:] > PERIOD_NS / 1e6)), late


def grid_line(s: Series, told: Explained) -> str:
    """When each callback began and its block was ready, against the device's own 10 ms grid
    (a least-squares line through the start times, after the start-up burst). A callback
    whose thread had to wait for the GIL before its first line ran starts late on the grid,
    and that wait is in no callback's duration."""
    rec, n = s.rec, s.rec.n
    if n < 20:
        return "too few callbacks"
    slope = float(np.polyfit(np.arange(5, n), rec.start[5:n] / 1e6, 1)[0])
    overdue, late = late_periods(s, told)
    ready = late + told.ms[5:]
    during = np.array(
        [bool(told.forecasts.overlapping(int(a), int(a))) for a in rec.start[5:n]], dtype=bool
    )
    rest = np.sort(late[~during]) if np.any(~during) else np.zeros(1)
    text = (
        f"fitted period {slope:.4f} ms; start against it p50 {float(np.median(late)):+.2f} ms, "
        f"p99 {nearest(np.sort(late), 0.99):+.2f} ms, max {float(late.max()):+.2f} ms; block "
        f"ready (start + duration) max {float(ready.max()):+.2f} ms, {overdue} ready more than "
        f"a period (10 ms) after their slot; the callbacks that began "
        f"while no forecast ran: p1 {nearest(rest, 0.01):+.2f} ms to p99 "
        f"{nearest(rest, 0.99):+.2f} ms (the null device's own timer jitter)"
    )
    if np.any(during):
        hit = late[during]
        text += (
            f"; {int(np.count_nonzero(during))} began while the follower was computing a "
            f"forecast (they waited for it to hand over the GIL before their first line ran: "
            f"within the {sys.getswitchinterval() * 1000:g} ms switch interval, or longer if "
            f"the follower was itself preempted meanwhile): start p50 "
            f"{float(np.median(hit)):+.2f} ms, max {float(hit.max()):+.2f} ms"
        )
    else:
        text += "; none began while the follower was computing a forecast"
    return text


# -- the reference: the work the callback did before d1a19b5 -----------------------------------


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


@contextlib.contextmanager
def field_by_field() -> Iterator[None]:
    """Frozen model values deep-copied field by field, as before d1a19b5 (the copy hooks of
    daemon.model._Value lifted while this lasts; nothing else runs meanwhile)."""
    hooks = {name: _Value.__dict__[name] for name in ("__copy__", "__deepcopy__")}
    for name in hooks:
        delattr(_Value, name)
    try:
        yield
    finally:
        for name, hook in hooks.items():
            setattr(_Value, name, hook)


def _engine_copy(plan: DayPlan, engine: Engine) -> Callable[[], object]:
    """What the old Playout.peek copied: the engine, with the plan and the timeline memoized."""
    return lambda: copy.deepcopy(engine, {id(plan): plan, id(engine.timeline): []})


def deepcopies(example: Example, runs: int) -> dict[int, tuple[float, float]]:
    """Songs a daypart -> (ms today, ms field by field) for the old peek's deepcopy."""
    out = {}
    for songs in (FEWER, SONGS):
        plan = big_plan(example, songs)
        playout = Playout(plan)  # from midnight, as the old live driver began its day
        playout.run_until(example.at(15))
        once = _engine_copy(plan, playout.engine)
        today = median_ms(once, runs)
        with field_by_field():
            before = median_ms(once, runs)
        out[songs] = (today, before)
    return out


OLD_CHILD = """
import json, statistics, sys, time
from dataclasses import replace
from datetime import date, time as clock
from pathlib import Path
tree = sys.argv[1]
sys.path.insert(0, tree)
import daemon
assert daemon.__file__.startswith(tree), daemon.__file__
from daemon.catalog.load import load_catalog
from daemon.dayplan import build_day_plan
from daemon.drivers.playout import Playout
from daemon.recurrence import local_instant
from daemon.speech.speaker import open_speaker
job = json.load(sys.stdin)
catalog = load_catalog(Path(job["config"]))
speaker = open_speaker(catalog.config.speech, catalog.config.state_dir)
plan, _ = build_day_plan(catalog, date.fromisoformat(job["day"]), speaker)
pool = [t for p in plan.dayparts for t in p.tracks if t.playable]
assert [str(t.path.resolve()) for t in pool] == job["pool"], "not the same songs"
out = {}
for songs, chosen in job["picks"].items():
    parts = tuple(
        replace(p, tracks=tuple(replace(pool[i], path=Path(str(pool[i].path)))
                                for i in chosen[p.name]))
        for p in plan.dayparts
    )
    big = replace(plan, dayparts=parts)
    playout = Playout(big)
    playout.run_until(local_instant(big.day, clock.fromisoformat(job["at"]), big.zone))
    times = []
    for _ in range(job["runs"]):
        began = time.perf_counter()
        playout.peek()
        times.append(time.perf_counter() - began)
    out[songs] = statistics.median(times) * 1000
print(json.dumps(out))
"""


def old_peek(example: Example, runs: int) -> dict[int, float] | str:
    """Songs a daypart -> ms of the old code's Playout.peek(), or why it was not measured."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", OLD, *OLD_FILES], capture_output=True, check=False
    )
    if archive.returncode != 0:
        return f"not measured: git archive {OLD} failed ({archive.stderr.decode().strip()})"
    job: dict[str, object] = {"config": "mall-pa.toml", "day": DAY.isoformat(), "at": "15:00"}
    job["runs"] = runs
    job["picks"] = {str(n): picks(example, n)[1] for n in (FEWER, SONGS)}
    job["pool"] = [str(t.path.resolve()) for t in picks(example, FEWER)[0]]
    # a short folder: the old code loads espeak's voice by a path of at most 59 bytes
    with tempfile.TemporaryDirectory(prefix="cwo-") as tree:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tree, filter="data")
        for media in ("music", "stings"):  # generated, not in git: today's, the same files
            (Path(tree) / media).symlink_to(ROOT / media)
        child = subprocess.run(
            [sys.executable, "-c", OLD_CHILD, tree], input=json.dumps(job), cwd=tree,
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    if child.returncode != 0:
        return f"not measured: the old code failed ({child.stderr.strip().splitlines()[-1:]})"
    return {int(k): float(v) for k, v in json.loads(child.stdout).items()}


def _first_measure(path: Path) -> Callable[[], object]:
    """Measure `path` as a fresh media cache does: decoded in full (R128, dead air)."""
    return lambda: MediaCache(None).analysis(path)


def first_decodes(plan: DayPlan, runs: int) -> tuple[list[float], list[float]]:
    """(ms, seconds of speech) of a first-time measurement of each announcement WAV."""
    scripts = [f.script for f in plan.fixed] + [c.script for c in plan.campaigns]
    audio: dict[Path, float] = {}
    for script in scripts:
        if script.audio is not None and script.audio.path.suffix == ".wav":
            audio[script.audio.path] = script.audio.duration or 0.0
    took = [median_ms(_first_measure(path), runs) for path in audio]
    return took, list(audio.values())


# -- the run ------------------------------------------------------------------------------------


PARAGRAPH = (
    'Target (issue 9, item 0, "The audio thread only mixes"; issue 11, item 1: decoding on '
    "a worker thread, the callback only mixing): the live driver's device "
    "callback (`Live._pull`, every 10 ms period) takes under 2 ms at its worst over a day "
    "with 2,000-song dayparts, with zero underruns (a callback longer than its period). "
    "The day is the example store's with each daypart's playlist 2,000 entries long (drawn, "
    "seeded, from the ten songs of Debian's extremetuxracer-data, 44.1 and 48 kHz Vorbis; "
    "daytime sequential, evening shuffled), its fixed "
    "scripts and campaigns, a page every 15 minutes and emergencies submitted from a driver "
    "thread as the audio clock reaches them. Every call is timed, once unpaced (as fast as "
    "the CPU allows: a pessimistic view, the follower thread competing for the GIL in every "
    "period it has work) and once in real time to the null device, where each callback's "
    "start is also placed on the device's 10 ms grid (a wait for the GIL before the callback "
    "runs is in no callback's duration). The tail is explained from the engine's events, "
    "timed file opens, garbage collections, each callback's context switches and the CPU "
    "time of every thread while it ran, and each series gives the load other processes put "
    "on this shared machine meanwhile. The reference is the work the callback did "
    "before d1a19b5, moved off it since, measured in the same run: the old code's "
    "`Playout.peek()` (a deepcopy of the engine per item), today's engine deep-copied the "
    "old way and today's way, and the first decode of a script's speech; the issue's own "
    "figures beside them."
)


def _pool(example: Example, pool: Sequence[Track] | None) -> str:
    if pool is None:
        return f"the store's {len(picks(example, 1)[0])} songs (48 kHz)"
    rates = sorted({_rate(t.path) for t in pool})
    return (
        f"the {len(pool)} songs of Debian's extremetuxracer-data (Ogg Vorbis, "
        f"{' and '.join(f'{r / 1000:g}' for r in rates)} kHz)"
    )


def _rate(path: Path) -> int:
    with av.open(str(path)) as container:
        return int(container.streams.audio[0].codec_context.sample_rate)


def _sizes(fewer: float, more: float, digits: int) -> str:
    return f"{fewer:.{digits}f} ms at {FEWER} songs a daypart, {more:.{digits}f} ms at {SONGS:,}"


def measure(args: argparse.Namespace) -> dict[str, str]:
    example = example_day(events=False)
    pool = real_songs(example) if args.music == "real" else None
    plan = big_plan(example, SONGS, pool)
    zone = plan.zone
    begin = local_instant(DAY, clock.fromisoformat(args.start), zone)
    end = local_instant(DAY, clock.fromisoformat(args.end), zone)
    paced_from = local_instant(DAY, PACED_FROM, zone)
    with tempfile.TemporaryDirectory(prefix="callback-worst-") as scratch:
        folder = Path(scratch)
        day_cmds = commands(example, day_events(), folder, "day") + reloads(plan)
        day_cmds.sort(key=lambda c: c.at)
        paced_cmds = commands(example, paced_events(), folder, "paced")
        flat = play(example, plan, day_cmds, begin, end, folder / "unpaced", paced=False)
        paced = play(
            example, plan, paced_cmds, paced_from, paced_from + args.paced, folder / "paced", True
        )
    copies = deepcopies(example, args.runs)
    old = old_peek(example, args.runs)
    decodes, spoken = first_decodes(plan, args.runs)
    ground = floor(flat.took)  # the machine's own worst, over as much wall time

    results: dict[str, str] = {
        "the day": f"{DAY}, the example store with each daypart's playlist {SONGS:,} entries "
        f"long (drawn, seeded, from {_pool(example, pool)}, each entry a "
        "Track of its own): daytime sequential to 14:00, evening shuffled; its fixed "
        "scripts, campaigns, stings, opening and closing songs; a page every 15 minutes "
        "(customer, staff, lost child urgent, vehicle), emergencies at 13:10, 15:02 and "
        f"19:40 with their clears, the scripts library reloaded at {' and '.join(RELOADS)} "
        "(a Reschedule), submitted by a driver thread",
    }
    mine: dict[str, float] = {}  # the worst callback whose time went to our own process
    for name, series in (("unpaced", flat), ("paced", paced)):
        told = Explained(series, zone)
        results[f"{name}: what was covered"] = (
            covered(series, plan) if name == "unpaced" else paced_line(series, plan)
        )
        results[f"{name}: callback duration"] = told.stats()
        if name == "paced":
            results["paced: callbacks against the device's clock"] = grid_line(series, told)
        top = told.slowest(SLOWEST if name == "unpaced" else 3)
        for n, k in enumerate(top, start=1):
            results[f"{name}: slowest #{n}"] = told.describe(k)
        results[f"{name}: the tail, callbacks over {TAIL_MS:g} ms"] = told.tail(TAIL_MS)
        results[f"{name}: callbacks over {TAIL_MS:g} ms by cause"] = told.causes(TAIL_MS)
        if np.count_nonzero(told.ms > TARGET_MS):
            results[f"{name}: callbacks over {TARGET_MS:g} ms"] = told.tail(TARGET_MS)
            results[f"{name}: callbacks over {TARGET_MS:g} ms by cause"] = told.causes(TARGET_MS)
        ours = told.slowest(3, ours=True)
        mine[name] = float(told.ms[ours[0]]) if ours else 0.0
        for n, k in enumerate(ours, start=1):
            if k not in top:
                results[f"{name}: slowest of ours (own work, or our threads) #{n}"] = told.describe(
                    k
                )
        results[f"{name}: the follower's forecasts (off the audio thread)"] = told.forecast_line()
    m = f"median of {args.runs}"
    if isinstance(old, str):
        results["reference: the old callback's `Playout.peek()`, old code"] = old
    else:
        results[
            f"reference: the old callback's `Playout.peek()` (deepcopy of the engine + advance), "
            f"the code of d1a19b5^ run now, its engine from midnight to 15:00, {m}"
        ] = _sizes(old[FEWER], old[SONGS], 1)
    results[
        "reference: `copy.deepcopy(engine, {plan, timeline: []})` of today's engine (midnight to "
        f"15:00), frozen values copied field by field as before d1a19b5, {m}"
    ] = _sizes(copies[FEWER][1], copies[SONGS][1], 1)
    results[
        f"the same deepcopy today (frozen values copy as themselves; now on the follower, "
        f"in each forecast), {m}"
    ] = _sizes(copies[FEWER][0], copies[SONGS][0], 2)
    results["the issue's figures for the old callback (quoted, not measured here)"] = ISSUE
    results[
        "reference: the machine's floor (bench/machine_floor.py: a constant mixing block, for "
        "as long as the unpaced series ran, alone on a thread at the device's scheduling, the "
        "other core kept busy)"
    ] = ground.line()
    if decodes:
        results[
            f"reference: first decode of a script's rendered speech, "
            f"`MediaCache(None).analysis(wav)`, {m} per file"
        ] = (
            f"{statistics.median(decodes):.1f} ms median over the day's {len(decodes)} "
            f"announcement WAVs ({min(decodes):.1f}-{max(decodes):.1f} ms for "
            f"{min(spoken):.1f}-{max(spoken):.1f} s of speech); now done when the day is planned"
        )
    worst = {
        name: float(s.rec.wall[: s.rec.n].max()) / 1e6
        for name, s in (("unpaced", flat), ("paced", paced))
    }
    under = {
        name: int(np.count_nonzero(s.rec.wall[: s.rec.n] > PERIOD_NS))
        for name, s in (("unpaced", flat), ("paced", paced))
    }
    starved = {name: s.underruns[0] for name, s in (("unpaced", flat), ("paced", paced))}
    overdue = late_periods(paced, Explained(paced, zone))[0] if paced.rec.n >= 20 else 0
    ok = max(worst.values()) < TARGET_MS and not any(under.values()) and not overdue
    ok = ok and not any(starved.values())
    results[f"target: worst callback < {TARGET_MS:g} ms, zero underruns"] = (
        f"{'met' if ok else 'NOT met'}: worst {worst['unpaced']:.2f} ms unpaced, "
        f"{worst['paced']:.2f} ms paced; underruns (callbacks over 10 ms) "
        f"{under['unpaced']} unpaced, {under['paced']} paced; decoder underruns (periods "
        f"played as silence) {starved['unpaced']} unpaced, {starved['paced']} paced; paced "
        f"periods whose block was "
        f"ready more than 10 ms after their slot on the device's grid {overdue}; the worst "
        "whose time went to "
        f"our own process (its own CPU, or our other threads meanwhile): "
        f"{mine['unpaced']:.2f} ms unpaced, {mine['paced']:.2f} ms paced; the machine's "
        f"floor (a constant block alone, as long) {ground.max_ms:.2f} ms"
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", default="12:00", help="unpaced series, HH:MM")
    parser.add_argument("--to", dest="end", default="17:00", help="unpaced series, HH:MM")
    parser.add_argument("--paced", type=float, default=60.0, help="seconds in real time")
    parser.add_argument("--runs", type=int, default=7, help="for the reference's medians")
    parser.add_argument("--music", choices=["real", "example"], default="real",
                        help="the songs the day draws from")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    if args.quick:
        args.start, args.end, args.paced, args.runs = "14:50", "15:10", 20.0, 3
    sys.setswitchinterval(SWITCH_INTERVAL)  # as the service runs (daemon/service.py)
    results = measure(args)
    print(PARAGRAPH + "\n")
    if args.record:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write("\n" + PARAGRAPH + "\n")
    report("callback_worst.py", results, args.record)


if __name__ == "__main__":
    main()
