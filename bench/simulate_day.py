"""Benchmark: simulate a busy 12-hour day; engine wall time and fixed-slot punctuality.

    python bench/simulate_day.py [--runs 15] [--record]

The day: about 200 songs, 40 fixed slots, 6 campaigns, 60 pages (10 urgent), 2 emergencies.
Measured side by side in one run:
- wall time of the engine (median of --runs) against the 12 hours of real time it covers;
- fixed-slot lateness, signed (negative: early), with boundary look-ahead and the slot window
  (`breaks.fixed_early_seconds`, 60 s: a slot airs at a boundary up to that early), beside
  the same engine without the window (`fixed_early = 0`: the engine before the window) and
  choosing songs in plain shuffle order without it (what "commit early" automation does), on
  a shuffle day and on a sequential day (where look-ahead cannot reorder anything). Shown:
  median, p95 and max of the absolute lateness (the targets: median <= 15 s, p95 <= 60 s,
  max <= 120 s on the shuffle day), the earliest and the latest;
- `mall-pa simulate` on the example store end to end (process start, loading, warm duration
  cache), if the example media has been generated.
`--record` appends the results to bench/RESULTS.md with the date and machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import report  # noqa: E402
from daemon import music  # noqa: E402
from daemon.drivers.simulate import simulate  # noqa: E402
from daemon.model import DayPlan, ScheduledCommand, Script, ScriptKind  # noqa: E402
from daemon.timeline import Punctuality  # noqa: E402
from tests.factory import (  # noqa: E402
    PlanSpec,
    clear,
    emergency,
    emergency_script,
    fixed_script,
    make_plan,
    page,
    random_durations,
)
from tests.invariants import violations  # noqa: E402


def busy_day(shuffle: bool, seed: int = 2026) -> tuple[DayPlan, list[ScheduledCommand]]:
    rng = random.Random(seed)
    slots = sorted(rng.sample(range(10 * 60 + 5, 21 * 60 + 50), 40))
    scripts = [fixed_script(f"fixed-{i}", [], order=i % 3) for i in range(10)]
    fixed = [
        (
            fixed_script(s.id, [f"{m // 60}:{m % 60:02d}" for m in slots[i::10]], s.order),
            rng.uniform(6, 18),
        )
        for i, s in enumerate(scripts)
    ]
    campaigns = [
        (
            Script(
                f"campaign-{i}",
                ScriptKind.CAMPAIGN,
                f"c{i}",
                "活动",
                Path("/c.toml"),
                approved_by="企划部",
                approved_at=datetime.date(2026, 11, 1),
                every_songs=rng.choice([4, 6, 8]),
                max_per_day=10,
            ),
            rng.uniform(8, 15),
            [("10:00", "22:00")],
        )
        for i in range(6)
    ]
    spec = PlanSpec(
        dayparts=[("10:00", "22:00", random_durations(60, seed, 150, 290), shuffle)],
        fixed=fixed,
        campaigns=campaigns,
    )
    plan = make_plan(spec)
    commands = [
        page(
            plan,
            f"{rng.randint(10, 21)}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
            urgent=i < 10,
        )
        for i in range(60)
    ]
    fire = emergency_script("fire", 45.0)
    commands += [emergency(plan, "13:17:05", fire), clear(plan, "13:21:40")]
    commands += [emergency(plan, "18:44:30", fire), clear(plan, "18:47:10")]
    return plan, commands


def measure(runs: int) -> dict[str, str]:
    results: dict[str, str] = {}
    for label, shuffle in (("shuffle", True), ("sequential", False)):
        plan, commands = busy_day(shuffle)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            timeline = simulate(plan, commands)
            times.append(time.perf_counter() - start)
        broken = violations(plan, timeline, commands)
        assert not broken, broken[:3]
        wall = statistics.median(times)
        songs = sum(e.kind.value == "music" for e in timeline)
        ours = Punctuality(timeline)
        closed = dataclasses.replace(plan, fixed_early=0.0)  # no slot window
        unwindowed = Punctuality(simulate(closed, commands))
        saved, music.WINDOW = music.WINDOW, 1  # the reference: no look-ahead
        reference = Punctuality(simulate(closed, commands))
        music.WINDOW = saved
        results[f"{label}: engine wall time, median of {runs}"] = (
            f"{wall * 1000:.1f} ms for {songs} songs, {len(timeline)} timeline entries; "
            f"{12 * 3600 / wall:,.0f}x real time"
        )
        window = f"{plan.fixed_early:g} s window"
        results[f"{label}: fixed lateness, look-ahead and {window}"] = _lateness(ours)
        results[f"{label}: fixed lateness, look-ahead, no window"] = _lateness(unwindowed)
        results[f"{label}: fixed lateness, plain order, no window (reference)"] = _lateness(
            reference
        )
    results["example store: `mall-pa simulate` end to end, warm cache"] = _cli(runs=5)
    return results


def _lateness(p: Punctuality) -> str:
    """|lateness| median, p95 (nearest rank) and max; the signed extremes; how many early."""
    size, early = p.off, sum(x < 0 for x in p.lateness)
    return (
        f"lateness (absolute) median {statistics.median(size):.1f} s, p95 "
        f"{p.percentile(95):.1f} s, max {size[-1]:.1f} s over {len(size)} slots; "
        f"signed {p.lateness[0]:+.1f} to {p.lateness[-1]:+.1f} s, {early} early"
    )


def _cli(runs: int) -> str:
    if not (ROOT / "music" / ".generated").exists():
        return "skipped: run `make media` first"
    command = [
        sys.executable,
        "-m",
        "daemon",
        "simulate",
        "--config",
        str(ROOT / "mall-pa.toml"),
        "--date",
        "2026-11-23",
        "--events",
        str(ROOT / "what-if.jsonl"),
    ]
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)  # warm the duration cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    baseline = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        baseline.append(time.perf_counter() - start)
    return (
        f"{statistics.median(times) * 1000:.0f} ms median of {runs} "
        f"(a bare `python -c pass` takes {statistics.median(baseline) * 1000:.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    report("simulate_day.py", measure(args.runs), args.record)


if __name__ == "__main__":
    main()
