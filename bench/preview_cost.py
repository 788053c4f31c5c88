"""Benchmark: what a planner waits for, and what the music pays, when a campaign is previewed.

    python bench/preview_cost.py [--runs 3] [--seconds 20] [--record]

The preview (daemon/preview.py, `GET /api/scripts/{v}/preview`): the example store's
library (its approved scripts) with the unapproved `christmas-draft` campaign as the
candidate over its own dates from 2026-12-01 (25 days; the next preview from 2026-12-02,
24 days), each day planned twice (with it and
without) and simulated twice with the default typical pages, in the preview process
(daemon/previewer.py): the first preview of a fresh `Previewer` (its process starts and
loads the store), then the next (another first day, so not from its cache), median of
--runs; then the break to listen to (`listen`, the WAV rendered anew each run). Beside
them, the same days' planning and simulation timed on their own (a day planned, a day
simulated, medians), so that the preview's own overhead shows.

What the music pays: the live driver on the benchmark store (real recorded music, Debian's
extremetuxracer-data, 44.1 and 48 kHz Vorbis: every block resampled) played in real time to
miniaudio's null device for --seconds, every device callback (`Live._pull`) timed, twice in
one run: once with nothing else running (the reference: the same playout, the same files),
once with previews running one after the other for the whole time (the service's worst
case: planners clicking again and again; their process started before), and once with the
same previews on a thread of the playing process instead (how they ran before b9bc4ba). The
figure a person would hear is a callback over the 10 ms period (an underrun: silence); the
target is that the previews change neither the callbacks' tail nor the underruns.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.render_hour import bench_day, example_day  # noqa: E402
from bench.report import report  # noqa: E402
from daemon.audio.format import Block  # noqa: E402
from daemon.audio.sinks import DeviceSink  # noqa: E402
from daemon.dayplan import build_day_plan  # noqa: E402
from daemon.drivers.live import Live  # noqa: E402
from daemon.drivers.simulate import simulate  # noqa: E402
from daemon.preview import TypicalPages, simulate_days  # noqa: E402
from daemon.previewer import Previewer  # noqa: E402
from daemon.service import SWITCH_INTERVAL  # noqa: E402
from daemon.speech.speaker import open_speaker  # noqa: E402

FIRST = date(2026, 12, 1)
CANDIDATE = "christmas-draft"
PAGES = TypicalPages.from_history([], 14)


def preview_times(runs: int, folder: Path) -> dict[str, list[float] | int]:
    """Seconds per run: the first preview (the preview process starts and loads the store),
    the next one (another first day: computed again, in the running process), the break;
    the days simulated; a day planned and simulated on its own (ms)."""
    example = example_day(events=False)
    catalog = example.catalog
    speaker = open_speaker(catalog.config.speech, catalog.config.state_dir)
    candidate = next(s for s in catalog.scripts if s.id == CANDIDATE)
    out: dict[str, list[float] | int] = {k: [] for k in ("cold", "warm", "listen", "plan", "sim")}

    def took(key: str, began: float) -> None:
        out[key].append(time.perf_counter() - began)  # type: ignore[union-attr]

    for n in range(runs):
        previewer = Previewer(lambda: catalog, folder / f"run-{n}")
        try:
            began = time.perf_counter()
            previewer.days(candidate, FIRST, PAGES)
            took("cold", began)
            began = time.perf_counter()
            second = previewer.days(candidate, FIRST.replace(day=2), PAGES)
            took("warm", began)
            out["days"] = len(second.days)
            began = time.perf_counter()
            previewer.listen(second)
            took("listen", began)
        finally:
            previewer.close()
    for _ in range(runs * 5):
        began = time.perf_counter()
        plan, _ = build_day_plan(catalog, FIRST, speaker)
        took("plan", began)
        began = time.perf_counter()
        simulate(plan, PAGES.commands(plan))
        took("sim", began)
    return out


def playout(seconds: float, folder: Path, busy: str = "") -> list[float]:
    """Every callback's duration (ms) of `seconds` of real-time playout, with previews
    running meanwhile: `busy` "process" (the service's way), "thread" (the same work on a
    thread of this process, as before b9bc4ba), "" none."""
    (folder / "bench").mkdir(exist_ok=True)
    example, store = bench_day(folder / "bench"), example_day(events=False)
    catalog = store.catalog
    candidate = next(s for s in catalog.scripts if s.id == CANDIDATE)
    durations: list[float] = []
    stop = threading.Event()

    previewer = Previewer(lambda: catalog, folder / "busy")
    previewer.days(candidate, FIRST, PAGES)  # its process started before the playout

    def previews() -> None:
        n = 1
        while not stop.is_set():
            first = FIRST.replace(day=1 + n % 20)
            if busy == "process":
                previewer.days(candidate, first, PAGES)
            else:
                simulate_days(catalog.config.file, catalog.scripts, candidate, first, PAGES)
            n += 1

    settings, known = example.catalog.config.audio, example.media.known
    live = Live(example.plan, DeviceSink("null"), settings, known, start=example.at(15))
    pull = live._pull

    def timed(count: int) -> Block:
        began = time.perf_counter()
        try:
            return pull(count)
        finally:
            durations.append((time.perf_counter() - began) * 1e3)

    live._pull = timed  # type: ignore[method-assign]
    worker = threading.Thread(target=previews, name="bench-previews", daemon=True)
    if busy:
        worker.start()
    try:
        live.run(until=example.at(15) + seconds)
    finally:
        stop.set()
    if busy:
        worker.join()
    previewer.close()
    return durations


def tail(durations: list[float]) -> str:
    ordered = sorted(durations)
    p99 = ordered[int(len(ordered) * 0.99)]
    over = sum(d > 2 for d in ordered), sum(d > 10 for d in ordered)
    return (
        f"{len(ordered):,} callbacks: p50 {statistics.median(ordered):.3f} ms, p99 {p99:.3f} ms, "
        f"max {ordered[-1]:.2f} ms; over 2 ms {over[0]}, over 10 ms (underruns) {over[1]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    sys.setswitchinterval(SWITCH_INTERVAL)  # as the service runs
    with tempfile.TemporaryDirectory(prefix="preview-cost-") as scratch:
        folder = Path(scratch)
        times = preview_times(args.runs, folder)
        idle = playout(args.seconds, folder)
        busy = playout(args.seconds, folder, busy="process")
        threaded = playout(args.seconds, folder, busy="thread")

    def median(key: str, scale: float = 1.0) -> float:
        values = times[key]
        assert isinstance(values, list)
        return statistics.median(values) * scale

    def listed(key: str) -> str:
        values = times[key]
        assert isinstance(values, list)
        return ", ".join(f"{v:.2f}" for v in values)

    days = times["days"]
    assert isinstance(days, int)
    alone = 2 * (median("plan", 1e3) + median("sim", 1e3))
    results = {
        "the preview, first (its process starts, loads the store)": f"{CANDIDATE} over "
        f"{days} days on the example store: median {median('cold'):.2f} s of {args.runs} "
        f"({listed('cold')} s)",
        "the preview, next (the process running)": f"{days} days: median "
        f"{median('warm'):.2f} s ({listed('warm')} s), {median('warm', 1e3) / days:.0f} ms a day",
        "the same work on its own, in this process": f"a day planned "
        f"{median('plan', 1e3):.1f} ms, simulated with the typical pages "
        f"{median('sim', 1e3):.1f} ms (medians of {args.runs * 5}): 2 x both = {alone:.0f} ms "
        f"a day; the next preview's day against it: {median('warm', 1e3) / days / alone:.2f} "
        "(its process on a core of its own; the days differ a little)",
        "the break to listen to": f"median {median('listen'):.2f} s ({listed('listen')} s): the "
        "day simulated again, the break rendered to WAV",
        "playout alone (reference)": tail(idle),
        "playout while previews run without a pause": tail(busy),
        "the same, the previews on a thread of the playing process (before b9bc4ba)": tail(
            threaded
        ),
    }
    ratio = sorted(busy)[int(len(busy) * 0.99)] / sorted(idle)[int(len(idle) * 0.99)]
    results["p99 callback, previews / alone"] = f"{ratio:.2f}"
    on_thread = sorted(threaded)[int(len(threaded) * 0.99)] / sorted(idle)[int(len(idle) * 0.99)]
    results["p99 callback, previews on a thread / alone"] = f"{on_thread:.2f}"
    report("preview_cost.py", results, args.record)


if __name__ == "__main__":
    main()
