"""Benchmark: the cost of playing live (target: CPU no higher than Liquidsoap's, RSS < 100 MB).

    python bench/live_cost.py [--music real|example] [--seconds 60] [--runs 3] [--record]

Each player runs in a child process of its own, playing in real time to a silent output, for
--seconds once it is on air; runs alternate (ours, Liquidsoap, ours, ...), figures
are medians of --runs. The music: with `--music real` (the default) the nine 44.1 kHz songs of
Debian's extremetuxracer-data (Ogg Vorbis, real recorded music; installed with apt-get when
missing, bench/service_store.py), in the benchmark store's order, so that both players
resample every block to 48 kHz; with `--music example` the example store's evening songs
(Vorbis, 48 kHz: nothing to resample, the flattering case issue 4 measured).
Each player plays with blocks of 10 ms (the service's device period: what holds an emergency
to its 50 ms) and of 40 ms (Liquidsoap's default frame), since a wake-up costs this machine
about 50 us of CPU whatever is done in it, and a player that wakes 4x as often pays 4x that:
the same work is the same songs at the same block.
- ours: `Live` to `DeviceSink("null", period)` (miniaudio's null device, paced by a timer,
  asking every period), no events: on the benchmark store's day (its one all-day daypart
  playing those songs, from the first) or the example store's 2026-11-23 from 15:00. The
  decode thread decodes (FFmpeg through PyAV) and resamples (swresample, 64 taps) a few
  seconds ahead; per block the device's thread runs the engine's clock, takes the frames,
  applies the loudness gain and the master gain, and hands float32 to the device. On air:
  the child prints a line just before `Live.run()`.
- reference: Liquidsoap (Debian's, installed with apt-get if missing) playing the same
  files in the same order (an m3u, playlist mode "normal") to `output.dummy`, its frame
  rate at 48 kHz like ours (so that it resamples the 44.1 kHz songs with its default
  converter, as ours does); it decodes, runs its clock (frames of 40 ms by default; 10 ms
  with `settings.frame.duration` and a video rate of 100 Hz, without which it rounds the
  frame up to 40 ms) and drops the audio. On air: its output's on_start callback logs a line.
Measured per child, with its own children (ours decodes in a process of its own): CPU time
(user + system, all threads) over the --seconds on air, from /proc/PID/stat (10 ms ticks),
as a share of one core; and over the whole life of the process (start-up included) from
`os.wait4` (the child's rusage, like RUSAGE_CHILDREN); memory, sampled over the window: the
union of the processes' resident pages (bench/resident.py: each page once, what the target
is judged by; at least ru_maxrss), their VmRSS summed (peak RSS: at least ru_maxrss, the
largest single process) and their PSS summed.
`--record` appends the results to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import av

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.render_hour import DAY, ensure_tool, example_day  # noqa: E402
from bench.report import report  # noqa: E402
from bench.resident import union_mb  # noqa: E402
from bench.service_store import build_store  # noqa: E402
from daemon.audio.format import RATE  # noqa: E402
from daemon.audio.sinks import DeviceSink  # noqa: E402
from daemon.catalog.load import load_catalog  # noqa: E402
from daemon.dayplan import build_day_plan  # noqa: E402
from daemon.drivers.live import Live  # noqa: E402
from daemon.model import DayPlan, Track  # noqa: E402
from daemon.speech.speaker import open_speaker  # noqa: E402

ON_AIR = "mall-pa bench: on air"
PLAYED = "mall-pa bench: played"
TICK = os.sysconf("SC_CLK_TCK")
SETTLE = 1.0  # seconds after going on air before the measured window opens
UNION_EVERY = 4  # memory samples (4 a second) between two unions of resident pages
PERIODS = (10, 40)  # ms a block: the service's device period, and Liquidsoap's default frame
DEFAULT_FRAME_MS = 40  # Liquidsoap's frame, held to 40 ms by its default 25 Hz video rate


# -- the child: our player ------------------------------------------------------------------


def real_day() -> tuple[DayPlan, list[Track], Any]:
    """The benchmark store's day with its daypart playing only the 44.1 kHz songs."""
    store = build_store()
    catalog = load_catalog(store.config)
    speaker = open_speaker(catalog.config.speech, catalog.config.state_dir)
    plan, _ = build_day_plan(catalog, DAY, speaker)
    part = plan.dayparts[0]
    songs = [t for t in part.tracks if t.playable and _rate(t.path) == 44100]
    plan = replace(plan, dayparts=(replace(part, tracks=tuple(songs)),))
    return plan, songs, catalog


def _rate(path: Path) -> int:
    with av.open(str(path)) as container:
        return int(container.streams.audio[0].codec_context.sample_rate)


def child(music: str, period_ms: int) -> None:
    """Play the day to the null device, asking every `period_ms`, until SIGTERM."""
    if music == "real":
        plan, _, catalog = real_day()
        start, settings, measure = plan.dayparts[0].start, catalog.config.audio, catalog.media
    else:
        example = example_day(events=False)
        plan, start = example.plan, example.at(15)
        settings, measure = example.catalog.config.audio, example.media
    sink = DeviceSink("null", period_ms)
    live = Live(plan, sink, settings, measure.known, start=start)
    signal.signal(signal.SIGTERM, lambda *_: live.stop())
    print(ON_AIR, flush=True)
    began = time.perf_counter()
    played = live.run()
    took = time.perf_counter() - began
    sink.close()
    print(f"{PLAYED} {played / RATE:.3f} s of audio in {took:.3f} s", flush=True)


# -- the parent -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    cpu_share: float  # CPU seconds per second on air, over the window
    cpu_total: float  # CPU seconds over the child's whole life
    life: float  # seconds the child lived
    peak_rss: float  # MB
    output: str  # what the child printed
    peak_pss: float = 0.0  # MB, the processes' proportional set sizes summed (0: not taken)
    peak_union: float = 0.0  # MB, the union of their resident pages (0: not taken)


def tree(pid: int) -> list[int]:
    """A running process and its descendants (ours decodes in a child process)."""
    found, todo = [], [pid]
    while todo:
        found.append(at := todo.pop())
        for task in Path(f"/proc/{at}/task").glob("*/children"):
            todo += [int(child) for child in task.read_text().split()]
    return found


def _cpu(pid: int) -> float:
    """CPU seconds (user + system, every thread) of a running process and its children."""
    total = 0
    for each in tree(pid):
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14, 15
    return total / TICK


def rss_while(pid: int, seconds: float) -> tuple[float, float, float]:
    """Wait `seconds`, sampling the memory of the process and its children: the most seen of
    their VmRSS summed (ru_maxrss gives only the largest of them; a sum counts the pages
    they share, FFmpeg's and numpy's libraries, twice), of their PSS summed (shared pages
    shared out among every process that maps them, this machine's others too) and of the
    union of their resident pages (bench/resident.py: each page once; every UNION_EVERY
    samples, as it takes a few tens of milliseconds; 0 where not root), in MB."""
    rss = pss = union = 0.0
    deadline = time.monotonic() + seconds
    for sample in itertools.count():
        if (left := deadline - time.monotonic()) <= 0:
            break
        sums = [0, 0]
        group = tree(pid)
        for each in group:
            for i, (name, key) in enumerate([("status", "VmRSS:"), ("smaps_rollup", "Pss:")]):
                text = Path(f"/proc/{each}/{name}").read_text()
                sums[i] += int(text.split(key, 1)[1].split()[0])
        rss, pss = max(rss, sums[0] / 1024), max(pss, sums[1] / 1024)
        if sample % UNION_EVERY == 0:
            union = max(union, union_mb(group) or 0.0)
        time.sleep(min(0.25, left))
    return rss, pss, union


def ended(pid: int) -> bool:
    """Whether a child has ended, leaving it to be reaped by os.wait4 (for its rusage)."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def reap(pid: int, seconds: float) -> tuple[int, resource.struct_rusage]:
    """Wait for a child to end (SIGKILL after `seconds`); its exit status and rusage."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    return status, usage


def play(command: Sequence[str], on_air: str, seconds: float, settle: float = SETTLE) -> Cost:
    """Start `command`, wait for `on_air` in its output, wait `settle`, measure `seconds`,
    stop it."""
    began = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    )
    assert process.stdout is not None
    seen: list[str] = []
    ready = threading.Event()

    def read(stream: object) -> None:
        for line in process.stdout or ():
            seen.append(line)
            if on_air in line:
                ready.set()

    reader = threading.Thread(target=read, args=(process.stdout,), daemon=True)
    reader.start()
    try:
        if not ready.wait(60):
            raise SystemExit(f"{command[0]} never went on air:\n{''.join(seen[-20:])}")
        time.sleep(settle)
        cpu0, t0 = _cpu(process.pid), time.perf_counter()
        rss, pss, union = rss_while(process.pid, seconds)
        cpu1, t1 = _cpu(process.pid), time.perf_counter()
        if ended(process.pid):
            raise SystemExit(f"{command[0]} ended early:\n{''.join(seen[-20:])}")
    finally:
        if not ended(process.pid):
            process.send_signal(signal.SIGTERM)
        status, usage = reap(process.pid, 20)
        process.returncode = os.waitstatus_to_exitcode(status)
        reader.join(5)
    life = time.perf_counter() - began
    return Cost(
        (cpu1 - cpu0) / (t1 - t0),
        usage.ru_utime + usage.ru_stime,
        life,
        max(usage.ru_maxrss / 1024, rss),
        "".join(seen),
        pss,
        union and max(usage.ru_maxrss / 1024, union),
    )


def memory_verdict(ours: Sequence[Cost], theirs: Sequence[Cost], target: float) -> str:
    """The memory line, medians of the runs: ours judged by its largest run's union of the
    processes' resident pages (their resident set, each page once: for one process, its
    VmRSS), or by their VmRSS summed where the union could not be taken (not root); beside
    it the sum, PSS, and Liquidsoap's."""

    def med(costs: Sequence[Cost], field: str) -> float:
        return float(statistics.median(getattr(c, field) for c in costs))

    union, rss, pss = (med(ours, f) for f in ("peak_union", "peak_rss", "peak_pss"))
    judged = max(c.peak_union or c.peak_rss for c in ours)
    verdict = f"largest of {len(ours)} runs {judged:.0f} MB: " + (
        "met" if judged < target else "NOT met"
    )
    return (
        (f"ours {union:.0f} MB, the union of their resident pages ({verdict}; what the two "
         f"hold in memory, each page once: for one process its VmRSS); "
         if union else f"ours: union not taken (needs root), judged by VmRSS summed ({verdict}); ")
        + f"their VmRSS summed {rss:.0f} MB (counts each page both map twice: the libraries "
        f"of FFmpeg, numpy and Python); their PSS summed {pss:.0f} MB (shares pages out with "
        f"the machine's other processes too); Liquidsoap (one process) RSS "
        f"{med(theirs, 'peak_rss'):.0f} MB, union {med(theirs, 'peak_union'):.0f} MB"
    )  # fmt: skip


def liquidsoap_script(folder: Path, songs: Sequence[Path], frame_ms: int | None) -> Path:
    """Liquidsoap playing `songs` in order to output.dummy, with frames of `frame_ms` (None
    or 40: its default)."""
    playlist = folder / "songs.m3u"
    playlist.write_text("".join(f"{song}\n" for song in songs), encoding="utf-8")
    script = folder / f"songs-{frame_ms or 'default'}.liq"
    frame = (
        ""
        if frame_ms in (None, DEFAULT_FRAME_MS)  # its video rate (25 Hz) holds it to 40 ms
        else f"settings.frame.video.framerate.set({1000 // frame_ms})\n"
        f"settings.frame.duration.set({frame_ms / 1000})\n"
    )
    script.write_text(
        "settings.init.allow_root.set(true)\n"  # this machine's benchmarks run as root
        "settings.log.stdout.set(true)\n"
        "settings.log.file.set(false)\n"
        "settings.frame.audio.samplerate.set(48000)\n"
        f"{frame}"
        f'on_air = fun () -> log.important("{ON_AIR}")\n'
        f'output.dummy(fallible=true, on_start=on_air, playlist(mode="normal", "{playlist}"))\n',
        encoding="utf-8",
    )
    return script


def measure(seconds: float, runs: int, music: str) -> dict[str, str]:
    installed = ensure_tool("liquidsoap", "liquidsoap")
    version = subprocess.run(
        ["liquidsoap", "--version"], capture_output=True, text=True, check=True
    ).stdout.splitlines()[0]
    if music == "real":
        songs = [t.path.resolve() for t in real_day()[1]]
        what = "Debian's extremetuxracer-data, Vorbis 44.1 kHz stereo, both resampling to 48 kHz"
        ours_name = "ours: Live on the benchmark store's day from its first song"
    else:
        example = example_day(events=False)
        evening = next(p for p in example.plan.dayparts if p.name == "evening")
        songs = [t.path.resolve() for t in evening.tracks if t.playable]
        what = "the example store's evening songs, Vorbis 48 kHz stereo (nothing to resample)"
        ours_name = f"ours: Live from {DAY} 15:00"
    ours: dict[int, list[Cost]] = {period: [] for period in PERIODS}
    theirs: dict[int, list[Cost]] = {period: [] for period in PERIODS}
    with tempfile.TemporaryDirectory(prefix="live-cost-") as scratch:
        for _ in range(runs):
            for period in PERIODS:
                ours_cmd = [sys.executable, str(Path(__file__).resolve()), "--child", music]
                ours[period].append(play([*ours_cmd, "--period", str(period)], ON_AIR, seconds))
                liq = liquidsoap_script(Path(scratch), songs, period)
                theirs[period].append(play(["liquidsoap", str(liq)], ON_AIR, seconds))

    def med(costs: Sequence[Cost], field: str) -> float:
        return float(statistics.median(getattr(c, field) for c in costs))

    m = f"median of {runs}"

    def line(costs: Sequence[Cost]) -> str:
        return (
            f"{med(costs, 'cpu_share') * 100:.1f}% of a core on air (runs "
            f"{', '.join(f'{c.cpu_share * 100:.1f}%' for c in costs)}); whole life "
            f"{med(costs, 'cpu_total'):.2f} s CPU in {med(costs, 'life'):.1f} s; "
            f"peak RSS {med(costs, 'peak_rss'):.0f} MB, PSS {med(costs, 'peak_pss'):.0f} MB, "
            f"union of resident pages {med(costs, 'peak_union'):.0f} MB"
        )

    pacing = []
    for cost in (c for costs in ours.values() for c in costs):
        found = re.search(rf"{PLAYED} ([0-9.]+) s of audio in ([0-9.]+) s", cost.output)
        if found is None:
            raise SystemExit(f"our player did not say what it played:\n{cost.output}")
        pacing.append(float(found.group(1)) / float(found.group(2)))
    results = {
        "what plays": f"{seconds:g} s measured on air (after {SETTLE:g} s settling), "
        f"{len(songs)} songs in order ({what}), silent outputs paced in real time; each "
        f"player at {' and at '.join(f'{p} ms' for p in PERIODS)} a block, runs alternating",
    }
    ratios = {}
    for period in PERIODS:
        ratios[period] = med(ours[period], "cpu_share") / med(theirs[period], "cpu_share")
        results[f"{ours_name} to DeviceSink('null', {period} ms periods), {m}"] = line(ours[period])
        frame = "its default" if period == DEFAULT_FRAME_MS else "set"
        results[
            f"reference: {version}, playlist to output.dummy at 48 kHz, frames of "
            f"{period} ms ({frame}), {m}"
        ] = line(theirs[period])
    results["ours: seconds of audio played per second of wall time (pacing)"] = (
        f"{min(pacing):.3f}-{max(pacing):.3f}"
    )
    ours_cpu = med(ours[PERIODS[0]], "cpu_share")
    default_cpu = med(theirs[DEFAULT_FRAME_MS], "cpu_share")
    results["ratio CPU on air, ours / Liquidsoap, each at the same block, target <= 1"] = "; ".join(
        f"{p} ms {r:.2f} ({'met' if r <= 1 else 'NOT met'})" for p, r in ratios.items()
    )
    results[
        f"ratio CPU on air, ours as the service runs ({PERIODS[0]} ms) / Liquidsoap at its "
        f"default ({DEFAULT_FRAME_MS} ms): not the same work (4x the wake-ups)"
    ] = f"{ours_cpu / default_cpu:.2f}"
    results["peak RSS, target ours < 100 MB (ours: the service and its decode process)"] = (
        memory_verdict(
            [c for costs in ours.values() for c in costs],
            [c for costs in theirs.values() for c in costs],
            100,
        )
    )
    if installed:
        results["note"] = installed
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument("--music", choices=["real", "example"], default="real")
    parser.add_argument("--child", choices=["real", "example"], help=argparse.SUPPRESS)
    parser.add_argument("--period", type=int, default=10, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.period)
        return
    report("live_cost.py", measure(args.seconds, args.runs, args.music), args.record)


if __name__ == "__main__":
    main()
