"""Benchmark: emergency cut-in latency while playing live (target: p99 <= 50 ms).

    python bench/emergency_latency.py [--tries 50] [--record]

`Live` plays the example store's day (mall-pa.toml, 2026-11-23 from 15:00: evening music, no
events) to `DeviceSink("null")`: miniaudio's null device, paced by a timer, asking for a
block every 10 ms from its own thread, as a sound card does. --tries times: at a random
moment while a song plays, the main thread notes time.perf_counter() and calls
`live.submit(EmergencyCall(...))`; then `Clear()`, wait until music is back on air, pause
0.2-1 s at random, next try.

The latency runs until the emergency's first sample is handed to the device: the sink is
wrapped so that every `pull` the device makes is timed, and a `Program` listener notes that
an EMERGENCY item started (on its exact frame) during the current pull; the latency ends
when that pull returns its block to the device. It includes, by design: the wait for the
device's next callback (0-10 ms, where the command is applied), the fade of the music
(plan.emergency_fade, 20 ms of audio, so about two more callbacks) and the pull that opens
the emergency's file and mixes its first frames. Not included: the device's own buffer
(one period, 10 ms, on a sound card) before the sample is heard.

The emergency: a preset of the store's (fire-evacuation) whose message is a 0.3 s tone WAV
written to a temporary folder. Two series, side by side in one run: the store's plan as it
is (the first thing on air is its alert tone, stings/alert.ogg, Vorbis), and the same plan
without an alert tone (the first thing on air is the message, the WAV).
`--record` appends the results to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.render_hour import DAY, Example, example_day  # noqa: E402
from bench.report import report  # noqa: E402
from daemon.audio.format import RATE, Block  # noqa: E402
from daemon.audio.sinks import DeviceSink, Pull, Sink  # noqa: E402
from daemon.dayplan import emergency_presets  # noqa: E402
from daemon.drivers.live import Live  # noqa: E402
from daemon.drivers.playout import Playout  # noqa: E402
from daemon.model import Clear, DayPlan, EmergencyCall, ItemKind, Script, Track  # noqa: E402
from daemon.speech.speaker import open_speaker  # noqa: E402

TONE_SECONDS = 0.3
WAIT = 10.0  # seconds: longer than this for anything to happen is a failure


class Probe:
    """A sink around the device's: times each pull; sees items start from the playout's
    serial, read right after each pull in the device's thread."""

    def __init__(self, inner: DeviceSink) -> None:
        self.inner = inner
        self.name, self.realtime, self.warning = inner.name, inner.realtime, inner.warning
        self.on_air: ItemKind | None = None  # the kind of the item on air
        self.music = threading.Event()  # set when a song starts
        self.emergency = threading.Event()  # set when the pull that started one returned
        self.began = 0.0  # perf_counter() when that pull began
        self.returned = 0.0  # ... and when it returned its block
        self.playout: Playout | None = None  # whose items it watches
        self._serial = -1

    def play(self, pull: Pull) -> int:
        def timed(count: int) -> Block:
            began = time.perf_counter()
            block = pull(count)
            returned = time.perf_counter()
            playout = self.playout
            if playout is not None and playout.serial != self._serial:
                self._serial = playout.serial
                kind = None if playout.item is None else playout.item.kind
                self.on_air = kind
                if kind is ItemKind.EMERGENCY and not self.emergency.is_set():
                    self.returned, self.began = returned, began
                    self.emergency.set()
                elif kind is ItemKind.MUSIC:
                    self.music.set()
            return block

        return self.inner.play(timed)

    def stop(self) -> None:
        self.inner.stop()

    def close(self) -> None:
        self.inner.close()

    @property
    def frames(self) -> int:
        return self.inner.frames


@dataclass
class Series:
    latency: list[float] = field(default_factory=list)  # seconds, submit to pull returned
    in_pull: list[float] = field(default_factory=list)  # seconds, that pull's own duration
    on_clock: list[float] = field(default_factory=list)  # seconds on the audio clock from the
    # instant the command was applied to the emergency's first frame (timeline entries)


def write_tone(path: Path) -> Track:
    """A 0.3 s 880 Hz tone, 48 kHz stereo 16-bit."""
    n = round(TONE_SECONDS * RATE)
    mono = np.round(np.sin(2 * np.pi * 880 * np.arange(n) / RATE) * 0.3 * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(np.repeat(mono, 2).tobytes())
    return Track(path, "test tone", n / RATE)


def series(example: Example, plan: DayPlan, script: Script, tries: int, seed: int) -> Series:
    rng = random.Random(seed)
    settings, measure = example.catalog.config.audio, example.media.analysis
    assert script.audio is not None and script.audio.duration is not None
    measure(script.audio.path)  # measured once, as the store's files are (media cache)
    probe = Probe(DeviceSink("null"))
    sink: Sink = probe
    live = Live(plan, sink, settings, measure, start=example.at(15))
    probe.playout = live.playout
    failure: list[BaseException] = []

    def run() -> None:
        try:
            live.run()
        except BaseException as err:  # re-raised in the main thread
            failure.append(err)

    player = threading.Thread(target=run, name="live")
    player.start()
    out = Series()
    try:
        for n in range(tries):
            if not probe.music.wait(WAIT):
                raise SystemExit(f"try {n + 1}: no music on air after {WAIT:g} s")
            time.sleep(rng.uniform(0.2, 1.0))
            while probe.on_air is not ItemKind.MUSIC:  # a break started: wait for a song
                probe.music.clear()
                probe.music.wait(WAIT)
            probe.emergency.clear()
            submitted = time.perf_counter()
            live.submit(EmergencyCall(script, script.audio.duration, "bench"))
            if not probe.emergency.wait(WAIT):
                raise SystemExit(f"try {n + 1}: the emergency did not go on air in {WAIT:g} s")
            out.latency.append(probe.returned - submitted)
            out.in_pull.append(probe.returned - probe.began)
            probe.music.clear()
            live.submit(Clear("bench"))
            if failure:
                break
    finally:
        live.stop()
        player.join(WAIT)
        probe.close()
    if failure:
        raise failure[0]
    first: dict[float, float] = {}
    for entry in live.timeline:
        if entry.kind is ItemKind.EMERGENCY and entry.requested_at is not None:
            first[entry.requested_at] = min(entry.start, first.get(entry.requested_at, math.inf))
    out.on_clock = [start - requested for requested, start in first.items()]
    if len(out.on_clock) != len(out.latency):
        raise SystemExit(f"{len(out.latency)} emergencies, {len(out.on_clock)} in the timeline")
    return out


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(s: Series) -> str:
    ms = [x * 1000 for x in s.latency]
    return (
        f"p50 {percentile(ms, 0.5):.1f} ms, p90 {percentile(ms, 0.9):.1f} ms, "
        f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms "
        f"(min {min(ms):.1f} ms); the pull that starts it takes "
        f"p50 {statistics.median(s.in_pull) * 1000:.2f} ms, max {max(s.in_pull) * 1000:.2f} ms; "
        f"on the audio clock it starts {min(s.on_clock) * 1000:.1f}-{max(s.on_clock) * 1000:.1f} "
        "ms after the command was applied"
    )


def measure(tries: int) -> dict[str, str]:
    example = example_day(events=False)
    config = example.catalog.config
    speaker = open_speaker(config.speech, config.state_dir)
    preset = emergency_presets(example.catalog, speaker)["fire-evacuation"]
    with tempfile.TemporaryDirectory(prefix="emergency-latency-") as scratch:
        script = replace(preset, audio=write_tone(Path(scratch) / "tone.wav"))
        alert = example.plan.alert
        with_alert = series(example, example.plan, script, tries, seed=1)
        without = series(example, replace(example.plan, alert=None), script, tries, seed=2)
    fade = example.plan.emergency_fade * 1000
    target = max(percentile(with_alert.latency, 0.99), percentile(without.latency, 0.99))
    return {
        "setup": f"Live on {DAY} from 15:00 (music) to DeviceSink('null'), 10 ms periods; "
        f"emergency fade {fade:.0f} ms; {tries} tries per series at random moments in songs",
        f"store's alert tone first ({alert.path.name if alert else 'none'}), {tries} tries": (
            summary(with_alert)
        ),
        f"no alert tone: the {TONE_SECONDS:g} s tone WAV first, {tries} tries": summary(without),
        "target p99 <= 50 ms": f"{'met' if target <= 0.050 else 'NOT met'}: worst p99 "
        f"{target * 1000:.1f} ms (p99 by nearest rank: with up to 100 tries, the largest)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=50)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    report("emergency_latency.py", measure(args.tries), args.record)


if __name__ == "__main__":
    main()
