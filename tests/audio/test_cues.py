"""Cue points: a song's silent head and tail never air, its natural fade does (issue 11)."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import numpy as np

from daemon.audio.analysis import CUE_DB, analyse
from daemon.audio.format import RATE, Block, silence
from daemon.audio.levels import AudioSettings
from daemon.audio.sinks import FakeSink
from daemon.catalog.media import MediaCache
from daemon.drivers.live import Live
from daemon.drivers.render import render
from daemon.model import DayPlan, ItemKind, Track
from tests.audio.test_live import GatedSink
from tests.audio.tones import ToneStore, tone, write_wav
from tests.factory import PlanSpec, at

FADE = 0.5  # seconds of each song's natural fade-out


def padded(head: float, seconds: float, tail: float, freq: float, amp: float = 0.3) -> Block:
    """`head` s of silence, a tone that fades out over its last FADE s, `tail` s of silence."""
    body = tone(seconds, freq, amp)
    fade = round(FADE * RATE)
    body[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, None]
    return np.concatenate([silence(round(head * RATE)), body, silence(round(tail * RATE))])


def test_the_silent_head_and_tail_are_measured_and_do_not_count(tmp_path: Path) -> None:
    path = tmp_path / "song.wav"
    write_wav(path, padded(1.5, 4.0, 2.0, 440.0))
    measured = analyse(path)
    assert abs(measured.lead - 1.5 * RATE) <= 2  # the tone's first sample is sin(0) = 0
    track = MediaCache(None).track(path)
    assert track.cue == measured.lead / RATE
    # the fade stays down to CUE_DB: a linear fade from 0.3 is above it for all but its end
    kept_of_fade = FADE * (1 - 10 ** (CUE_DB / 20) / 0.3)
    assert track.duration is not None
    assert abs(track.duration - (4.0 - FADE + kept_of_fade)) < 0.01


def test_a_short_breath_before_or_after_the_sound_stays(tmp_path: Path) -> None:
    path = tmp_path / "song.wav"
    write_wav(path, padded(0.05, 3.0, 0.08, 440.0))
    track = MediaCache(None).track(path)
    assert track.cue == 0.0
    assert track.duration == round(3.13 * RATE) / RATE


def near_silence(audio: Block) -> int:
    """The longest run of 10 ms windows whose peak is below CUE_DB, in frames."""
    windows = len(audio) // (RATE // 100)
    peaks = np.abs(audio[: windows * (RATE // 100)]).reshape(windows, -1).max(axis=1)
    quiet = np.concatenate([[False], peaks < 10 ** (CUE_DB / 20), [False]])
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    return int((edges[1::2] - edges[0::2]).max()) * (RATE // 100) if len(edges) else 0


def padded_plan(folder: Path) -> tuple[DayPlan, MediaCache, list[Track]]:
    """Four 8 s songs with silent heads and tails of 0-4 s, in order, from 15:00."""
    spec = PlanSpec(
        opening="15:00", closing="15:04", dayparts=(("15:00", "15:04", (8.0,) * 4, False),)
    )
    store = ToneStore(folder, spec)
    media = MediaCache(None)
    songs = []
    for i, (head, tail) in enumerate([(2.0, 2.5), (1.0, 3.0), (3.0, 0.5), (0.0, 4.0)]):
        path = folder / f"padded-{i}.wav"
        write_wav(path, padded(head, 8.0, tail, 300.0 + 70 * i))
        songs.append(media.track(path))
    plan = replace(
        store.plan,
        dayparts=(replace(store.plan.dayparts[0], tracks=tuple(songs)),),
        opening_song=None,
        closing_song=None,
    )
    return plan, media, songs


def test_joins_between_padded_songs_carry_no_more_than_half_a_second_of_silence(
    tmp_path: Path,
) -> None:
    """Without cue points each join here would carry 1.5-4.5 s of digital silence."""
    plan, media, songs = padded_plan(tmp_path)
    start, end = at(plan, "15:00"), at(plan, "15:01:10")
    sink = FakeSink()
    timeline = render(plan, [], start, end, sink, AudioSettings(), media.analysis)
    music = [e for e in timeline if e.kind is ItemKind.MUSIC and e.end <= end]
    assert len(music) >= 6  # every join of the list, and a round
    by_path = {str(t.path): t for t in songs}
    for entry in music:
        assert abs(entry.end - entry.start - (by_path[entry.ref].duration or 0)) < 1e-6
    assert near_silence(sink.audio()) <= RATE // 2


def test_live_decodes_the_next_song_ahead_from_its_cue_point(tmp_path: Path) -> None:
    plan, media, songs = padded_plan(tmp_path)
    sink = GatedSink()
    live = Live(plan, sink, AudioSettings(), media.analysis, start=plan.opening)
    player = threading.Thread(target=live.run)
    player.start()
    sink.periods(round((songs[0].duration or 0) * 100) + 50)  # past the first join
    sink.stop()
    player.join()
    assert live.preloader.hits == 1  # the second song, from its cue: the feed decoded ahead
