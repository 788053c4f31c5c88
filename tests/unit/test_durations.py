"""DurationCache: exact durations from real WAV files, honest problems, and a cache that works."""

from __future__ import annotations

import json
import math
import os
import struct
import wave
from collections.abc import Callable
from pathlib import Path

import miniaudio
import pytest

from daemon.catalog.durations import DurationCache
from daemon.model import Track


def write_wav(path: Path, rate: int, frames: int, channels: int = 1, tone: bool = True) -> Path:
    """A 16-bit PCM WAV of `frames` frames: a 440 Hz sine, or silence."""
    samples = [
        int(12000 * math.sin(2 * math.pi * 440 * i / rate)) if tone else 0 for i in range(frames)
    ]
    data = b"".join(struct.pack("<h", s) * channels for s in samples)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(data)
    return path


def count_probes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make miniaudio.get_file_info record each file it is asked about."""
    calls: list[str] = []
    real: Callable[[str], miniaudio.SoundFileInfo] = miniaudio.get_file_info

    def counting(filename: str) -> miniaudio.SoundFileInfo:
        calls.append(filename)
        return real(filename)

    monkeypatch.setattr(miniaudio, "get_file_info", counting)
    return calls


def test_wav_durations_are_exact(tmp_path: Path) -> None:
    cache = DurationCache(None)
    cd = write_wav(tmp_path / "cd.wav", 44100, 88200)
    dat = write_wav(tmp_path / "dat.wav", 48000, 36000, channels=2)
    odd = write_wav(tmp_path / "odd.wav", 44100, 12345, tone=False)
    assert cache.track(cd) == Track(cd, "cd", 2.0, None)
    assert cache.track(dat, "Jingle") == Track(dat, "Jingle", 0.75, None)
    assert cache.track(odd).duration == 12345 / 44100
    assert cache.track(cd).playable


def test_chinese_file_name(tmp_path: Path) -> None:
    song = write_wav(tmp_path / "晴天.wav", 48000, 24000)
    assert DurationCache(None).track(song) == Track(song, "晴天", 0.5, None)


def test_uppercase_extension(tmp_path: Path) -> None:
    song = write_wav(tmp_path / "LOUD.WAV", 48000, 4800)
    assert DurationCache(None).track(song).duration == 0.1


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "gone.mp3"
    assert DurationCache(None).track(missing) == Track(missing, "gone", None, "file not found")


def test_missing_folder_in_path(tmp_path: Path) -> None:
    blocker = write_wav(tmp_path / "a.wav", 8000, 8)
    assert DurationCache(None).track(blocker / "b.wav").problem == "file not found"


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "album.wav"
    folder.mkdir()
    track = DurationCache(None).track(folder)
    assert (track.duration, track.problem) == (None, "not a file (it is a folder)")


def test_zero_length_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    track = DurationCache(None).track(empty)
    assert (track.duration, track.problem) == (None, "the file is empty (0 bytes)")
    assert not track.playable


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("junk.wav", "WAV"), ("junk.mp3", "MP3"), ("junk.flac", "FLAC"), ("junk.ogg", "Ogg Vorbis")],
)
def test_garbage_bytes(tmp_path: Path, name: str, fmt: str) -> None:
    junk = tmp_path / name
    junk.write_bytes(b"this is not audio at all " * 40)
    track = DurationCache(None).track(junk)
    assert track.duration is None
    assert track.problem == f"cannot be decoded as {fmt}: damaged, or not really {fmt}"


def test_unsupported_format_names_the_supported_ones(tmp_path: Path) -> None:
    aac = tmp_path / "song.m4a"
    aac.write_bytes(b"\x00\x00\x00\x20ftypM4A " * 10)
    track = DurationCache(None).track(aac)
    assert track.duration is None
    assert track.problem == "unsupported format ('.m4a'); supported: mp3, ogg vorbis, flac, wav"


def test_no_extension(tmp_path: Path) -> None:
    bare = tmp_path / "README"
    bare.write_text("hello")
    assert DurationCache(None).track(bare).problem == (
        "unsupported format (no file extension); supported: mp3, ogg vorbis, flac, wav"
    )


def test_zero_frames(tmp_path: Path) -> None:
    silent = write_wav(tmp_path / "nothing.wav", 44100, 0)
    assert silent.stat().st_size > 0
    track = DurationCache(None).track(silent)
    assert (track.duration, track.problem) == (None, "no audio in the file (0 frames)")


def test_cache_hit_does_not_probe_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_probes(monkeypatch)
    song = write_wav(tmp_path / "s.wav", 44100, 4410)
    cache = DurationCache(None)
    assert cache.track(song).duration == 0.1
    assert cache.track(song, "Again").duration == 0.1
    assert calls == [str(song.resolve())]


def test_cache_key_is_the_resolved_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    song = write_wav(tmp_path / "real.wav", 8000, 800)
    link = tmp_path / "link.wav"
    try:
        link.symlink_to(song)
    except OSError:
        pytest.skip("symlinks not available here")
    calls = count_probes(monkeypatch)
    cache = DurationCache(None)
    assert cache.track(song).duration == 0.1
    assert cache.track(link) == Track(link, "link", 0.1, None)
    assert cache.track(tmp_path / "." / "real.wav").duration == 0.1
    assert len(calls) == 1


def test_failures_are_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_probes(monkeypatch)
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"x" * 100)
    cache = DurationCache(None)
    assert cache.track(junk).duration is None
    write_wav(junk, 8000, 4000)  # the desk replaces the file with a good one
    assert cache.track(junk).duration == 0.5
    assert len(calls) == 2


def test_cache_invalidated_when_size_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_probes(monkeypatch)
    song = write_wav(tmp_path / "s.wav", 8000, 8000)
    cache = DurationCache(None)
    assert cache.track(song).duration == 1.0
    write_wav(song, 8000, 16000)
    assert cache.track(song).duration == 2.0
    assert len(calls) == 2


def test_cache_invalidated_when_mtime_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_probes(monkeypatch)
    song = write_wav(tmp_path / "s.wav", 16000, 16000)
    os.utime(song, ns=(1_000_000_000, 1_000_000_000))
    cache = DurationCache(None)
    assert cache.track(song).duration == 1.0
    size = song.stat().st_size
    write_wav(song, 8000, 16000)  # same size, different rate: twice as long
    assert song.stat().st_size == size
    os.utime(song, ns=(1_000_000_000, 1_000_000_000))
    assert cache.track(song).duration == 1.0  # same key: the cache answers, by design
    os.utime(song, ns=(2_000_000_000, 2_000_000_000))
    assert cache.track(song).duration == 2.0
    assert len(calls) == 2


def test_cache_persisted_and_reloaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    song = write_wav(tmp_path / "歌.wav", 48000, 12000)
    cache_file = tmp_path / "state" / "deep" / "durations.json"
    first = DurationCache(cache_file)
    assert first.track(song).duration == 0.25
    first.save()
    assert sorted(p.name for p in cache_file.parent.iterdir()) == ["durations.json"]
    stored = json.loads(cache_file.read_text(encoding="utf-8"))
    stat = song.stat()
    assert stored == {
        "version": 1,
        "entries": {
            str(song.resolve()): {
                "size": stat.st_size,
                "mtime_ns": stat.st_mtime_ns,
                "duration": 0.25,
            }
        },
    }
    calls = count_probes(monkeypatch)
    second = DurationCache(cache_file)
    assert second.track(song) == Track(song, "歌", 0.25, None)
    assert calls == []


def test_save_only_when_changed(tmp_path: Path) -> None:
    song = write_wav(tmp_path / "s.wav", 8000, 800)
    cache_file = tmp_path / "cache.json"
    cache = DurationCache(cache_file)
    cache.save()
    assert not cache_file.exists()  # nothing learnt, nothing written
    cache.track(song)
    cache.save()
    written = cache_file.stat().st_mtime_ns
    os.utime(cache_file, ns=(5, 5))
    reloaded = DurationCache(cache_file)
    reloaded.track(song)  # a cache hit changes nothing
    reloaded.save()
    assert cache_file.stat().st_mtime_ns == 5 != written


def test_without_a_cache_file_save_does_nothing(tmp_path: Path) -> None:
    cache = DurationCache(None)
    cache.track(write_wav(tmp_path / "s.wav", 8000, 800))
    cache.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.wav"]


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe garbage \x00\x01",
        b"{not json",
        b"[]",
        b'{"version": 99, "entries": {}}',
        b'{"version": 1, "entries": []}',
        b'{"version": 1, "entries": {"/x.wav": "nope", "/y.wav": {"size": "1"}}}',
    ],
)
def test_corrupt_cache_file_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    cache_file = tmp_path / "durations.json"
    cache_file.write_bytes(content)
    song = write_wav(tmp_path / "s.wav", 44100, 22050)
    calls = count_probes(monkeypatch)
    cache = DurationCache(cache_file)
    assert cache.track(song).duration == 0.5
    assert len(calls) == 1
    cache.save()
    stored = json.loads(cache_file.read_text(encoding="utf-8"))
    assert list(stored["entries"]) == [str(song.resolve())]


def test_bad_entries_are_dropped_good_ones_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    song = write_wav(tmp_path / "s.wav", 44100, 22050)
    stat = song.stat()
    good = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "duration": 7.5}
    cache_file = tmp_path / "durations.json"
    cache_file.write_text(
        json.dumps(
            {
                "version": 1,
                "entries": {
                    str(song.resolve()): good,
                    "/bad/neg.wav": {**good, "duration": -1},
                    "/bad/bool.wav": {**good, "duration": True},
                },
            }
        ),
        encoding="utf-8",
    )
    calls = count_probes(monkeypatch)
    assert DurationCache(cache_file).track(song).duration == 7.5  # trusted: same size and mtime
    assert calls == []


def test_cache_file_that_is_a_folder_is_ignored(tmp_path: Path) -> None:
    cache_file = tmp_path / "durations.json"
    cache_file.mkdir()
    cache = DurationCache(cache_file)
    assert cache.track(write_wav(tmp_path / "s.wav", 8000, 800)).duration == 0.1
