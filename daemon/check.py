"""`mall-pa check`: before opening, everything of the day decodes and the speakers answer (B1).

Every song of the playlists, every sting and every approved script's audio (recorded or
rendered speech) is decoded in full, whatever the cache says; the output device is opened
and fed a moment of silence. A script approved after the day checked is a failure (B6: it
does not air that day, and the date is most likely a typo); so is a daypart with no song
that plays (its hours borrow another list: the report says which). The report names each failure;
the exit status is 1 if any.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from daemon import approval, separation_notes
from daemon.audio.format import Block, silence
from daemon.audio.sinks import DeviceError, open_sink
from daemon.audio.truncation import truncated
from daemon.catalog.load import Catalog
from daemon.dayplan import Unfit, build_day_plan, emergency_presets
from daemon.model import FALLBACK, Daypart, DayPlan, Track
from daemon.music import MusicProgram
from daemon.speech.phrasebank import required_phrases
from daemon.speech.speaker import Speaker

__all__ = ["Report", "check", "inspect"]


@dataclass(frozen=True, slots=True)
class Report:
    """What the check found: failures stop the day's items from airing; notes do not."""

    lines: tuple[str, ...]  # the summary, for a person
    failures: tuple[str, ...]
    notes: tuple[str, ...]


def inspect(catalog: Catalog, speaker: Speaker, day: date) -> Report:
    """Decode every file of `day` in full, speak the day's scripts, list what will not air.

    The output device is not touched (the service's is busy playing; `check` tests it)."""
    media = catalog.media
    began = time.perf_counter()
    plan, found = build_day_plan(catalog, day, speaker)
    notes = [n for n in found if not isinstance(n, Unfit)]
    presets = emergency_presets(catalog, speaker)
    late = [s for s in catalog.scripts if approval.approved_later(s, day)]
    held = {approval.note(s, day) for s in late}  # said in full by the failure instead
    notes = [n for n in notes if n not in held] + _voice_pack_notes(speaker)
    notes += separation_notes.notes(plan)  # lists too short for the separation settings
    failures = [str(approval.problem(s, day)) for s in late]
    failures += [str(n) for n in found if isinstance(n, Unfit)]
    seconds = 0.0
    broken: set[Path] = set()  # files that do not decode

    def need(what: str, track: Track | None) -> None:
        nonlocal seconds
        if track is None:
            return
        if track.playable:
            track = media.track(track.path, track.title)  # decoded once, by this cache
        measured = media.analysis(track.path) if track.playable else None
        cut = None if measured is None else truncated(track.path, measured.seconds)
        if not track.playable or cut:
            failures.append(f"{what} {track.path}: {track.problem or cut}")
            broken.add(track.path)
        else:
            seconds += track.duration or 0.0
            if track.note:
                notes.append(f"{what} {track.path}: {track.note}")

    for path, tracks in catalog.playlists.items():
        for track in tracks:
            need(f"playlist {path.name}: track", track)
    failures += _silent_dayparts(plan, broken)
    need("intro sting", catalog.intro)
    need("outro sting", catalog.outro)
    need("alert tone", plan.alert)  # the config's, or the default one
    need("opening song", catalog.opening_song)
    need("closing song", catalog.closing_song)
    aired = (
        {s.script.id: s.script for s in plan.fixed}
        | {c.script.id: c.script for c in plan.campaigns}
        | {clear.id: clear for _, clear in plan.all_clears}
    )
    for script in [*aired.values(), *presets.values()]:
        need(f"script {script.id}: audio", script.audio)
    media.save()
    decoded = time.perf_counter() - began
    store = catalog.config.store
    songs = sum(len(t) for t in catalog.playlists.values())
    lines = (
        f"{store.name}: {day}, open {store.opening:%H:%M}-{store.closing:%H:%M} ({store.timezone})",
        f"  {len(plan.dayparts)} dayparts, {songs} songs, {len(plan.fixed)} fixed slots, "
        f"{len(plan.campaigns)} campaigns today, {len(presets)} emergency presets",
        f"  decoded {seconds / 3600:.1f} h of audio in {decoded:.1f} s",
    )
    return Report(lines, tuple(failures), tuple([str(p) for p in catalog.notes] + notes))


def check(catalog: Catalog, speaker: Speaker, day: date) -> int:
    """Print the report for `day`; 0 when all is well, 1 on any failure.

    The catalog must be loaded with `verify=True`: its files are then decoded in full once,
    and the speech the day plan renders is decoded by the same media cache."""
    report = inspect(catalog, speaker, day)
    failures = list(report.failures)
    output, problem = _output(catalog.config.audio.device)
    if problem:
        failures.append(problem)
    for line in report.lines:
        print(line)
    print(f"  output: {output}")
    for note in report.notes:
        print(f"  note: {note}")
    for failure in failures:
        print(f"  FAIL: {failure}")
    print(
        "  all files of the day decode and the output answers"
        if not failures
        else f"  {len(failures)} failure(s)"
    )
    return 1 if failures else 0


def _output(device: str | None) -> tuple[str, str]:
    """Open the output and play a tenth of a second of silence: (description, failure)."""
    try:
        sink = open_sink(device)
    except DeviceError as err:
        return "none", f"output device: {err}"
    remaining = [4800]

    def pull(count: int) -> Block:
        take = min(count, remaining[0])
        remaining[0] -= take
        return silence(take)

    try:
        sink.play(pull)
    except Exception as err:  # a device that opens but will not play is a failure, not a crash
        return sink.name, f"output device {sink.name} does not play: {err}"
    finally:
        sink.close()
    if sink.warning:
        return f"{sink.name} -- WARNING: {sink.warning}", ""
    return f"{sink.name} answered", ""


def _silent_dayparts(plan: DayPlan, broken: set[Path]) -> list[str]:
    """A failure for each daypart none of whose songs plays, saying what plays instead (as
    the music program will choose it, with the files that do not decode left out)."""

    def without_broken(part: Daypart) -> Daypart:
        tracks = tuple(replace(t, duration=None) if t.path in broken else t for t in part.tracks)
        return replace(part, tracks=tracks)

    parts = tuple(without_broken(p) for p in plan.dayparts)
    spare = None if plan.fallback is None else without_broken(plan.fallback)
    music = MusicProgram(parts, plan.seed, plan.separation, fallback=spare)
    found = []
    for part in parts:
        if any(t.playable for t in part.tracks):
            continue
        source = music.source_at(part.start)
        if source is None:
            instead = "no list has a song to play: set music.fallback to a playlist that has"
        elif source.name == FALLBACK:
            instead = f"music.fallback ({source.playlist.name}) plays instead"
        else:
            instead = f"daypart {source.name}'s list plays instead"
        found.append(
            f"daypart {part.name}: no song of its playlist {part.playlist} can be played "
            f"({len(part.tracks)} entries); {instead}. Fix or replace its files"
        )
    return found


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
