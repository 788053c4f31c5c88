"""Decoding ahead, in a thread and in a child process alike: a feed gives the decoder's very
frames, from any offset; when decoding falls behind, the audio thread gets silence at once,
counted, and the file stays in time; a file that cannot be opened fails the read, not the
decoding; a decode process killed mid-feed is started again and the feed goes on, frame
for frame."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from daemon.audio import child_feed
from daemon.audio import feed as feed_module
from daemon.audio.child_feed import ChildFeeder
from daemon.audio.decode import Decoder, MediaError
from daemon.audio.feed import CHUNK, Feeder, FeederBase
from daemon.audio.format import RATE, Block
from daemon.audio.realtime import HELPER_PRIORITY, go_realtime
from tests.audio.signals import sine, write_ogg

PERIOD = 480


@pytest.fixture
def song(tmp_path: Path) -> Path:
    return write_ogg(tmp_path / "song.ogg", 44100, sine(44100, 4.0, 0.3, 440.0))


Make = Callable[..., FeederBase]


@pytest.fixture(params=[Feeder, ChildFeeder], ids=["thread", "process"])
def make(request: pytest.FixtureRequest) -> Iterator[Make]:
    made: list[FeederBase] = []

    def making(**options: object) -> FeederBase:
        made.append(request.param(ahead=1.0, **options))
        return made[-1]

    yield making
    for feeder in made:
        feeder.close()


@pytest.fixture
def feeder(make: Make) -> FeederBase:
    return make()


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
def test_a_blocking_feed_gives_the_decoders_frames(song: Path, make: Make, offset: int) -> None:
    feeder = make(blocking=True)  # a ring smaller than the song: it wraps
    feed = feeder.open(song, offset)
    np.testing.assert_array_equal(drain(feed.read, 4096), decoded(song, offset))
    assert feed.ended and feeder.underruns == 0


def test_a_feed_read_in_periods_after_waiting_for_each(song: Path, feeder: FeederBase) -> None:
    feed = feeder.open(song)
    pieces = []
    while not feed.ended:
        assert feed.wait(PERIOD, 10)
        pieces.append(feed.read(PERIOD).copy())
    np.testing.assert_array_equal(np.concatenate(pieces), decoded(song))
    assert feeder.underruns == 0


class Gate:
    """Holds the feeder's decoding until `open()`: a thread's Decoders as they open, a
    process by SIGSTOP."""

    def __init__(self, feeder: FeederBase, monkeypatch: pytest.MonkeyPatch) -> None:
        self.event = threading.Event()
        self.pid = feeder.pid if isinstance(feeder, ChildFeeder) else None
        if self.pid is not None:
            os.kill(self.pid, signal.SIGSTOP)
            return
        gate = self

        class Held(Decoder):
            def __init__(self, path: Path, start_frame: int = 0, loop: bool = False) -> None:
                gate.event.wait(10)
                super().__init__(path, start_frame, loop)

        monkeypatch.setattr(feed_module, "Decoder", Held)

    def open(self) -> None:
        self.event.set()
        if self.pid is not None:
            os.kill(self.pid, signal.SIGCONT)


def test_an_underrun_is_silence_counted_and_the_file_stays_in_time(
    song: Path, feeder: FeederBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(feeder, monkeypatch)
    feed = feeder.open(song)
    late = [feed.read(PERIOD).copy() for _ in range(3)]  # the decode thread is held up
    assert all(not block.any() for block in late) and [len(b) for b in late] == [PERIOD] * 3
    assert (feeder.underruns, feeder.underrun_frames) == (3, 3 * PERIOD)
    gate.open()
    assert feed.wait(PERIOD, 10)
    np.testing.assert_array_equal(feed.read(PERIOD), decoded(song)[3 * PERIOD : 4 * PERIOD])
    assert feeder.underruns == 3


def test_reading_never_waits_for_the_decode_thread(
    song: Path, feeder: FeederBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(feeder, monkeypatch)
    feeds = [feeder.open(song) for _ in range(3)]  # the thread is stuck opening the first
    for feed in feeds:
        assert len(feed.read(PERIOD)) == PERIOD
    gate.open()


def test_a_file_that_cannot_be_opened_fails_the_read(tmp_path: Path, feeder: FeederBase) -> None:
    feed = feeder.open(tmp_path / "gone.ogg")
    assert feed.wait(PERIOD, 10)
    with pytest.raises(MediaError, match="file not found"):
        feed.read(PERIOD)
    good = feeder.open(write_ogg(tmp_path / "ok.ogg", 44100, sine(44100, 0.5)))
    assert good.wait(PERIOD, 10) and good.read(PERIOD).any()  # the thread goes on


def test_a_looped_feed_never_ends(tmp_path: Path, feeder: FeederBase) -> None:
    sting = write_ogg(tmp_path / "sting.ogg", 48000, sine(48000, 0.1, 0.3, 880.0))
    feed = feeder.open(sting, loop=True)
    for _ in range(40):  # 0.4 s: four times round
        assert feed.wait(PERIOD, 10)
        assert len(feed.read(PERIOD)) == PERIOD
    assert not feed.ended and feeder.underruns == 0


def test_closed_feeds_give_their_rings_back(song: Path, feeder: FeederBase) -> None:
    for _ in range(10):
        feed = feeder.open(song)
        assert feed.wait(CHUNK, 10)
        feed.close()
    assert feeder.wait_for(lambda: len(feeder._rings) >= 1, 10)
    assert len(feeder._rings) <= feed_module.POOL


def scheduling(thread: threading.Thread) -> tuple[int, int]:
    """A running thread's policy (without the reset-on-fork flag) and priority."""
    assert thread.native_id is not None
    policy = os.sched_getscheduler(thread.native_id) & ~os.SCHED_RESET_ON_FORK
    return policy, os.sched_getparam(thread.native_id).sched_priority


def helper_scheduling() -> tuple[int, int]:
    """What a thread asking for the helpers' priority gets on this machine (as root: FIFO)."""
    got: list[tuple[int, int]] = []

    def probe() -> None:
        go_realtime(HELPER_PRIORITY)
        got.append(scheduling(threading.current_thread()))

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return got[0]


def test_the_decode_threads_hold_the_gil_at_the_helpers_priority(song: Path) -> None:
    """Both serve the device's thread in short bursts with the GIL held: no ordinary process
    may take their core mid-burst (realtime.py); the child itself stays ordinary."""
    feeder = ChildFeeder(ahead=1.0, blocking=True)
    try:
        feed = feeder.open(song)
        assert feed.wait(RATE, 10)  # both threads have run: an order sent, frames read
        threads = {t.name: t for t in threading.enumerate()}
        expected = helper_scheduling()
        assert scheduling(threads["decode-orders"]) == expected
        assert scheduling(threads["decode-read"]) == expected
        assert os.sched_getscheduler(feeder.pid) == os.SCHED_OTHER
    finally:
        feeder.close()


def test_a_killed_decode_process_is_started_again_and_the_feed_goes_on(
    song: Path, tmp_path: Path
) -> None:
    feeder = ChildFeeder(ahead=1.0, blocking=True)
    try:
        sting = write_ogg(tmp_path / "sting.ogg", 48000, sine(48000, 0.1, 0.3, 880.0))
        looped = feeder.open(sting, loop=True)
        feed = feeder.open(song, 777)
        first = feed.read(RATE // 2).copy()
        os.kill(feeder.pid, signal.SIGKILL)
        rest = drain(feed.read, 4096)
        np.testing.assert_array_equal(np.concatenate([first, rest]), decoded(song, 777))
        assert feeder.restarts == 1 and feeder.underruns == 0
        assert len(looped.read(RATE)) == RATE  # a loop goes on, from its start
    finally:
        feeder.close()


def test_a_message_that_cannot_be_taken_costs_a_restart_not_the_reader(
    song: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A defect in taking one message: the child is killed and started again, what it still
    sent is thrown away, and the feed goes on with the very frames a direct decode gives."""
    taken = ChildFeeder._take
    calls = []

    def failing(self: ChildFeeder, *message: object) -> None:
        calls.append(message)
        if len(calls) == 3:
            raise RuntimeError("a defect")
        taken(self, *message)  # type: ignore[arg-type]

    monkeypatch.setattr(ChildFeeder, "_take", failing)
    feeder = ChildFeeder(ahead=1.0)
    try:
        feed = feeder.open(song, 777)
        pieces = []
        while feed.wait(4096, 10) and not feed.ended:  # a dead reader: a failure, not a hang
            pieces.append(feed.read(4096).copy())
        assert feed.ended, "no frames came after the message that could not be taken"
        np.testing.assert_array_equal(np.concatenate(pieces), decoded(song, 777))
        assert feeder.restarts == 1 and feeder._reader.is_alive()
        assert "could not be taken" in caplog.text
    finally:
        feeder.close()


def test_an_order_that_cannot_be_made_is_tried_again(
    song: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    due = ChildFeeder._orders_due
    calls = []

    def failing(self: ChildFeeder) -> list[dict[str, object]]:
        calls.append(self)
        if len(calls) == 1:
            raise RuntimeError("a defect")
        return due(self)

    monkeypatch.setattr(ChildFeeder, "_orders_due", failing)
    feeder = ChildFeeder(ahead=1.0)
    try:
        feed = feeder.open(song)
        assert feed.wait(RATE, 10), "the orders thread ended with its first failure"
        assert feeder._orders.is_alive() and "could not be made" in caplog.text
    finally:
        feeder.close()


def test_a_hung_decode_process_is_killed_and_started_again(
    song: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Stopped (SIGSTOP: no word, no CPU) while it owes frames: killed after HUNG seconds and
    started again; the feed goes on with the very frames a direct decode gives."""
    monkeypatch.setattr(child_feed, "HUNG", 0.3)
    feeder = ChildFeeder(ahead=1.0, blocking=True)
    try:
        feed = feeder.open(song, 777)
        first = feed.read(RATE // 2).copy()
        stopped = feeder.pid
        os.kill(stopped, signal.SIGSTOP)
        assert feeder.wait_for(lambda: feeder.restarts == 1, 10), "the stopped child was kept"
        rest = drain(feed.read, 4096)
        np.testing.assert_array_equal(np.concatenate([first, rest]), decoded(song, 777))
        assert feeder.restarts == 1 and feeder.pid != stopped
        assert "has not run for" in caplog.text
    finally:
        feeder.close()


def test_an_idle_decode_process_is_not_taken_for_a_hung_one(song: Path) -> None:
    """Its feed full and unread, the child owes nothing: quiet for longer than HUNG is fine."""
    feeder = ChildFeeder(ahead=1.0, blocking=True)
    try:
        feed = feeder.open(song)
        assert feed.wait(CHUNK, 10)  # opened in the child
        (slot,) = feeder._slots.values()
        assert feeder.wait_for(lambda: slot.credit - feed._written < CHUNK, 10)  # owes nothing
        later = time.monotonic() + 100 * child_feed.HUNG  # as the orders thread would see it
        for now in (later, later + 2 * child_feed.HUNG):
            with feeder._lock:
                feeder._watch(now)
        assert feeder._child.poll() is None and feeder.restarts == 0
        assert len(feed.read(RATE)) == RATE
    finally:
        feeder.close()


def test_closing_ends_the_decode_process(song: Path) -> None:
    feeder = ChildFeeder(ahead=1.0)
    feed = feeder.open(song)
    assert feed.wait(CHUNK, 10)
    feeder.close()
    assert feeder._child.returncode == 0 and feeder.restarts == 0 and feed._ring is None
