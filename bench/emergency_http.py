"""Benchmark: an emergency over HTTP, from the request to its first sample and first audible one.

    python bench/emergency_http.py [--tries 50] [--quick] [--record]

Target (issue 9): from the HTTP request to the emergency's first audible sample, p99 <= 100 ms.

The harness runs the real service in this process: `daemon.service.Service` on the
benchmark store (bench/service_store.py: Debian's extremetuxracer-data songs, Vorbis
44.1/48 kHz, sequential, all day), exactly as `mall-pa run` wires it (the store, the desk,
the subscribers, APScheduler's chores, uvicorn in the main thread on a loopback port), but
for one thing: `daemon.service.open_sink` is replaced so that the service plays to a Probe
around `DeviceSink("null")` (miniaudio's null device: real time, 10 ms periods, asked from
its own thread as a sound card is). The Probe sees every block the device is handed: it
finds the playing `Live` as the owner of the pull it is given (`Live._pull`, a bound
method) and, in the device's thread right after each pull, reads the playout's state
(`playout.item`, `playout.started`, `program.pos`), so it knows on which frame of which
block the emergency's first item begins. The first sample is timed when the pull that
returns the block holding the emergency's first frame returns (perf_counter). The first
audible sample is the first sample of the emergency's own audio, from its first frame on,
above -40 dBFS (|x| > 0.01) in the blocks handed to the device (after the loudness gain and
the master gain): the music before it, loud and fading over 20 ms (emergency_fade), is not
looked at. The emergency is the store's preset fire-evacuation: the alert tone first (the
example's stings/alert.ogg, 2.0 s, Vorbis 48 kHz), then its spoken message (espeak-ng, the
store's voice, rendered for an emergency: no breath before its first sound). So the first
audible sample is the alert tone's; how far into the real spoken message its own first
audible sample lies is shown apart, from the message's file at the level it airs at (and,
for comparison, from the same text rendered as an ordinary announcement, a breath first);
bench/emergency_latency.py measures the message aired first, with no alert tone.

Two series, interleaved try by try (--tries each), at random moments while a song plays
(0.2-0.6 s after music is back on air):
- HTTP: a supervisor's POST /api/emergency {"script": "fire-evacuation"} over loopback
  (httpx, TCP_NODELAY, a kept-alive connection, from a thread of this process) to uvicorn;
  timed from just before the request is sent. It includes the HTTP parsing, sign-in check,
  the desk writing the emergency to SQLite (synchronous=FULL) before handing it on, the
  wait for the device's next period (0-10 ms, where the command is applied), the music's
  20 ms fade and the pull that opens the alert tone. The 202 answer's own arrival is shown
  too. Cleared with POST /api/emergency/clear once the first audible sample has gone.
- in-process: `Live.submit(EmergencyCall(...))` on the same Live, timed from just before
  the call: the same but for the HTTP and the desk. Cleared with `Live.submit(Clear())`.
A clear lets the alert tone on air finish (2 s); the next song follows. Not included: the
device's own buffer (one period, 10 ms, on a sound card) before the sample is heard. The
null device sleeps 10 ms at a time and then catches up, asking in bursts, so the fade's
20 ms of audio can leave the mixer in less wall time than that.
`--record` appends the results to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import logging
import math
import random
import signal
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import daemon.service  # noqa: E402
from bench.report import report  # noqa: E402
from bench.service_store import (  # noqa: E402
    ADMIN,
    PRESET,
    BenchStore,
    build_store,
    nodelay_client,
    user_add,
)
from daemon.audio.decode import Decoder  # noqa: E402
from daemon.audio.format import RATE, Block, db_to_gain  # noqa: E402
from daemon.audio.levels import gain_db  # noqa: E402
from daemon.audio.sinks import DeviceSink, Pull  # noqa: E402
from daemon.catalog.load import Catalog, load_catalog  # noqa: E402
from daemon.dayplan import emergency_presets  # noqa: E402
from daemon.drivers.live import Live  # noqa: E402
from daemon.model import Clear, EmergencyCall, ItemKind, Script, Track  # noqa: E402
from daemon.speech.speaker import open_speaker  # noqa: E402

AUDIBLE = 10 ** (-40 / 20)  # -40 dBFS
WAIT = 10.0  # seconds: longer than this for anything to happen is a failure
SUPERVISOR = ("基准主管", "bench-supervisor-password")
TARGET = 0.100


class Probe:
    """A sink around the null device's: after each pull, in the device's thread, notes where
    an armed emergency's first frame and first audible sample left the mixer."""

    def __init__(self, inner: DeviceSink) -> None:
        self.inner = inner
        self.name, self.realtime, self.warning = inner.name, inner.realtime, inner.warning
        self.live: Live | None = None
        self.on_air: ItemKind | None = None
        self.music = threading.Event()  # set on every block while a song is on air
        self.done = threading.Event()  # the armed emergency's first audible sample has gone
        self.armed = False
        self._reset()

    @property
    def scheduling(self) -> str:
        return self.inner.scheduling  # the service logs what the device's thread runs at

    def _reset(self) -> None:
        self.first: float | None = None  # perf_counter(): the pull with the first frame returned
        self.audible: float | None = None  # ... and the pull with the first audible sample
        self.in_pull = 0.0  # how long the pull with the first frame took
        self.offset = 0  # frames from the emergency's first frame to its first audible one
        self._start = 0  # the emergency's first frame (program position)

    def heard(self, n: int, sent: float, wait: float = WAIT) -> tuple[float, float, float]:
        """After the emergency of try `n` was sent at perf_counter() `sent`: seconds to its
        first sample and to its first audible one, and the audio seconds between the two."""
        if not self.done.wait(wait):
            raise SystemExit(f"try {n + 1}: no emergency sample in {wait:g} s")
        if self.first is None or self.audible is None:
            raise SystemExit(f"try {n + 1}: the emergency ended before an audible sample")
        return self.first - sent, self.audible - sent, self.offset / RATE

    def arm(self) -> None:
        """Watch for the next emergency (call before submitting it)."""
        self._reset()
        self.done.clear()
        self.armed = True

    def play(self, pull: Pull) -> int:
        live = getattr(pull, "__self__", None)
        if not isinstance(live, Live):
            raise TypeError("the Probe expects the Live's own pull")
        self.live = live

        def timed(count: int) -> Block:
            program, playout = live.program, live.playout
            pos = program.pos
            began = time.perf_counter()
            block = pull(count)
            returned = time.perf_counter()
            item = playout.item
            kind = None if item is None else item.kind
            self.on_air = kind
            if kind is ItemKind.MUSIC:
                self.music.set()
            else:
                self.music.clear()
            if self.armed:
                self._watch(block, pos, kind, program.frame(playout.started), began, returned)
            return block

        return self.inner.play(timed)

    def _watch(
        self, block: Block, pos: int, kind: ItemKind | None, started: int, began: float, t: float
    ) -> None:
        if self.first is None:
            if kind is not ItemKind.EMERGENCY or not pos <= started < pos + len(block):
                return
            self.first, self.in_pull, self._start = t, t - began, started
        if kind is not ItemKind.EMERGENCY:  # the emergency's item ended unheard
            self.armed = False
            self.done.set()
            return
        scan = block[max(0, self._start - pos) :]
        loud = np.flatnonzero(np.abs(scan).max(axis=1) > AUDIBLE)
        if len(loud):
            self.audible = t
            self.offset = max(0, pos - self._start) + int(loud[0])
            self.armed = False
            self.done.set()

    def stop(self) -> None:
        self.inner.stop()

    def close(self) -> None:
        self.inner.close()

    @property
    def frames(self) -> int:
        return self.inner.frames


@dataclass
class Series:
    first: list[float] = field(default_factory=list)  # seconds: command to first sample
    audible: list[float] = field(default_factory=list)  # ... to first audible sample
    answered: list[float] = field(default_factory=list)  # ... to the HTTP answer (HTTP only)
    in_pull: list[float] = field(default_factory=list)  # the pull with the first frame
    offset: list[float] = field(default_factory=list)  # seconds of audio, first to audible


class LogLines(logging.Handler):
    """Keeps the service's log messages, for the setup link and the start-up check."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def find(self, text: str) -> str | None:
        return next((line for line in self.lines if text in line), None)


def wait_for(what: str, probe: Any, seconds: float = WAIT) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.02)
    raise SystemExit(f"timed out after {seconds:g} s waiting for {what}")


def tries(
    store: BenchStore, catalog: Catalog, probe: Probe, lines: LogLines, count: int, seed: int
) -> tuple[Series, Series]:
    """The interleaved series, run against the service playing in the main thread."""
    rng = random.Random(seed)
    wait_for("the start-up check", lambda: lines.find("check:") or lines.find("CHECK FAILED"), 60)
    link = wait_for("the setup link", lambda: lines.find("/setup?token="))
    token = link.rsplit("token=", 1)[1].strip()
    user_add(store, *SUPERVISOR, role="supervisor")
    speaker = open_speaker(catalog.config.speech, catalog.config.state_dir)
    script: Script = emergency_presets(catalog, speaker)[PRESET]  # from the speech cache
    assert script.audio is not None
    catalog.media.analysis(script.audio.path)  # measured already by the service's desk
    http_series, local = Series(), Series()
    with nodelay_client(store.base) as http:
        name, password = ADMIN
        made = http.post("/api/setup", json={"token": token, "name": name, "password": password})
        assert made.status_code == 200, made.text
        login = http.post("/api/login", json={"name": SUPERVISOR[0], "password": SUPERVISOR[1]})
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        for n in range(2 * count):
            over_http = n % 2 == 0
            series = http_series if over_http else local
            if not probe.music.wait(WAIT):
                raise SystemExit(f"try {n + 1}: no music on air after {WAIT:g} s")
            time.sleep(rng.uniform(0.2, 0.6))
            wait_for("music", probe.music.is_set)
            live = probe.live
            assert live is not None
            probe.arm()
            if over_http:
                request = http.build_request("POST", "/api/emergency", json={"script": PRESET},
                                             headers=auth)  # fmt: skip
                sent = time.perf_counter()
                answer = http.send(request)
                series.answered.append(time.perf_counter() - sent)
                if answer.status_code != 202:
                    raise SystemExit(f"try {n + 1}: {answer.status_code} {answer.text}")
            else:
                sent = time.perf_counter()
                live.submit(EmergencyCall(script, script.audio.duration or 0.0, "bench"))
            first, audible, offset = probe.heard(n, sent)
            series.first.append(first)
            series.audible.append(audible)
            series.in_pull.append(probe.in_pull)
            series.offset.append(offset)
            if over_http:
                cleared = http.post("/api/emergency/clear", headers=auth)
                if cleared.status_code != 200:
                    raise SystemExit(f"try {n + 1}: clear {cleared.status_code} {cleared.text}")
            else:
                live.submit(Clear(requested_by="bench"))
            probe.music.clear()
    return http_series, local


def message_onset(catalog: Catalog, script: Script) -> float:
    """Seconds from the spoken message's first sample to its first one above -40 dBFS, at the
    level it airs at (its loudness gain for speech and the master gain)."""
    assert script.audio is not None
    settings = catalog.config.audio
    gain = db_to_gain(
        gain_db(catalog.media.analysis(script.audio.path), True, settings) + settings.master_gain_db
    )
    decoder = Decoder(script.audio.path)
    seen = 0
    try:
        while len(block := decoder.read(4800)):
            loud = np.flatnonzero(np.abs(block).max(axis=1) * gain > AUDIBLE)
            if len(loud):
                return (seen + int(loud[0])) / RATE
            seen += len(block)
    finally:
        decoder.close()
    return math.inf


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def spread(values: Sequence[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"p50 {percentile(ms, 0.5):.1f} ms, p90 {percentile(ms, 0.9):.1f} ms, "
        f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms (min {min(ms):.1f} ms)"
    )


def measure(count: int, seed: int) -> dict[str, str]:
    store = build_store()
    logging.basicConfig(
        level=logging.INFO, filename=store.folder / "emergency-http.log", force=True,
        format="%(asctime)s %(levelname)s %(threadName)s %(message)s",
    )  # fmt: skip
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    lines = LogLines()
    logging.getLogger().addHandler(lines)
    catalog = load_catalog(store.config)
    probe = Probe(DeviceSink("null"))
    setattr(daemon.service, "open_sink", lambda device: probe)  # noqa: B010 (the one change)
    service = daemon.service.Service(catalog)
    result: list[tuple[Series, Series]] = []
    failure: list[BaseException] = []

    def drive() -> None:
        try:
            result.append(tries(store, catalog, probe, lines, count, seed))
        except BaseException as err:  # re-raised in the main thread
            failure.append(err)
        finally:
            signal.raise_signal(signal.SIGINT)  # uvicorn stops the service cleanly

    driver = threading.Thread(target=drive, name="bench-driver", daemon=True)
    driver.start()
    try:
        code = service.run()
    finally:
        probe.close()
        signal.signal(signal.SIGINT, signal.default_int_handler)
    driver.join(WAIT)
    if failure:
        raise failure[0]
    if not result:
        raise SystemExit(f"the service stopped (exit {code}) before the tries ended")
    over_http, local = result[0]
    speaker = open_speaker(catalog.config.speech, catalog.config.state_dir)
    script = emergency_presets(catalog, speaker)[PRESET]
    assert script.audio is not None and catalog.config.breaks.alert is not None
    onset = message_onset(catalog, script)
    ordinary = speaker.say(script.text)  # the same text as an announcement renders it
    catalog.media.analysis(ordinary.path)
    breath = message_onset(
        catalog, replace(script, audio=Track(ordinary.path, script.title, ordinary.duration))
    )
    alert = catalog.config.breaks.alert.name
    worst = percentile(over_http.audible, 0.99)
    http_cost = statistics.mean(over_http.first) - statistics.mean(local.first)
    pulls = over_http.in_pull + local.in_pull
    results = {
        "setup": f"the service in-process (Service, uvicorn on loopback) on the bench store, "
        f"null device, 10 ms periods; preset {PRESET}: alert tone {alert} first, then the "
        f"spoken message ({script.audio.duration:.1f} s, espeak-ng); {count} tries per "
        "series, interleaved, at random moments in songs",
        f"HTTP POST /api/emergency -> first sample leaves the mixer, {count} tries": spread(
            over_http.first
        ),
        f"HTTP POST /api/emergency -> first audible sample (> -40 dBFS), {count} tries": spread(
            over_http.audible
        ),
        "HTTP: the 202 answer arrives": spread(over_http.answered),
        f"in-process Live.submit -> first sample leaves the mixer, {count} tries": spread(
            local.first
        ),
        f"in-process Live.submit -> first audible sample, {count} tries": spread(local.audible),
        "what the HTTP path adds (mean first sample, HTTP - in-process)": (
            f"{http_cost * 1000:.1f} ms (the mean: a command that misses a period waits a "
            "whole one, so the medians hide it)"
        ),
        "the pull that starts the emergency takes": (
            f"p50 {statistics.median(pulls) * 1000:.2f} ms, max {max(pulls) * 1000:.2f} ms"
        ),
        "first audible sample after the first sample (audio clock)": (
            f"the alert tone's: {min(over_http.offset + local.offset) * 1000:.1f}-"
            f"{max(over_http.offset + local.offset) * 1000:.1f} ms in; the spoken message's "
            f"own (were there no alert tone): {onset * 1000:.1f} ms in (as an ordinary "
            f"announcement renders it: {breath * 1000:.1f} ms)"
        ),
        "target p99 <= 100 ms, request to first audible sample": (
            f"{'met' if worst <= TARGET else 'NOT met'}: p99 {worst * 1000:.1f} ms "
            "(nearest rank: with up to 100 tries, the largest)"
        ),
    }
    if store.note:
        results["note"] = store.note
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="5 tries per series: a smoke run")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    count = 5 if args.quick else args.tries
    report("emergency_http.py", measure(count, args.seed), args.record)


if __name__ == "__main__":
    main()
