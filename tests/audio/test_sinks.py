"""The sinks: one contract, checked against each of them, then what is particular to each.

There is no sound card here (nor in CI): DeviceSink("null") and DeviceSink(None), which falls
back to the null device, play in real time, so their streams are a few tenths of a second.
"""

from __future__ import annotations

import logging
import os
import resource
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import miniaudio
import numpy as np
import pytest

from daemon.audio import device, realtime
from daemon.audio.format import CHANNELS, DTYPE, RATE, Block, frames, silence
from daemon.audio.sinks import (
    DeviceError,
    DeviceSink,
    FakeSink,
    Pull,
    Sink,
    WavSink,
    list_devices,
    open_sink,
)

KINDS = ["fake", "wav", "null", "default"]
DEVICES = {"null", "default"}


class Boom(Exception):
    pass


def signal(count: int) -> Block:
    """A stereo test signal: a different tone in each channel, well inside full scale."""
    t = np.arange(count) / RATE
    left, right = 0.5 * np.sin(2 * np.pi * 440 * t), 0.25 * np.sin(2 * np.pi * 1000 * t)
    return np.stack([left, right], axis=1).astype(DTYPE)


class Source:
    """A pull over `audio` that records what it was asked for and what it handed out."""

    def __init__(self, audio: Block) -> None:
        self.audio, self.pos = audio, 0
        self.asked: list[int] = []
        self.given: list[int] = []

    def __call__(self, count: int) -> Block:
        self.asked.append(count)
        block = self.audio[self.pos : self.pos + count]
        self.pos += len(block)
        self.given.append(len(block))
        return block


def read_wav(path: Path) -> tuple[wave.Wave_read, Block]:
    with wave.open(str(path), "rb") as wav:
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").reshape(-1, CHANNELS)
        return wav, (pcm / 32768).astype(DTYPE)


class TestSinkContract:
    @pytest.fixture(params=KINDS)
    def kind(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)

    @pytest.fixture
    def sink(self, kind: str, tmp_path: Path) -> Iterator[Sink]:
        made: Sink
        if kind == "fake":
            made = FakeSink()
        elif kind == "wav":
            made = WavSink(tmp_path / "out.wav")
        else:
            made = DeviceSink("null" if kind == "null" else None)
        yield made
        made.close()

    def test_plays_the_stream_until_a_short_block(self, sink: Sink) -> None:
        audio = signal(frames(0.3) + 77)  # a short, non-empty last block for every block size
        pull = Source(audio)
        played = sink.play(pull)
        assert played == sink.frames == len(audio) == sum(pull.given)
        assert all(n > 0 for n in pull.asked)
        assert pull.given[-1] < pull.asked[-1]  # not asked again after the short block
        if isinstance(sink, FakeSink):
            assert np.array_equal(sink.audio(), audio)
        elif isinstance(sink, WavSink):
            _, back = read_wav(sink.path)
            assert back.shape == audio.shape
            assert np.abs(back - audio).max() <= 0.5 / 32768 + 1e-9
        assert sink.realtime == isinstance(sink, DeviceSink)

    def test_stop_from_another_thread_ends_an_endless_stream(self, sink: Sink) -> None:
        pulling = threading.Event()
        stopped_at: list[float] = []

        def endless(count: int) -> Block:
            pulling.set()
            return silence(count)

        def stopper() -> None:
            pulling.wait(5)
            stopped_at.append(time.monotonic())
            sink.stop()

        thread = threading.Thread(target=stopper)
        thread.start()
        played = sink.play(endless)
        ended = time.monotonic()
        thread.join()
        assert ended - stopped_at[0] < 1.0
        assert played == sink.frames > 0
        assert sink.play(Source(signal(100))) == 0  # stopped for good

    def test_an_exception_in_pull_surfaces_from_play(self, sink: Sink) -> None:
        calls = [0]

        def failing(count: int) -> Block:
            calls[0] += 1
            if calls[0] == 3:
                raise Boom("decoder on fire")
            return silence(count)

        with pytest.raises(Boom, match="decoder on fire"):
            sink.play(failing)
        assert sink.play(Source(signal(2400))) == 2400  # a device was stopped, and restarts

    def test_an_empty_stream_plays_nothing(self, sink: Sink) -> None:
        assert sink.play(Source(signal(0))) == 0
        assert sink.frames == 0

    def test_a_block_it_cannot_play_is_refused(self, sink: Sink) -> None:
        def too_long(count: int) -> Block:
            return silence(count + 1)

        def mono(count: int) -> Block:
            return np.zeros((count, 1), DTYPE)

        bad: list[Pull] = [too_long, mono]
        for pull in bad:
            with pytest.raises(ValueError, match="pull returned"):
                sink.play(pull)

    def test_reports_what_it_is(self, kind: str, sink: Sink) -> None:
        assert sink.name
        if kind == "default" and not list_devices():
            assert sink.name == device.NULL_NAME
            assert "no sound card" in sink.warning.lower()
        else:
            assert sink.warning == ""


# -- WavSink ---------------------------------------------------------------------------------


def test_wav_header_and_clipping(tmp_path: Path) -> None:
    path = tmp_path / "preview.wav"
    audio = np.array([[2.0, -3.0], [1.0, -1.0], [0.5, -0.5], [1 / 32768, 0.0]], DTYPE)
    assert WavSink(path).play(Source(audio)) == 4
    wav, back = read_wav(path)
    assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (RATE, 2, 2)
    assert wav.getnframes() == 4
    assert np.array_equal(back * 32768, [[32767, -32768], [32767, -32768], [16384, -16384], [1, 0]])


def test_wav_from_16_bit_audio_is_bit_exact(tmp_path: Path) -> None:
    pcm = np.random.default_rng(7).integers(-32768, 32768, (5000, 2)).astype(DTYPE)
    WavSink(tmp_path / "a.wav", block=1024).play(Source((pcm / 32768).astype(DTYPE)))
    assert np.array_equal(read_wav(tmp_path / "a.wav")[1] * 32768, pcm)


def test_a_failed_render_leaves_no_half_file(tmp_path: Path) -> None:
    path = tmp_path / "preview.wav"
    path.write_bytes(b"the last good render")
    sink = WavSink(path, block=1000)

    def failing(count: int) -> Block:
        if sink.frames >= 5000:
            raise Boom
        return silence(count)

    with pytest.raises(Boom):
        sink.play(failing)
    assert [p.name for p in tmp_path.iterdir()] == ["preview.wav"]
    assert path.read_bytes() == b"the last good render"


# -- FakeSink --------------------------------------------------------------------------------


def test_fake_sink_keeps_copies_or_only_counts() -> None:
    buffer = silence(100)
    handed = [(1.0, 100), (2.0, 100), (3.0, 10)]

    def reusing(count: int) -> Block:  # like a mixer that renders into one buffer
        value, length = handed.pop(0)
        buffer[:] = value
        return buffer[:length]

    kept = FakeSink(block=100)
    assert kept.play(reusing) == 210
    assert np.array_equal(kept.audio()[:, 0], np.repeat([1.0, 2.0, 3.0], [100, 100, 10]))
    counting = FakeSink(block=1000, keep=False)
    assert counting.play(Source(signal(2500))) == counting.frames == 2500
    assert counting.audio().shape == (0, CHANNELS)


# -- DeviceSink ------------------------------------------------------------------------------

CARDS = [
    device._Playback("HDA Intel PCH: ALC892 Analog (hw:0,0)", None, None),
    device._Playback("HDA Intel PCH: HDMI 0 (hw:0,3)", None, None),
    device._Playback("USB Audio Device", None, None),
]


@pytest.mark.parametrize(
    ("asked", "found"),
    [("usb audio", "USB Audio Device"), ("ALC892", "HDA Intel PCH: ALC892 Analog (hw:0,0)")],
)
def test_a_device_is_chosen_by_name(asked: str, found: str) -> None:
    assert device._choose(asked, CARDS).name == found


@pytest.mark.parametrize(("asked", "problem"), [("Bluetooth", "no"), ("hda intel", "several")])
def test_an_unknown_device_lists_the_devices_found(
    monkeypatch: pytest.MonkeyPatch, asked: str, problem: str
) -> None:
    monkeypatch.setattr(device, "_playbacks", lambda: CARDS)
    with pytest.raises(DeviceError) as err:
        open_sink(asked)
    message = str(err.value)
    assert f"{asked!r} matches {problem} " in message
    assert all(repr(card.name) in message for card in CARDS)
    assert "audio.device in mall-pa.toml" in message


def test_a_named_device_without_any_sound_card(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(device, "_playbacks", lambda: [])
    with pytest.raises(DeviceError, match="no playback device was found"):
        DeviceSink("USB Audio")


def test_a_default_device_that_fails_falls_back_to_null_loudly(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(device, "_playbacks", lambda: CARDS)
    real_open = DeviceSink._open

    def failing_default(
        self: DeviceSink, backends: list[object] | None, device_id: object = None
    ) -> object:
        if backends is None:
            raise miniaudio.MiniaudioError("failed to init device", -401)
        return real_open(self, backends, device_id)

    monkeypatch.setattr(DeviceSink, "_open", failing_default)
    with caplog.at_level(logging.WARNING):
        sink = open_sink(None)
    sink.close()
    assert sink.name == device.NULL_NAME
    assert sink.warning.startswith("NO SOUND CARD") and "cannot be opened" in sink.warning
    assert sink.warning in caplog.text


def test_list_devices_names_sound_cards_only() -> None:
    names = list_devices()
    assert all(isinstance(name, str) and not name.startswith("Discard") for name in names)


def test_the_device_thread_asks_for_real_time_scheduling() -> None:
    """As root (CI) it gets SCHED_FIFO; without the right it plays on at ordinary scheduling
    and says how to grant it. Either way the policy seen inside pull is what it says."""
    seen: list[int] = []

    def pull(count: int) -> Block:
        seen.append(os.sched_getscheduler(0) & ~os.SCHED_RESET_ON_FORK)
        return silence(count) if len(seen) < 5 else silence(0)

    sink = DeviceSink("null")
    try:
        sink.play(pull)
    finally:
        sink.close()
    if sink.scheduling.startswith("real-time"):
        assert set(seen) == {os.SCHED_FIFO}
        assert f"priority {realtime.PRIORITY}" in sink.scheduling
    else:
        assert set(seen) == {os.SCHED_OTHER}
        assert "LimitRTPRIO" in sink.scheduling
    assert os.sched_getscheduler(0) == os.SCHED_OTHER  # the test's own thread is untouched


@pytest.mark.parametrize(
    ("limit", "granted", "said"),
    [
        (0, set(), "not permitted, RLIMIT_RTPRIO 0: grant it with LimitRTPRIO=20"),
        (5, {5}, "SCHED_FIFO, priority 5"),
        (20, {20}, "SCHED_FIFO, priority 20"),
    ],
)
def test_real_time_up_to_what_the_limit_allows(
    monkeypatch: pytest.MonkeyPatch, limit: int, granted: set[int], said: str
) -> None:
    asked: list[tuple[int, int, int]] = []

    def setscheduler(pid: int, policy: int, param: os.sched_param) -> None:
        asked.append((pid, policy, param.sched_priority))
        if param.sched_priority not in granted:
            raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "sched_setscheduler", setscheduler)
    monkeypatch.setattr(resource, "getrlimit", lambda what: (limit, limit))
    assert said in realtime.go_realtime()
    assert all(pid == 0 and policy & os.SCHED_FIFO for pid, policy, _ in asked)
    assert asked[0][2] == realtime.PRIORITY  # the wanted priority first, then the limit


@pytest.mark.parametrize(
    ("limit", "said"),
    [
        (20, "SCHED_FIFO, priority 10"),
        (15, "SCHED_FIFO, priority 5"),  # still 10 under the device's thread (at 15)
        (10, "not permitted, RLIMIT_RTPRIO 10"),  # the device's thread gets 10: none under it
    ],
)
def test_the_gils_other_holders_stay_under_the_device_thread(
    monkeypatch: pytest.MonkeyPatch, limit: int, said: str
) -> None:
    def setscheduler(pid: int, policy: int, param: os.sched_param) -> None:
        if param.sched_priority > limit:
            raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "sched_setscheduler", setscheduler)
    monkeypatch.setattr(resource, "getrlimit", lambda what: (limit, limit))
    assert said in realtime.go_realtime(realtime.HELPER_PRIORITY)


def test_real_time_refused_otherwise_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    def setscheduler(pid: int, policy: int, param: os.sched_param) -> None:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(os, "sched_setscheduler", setscheduler)
    assert realtime.go_realtime() == "ordinary scheduling (real-time refused: Invalid argument)"
