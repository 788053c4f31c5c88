"""Where the mixer's audio goes: a WAV file, a list in memory, or a sound card (device.py).

Contract, the same for every sink: `play(pull)` asks `pull(n)` (n > 0) for blocks of the
internal format and blocks until a block shorter than asked ends the stream (its frames are
played), `stop()` is called, or `pull` raises, which `play()` re-raises in the caller's thread.
It returns the frames played in this call; `frames` counts those of every call and may be read
from any thread. A block must be (m, 2) float32 with m <= n, else `ValueError` from `play()`:
the fake sink rejects what the sound card could not play. `stop()` may be called from any
thread, even before `play()`; it is for good: every later `play()` returns 0 without pulling.
"""

from __future__ import annotations

import threading
import wave
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
import numpy.typing as npt

from daemon.audio.device import DeviceError, DeviceSink, checked, list_devices, open_sink
from daemon.audio.format import CHANNELS, DTYPE, RATE, Block
from daemon.files import replace_file

__all__ = [
    "DeviceError",
    "DeviceSink",
    "FakeSink",
    "Pull",
    "Sink",
    "WavSink",
    "checked",
    "list_devices",
    "open_sink",
]

Pull = Callable[[int], Block]  # asked for n frames; returns exactly n, or fewer to end the stream


class Sink(Protocol):
    name: str  # for reports: "WAV preview.wav", "sound card 'USB Audio' (ALSA)", ...
    realtime: bool  # paced by a clock (a device) or as fast as the CPU allows (WAV, fake)
    warning: str  # "" or one loud line (playing to the null device)

    def play(self, pull: Pull) -> int: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...

    @property
    def frames(self) -> int: ...


class _Batch:
    """What WavSink and FakeSink share: pull blocks of `block` frames in a loop, at once."""

    realtime = False
    warning = ""

    def __init__(self, block: int) -> None:
        if block <= 0:
            raise ValueError(f"block must be positive, not {block}")
        self.block = block
        self._frames = 0
        self._stopped = threading.Event()

    @property
    def frames(self) -> int:
        return self._frames

    def stop(self) -> None:
        self._stopped.set()

    def close(self) -> None:
        self._stopped.set()

    def _run(self, pull: Pull, take: Callable[[Block], None]) -> int:
        played = 0
        while not self._stopped.is_set():
            block = checked(pull(self.block), self.block)
            if len(block):
                take(block)
            played += len(block)
            self._frames += len(block)
            if len(block) < self.block:
                break
        return played


class FakeSink(_Batch):
    """The simulation's and the tests' sink: keeps copies of the blocks (or only counts)."""

    def __init__(self, block: int = 4096, keep: bool = True) -> None:
        super().__init__(block)
        self.name = "fake (memory)" if keep else "fake (counting only)"
        self.keep = keep
        self._blocks: list[Block] = []

    def play(self, pull: Pull) -> int:
        return self._run(pull, self._take if self.keep else _ignore)

    def audio(self) -> Block:
        """Everything played so far (every play() call), as one block."""
        if not self._blocks:
            return np.zeros((0, CHANNELS), DTYPE)
        return np.concatenate(self._blocks)

    def _take(self, block: Block) -> None:
        self._blocks.append(block.copy())  # the caller may reuse its buffer


def _ignore(block: Block) -> None:
    pass


class WavSink(_Batch):
    """A 48 kHz stereo 16-bit WAV file, written as fast as the audio is rendered.

    The file appears only when play() returns normally (or after stop(): what was played so
    far); until then the audio goes to a hidden temporary file next to it, removed on failure.
    Only a new or regular file is replaced (daemon.files): never a device, FIFO or symlink.
    Each play() writes the whole file anew. Samples beyond +-1.0 are clipped.
    """

    def __init__(self, path: Path | str, block: int = 8192) -> None:
        super().__init__(block)
        self.path = Path(path)
        self.name = f"WAV {self.path}"
        self._scaled = np.empty((block, CHANNELS), DTYPE)
        self._pcm = np.empty((block, CHANNELS), np.int16)

    def play(self, pull: Pull) -> int:
        played = 0

        def write(file: BinaryIO) -> None:
            nonlocal played
            with wave.open(file, "wb") as out:
                out.setnchannels(CHANNELS)
                out.setsampwidth(2)
                out.setframerate(RATE)
                played = self._run(
                    pull, lambda block: out.writeframesraw(self._convert(block).data)
                )

        replace_file(self.path, write)
        return played

    def _convert(self, block: Block) -> npt.NDArray[np.int16]:
        """int16 samples of `block` in buffers reused from block to block: scaled by 32768 like
        the decoder's int16 conversion (16-bit audio comes back bit for bit), rounded, clipped."""
        scaled, pcm = self._scaled[: len(block)], self._pcm[: len(block)]
        np.multiply(block, 32768.0, out=scaled)
        np.clip(scaled, -32768.0, 32767.0, out=scaled)
        np.rint(scaled, out=scaled)
        pcm[...] = scaled
        return pcm
