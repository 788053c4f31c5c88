"""The render driver's output, analysed sample by sample against its own timeline."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyebur128
import pytest

from daemon.audio.format import RATE, Block, db_to_gain
from daemon.audio.levels import AudioSettings, gain_db
from daemon.audio.sinks import FakeSink
from daemon.catalog.media import MediaCache
from daemon.drivers.render import render
from daemon.drivers.simulate import simulate
from daemon.model import AsRunEntry, FixedSlot, ItemKind, Page, ScheduledCommand
from daemon.timeline import window
from tests.audio.tones import ToneStore, write_png
from tests.factory import PlanSpec, at, clear, emergency, emergency_script, fixed_script

SPEC = PlanSpec(
    opening="15:00",
    closing="15:08",
    dayparts=(("15:00", "15:08", (20.0, 24.0, 28.0, 22.0), False),),
    opening_song=8.0,
    closing_song=10.0,
    intro=1.5,
    outro=1.0,
    alert=0.5,
)
START, END = "14:59:58", "15:03:00"


class Render:
    """A tone store, rendered from START to END into a fake sink."""

    def __init__(
        self,
        folder: Path,
        commands: Callable[[Render], list[ScheduledCommand]] | None = None,
        settings: AudioSettings | None = None,
        fixed_at: str | None = "15:00:20",
        store: ToneStore | None = None,
    ) -> None:
        self.store = store or ToneStore(folder, SPEC)
        plan = self.store.plan
        if fixed_at is not None and not plan.fixed:
            speech = self.store.speech("welcome", 6.0)
            script = replace(fixed_script("welcome", [fixed_at]), audio=speech)
            slot = FixedSlot(at(plan, fixed_at), script, 6.0)
            plan = replace(plan, fixed=(slot,), fixed_early=0.0)  # airs after its time
        self.plan = plan
        self.settings = settings or AudioSettings()
        self.media = MediaCache(None)
        self.commands = [] if commands is None else commands(self)
        self.start, self.end = at(plan, START), at(plan, END)
        sink = FakeSink()
        self.timeline = render(
            plan, self.commands, self.start, self.end, sink, self.settings, self.media.analysis
        )
        self.audio: Block = sink.audio()

    def frame(self, instant: float) -> int:
        return round((instant - self.start) * RATE)

    def path(self, entry: AsRunEntry) -> Path:
        """The file an entry aired."""
        if entry.kind in (ItemKind.MUSIC, ItemKind.INTRO, ItemKind.OUTRO):
            return Path(entry.ref)
        if entry.title == "alert tone":
            assert self.plan.alert is not None
            return self.plan.alert.path
        return self.store.named[entry.ref]

    def gain(self, entry: AsRunEntry) -> float:
        speech = entry.kind is ItemKind.ANNOUNCEMENT or (
            entry.kind is ItemKind.EMERGENCY and entry.title != "alert tone"
        )
        return db_to_gain(gain_db(self.media.analysis(self.path(entry)), speech, self.settings))

    def expected(self, entry: AsRunEntry, count: int, offset: int = 0) -> Block:
        begun = max(self.frame(entry.start), 0)
        skip = begun - self.frame(entry.start) + offset
        return self.store.samples(self.path(entry), skip, count) * self.gain(entry)

    def aired(self) -> list[AsRunEntry]:
        return [e for e in self.timeline if e.kind is not ItemKind.SKIPPED and e.end > e.start]


def page_with(store: ToneStore, plan_at: float, name: str, seconds: float) -> ScheduledCommand:
    audio = store.speech(name, seconds)
    return ScheduledCommand(
        plan_at, Page(name, "customer", "来宾张先生", seconds, audio=audio), 900
    )


def zero_runs(audio: Block) -> int:
    """The longest run of frames of exact digital silence."""
    silent = np.concatenate([[False], np.all(audio == 0, axis=1), [False]])
    edges = np.flatnonzero(np.diff(silent.astype(np.int8)))
    return int((edges[1::2] - edges[0::2]).max()) if len(edges) else 0


def test_every_item_airs_sample_exact_where_the_timeline_says(tmp_path: Path) -> None:
    r = Render(tmp_path, lambda r: [page_with(r.store, at(r.plan, "15:01:10"), "page1", 4.0)])
    aired = r.aired()
    kinds = {e.kind for e in aired}
    assert {ItemKind.MUSIC, ItemKind.INTRO, ItemKind.ANNOUNCEMENT, ItemKind.OUTRO} <= kinds
    assert len(r.audio) == round((r.end - r.start) * RATE)
    for before, after in itertools.pairwise(aired):
        assert before.end == after.start  # back to back: no gap anywhere
    for entry in aired:
        first, last = max(r.frame(entry.start), 0), min(r.frame(entry.end), len(r.audio))
        got = r.audio[first:last]
        np.testing.assert_allclose(
            got, r.expected(entry, last - first), atol=2e-6, err_msg=entry.ref
        )
    assert zero_runs(r.audio[r.frame(r.plan.opening) :]) < RATE // 10


def test_render_timeline_equals_the_simulation(tmp_path: Path) -> None:
    def commands(r: Render) -> list[ScheduledCommand]:
        fire = r.store.speech("fire", 3.0)
        return [
            page_with(r.store, at(r.plan, "15:00:40"), "p", 3.0),
            emergency(
                r.plan,
                "15:01:50",
                replace(emergency_script(), audio=fire),
                3.0,
            ),
            clear(r.plan, "15:02:05"),
        ]

    r = Render(tmp_path, commands)
    assert r.timeline == window(simulate(r.plan, r.commands), r.start, r.end)
    assert any(e.kind is ItemKind.EMERGENCY for e in r.timeline)


def test_emergency_cuts_in_within_50_ms_without_a_click_and_the_announcement_replays(
    tmp_path: Path,
) -> None:
    fire = None

    def commands(r: Render) -> list[ScheduledCommand]:
        nonlocal fire
        fire = replace(emergency_script(repeat=30.0), audio=r.store.speech("fire", 3.0))
        # the fixed announcement airs 15:00:29.5 to 15:00:35.5; the emergency cuts it
        return [emergency(r.plan, "15:00:31", fire, 3.0), clear(r.plan, "15:00:33")]

    r = Render(tmp_path, commands)
    asked = at(r.plan, "15:00:31")
    cut = next(e for e in r.timeline if e.kind is ItemKind.ANNOUNCEMENT and e.interrupted)
    alert = next(e for e in r.timeline if e.kind is ItemKind.EMERGENCY)
    assert cut.end == alert.start and alert.start - asked <= 0.05
    first = r.frame(alert.start)
    np.testing.assert_allclose(r.audio[first : first + 480], r.expected(alert, 480), atol=2e-6)
    fading, width = r.frame(asked), first - r.frame(asked)
    steps = np.abs(np.diff(r.audio[fading - 1 : first + 1, 0]))
    natural = np.abs(np.diff(r.audio[fading - width - 1 : fading, 0]))
    assert width <= RATE * 0.05 and steps.max() <= natural.max() * 1.01  # no click
    envelope = np.abs(r.audio[first - 48 : first, 0]).max()
    assert envelope < 0.01  # faded out by the time the alert starts
    replay = [e for e in r.timeline if e.kind is ItemKind.ANNOUNCEMENT and e.ref == cut.ref]
    assert len(replay) == 2 and not replay[1].interrupted
    again = r.frame(replay[1].start)
    np.testing.assert_allclose(
        r.audio[again : again + 4800], r.expected(replay[1], 4800), atol=2e-6
    )


def loudness(audio: Block) -> float:
    state = pyebur128.R128State(2, RATE, pyebur128.MeasurementMode.MODE_I)
    flat = np.ascontiguousarray(audio, dtype=np.float32).reshape(-1)
    state.add_frames(flat, len(audio))
    return float(pyebur128.get_loudness_global(state))


def test_loud_and_quiet_songs_and_speech_play_within_1_lu_of_their_targets(tmp_path: Path) -> None:
    r = Render(tmp_path, settings=AudioSettings(target_lufs=-18.0, speech_above_music_db=4.0))
    measured = {}
    for entry in r.aired():
        first, last = max(r.frame(entry.start), 0), min(r.frame(entry.end), len(r.audio))
        if last - first > RATE * 3:
            measured[entry.ref] = (entry.kind, loudness(r.audio[first:last]))
    amps = {r.store.freqs[r.path(e)][1] for e in r.aired() if e.ref in measured}
    assert len(amps) >= 2  # loud and quiet sources both measured
    for kind, lufs in measured.values():
        target = -14.0 if kind is ItemKind.ANNOUNCEMENT else -18.0
        assert abs(lufs - target) <= 1.0, (kind, lufs)


def test_master_gain_scales_the_whole_output(tmp_path: Path) -> None:
    plain = Render(tmp_path)
    quieter = Render(tmp_path, settings=AudioSettings(master_gain_db=-6.0), store=plain.store)
    np.testing.assert_allclose(quieter.audio, plain.audio * db_to_gain(-6.0), atol=2e-6)


def test_the_intro_sting_loops_under_the_speech_at_the_bed_level(tmp_path: Path) -> None:
    plain = Render(tmp_path)
    bedded = Render(tmp_path, settings=AudioSettings(bed_db=-18.0), store=plain.store)
    speech = next(e for e in plain.timeline if e.kind is ItemKind.ANNOUNCEMENT)
    intro = next(e for e in plain.timeline if e.kind is ItemKind.INTRO)
    first, count = plain.frame(speech.start), RATE
    under = bedded.audio[first : first + count] - plain.audio[first : first + count]
    expected = plain.expected(intro, count) * db_to_gain(-18.0)
    np.testing.assert_allclose(under, expected, atol=2e-5)
    after = plain.frame(speech.end) + RATE  # the bed faded out with the speech
    np.testing.assert_allclose(bedded.audio[after:], plain.audio[after:], atol=2e-6)


def test_an_urgent_page_fades_the_song_over_two_seconds(tmp_path: Path) -> None:
    def commands(r: Render) -> list[ScheduledCommand]:
        asked = at(r.plan, "15:00:30")
        command = page_with(r.store, asked, "lost", 3.0)
        page = replace(command.command, urgent=True)  # type: ignore[arg-type]
        return [replace(command, command=page)]

    store = ToneStore(tmp_path, replace(SPEC, urgent_max_wait=5.0))
    r = Render(tmp_path, commands, store=store, fixed_at=None)
    song = next(e for e in r.timeline if e.kind is ItemKind.MUSIC and e.interrupted)
    assert song.end == pytest.approx(at(r.plan, "15:00:35") + 2.0)
    fade = np.abs(r.audio[r.frame(song.end) - 2 * RATE : r.frame(song.end), 0])
    quarters = [fade[i * RATE // 2 : (i + 1) * RATE // 2].max() for i in range(4)]
    assert quarters == sorted(quarters, reverse=True) and quarters[-1] < quarters[0] / 2
    count = 2 * RATE  # the curve, made a block at a time, is the raised cosine to the frame
    first = r.frame(song.end) - count
    curve = 0.5 + 0.5 * np.cos(np.pi * (np.arange(count) + 1) / count)
    expected = r.expected(song, count, first - r.frame(song.start)) * curve[:, None]
    np.testing.assert_allclose(r.audio[first : first + count], expected, atol=2e-6)


@pytest.mark.parametrize("damage", ["deleted", "empty", "corrupt", "truncated", "no sound"])
def test_bad_media_is_skipped_with_no_audible_gap(tmp_path: Path, damage: str) -> None:
    store = ToneStore(tmp_path, SPEC)
    part = store.plan.dayparts[0]
    victim = part.tracks[1]
    if damage == "deleted":
        victim.path.unlink()
    elif damage == "empty":
        victim.path.write_bytes(b"")
    elif damage == "corrupt":
        victim.path.write_bytes(bytes(range(256)) * 400)
    elif damage == "truncated":
        data = victim.path.read_bytes()
        victim.path.write_bytes(data[: len(data) // 3])
    else:  # an image saved under a song's name: FFmpeg opens it, and finds no audio in it
        write_png(victim.path)
    r = Render(tmp_path, store=store, fixed_at=None)
    skipped = [e for e in r.timeline if e.kind is ItemKind.SKIPPED]
    assert skipped and all(e.ref == str(victim.path) and e.reason for e in skipped)
    for skip in skipped:
        after = [e for e in r.aired() if e.start >= skip.end]
        assert after[0].start == skip.end  # the next song starts on the very frame
    assert zero_runs(r.audio[r.frame(r.plan.opening) :]) < RATE // 10
