"""`mall-pa render` and `mall-pa run`: the day as real sound, to a file or to the speakers.

    mall-pa render --config mall-pa.toml --date 2026-11-23 --from 15:00 --to 15:20 \\
        --events what-if.jsonl --out preview.wav     # also writes preview.wav.timeline.jsonl
    mall-pa run --config mall-pa.toml                # today, live, until stopped
"""

from __future__ import annotations

import argparse
import logging
import sys
import time as timer
from collections.abc import Callable
from datetime import date, time
from pathlib import Path

from daemon import what_if
from daemon.audio.sinks import DeviceError, WavSink
from daemon.catalog.load import Catalog
from daemon.dayplan import build_day_plan, emergency_presets
from daemon.drivers.render import render
from daemon.files import replace_file
from daemon.model import ItemKind
from daemon.recurrence import local_instant, parse_clock
from daemon.service_log import StoreClockFormatter
from daemon.speech.speaker import open_speaker
from daemon.store import StoreError
from daemon.timeline import format_jsonl

__all__ = ["add_audio_commands", "run_audio_command"]


def add_audio_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], day: Callable[[str], date]
) -> None:
    """Register `render` and `run`; `day` parses --date."""
    preview = commands.add_parser("render", help="render a window of a day to a WAV file")
    preview.add_argument("--config", type=Path, required=True)
    preview.add_argument("--date", type=day, help="YYYY-MM-DD (default: the store's today)")
    preview.add_argument("--from", dest="start", default=None, help="HH:MM (default: opening)")
    preview.add_argument("--to", dest="end", default=None, help="HH:MM (default: an hour later)")
    preview.add_argument("--events", type=Path, help="JSON lines of pages and emergencies")
    preview.add_argument("--out", type=Path, required=True, help="the WAV file to write")
    live = commands.add_parser("run", help="play today to the speakers until stopped")
    live.add_argument("--config", type=Path, required=True)
    live.add_argument("--device", help="playback device by name (overrides audio.device)")
    live.add_argument("--seconds", type=_seconds, help="stop after this many seconds")


def run_audio_command(args: argparse.Namespace, catalog: Catalog) -> int:
    return _render(catalog, args) if args.command == "render" else _run(catalog, args)


def _clock(text: str | None, option: str) -> time | None:
    if text is None:
        return None
    clock = parse_clock(text)
    if clock is None:
        raise _Usage(f"{option}: expected a time like 15:00, found {text!r}")
    return clock


MAX_SECONDS = 7 * 24 * 3600.0  # the longest --seconds: a week


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= MAX_SECONDS:  # nan, inf and the negative too
        raise argparse.ArgumentTypeError(
            f"expected seconds from 0 to {MAX_SECONDS:.0f} (a week), found {text!r}"
        )
    return value


class _Usage(Exception):
    pass


def _render(catalog: Catalog, args: argparse.Namespace) -> int:
    speaker = open_speaker(catalog.config.speech, catalog.config.state_dir)
    plan, _ = build_day_plan(catalog, args.date, speaker)
    zone = plan.zone
    try:
        start_clock = _clock(args.start, "--from")
        end_clock = _clock(args.end, "--to")
    except _Usage as err:
        print(f"mall-pa: {err}", file=sys.stderr)
        return 2
    start = plan.opening if start_clock is None else local_instant(args.date, start_clock, zone)
    end = start + 3600 if end_clock is None else local_instant(args.date, end_clock, zone)
    end = min(end, plan.day_end)
    if not start < end:
        print("mall-pa: --to must be later than --from, on the same day", file=sys.stderr)
        return 2
    media = catalog.media
    commands = []
    if args.events:
        presets = emergency_presets(catalog, speaker)
        commands = what_if.commands(
            args.events, args.date, zone, presets, speaker, measure=media.analysis
        )
    began = timer.perf_counter()
    try:
        timeline = render(
            plan, commands, start, end, WavSink(args.out), catalog.config.audio, media.analysis
        )
    except OSError as err:
        print(f"mall-pa: cannot write {args.out}: {err.strerror or err}", file=sys.stderr)
        return 2
    took = timer.perf_counter() - began
    media.save()
    base = catalog.config.file.parent.resolve()
    log = Path(f"{args.out}.timeline.jsonl")
    text = format_jsonl(timeline, zone, base).encode()
    try:
        replace_file(log, lambda file: file.write(text))
    except OSError as err:
        print(f"mall-pa: cannot write {log}: {err.strerror or err}", file=sys.stderr)
        return 2
    skipped = sum(e.kind is ItemKind.SKIPPED for e in timeline)
    print(
        f"{args.out}: {end - start:.0f} s of audio rendered in {took:.1f} s "
        f"({(end - start) / max(took, 1e-9):.0f}x real time); {len(timeline)} timeline entries, "
        f"{skipped} skipped, in {log}"
    )
    return 0


def _run(catalog: Catalog, args: argparse.Namespace) -> int:
    """Play today live, and every day after, until stopped (the service)."""
    out = logging.StreamHandler(sys.stdout)
    out.setFormatter(StoreClockFormatter(catalog.config.store.timezone))
    logging.basicConfig(level=logging.INFO, handlers=[out])
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per heartbeat
    from daemon.service import Service, ServiceError  # the web stack: only `run` needs it

    service = Service(catalog, device=args.device, seconds=args.seconds)
    try:
        return service.run()
    except (DeviceError, ServiceError, StoreError) as err:
        print(f"mall-pa: {err}", file=sys.stderr)
        return 2
