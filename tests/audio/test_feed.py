"""Decoding ahead: a feed gives the decoder's very frames, from any offset; when the decode
thread falls behind, the audio thread gets silence at once, counted, and the file stays in
time; a file that cannot be opened fails the read, not the thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from daemon.audio import feed as feed_module
from daemon.audio.decode import Decoder, MediaError
from daemon.audio.feed import CHUNK, Feeder
from daemon.audio.format import RATE, Block
from tests.audio.signals import sine, write_ogg

PERIOD = 480


@pytest.fixture
def song(tmp_path: Path) -> Path:
    return write_ogg(tmp_path / "song.ogg", 44100, sine(44100, 4.0, 0.3, 440.0))


@pytest.fixture
def feeder() -> Iterator[Feeder]:
    made = Feeder(ahead=1.0)
    yield made
    made.close()


def decoded(path: Path, offset: int = 0) -> Block:
    with Decoder(path, offset) as decoder:
        return decoder.read(10 * RATE)


def drain(read: object, count: int) -> Block:
    assert callable(read)
    pieces = []
    while len(piece := read(count)) == count:
        pieces.append(piece.copy())
    return np.concatenate([*pieces, piece])


@pytest.mark.parametrize("offset", [0, 12345])
def test_a_blocking_feed_gives_the_decoders_frames(song: Path, offset: int) -> None:
    feeder = Feeder(ahead=1.0, blocking=True)  # a ring smaller than the song: it wraps
    try:
        feed = feeder.open(song, offset)
        np.testing.assert_array_equal(drain(feed.read, 4096), decoded(song, offset))
        assert feed.ended and feeder.underruns == 0
    finally:
        feeder.close()


def test_a_feed_read_in_periods_after_waiting_for_each(song: Path, feeder: Feeder) -> None:
    feed = feeder.open(song)
    pieces = []
    while not feed.ended:
        assert feed.wait(PERIOD, 10)
        pieces.append(feed.read(PERIOD).copy())
    np.testing.assert_array_equal(np.concatenate(pieces), decoded(song))
    assert feeder.underruns == 0


class Gate:
    """Holds every Decoder the feed module opens until `open()`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.event = threading.Event()
        gate = self

        class Held(Decoder):
            def __init__(self, path: Path, start_frame: int = 0, loop: bool = False) -> None:
                gate.event.wait(10)
                super().__init__(path, start_frame, loop)

        monkeypatch.setattr(feed_module, "Decoder", Held)

    def open(self) -> None:
        self.event.set()


def test_an_underrun_is_silence_counted_and_the_file_stays_in_time(
    song: Path, feeder: Feeder, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch)
    feed = feeder.open(song)
    late = [feed.read(PERIOD).copy() for _ in range(3)]  # the decode thread is held up
    assert all(not block.any() for block in late) and [len(b) for b in late] == [PERIOD] * 3
    assert (feeder.underruns, feeder.underrun_frames) == (3, 3 * PERIOD)
    gate.open()
    assert feed.wait(PERIOD, 10)
    np.testing.assert_array_equal(feed.read(PERIOD), decoded(song)[3 * PERIOD : 4 * PERIOD])
    assert feeder.underruns == 3


def test_reading_never_waits_for_the_decode_thread(
    song: Path, feeder: Feeder, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch)
    feeds = [feeder.open(song) for _ in range(3)]  # the thread is stuck opening the first
    for feed in feeds:
        assert len(feed.read(PERIOD)) == PERIOD
    gate.open()


def test_a_file_that_cannot_be_opened_fails_the_read(tmp_path: Path, feeder: Feeder) -> None:
    feed = feeder.open(tmp_path / "gone.ogg")
    assert feed.wait(PERIOD, 10)
    with pytest.raises(MediaError, match="file not found"):
        feed.read(PERIOD)
    good = feeder.open(write_ogg(tmp_path / "ok.ogg", 44100, sine(44100, 0.5)))
    assert good.wait(PERIOD, 10) and good.read(PERIOD).any()  # the thread goes on


def test_a_looped_feed_never_ends(tmp_path: Path, feeder: Feeder) -> None:
    sting = write_ogg(tmp_path / "sting.ogg", 48000, sine(48000, 0.1, 0.3, 880.0))
    feed = feeder.open(sting, loop=True)
    for _ in range(40):  # 0.4 s: four times round
        assert feed.wait(PERIOD, 10)
        assert len(feed.read(PERIOD)) == PERIOD
    assert not feed.ended and feeder.underruns == 0


def test_closed_feeds_give_their_rings_back(song: Path, feeder: Feeder) -> None:
    for _ in range(10):
        feed = feeder.open(song)
        assert feed.wait(CHUNK, 10)
        feed.close()
    assert feeder.wait_for(lambda: len(feeder._rings) >= 1, 10)
    assert len(feeder._rings) <= feed_module.POOL
