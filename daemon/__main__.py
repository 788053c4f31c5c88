"""The `mall-pa` command line: simulate a day, check the store before opening, speak.

Mistakes in the inputs print every problem (file, where, expected, found) and exit 2;
`check` exits 1 when something of the day cannot be played.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from daemon.catalog.events import load_events
from daemon.catalog.load import Catalog, load_catalog
from daemon.catalog.problems import InputError
from daemon.dayplan import build_day_plan, emergency_presets
from daemon.drivers.simulate import simulate
from daemon.model import Track
from daemon.speech.engines import EngineUnavailable
from daemon.speech.phrasebank import required_phrases
from daemon.speech.recording import RecordingRefused
from daemon.speech.speaker import Speaker, open_speaker
from daemon.speech_commands import add_speech_commands, run_speech_command
from daemon.timeline import Punctuality, format_jsonl, format_table

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
    sim.add_argument("--date", type=_day, default=date.today(), help="YYYY-MM-DD (default today)")
    sim.add_argument("--events", type=Path, help="JSON lines of pages and emergencies to play out")
    sim.add_argument("--format", choices=["jsonl", "table"], default="jsonl")
    check = commands.add_parser("check", help="check the store's files before opening (B1)")
    check.add_argument("--config", type=Path, required=True)
    check.add_argument("--date", type=_day, default=date.today())
    add_speech_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command in ("speak", "page"):
            return run_speech_command(args)
        catalog = load_catalog(args.config)
        speaker = open_speaker(catalog.config.speech, catalog.config.state_dir)
        if args.command == "simulate":
            return _simulate(catalog, speaker, args)
        return _check(catalog, speaker, args.date)
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
        commands = load_events(args.events, args.date, zone, presets, speaker)
    timeline = simulate(plan, commands)
    base = catalog.config.file.parent.resolve()
    if args.format == "jsonl":
        sys.stdout.write(format_jsonl(timeline, zone, base))
    else:
        sys.stdout.write(format_table(timeline, zone, base))
        print(f"\n{Punctuality(timeline).summary()}")
    return 0


def _check(catalog: Catalog, speaker: Speaker, day: date) -> int:
    """Report every file of the day that cannot be played, and scripts that will not air."""
    plan, notes = build_day_plan(catalog, day, speaker)
    notes += _voice_pack_notes(speaker)
    failures: list[str] = []

    def need(what: str, track: Track | None) -> None:
        if track is not None and not track.playable:
            failures.append(f"{what} {track.path}: {track.problem}")

    for path, tracks in catalog.playlists.items():
        for track in tracks:
            need(f"playlist {path.name}: track", track)
    need("intro sting", catalog.intro)
    need("outro sting", catalog.outro)
    need("alert tone", catalog.alert)
    need("opening song", catalog.opening_song)
    need("closing song", catalog.closing_song)
    for script in catalog.scripts:
        need(f"script {script.id}: audio", script.audio)
    store = catalog.config.store
    print(
        f"{store.name}: {day}, open {store.opening:%H:%M}-{store.closing:%H:%M} ({store.timezone})"
    )
    songs = sum(len(t) for t in catalog.playlists.values())
    print(
        f"  {len(plan.dayparts)} dayparts, {songs} songs, {len(plan.fixed)} fixed slots, "
        f"{len(plan.campaigns)} campaigns today, "
        f"{len(emergency_presets(catalog, speaker))} emergency presets"
    )
    for note in [str(p) for p in catalog.notes] + notes:
        print(f"  note: {note}")
    for failure in failures:
        print(f"  FAIL: {failure}")
    print(
        "  all files of the day can be played" if not failures else f"  {len(failures)} failure(s)"
    )
    return 1 if failures else 0


def _voice_pack_notes(speaker: Speaker) -> list[str]:
    """What the voice pack lacks: those phrases are synthesised until recorded."""
    pack = speaker.pack
    if pack is None:
        return ["no voice pack: pages are read by the synthetic voice"]
    notes = [
        f"voice pack {pack.folder.name}: {file.name}: {why}"
        for file, why in pack.problems().items()
    ]
    wanted = required_phrases(speaker.rules)
    lacking = pack.missing(wanted)
    if lacking:
        notes.append(
            f"voice pack {pack.folder.name} lacks {len(lacking)} of {len(wanted)} phrases "
            f"(pages using them are synthesised): {'、'.join(lacking)}"
        )
    else:
        notes.append(f"voice pack {pack.folder.name}: all {len(wanted)} phrases recorded")
    return notes


if __name__ == "__main__":
    sys.exit(main())
