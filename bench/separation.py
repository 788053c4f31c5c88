"""Benchmark: song separation and what it costs punctuality, on simulated shuffle days.

    python bench/separation.py [--days 20] [--record]

Two days, each simulated on `--days` dates (the shuffle order is seeded by the date):
- the busy shuffle day of `bench/simulate_day.py` (60 songs, 40 fixed slots, 6 campaigns,
  60 pages of which 10 urgent, 2 emergencies), no artists named;
- an evening list like the one of issue 11: a sequential daytime list to 14:00, then an
  18-song shuffle evening list of 8 artists (4, 3, 3, 2, 2, 2, 1, 1 songs) whose last song
  is also the closing song; fixed slots at :00 and :30, 30 pages (5 urgent), one emergency.

Measured on each day's timeline, every song start counted (playlist, opening and closing
songs, cut or not): repeats of a song within 30 minutes, songs aired twice in a row, the
fewest other songs and minutes between two plays of a song, plays whose artist aired within
the 3 songs before, how long before the closing song its file last aired from a playlist,
the closing song's lateness (the end of its last airing after closing: an urgent page may
cut it, then it airs again; "lost" if it did not air) and fixed-slot lateness. Figures
are medians over the dates, [min-max] beside them.

The same file runs against any checkout: `MALL_PA_ROOT=/path/to/old/tree python
bench/separation.py` measures that tree's engine (the reference: the code before separation).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import random
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(os.environ.get("MALL_PA_ROOT", Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(ROOT))

from bench.report import report  # noqa: E402
from bench.simulate_day import busy_day  # noqa: E402
from daemon.drivers.simulate import simulate  # noqa: E402
from daemon.model import AsRunEntry, DayPlan, ItemKind, ScheduledCommand, Source, Track  # noqa: E402
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

ARTISTS = (4, 3, 3, 2, 2, 2, 1, 1)  # songs per artist of the evening list
HAS_ARTIST = "artist" in {f.name for f in dataclasses.fields(Track)}


def _artist(name: str) -> dict[str, Any]:
    """The `artist` argument of a Track, where this tree's Track has one."""
    return {"artist": name} if HAS_ARTIST else {}


def evening_day(day: datetime.date) -> tuple[DayPlan, list[ScheduledCommand]]:
    rng = random.Random(day.toordinal())
    slots = [f"{h}:{m:02d}" for h in range(10, 22) for m in (0, 30) if (h, m) != (10, 0)]
    spec = PlanSpec(
        day=day,
        dayparts=[
            ("10:00", "14:00", random_durations(10, 11, 110, 300), False),
            ("14:00", "22:00", random_durations(18, 12, 110, 330), True),
        ],
        fixed=[(fixed_script("half-hour", slots), 12.0)],
        closing_song=None,
    )
    plan = make_plan(spec)
    evening = plan.dayparts[1]
    names = [f"Artist {a}" for a, count in enumerate(ARTISTS) for _ in range(count)]
    rng.shuffle(names)
    tracks = tuple(
        Track(t.path, f"{n} - {t.title}", t.duration, **_artist(n))
        for t, n in zip(evening.tracks, names, strict=True)
    )
    closing = tracks[-1]
    plan = dataclasses.replace(
        plan,
        dayparts=(plan.dayparts[0], dataclasses.replace(evening, tracks=tracks)),
        closing_song=closing,
    )
    commands = [page(plan, _clock(rng), urgent=i < 5) for i in range(30)]
    fire = emergency_script("fire", 45.0)
    commands += [emergency(plan, "19:40:05", fire), clear(plan, "19:44:00")]
    return plan, commands


def _clock(rng: random.Random) -> str:
    return f"{rng.randint(10, 21)}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


def busy(day: datetime.date) -> tuple[DayPlan, list[ScheduledCommand]]:
    plan, commands = busy_day(True)
    return dataclasses.replace(plan, seed=int(day.strftime("%Y%m%d"))), commands


def figures(plan: DayPlan, timeline: list[AsRunEntry]) -> dict[str, float]:
    """The separation and punctuality figures of one day."""
    songs = [e for e in timeline if e.kind is ItemKind.MUSIC]
    artists = {str(t.path): t.title.split(" - ")[0] for p in plan.dayparts for t in p.tracks}
    last: dict[str, tuple[int, float]] = {}
    repeats = twice = artist_close = 0
    fewest_songs, fewest_minutes = float("inf"), float("inf")
    for i, entry in enumerate(songs):
        replay = entry.source is Source.CLOSING_SONG and i and songs[i - 1].interrupted
        if entry.ref in last and not replay:  # (the closing song again after a page cut it)
            at, start = last[entry.ref]
            fewest_songs = min(fewest_songs, i - at - 1)
            fewest_minutes = min(fewest_minutes, (entry.start - start) / 60)
            repeats += entry.start - start < 30 * 60
            twice += at == i - 1
        name = artists.get(entry.ref, "")
        if " - " in entry.title and any(
            artists.get(e.ref) == name for e in songs[max(0, i - 3) : i]
        ):
            artist_close += 1
        last[entry.ref] = (i, entry.start)
    closing = [e for e in songs if e.source is Source.CLOSING_SONG]
    out = {
        "repeats within 30 min": repeats,
        "twice in a row": twice,
        "fewest songs between plays": fewest_songs,
        "fewest minutes between plays": fewest_minutes,
        "artist within 3 songs": artist_close,
        "closing song lost": float(not closing),
        "closing song late s": closing[-1].end - plan.closing if closing else float("nan"),
        "closing song cut by a page": float(any(e.interrupted for e in closing)),
    }
    if plan.closing_song is not None:
        ref = str(plan.closing_song.path)
        before = [e for e in songs if e.ref == ref and e.source is Source.PLAYLIST]
        start = closing[0].start if closing else plan.closing
        out["closing file from playlist, min before"] = (
            (start - before[-1].start) / 60 if before else float("inf")
        )
    lateness = Punctuality(timeline)
    if lateness.lateness:
        off = sorted(abs(x) for x in lateness.lateness)  # (older trees have no .off)
        out["slot |lateness| median s"] = statistics.median(off)
        out["slot |lateness| p95 s"] = off[max(0, -(-len(off) * 95 // 100) - 1)]
        out["slot |lateness| max s"] = off[-1]
    return out


def measure(days: int) -> dict[str, str]:
    results: dict[str, str] = {}
    dates = [datetime.date(2026, 11, 2) + datetime.timedelta(days=i) for i in range(days)]
    for label, make in (("busy shuffle day", busy), ("18-song evening list", evening_day)):
        rows = [figures(plan, simulate(plan, commands)) for plan, commands in map(make, dates)]
        for key in rows[0]:
            values = [r[key] for r in rows if key in r]
            finite = [v for v in values if v == v and v != float("inf")]
            if not finite:
                shown = "never" if values and values[0] == float("inf") else "-"
            else:
                total = (
                    f", {sum(finite):.0f} in all"
                    if key.startswith(("repeats", "twice", "closing song lost", "closing song cut"))
                    else ""
                )
                spread = f" [{min(finite):.1f}-{max(finite):.1f}]"
                missing = len(values) - len(finite)
                never = f", {missing} days never" if missing and "closing file" in key else ""
                shown = f"{statistics.median(finite):.1f}{spread}{total}{never}"
            results[f"{label}: {key}"] = shown
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    report(f"separation.py ({ROOT})", measure(args.days), args.record)


if __name__ == "__main__":
    main()
