"""The sound card sink: miniaudio's playback device, paced by the card, fed from its thread.

`DeviceSink(device)` opens a playback device by name (exact, else the one whose name contains
it, ignoring case), `"null"` for miniaudio's null device (silent, paced by a timer), or with
`None` the default device, falling back to the null device with a loud `warning` when there is
no sound card. Every period (10 ms) the device's thread asks `pull(n)` for the next block; an
exception there is re-raised by `play()` in the thread that called it. That thread asks for
real-time scheduling on its first callback (realtime.py); `scheduling` says what it got (the
service logs it once audio flows). The sink contract is in sinks.py, which re-exports all
of this.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import miniaudio
import numpy as np

from daemon.audio.format import CHANNELS, DTYPE, RATE, Block
from daemon.audio.realtime import go_realtime

if TYPE_CHECKING:
    from daemon.audio.sinks import Pull

__all__ = ["NO_CARD", "NULL", "DeviceError", "DeviceSink", "checked", "list_devices", "open_sink"]

log = logging.getLogger(__name__)

NULL = "null"  # audio.device value that asks for the null device
NULL_NAME = "null (no sound card: real-time, silent)"
NO_CARD = "NO SOUND CARD: playing to the null device, nobody hears anything"
NOT_CARDS = ("Discard all samples",)  # ALSA's "null" PCM: silent and not even paced
DRAIN_PERIODS = 3  # silence fed after the last block, so the card's buffer plays out
STALL = 5.0  # seconds without the device asking for audio: it is gone


def checked(block: Block, count: int) -> Block:
    """`block` if a sink can play it in answer to pull(count), else ValueError (every sink
    checks, so that the fake sink rejects what a sound card could not play)."""
    if block.ndim != 2 or block.shape[1] != CHANNELS or block.dtype != DTYPE:
        raise ValueError(f"pull returned a {block.dtype} block of shape {block.shape}, not (n, 2)")
    if len(block) > count:
        raise ValueError(f"pull returned {len(block)} frames when asked for {count}")
    return block


class DeviceError(Exception):
    """No output device to play to, and what to do about it, in words for the service desk."""


class _Playback(NamedTuple):
    name: str
    id: Any  # miniaudio's device id (cffi)
    backend: Any  # miniaudio.Backend it was found with


_BACKENDS = {
    miniaudio.ffi.string(miniaudio.lib.ma_get_backend_name(b.value)).decode(): b
    for b in miniaudio.Backend
}


def _playbacks() -> list[_Playback]:
    """The playback devices of the default audio system, sound cards only."""
    try:
        devices = miniaudio.Devices()
        if devices.backend == "Null":
            return []
        found = devices.get_playbacks()
    except miniaudio.MiniaudioError:
        return []
    backend = _BACKENDS.get(devices.backend)
    return [
        _Playback(d["name"], d["id"], backend) for d in found if not d["name"].startswith(NOT_CARDS)
    ]


def list_devices() -> list[str]:
    """Names of the playback devices (sound cards) found; empty when there are none."""
    return [p.name for p in _playbacks()]


def _choose(asked: str, found: Sequence[_Playback]) -> _Playback:
    exact = [p for p in found if p.name == asked]
    matches = exact or [p for p in found if asked.casefold() in p.name.casefold()]
    if len(matches) == 1:
        return matches[0]
    if not found:
        raise DeviceError(
            f"audio.device is {asked!r} but no playback device was found (no sound card?); "
            f'connect one, or set audio.device = "{NULL}" in mall-pa.toml to run silent'
        )
    names = ", ".join(repr(p.name) for p in found)
    problem = "matches several playback devices" if matches else "matches no playback device"
    raise DeviceError(
        f"audio.device {asked!r} {problem}; found: {names}. "
        "Set audio.device in mall-pa.toml to one of them"
    )


class DeviceSink:
    """A playback device (or the null device), opened at once and started by each play()."""

    realtime = True

    def __init__(self, device: str | None = None, period_ms: int = 10) -> None:
        self.period = RATE * period_ms // 1000
        self._period_ms = period_ms
        self.warning = ""
        self._frames = 0
        self._calls = 0  # callbacks so far: the watchdog sees a device that stopped asking
        self._error: BaseException | None = None
        self._stopped = False
        self._done = threading.Event()
        self.scheduling = ""  # what the device's thread runs at, once it has been asked
        self._device: Any = None
        if device is not None and device.strip().casefold() == NULL:
            self._device, self.name = self._open_null(), NULL_NAME
        elif device:
            chosen = _choose(device, _playbacks())
            try:
                self._device = self._open([chosen.backend], chosen.id)
            except miniaudio.MiniaudioError as err:
                raise DeviceError(f"sound card {chosen.name!r} cannot be opened ({err})") from None
            self.name = f"sound card {chosen.name!r} ({self._device.backend})"
        else:
            self._open_default()

    def _open(self, backends: list[Any] | None, device_id: Any = None) -> Any:
        return miniaudio.PlaybackDevice(
            miniaudio.SampleFormat.FLOAT32, CHANNELS, RATE, buffersize_msec=self._period_ms,
            device_id=device_id, backends=backends, app_name="mall-pa",
        )  # fmt: skip

    def _open_null(self) -> Any:
        try:
            return self._open([miniaudio.Backend.NULL])
        except miniaudio.MiniaudioError as err:
            raise DeviceError(f"even the null output device cannot be opened ({err})") from None

    def _open_default(self) -> None:
        reason = "" if _playbacks() else "no playback device found"
        if not reason:
            try:
                self._device = self._open(None)
            except miniaudio.MiniaudioError as err:
                reason = f"the default playback device cannot be opened: {err}"
            else:
                if self._device.backend == "Null":
                    self._device.close()
                    reason = "no audio system answered"
        if reason:
            self._device, self.name = self._open_null(), NULL_NAME
            self.warning = f"{NO_CARD} ({reason})"
            log.warning("%s", self.warning)
        else:
            self.name = f"default sound card ({self._device.backend})"

    @property
    def frames(self) -> int:
        return self._frames

    def play(self, pull: Pull) -> int:
        device = self._device
        if device is None:
            raise RuntimeError(f"{self.name} is closed")
        self._done.clear()
        if self._stopped:
            return 0
        before, self._error = self._frames, None
        feed = self._feed(pull)
        next(feed)
        try:
            device.start(feed)
        except miniaudio.MiniaudioError as err:
            raise DeviceError(f"{self.name} does not start ({err})") from None
        try:
            seen = -1
            while not self._done.wait(STALL):
                if self._calls == seen:
                    raise DeviceError(f"{self.name} stopped asking for audio for {STALL:.0f} s")
                seen = self._calls
        finally:
            try:
                device.stop()
            except miniaudio.MiniaudioError as err:
                log.warning("%s does not stop: %s", self.name, err)
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return self._frames - before

    def _feed(self, pull: Pull) -> Generator[object, int, None]:
        """The device thread's side: asked for `count` frames, yields their bytes."""
        count = yield b""
        if not self.scheduling:
            self.scheduling = go_realtime()  # once, from the device's own thread
        while True:
            self._calls += 1
            try:
                block = checked(pull(count), count)
            except BaseException as err:  # re-raised by play(), in its thread
                self._error = err
                self._done.set()
                return
            got = len(block)
            self._frames += got
            if got < count:
                break
            if not block.flags.c_contiguous:
                block = np.ascontiguousarray(block)
            count = yield block.data.cast("B")  # miniaudio copies it out, no tobytes()
        last = np.zeros((count, CHANNELS), DTYPE)
        last[:got] = block
        count = yield last.data.cast("B")
        drained = 0
        while drained < DRAIN_PERIODS * self.period:
            self._calls += 1
            drained += count
            count = yield b""  # miniaudio has silenced the buffer already
        self._done.set()

    def stop(self) -> None:
        """End play() within a period; for good: later play() calls return 0 at once."""
        self._stopped = True
        self._done.set()

    def close(self) -> None:
        self.stop()
        device, self._device = self._device, None
        if device is not None:
            device.close()


def open_sink(device: str | None) -> DeviceSink:
    """The sink for `audio.device` (None or "": the default sound card, else the null one)."""
    return DeviceSink(device or None)
