"""Benchmark: the loudness and true peak of every item in a rendered hour of real music,
measured by an independent meter (issue 11, item 2: each song within 1 LU of
`audio.target_lufs`, speech 3 +- 1 dB above the music, true peak <= -1 dBTP).

    python bench/loudness.py [--record]

The benchmark store (Debian's extremetuxracer-data songs: orchestral game music, 44.1 and
48 kHz Vorbis, dynamic and peaky; bench/render_hour.py builds it) renders 15:00-16:00 on
2026-11-23 with its emergency 15:02-15:06:30 into a 16-bit WAV, as `mall-pa render` does.
Each item that aired whole for more than 3 s is then measured in that WAV by ffmpeg's
`ebur128` filter (`peak=true`: 4x oversampled true peak), one ffmpeg process per item: its
integrated loudness and its true peak. Beside each figure, the reference: what the old gain
(capped so that the file's sample peak stays at -1 dBFS) gave the same file, from the same
file's own measurement (its loudness plus that gain). `--record` appends to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.render_hour import _tracks, bench_day, ensure_tool  # noqa: E402
from bench.report import report  # noqa: E402
from daemon.audio.levels import gain_db  # noqa: E402
from daemon.audio.sinks import WavSink  # noqa: E402
from daemon.drivers.render import render  # noqa: E402
from daemon.emergency import ALERT_TITLE  # noqa: E402
from daemon.model import AsRunEntry, ItemKind  # noqa: E402

SPEECH = (ItemKind.ANNOUNCEMENT, ItemKind.EMERGENCY)  # the emergency's messages, not its tone


def meter(wav: Path, start: float, seconds: float) -> tuple[float, float]:
    """ffmpeg's integrated loudness (LUFS) and true peak (dBTP) of a stretch of `wav`."""
    done = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-ss", f"{start:.3f}",
         "-t", f"{seconds:.3f}", "-i", str(wav), "-af", "ebur128=peak=true", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    summary = done.stderr[done.stderr.rfind("Summary:") :]
    loud = re.search(r"I:\s+(-?[0-9.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[0-9.]+|-inf) dBFS", summary)
    if loud is None or peak is None:
        raise SystemExit(f"no ebur128 summary from ffmpeg:\n{done.stderr[-2000:]}")
    return float(loud.group(1)), float(peak.group(1))


def spread(values: list[float]) -> str:
    return f"{min(values):.1f} to {max(values):.1f} (median {statistics.median(values):.1f})"


def measure() -> dict[str, str]:
    installed = ensure_tool("ffmpeg", "ffmpeg")
    with tempfile.TemporaryDirectory(prefix="loudness-") as scratch:
        example = bench_day(Path(scratch))
        settings = example.catalog.config.audio
        wav = Path(scratch) / "hour.wav"
        start, end = example.at(15), example.at(16)
        timeline = render(example.plan, example.commands, start, end, WavSink(wav), settings,
                          example.media.analysis)  # fmt: skip
        files = _tracks(example)
        songs: list[tuple[float, float, float]] = []  # (ours, old cap's, true peak)
        speech: list[tuple[float, float, float]] = []
        for entry in timeline:
            if not _whole(entry, start, end) or entry.kind not in (ItemKind.MUSIC, *SPEECH):
                continue
            if entry.title == ALERT_TITLE:
                continue
            path = Path(entry.ref) if entry.kind is ItemKind.MUSIC else files[entry.ref].path
            analysis = example.media.analysis(path)
            if analysis is None:
                continue
            loud, peak = meter(wav, entry.start - start, entry.end - entry.start)
            is_speech = entry.kind in SPEECH
            wanted = gain_db(analysis, is_speech, settings)
            old = analysis.loudness + min(wanted, -1.0 - analysis.peak_db)
            (speech if is_speech else songs).append((loud, old, peak))
    target = settings.target_lufs
    out = {
        "what": f"2026-11-23 15:00-16:00 on the benchmark store (Debian's extremetuxracer-data) "
        f"rendered to a 16-bit WAV; {len(songs)} songs and {len(speech)} spoken items "
        "(announcements, the emergency's messages) that aired whole for more than 3 s, each "
        "measured by ffmpeg's ebur128 (peak=true)" + (f"; {installed}" if installed else ""),
        f"songs: loudness, LUFS (target {target:g}, within 1 LU)": spread([s[0] for s in songs])
        + f"; {sum(abs(s[0] - target) <= 1.0 for s in songs)} of {len(songs)} within 1 LU",
        "songs, reference: the old sample-peak cap on the same files": spread(
            [s[1] for s in songs]
        ),
    }
    if speech:
        music = statistics.median(s[0] for s in songs)
        above = [s[0] - music for s in speech]
        out["speech: dB above the songs' median (target 3 +- 1)"] = (
            spread(above) + f"; reference, the old cap: "
            f"{spread([s[1] - statistics.median(x[1] for x in songs) for s in speech])}"
        )
    peaks = [s[2] for s in songs + speech]
    out["true peak, dBTP (target <= -1)"] = (
        f"highest {max(peaks):.2f}; median {statistics.median(peaks):.2f}"
    )
    return out


def _whole(entry: AsRunEntry, start: float, end: float) -> bool:
    return (
        not entry.interrupted and entry.start >= start and entry.end <= end
        and entry.end - entry.start > 3.0
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    report("loudness.py", measure(), args.record)


if __name__ == "__main__":
    main()
