"""The `mall-pa` command line: simulate, render or play a day, check the store, speak.

Exit status: 0 done; 1 `check` found something of the day that cannot be played; 2 a mistake
in the arguments or the store's files (every problem printed: file, where, expected, found);
130 stopped by Ctrl-C; 141 the reader of the output went away (`| head`); 70 a bug in
mall-pa: one line on the terminal, the traceback in a file it names. Never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import traceback
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


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # the days mall-pa plans
BROKEN_PIPE, INTERRUPTED, BUG = 141, 130, 70  # exit statuses (see above)


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date like 2026-11-23, found {text!r}"
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            f"expected a date from {FIRST_DAY} to {LAST_DAY}, found {text!r}"
        )
    return day


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
    """Run one command; its exit status (see the module). Never raises but SystemExit."""
    try:
        return _main(argv)
    except BrokenPipeError:  # `mall-pa simulate | head`: the rest is not wanted
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    except KeyboardInterrupt:
        print("mall-pa: stopped (Ctrl-C)", file=sys.stderr)
        return INTERRUPTED
    except Exception as err:  # a bug: said in one line, the details kept for whoever fixes it
        print(f"mall-pa: unexpected error, a bug in mall-pa: {_kept(err)}", file=sys.stderr)
        return BUG


def _kept(err: Exception) -> str:
    """`err` in words, and where its traceback was written."""
    said = f"{type(err).__name__}: {err}"
    try:
        fd, name = tempfile.mkstemp(prefix="mall-pa-error-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("".join(traceback.format_exception(err)))
    except OSError:
        return said
    return f"{said}. The details are in {name}: send that file to whoever looks after mall-pa"


def _main(argv: Sequence[str] | None) -> int:
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
