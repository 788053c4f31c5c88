"""The `mall-pa` command line: simulate, render or play a day, check the store, speak.

Mistakes in the inputs print every problem (file, where, expected, found) and exit 2;
`check` exits 1 when something of the day cannot be played.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from daemon import what_if
from daemon.audio_commands import add_audio_commands, run_audio_command
from daemon.catalog.load import Catalog, load_catalog
from daemon.catalog.problems import InputError
from daemon.check import check
from daemon.dayplan import build_day_plan, emergency_presets
from daemon.drivers.simulate import simulate
from daemon.speech.engines import EngineUnavailable
from daemon.speech.recording import RecordingRefused
from daemon.speech.speaker import Speaker, open_speaker
from daemon.speech_commands import add_speech_commands, run_speech_command
from daemon.timeline import Punctuality, format_jsonl, format_table
from daemon.user_commands import add_user_commands, run_user_command

__all__ = ["main"]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date like 2026-11-23, found {text!r}"
        ) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mall-pa", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    sim = commands.add_parser("simulate", help="print what will air all day, in moments")
    sim.add_argument("--config", type=Path, required=True, help="the store's mall-pa.toml")
    sim.add_argument("--date", type=_day, help="YYYY-MM-DD (default: the store's today)")
    sim.add_argument("--events", type=Path, help="JSON lines of pages and emergencies to play out")
    sim.add_argument("--format", choices=["jsonl", "table"], default="jsonl")
    check = commands.add_parser("check", help="check the store's files before opening (B1)")
    check.add_argument("--config", type=Path, required=True)
    check.add_argument("--date", type=_day, help="YYYY-MM-DD (default: the store's today)")
    add_speech_commands(commands)
    add_audio_commands(commands, _day)
    add_user_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command in ("speak", "page"):
            return run_speech_command(args)
        if args.command == "user":
            return run_user_command(args)
        catalog = load_catalog(args.config, verify=args.command == "check")
        if getattr(args, "date", None) is None:  # the store's today, never the host's
            args.date = datetime.now(catalog.config.store.timezone).date()
        speaker = open_speaker(catalog.config.speech, catalog.config.state_dir)
        if args.command == "simulate":
            return _simulate(catalog, speaker, args)
        if args.command == "check":
            return check(catalog, speaker, args.date)
        return run_audio_command(args, catalog)
    except InputError as err:
        print(f"mall-pa: {len(err.problems)} problem(s) in the store's files:", file=sys.stderr)
        for problem in err.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    except EngineUnavailable as err:
        print(f"mall-pa: the speech engine cannot start: {err}", file=sys.stderr)
        return 2
    except RecordingRefused as err:  # a script's recording changed after it was checked
        print(f"mall-pa: a recording cannot air: {err.message}", file=sys.stderr)
        return 2


def _simulate(catalog: Catalog, speaker: Speaker, args: argparse.Namespace) -> int:
    plan, _ = build_day_plan(catalog, args.date, speaker)
    zone = plan.zone
    commands = []
    if args.events:
        presets = emergency_presets(catalog, speaker)
        # no measure=: nothing is heard, so measuring the pages' speech would only cost time
        commands = what_if.commands(args.events, args.date, zone, presets, speaker)
    timeline = simulate(plan, commands)
    with contextlib.suppress(OSError):  # the speech just measured: a cache, not the answer
        catalog.media.save()
    base = catalog.config.file.parent.resolve()
    if args.format == "jsonl":
        sys.stdout.write(format_jsonl(timeline, zone, base))
    else:
        sys.stdout.write(format_table(timeline, zone, base))
        print(f"\n{Punctuality(timeline).summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
