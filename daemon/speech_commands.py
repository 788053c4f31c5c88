"""`mall-pa speak` and `mall-pa page`: hear a text or a page exactly as it would air.

    mall-pa speak "顾客朋友们,本店将于22:00打烊" --out closing.wav
    mall-pa page --kind staff --name 李 --honorific 小姐 --place 三楼办公室 --out p.wav

With `--config` the store's voice, paging rules, voice pack and render cache are used;
without, the defaults (espeak-ng's calm Mandarin voice, the standard templates).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from daemon.catalog.config import load_config
from daemon.catalog.scripts import MAX_TEXT
from daemon.files import replace_file
from daemon.speech.speaker import Rendered, Speaker, SpeechSettings, open_speaker
from daemon.speech.wording import PAGE_KINDS, PageRefused, PageRequest

__all__ = ["add_speech_commands", "run_speech_command"]


def add_speech_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `speak` and `page` on the main parser's subcommands."""
    speak = commands.add_parser("speak", help="render a text in the announcement voice")
    speak.add_argument("text", help="what to say; numbers, times and floors are read out")
    speak.add_argument("--repeat", type=int, choices=range(1, 5), default=1, metavar="1-4",
                       help="readings (default 1)")  # fmt: skip
    page = commands.add_parser("page", help="word and render a page (B11 rules enforced)")
    page.add_argument("--kind", choices=PAGE_KINDS, default="customer")
    for field in ("name", "honorific", "place", "plate", "note"):
        page.add_argument(f"--{field}", default="")
    for command in (speak, page):
        command.add_argument("--out", type=Path, required=True, help="the WAV file to write")
        command.add_argument("--config", type=Path, help="the store's mall-pa.toml (optional)")


def run_speech_command(args: argparse.Namespace) -> int:
    """Run `speak` or `page`; a refused page prints why and returns 2."""
    with tempfile.TemporaryDirectory(prefix="mall-pa-speech-") as scratch:
        speaker = _speaker(args.config, Path(scratch))
        if args.command == "speak":
            if not 0 < len(args.text.strip()) <= MAX_TEXT:
                found = f"{len(args.text)} characters" if args.text.strip() else "nothing"
                print(f"mall-pa: expected a text of 1 to {MAX_TEXT} characters, found {found}",
                      file=sys.stderr)  # fmt: skip
                return 2
            rendered = speaker.say(args.text, args.repeat)
        else:
            request = PageRequest(
                args.kind, args.name, args.honorific, args.place, args.plate, args.note
            )
            try:
                rendered = speaker.page(request)
            except PageRefused as refusal:
                print(f"mall-pa: page refused ({refusal.code}): {refusal.message}", file=sys.stderr)
                return 2
        return _write(rendered, args.out)


def _speaker(config_path: Path | None, scratch: Path) -> Speaker:
    if config_path is None:
        return open_speaker(SpeechSettings(), scratch)
    config = load_config(config_path)
    return open_speaker(config.speech, config.state_dir)


def _write(rendered: Rendered, out: Path) -> int:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with rendered.path.open("rb") as source:
            replace_file(out, lambda file: shutil.copyfileobj(source, file))
    except OSError as error:
        print(f"mall-pa: cannot write {out}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"{out}: {rendered.duration:.2f} s ({rendered.voice}): {rendered.text}")
    return 0
