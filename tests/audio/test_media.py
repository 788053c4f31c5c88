"""MediaCache: durations as the mixer plays them, honest problems, and a cache that works."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from daemon.audio.analysis import Analysis, analyse
from daemon.audio.decode import MediaError
from daemon.catalog import media
from daemon.catalog.media import MediaCache
from daemon.model import Track
from tests.audio.signals import quiet, sine, write_ogg, write_wav
from tests.audio.tones import write_m4a

SILENT = "silent: no sound above -70 LUFS anywhere in the file"
UNDECODABLE = "cannot be decoded: damaged, or not mp3, ogg vorbis, opus, flac, wav, m4a/aac, wma"
SUPPORTED = "supported: mp3, ogg vorbis, opus, flac, wav, m4a/aac, wma"


def write_tone(path: Path, rate: int, frames: int, channels: int = 1) -> Path:
    return write_wav(path, rate, sine(rate, frames / rate, 0.3, 440), channels)


def count_measures(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Make the cache record each file it decodes."""
    calls: list[Path] = []

    def counting(path: Path) -> Analysis:
        calls.append(path)
        return analyse(path)

    monkeypatch.setattr(media, "analyse", counting)
    return calls


def forbid_measures(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(path: Path) -> Analysis:
        raise AssertionError(f"{path} decoded again")

    monkeypatch.setattr(media, "analyse", failing)


def test_durations_are_the_decoded_frames_at_48_khz(tmp_path: Path) -> None:
    cache = MediaCache(None)
    dat = write_tone(tmp_path / "dat.wav", 48000, 36000, channels=2)
    odd = write_tone(tmp_path / "odd.wav", 48000, 12345)
    cd = write_tone(tmp_path / "cd.wav", 44100, 88200)
    assert cache.track(dat, "Jingle") == Track(dat, "Jingle", 0.75, None)
    assert cache.track(odd).duration == 12345 / 48000
    assert cache.track(cd).duration == pytest.approx(2.0, abs=2 / 48000)
    assert cache.track(cd).playable


def test_chinese_file_name(tmp_path: Path) -> None:
    song = write_tone(tmp_path / "晴天.wav", 48000, 24000)
    assert MediaCache(None).track(song) == Track(song, "晴天", 0.5, None)


def test_uppercase_extension(tmp_path: Path) -> None:
    song = write_tone(tmp_path / "LOUD.WAV", 48000, 4800)
    assert MediaCache(None).track(song).duration == 0.1


def test_silent_file_is_unplayable(tmp_path: Path) -> None:
    silent = write_wav(tmp_path / "zero.wav", 8000, quiet(8000, 3.0))
    cache = MediaCache(None)
    assert cache.track(silent) == Track(silent, "zero", None, SILENT)
    assert cache.analysis(silent) is None


def test_dead_air_cuts_the_track_short(tmp_path: Path) -> None:
    samples = np.concatenate([sine(8000, 5, 0.1), quiet(8000, 20), sine(8000, 5, 0.1)])
    song = write_wav(tmp_path / "s.wav", 8000, samples)
    track = MediaCache(None).track(song)
    assert 5.0 <= (track.duration or 0) <= 5.1  # on the 100 ms window where the silence begins
    assert track.note == "cut at 0:05: silent for more than 15 s from there (dead air)"


def test_a_pause_is_not_dead_air(tmp_path: Path) -> None:
    samples = np.concatenate([sine(8000, 5, 0.1), quiet(8000, 10), sine(8000, 5, 0.1)])
    track = MediaCache(None).track(write_wav(tmp_path / "s.wav", 8000, samples))
    assert (track.duration, track.note) == (20.0, "")


def test_trailing_silence_is_cut(tmp_path: Path) -> None:
    samples = np.concatenate([sine(8000, 3.5, 0.1), quiet(8000, 16)])
    track = MediaCache(None).track(write_wav(tmp_path / "s.wav", 8000, samples))
    assert 3.5 <= (track.duration or 0) <= 3.6
    assert track.note.startswith("cut at 0:03: ")


def test_leading_silence_is_unplayable(tmp_path: Path) -> None:
    samples = np.concatenate([quiet(8000, 16), sine(8000, 5, 0.1)])
    song = write_wav(tmp_path / "s.wav", 8000, samples)
    cache = MediaCache(None)
    assert cache.track(song).problem == "starts with more than 15 s of silence"
    assert cache.analysis(song) is None


def test_analysis_of_a_playable_file(tmp_path: Path) -> None:
    song = write_wav(tmp_path / "s.wav", 48000, sine(48000, 1.0, 0.1), channels=2)
    found = MediaCache(None).analysis(song)
    assert found is not None
    assert found.frames == 48000
    assert found.loudness == pytest.approx(-20.0, abs=0.1)


def test_analysis_from_many_threads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_measures(monkeypatch)
    songs = [write_tone(tmp_path / f"{i}.wav", 8000, 8000) for i in range(4)]
    cache = MediaCache(tmp_path / "media.json")
    results: list[Analysis | None] = []
    workers = [
        threading.Thread(target=lambda: results.extend(cache.analysis(s) for s in songs))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    cache.save()
    assert len(results) == 16 and all(r is not None and r.frames == 48000 for r in results)
    assert 4 <= len(calls) <= 16  # a file two threads ask for at once may be decoded twice
    stored = json.loads((tmp_path / "media.json").read_text(encoding="utf-8"))
    assert len(stored["entries"]) == 4


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "gone.mp3"
    assert MediaCache(None).track(missing) == Track(missing, "gone", None, "file not found")
    assert MediaCache(None).analysis(missing) is None


def test_missing_folder_in_path(tmp_path: Path) -> None:
    blocker = write_tone(tmp_path / "a.wav", 8000, 8)
    assert MediaCache(None).track(blocker / "b.wav").problem == "file not found"


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "album.wav"
    folder.mkdir()
    track = MediaCache(None).track(folder)
    assert (track.duration, track.problem) == (None, "not a file (it is a folder)")


def test_zero_length_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    track = MediaCache(None).track(empty)
    assert (track.duration, track.problem) == (None, "the file is empty (0 bytes)")
    assert not track.playable


@pytest.mark.parametrize("name", ["junk.wav", "junk.mp3", "junk.flac", "junk.ogg"])
def test_garbage_bytes(tmp_path: Path, name: str) -> None:
    junk = tmp_path / name
    junk.write_bytes(b"this is not audio at all " * 40)
    track = MediaCache(None).track(junk)
    assert track.duration is None
    assert track.problem == UNDECODABLE


def test_truncated_file_plays_what_decodes(tmp_path: Path) -> None:
    whole = write_ogg(tmp_path / "whole.ogg", 16000, sine(16000, 6.0, 0.1))
    cut = tmp_path / "cut.ogg"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    cache = MediaCache(None)
    assert 0 < (cache.track(cut).duration or 0) < (cache.track(whole).duration or 0)


def test_damage_mid_way_is_the_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    song = write_tone(tmp_path / "s.wav", 8000, 800)

    def damaged(path: Path) -> Analysis:
        raise MediaError(path, "a damaged part cannot be decoded")

    monkeypatch.setattr(media, "analyse", damaged)
    cache = MediaCache(None)
    assert cache.track(song).problem == "a damaged part cannot be decoded"
    assert cache.analysis(song) is None


def test_unsupported_format_names_the_supported_ones(tmp_path: Path) -> None:
    midi = tmp_path / "song.mid"
    midi.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x01\x01\xe0" * 10)
    track = MediaCache(None).track(midi)
    assert track.duration is None
    assert track.problem == f"unsupported format ('.mid'); {SUPPORTED}"


def test_m4a_and_a_damaged_m4a(tmp_path: Path) -> None:
    song = tmp_path / "song.m4a"
    write_m4a(song, 1.5)
    seconds = MediaCache(None).track(song).duration or 0.0
    assert 1.5 <= seconds < 1.5 + 1024 / 48000  # the priming dropped; the last frame's padding
    # is not (FFmpeg does not trim it either)
    bad = tmp_path / "bad.m4a"
    bad.write_bytes(b"\x00\x00\x00\x20ftypM4A " * 10)
    assert MediaCache(None).track(bad).problem == UNDECODABLE


def test_no_extension(tmp_path: Path) -> None:
    bare = tmp_path / "README"
    bare.write_text("hello")
    assert MediaCache(None).track(bare).problem == (
        f"unsupported format (no file extension); {SUPPORTED}"
    )


def test_zero_frames(tmp_path: Path) -> None:
    nothing = write_tone(tmp_path / "nothing.wav", 44100, 0)
    assert nothing.stat().st_size > 0
    track = MediaCache(None).track(nothing)
    assert (track.duration, track.problem) == (None, "no audio in the file (0 frames)")


def test_cache_hit_does_not_decode_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_measures(monkeypatch)
    song = write_tone(tmp_path / "s.wav", 48000, 4800)
    cache = MediaCache(None)
    assert cache.track(song).duration == 0.1
    assert cache.track(song, "Again").duration == 0.1
    assert cache.analysis(song) is not None
    assert calls == [song.resolve()]


def test_cache_key_is_the_resolved_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    song = write_tone(tmp_path / "real.wav", 8000, 800)
    link = tmp_path / "link.wav"
    try:
        link.symlink_to(song)
    except OSError:
        pytest.skip("symlinks not available here")
    calls = count_measures(monkeypatch)
    cache = MediaCache(None)
    assert cache.track(song).duration == 0.1
    assert cache.track(link) == Track(link, "link", 0.1, None)
    assert cache.track(tmp_path / "." / "real.wav").duration == 0.1
    assert len(calls) == 1


def test_failures_are_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_measures(monkeypatch)
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"x" * 100)
    cache = MediaCache(None)
    assert cache.track(junk).duration is None
    write_tone(junk, 8000, 4000)  # the desk replaces the file with a good one
    assert cache.track(junk).duration == 0.5
    assert len(calls) == 2


def test_cache_invalidated_when_size_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_measures(monkeypatch)
    song = write_tone(tmp_path / "s.wav", 8000, 8000)
    cache = MediaCache(None)
    assert cache.track(song).duration == 1.0
    write_tone(song, 8000, 16000)
    assert cache.track(song).duration == 2.0
    assert len(calls) == 2


def test_cache_invalidated_when_mtime_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_measures(monkeypatch)
    song = write_tone(tmp_path / "s.wav", 16000, 16000)
    os.utime(song, ns=(1_000_000_000, 1_000_000_000))
    cache = MediaCache(None)
    assert cache.track(song).duration == 1.0
    size = song.stat().st_size
    write_tone(song, 8000, 16000)  # same size, different rate: twice as long
    assert song.stat().st_size == size
    os.utime(song, ns=(1_000_000_000, 1_000_000_000))
    assert cache.track(song).duration == 1.0  # same key: the cache answers, by design
    os.utime(song, ns=(2_000_000_000, 2_000_000_000))
    assert cache.track(song).duration == 2.0
    assert len(calls) == 2


def test_cache_persisted_and_reloaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    song = write_wav(tmp_path / "歌.wav", 48000, sine(48000, 0.5, 0.1), channels=2)
    silent = write_wav(tmp_path / "zero.wav", 8000, quiet(8000, 1.0))
    cache_file = tmp_path / "state" / "deep" / "media.json"
    first = MediaCache(cache_file)
    measured = first.analysis(song)
    assert first.track(silent).problem == SILENT
    first.save()
    assert sorted(p.name for p in cache_file.parent.iterdir()) == ["media.json"]
    stored = json.loads(cache_file.read_text(encoding="utf-8"))
    assert measured is not None and stored["version"] == 5
    stat = song.stat()
    assert stored["entries"][str(song.resolve())] == {
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "frames": 24000,
        "loudness": measured.loudness,
        "peak_db": measured.peak_db,
        "blank_from": None,
        "lead": 1,  # the tone's first sample is sin(0)
        "trail": 0,
    }
    assert stored["entries"][str(silent.resolve())]["loudness"] is None  # JSON has no -inf
    forbid_measures(monkeypatch)
    second = MediaCache(cache_file)
    assert second.track(song) == Track(song, "歌", 0.5, None)
    assert second.analysis(song) == measured
    assert second.track(silent).problem == SILENT


def test_verify_decodes_every_file_again_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    song = write_tone(tmp_path / "s.wav", 8000, 8000)
    cache_file = tmp_path / "media.json"
    first = MediaCache(cache_file)
    assert first.track(song).duration == 1.0
    first.save()
    mtime = song.stat().st_mtime_ns
    write_wav(song, 8000, quiet(8000, 1.0))  # same size, and the same mtime: the cache lies
    os.utime(song, ns=(mtime, mtime))
    assert MediaCache(cache_file).track(song).duration == 1.0  # trusted, by design
    calls = count_measures(monkeypatch)
    checking = MediaCache(cache_file, verify=True)
    assert checking.track(song).problem == SILENT
    assert checking.analysis(song) is None  # measured in this run already: not again
    assert len(calls) == 1
    checking.save()
    assert MediaCache(cache_file).track(song).problem == SILENT


def test_save_only_when_changed(tmp_path: Path) -> None:
    song = write_tone(tmp_path / "s.wav", 8000, 800)
    cache_file = tmp_path / "cache.json"
    cache = MediaCache(cache_file)
    cache.save()
    assert not cache_file.exists()  # nothing learnt, nothing written
    cache.track(song)
    cache.save()
    written = cache_file.stat().st_mtime_ns
    os.utime(cache_file, ns=(5, 5))
    reloaded = MediaCache(cache_file)
    reloaded.track(song)  # a cache hit changes nothing
    reloaded.save()
    assert cache_file.stat().st_mtime_ns == 5 != written


def test_without_a_cache_file_save_does_nothing(tmp_path: Path) -> None:
    cache = MediaCache(None)
    cache.track(write_tone(tmp_path / "s.wav", 8000, 800))
    cache.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.wav"]


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe garbage \x00\x01",
        b"{not json",
        b"[]",
        b'{"version": 99, "entries": {}}',
        b'{"version": 5, "entries": []}',
        b'{"version": 5, "entries": {"/x.wav": "nope", "/y.wav": {"size": "1"}}}',
    ],
)
def test_corrupt_cache_file_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    cache_file = tmp_path / "media.json"
    cache_file.write_bytes(content)
    song = write_tone(tmp_path / "s.wav", 48000, 24000)
    calls = count_measures(monkeypatch)
    cache = MediaCache(cache_file)
    assert cache.track(song).duration == 0.5
    assert len(calls) == 1
    cache.save()
    stored = json.loads(cache_file.read_text(encoding="utf-8"))
    assert list(stored["entries"]) == [str(song.resolve())]


@pytest.mark.parametrize("version", [2, 3])
def test_older_entries_are_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: int
) -> None:
    """Version 2 was measured by miniaudio's decoder and resampler (lengths may be a frame off
    what FFmpeg's decoder and swresample give now), version 3 had no cue points: measured
    again."""
    song = write_tone(tmp_path / "s.wav", 48000, 24000)
    stat = song.stat()
    old: dict[str, object] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    old |= {"frames": 24001, "loudness": -14.0, "peak_db": -1.0, "blank_from": None}
    cache_file = tmp_path / "media.json"
    cache_file.write_text(json.dumps({"version": version, "entries": {str(song.resolve()): old}}))
    calls = count_measures(monkeypatch)
    assert MediaCache(cache_file).track(song).duration == 0.5
    assert len(calls) == 1


def test_version_1_entries_are_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    song = write_tone(tmp_path / "s.wav", 48000, 24000)
    stat = song.stat()
    old = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "duration": 7.5}
    cache_file = tmp_path / "media.json"
    cache_file.write_text(json.dumps({"version": 1, "entries": {str(song.resolve()): old}}))
    calls = count_measures(monkeypatch)
    assert MediaCache(cache_file).track(song).duration == 0.5
    assert len(calls) == 1


def test_bad_entries_are_dropped_good_ones_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    song = write_tone(tmp_path / "s.wav", 48000, 24000)
    stat = song.stat()
    good: dict[str, object] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    good |= {"frames": 360000, "loudness": -14.0, "peak_db": -1.0, "blank_from": 3.0}
    good |= {"lead": 0, "trail": 0}
    bad: list[dict[str, object]] = [
        {"frames": -1},
        {"frames": True},
        {"frames": 0},
        {"loudness": "loud"},
        {"peak_db": [1]},
        {"blank_from": -1},
        {"blank_from": 99.0},
        {"lead": -1},
        {"trail": 1.5},
        {"lead": 200000, "trail": 200000},
    ]
    entries = {f"/bad/{i}.wav": {**good, **change} for i, change in enumerate(bad)}
    cache_file = tmp_path / "media.json"
    document = {"version": 5, "entries": {str(song.resolve()): good, **entries}}
    cache_file.write_text(json.dumps(document), encoding="utf-8")
    calls = count_measures(monkeypatch)
    cache = MediaCache(cache_file)
    assert cache.track(song).duration == 3.0  # trusted: same size and mtime
    assert cache.analysis(song) == Analysis(360000, -14.0, -1.0, 3.0)
    assert calls == []
    other = write_tone(tmp_path / "other.wav", 8000, 800)
    cache.track(other)
    cache.save()
    stored = json.loads(cache_file.read_text(encoding="utf-8"))
    assert sorted(stored["entries"]) == sorted([str(song.resolve()), str(other.resolve())])


def test_cache_file_that_is_a_folder_is_ignored(tmp_path: Path) -> None:
    cache_file = tmp_path / "media.json"
    cache_file.mkdir()
    cache = MediaCache(cache_file)
    assert cache.track(write_tone(tmp_path / "s.wav", 8000, 800)).duration == 0.1
