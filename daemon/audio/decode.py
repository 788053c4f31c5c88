"""Streaming decode of one media file to the internal format (FFmpeg's decoders, PyAV).

Contract: `Decoder(path, start_frame=0, loop=False)` opens the file or raises `MediaError`
whose `reason` a person at the service desk can act on. `read(n)` returns at most n frames as
a (m, 2) float32 block, fewer than n only at the end of the file (with `loop` never: the file
starts again); `read_into(out)` fills `out` the same way and returns how many frames it wrote.
The frames are those of the whole file decoded and resampled in one pass (resample.py), from
`start_frame` on: a decoder opened at frame k gives exactly what one opened at 0 gives from
its frame k (it decodes from the start and resamples only the last stretch before k, aligned
to the resampler's phase period, so a song resumed after a restart is the very same audio).
A damaged packet is skipped, as ffmpeg does; a truncated file ends where its audio ends. Only
a few blocks of the file are in memory at a time.
"""

from __future__ import annotations

import math
import os
import stat
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import av
import numpy as np

from daemon.audio.format import CHANNELS, DTYPE, RATE, Block
from daemon.audio.resample import Resampler
from daemon.files import what_is

__all__ = ["FORMATS", "Decoder", "MediaError"]

FORMATS = "mp3, ogg vorbis, opus, flac, wav, m4a/aac, wma"  # what the desk is told we play
MARGIN = 4096  # input samples resampled before a start frame: the filter's warm-up, and more
MAX_FAILURES = 50  # errors in a row, no frame between them: the file is over, truncated
PROBE = "32768"  # bytes FFmpeg first reads to find the streams (its default, FULL_PROBE, has
FULL_PROBE = "5000000"  # it read a 16 s WAV whole: 24 ms of CPU, for nothing)


class MediaError(Exception):
    """A file that cannot be played, and why, in words for the service desk."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class Decoder:
    """One open file, decoded and resampled on demand to 48 kHz stereo float32."""

    def __init__(self, path: Path, start_frame: int = 0, loop: bool = False) -> None:
        self.path, self.loop = path, loop
        self.frames_read = 0
        _check(path)
        self._container, self._stream = _open(path)
        self._frames = _decoded(self._container, self._stream)
        self._resampler = Resampler()
        self._pending: deque[Block] = deque()
        self._head = 0  # frames of _pending[0] already handed out
        self._ended = False
        self._made = 0  # frames the resampler gave in this pass
        self._drop = 0  # frames still to be dropped before start_frame
        self._skip_to = 0  # input samples decoded and thrown away before resampling
        self._seek(start_frame)

    def read(self, count: int) -> Block:
        """Up to `count` frames; an empty block once the file has ended."""
        out = np.empty((count, CHANNELS), DTYPE)
        got = self.read_into(out)
        return out if got == count else out[:got]

    def read_into(self, out: Block) -> int:
        """Fill `out` with the next frames; fewer than len(out) only at the end."""
        done = 0
        while done < len(out) and (self._pending or self._fill()):
            block = self._pending[0]
            take = min(len(block) - self._head, len(out) - done)
            out[done : done + take] = block[self._head : self._head + take]
            done += take
            self._head += take
            if self._head == len(block):
                self._pending.popleft()
                self._head = 0
        self.frames_read += done
        return done

    @property
    def ended(self) -> bool:
        return self._ended and not self._pending

    def wait(self, count: int, timeout: float | None) -> bool:
        """Always ready: this decoder decodes when read (the mixer's `Source` protocol)."""
        return True

    def close(self) -> None:
        self._ended = True
        self._pending.clear()
        self._container.close()

    def __enter__(self) -> Decoder:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _seek(self, start_frame: int) -> None:
        """Arrange to throw away the input before an aligned point shortly ahead of
        `start_frame` and, once resampled, the output before `start_frame` itself."""
        if start_frame <= 0:
            return
        rate = self._stream.codec_context.sample_rate
        period = rate // math.gcd(rate, RATE)  # input samples per whole cycle of phases
        target = start_frame * rate // RATE
        aligned = max(0, target - MARGIN) // period * period
        self._skip_to = aligned
        self._made = aligned // period * (RATE // math.gcd(rate, RATE))
        self._drop = start_frame - self._made

    def _fill(self) -> bool:
        """Decode until a block is pending; False at the end of the file."""
        while not self._pending and not self._ended:
            frame = next(self._frames, None)
            if frame is None:
                self._take(self._resampler.finish())
                if not self.loop or self._made == 0:
                    self._ended = True
                else:
                    self._restart()
                continue
            if self._skip_to > 0:
                frame = self._skipped(frame)
                if frame is None:
                    continue
            self._resampler.push(frame)
            self._take(self._resampler.pull())
        return bool(self._pending)

    def _skipped(self, frame: av.AudioFrame) -> av.AudioFrame | None:
        """What is left of `frame` after the input to be thrown away before the start."""
        if frame.samples <= self._skip_to:
            self._skip_to -= frame.samples
            return None
        keep, self._skip_to = frame.samples - self._skip_to, 0
        samples = frame.to_ndarray()
        per = 1 if frame.format.is_planar else frame.layout.nb_channels
        tail = samples[:, samples.shape[1] - keep * per :].copy()  # contiguous
        rest = av.AudioFrame.from_ndarray(tail, format=frame.format.name, layout=frame.layout.name)
        rest.sample_rate = frame.sample_rate
        return rest

    def _take(self, blocks: list[Block]) -> None:
        for block in blocks:
            self._made += len(block)
            if self._drop >= len(block):
                self._drop -= len(block)
                continue
            if self._drop:
                block, self._drop = block[self._drop :], 0
            self._pending.append(block)

    def _restart(self) -> None:
        """The file again from its start (a loop)."""
        self._container.close()
        self._container, self._stream = _open(self.path)
        self._frames = _decoded(self._container, self._stream)
        self._resampler, self._made = Resampler(), 0


def _check(path: Path) -> None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise MediaError(path, "file not found") from None
    except OSError as e:
        raise MediaError(path, f"file cannot be read ({e.strerror or e})") from None
    if not stat.S_ISREG(info.st_mode):
        raise MediaError(path, f"{what_is(info.st_mode)}, not an audio file")
    if info.st_size == 0:
        raise MediaError(path, "the file is empty (0 bytes)")


def _open(path: Path, probe: str = PROBE) -> tuple[av.container.InputContainer, av.AudioStream]:
    """The container and its first audio stream, or MediaError. Probed from its first
    `probe` bytes, and from FFmpeg's default 5 MB if that did not tell the format."""
    try:
        container = av.open(str(path), metadata_errors="replace", options={"probesize": probe})
    except PermissionError:
        raise MediaError(path, "file cannot be read (permission denied)") from None
    except (av.FFmpegError, OSError):
        if probe != FULL_PROBE:
            return _open(path, FULL_PROBE)
        raise MediaError(path, f"cannot be decoded: damaged, or not {FORMATS}") from None
    stream = container.streams.audio[0] if container.streams.audio else None
    context = None if stream is None else stream.codec_context
    if stream is None or context is None or context.sample_rate <= 0 or context.channels <= 0:
        container.close()
        if probe != FULL_PROBE:
            return _open(path, FULL_PROBE)
        if stream is None:
            raise MediaError(path, "no sound in the file (an image, or a video without sound)")
        raise MediaError(path, f"cannot be decoded: damaged, or not {FORMATS}")
    return container, stream


def _decoded(
    container: av.container.InputContainer, stream: av.AudioStream
) -> Iterator[av.AudioFrame]:
    """Every frame FFmpeg can decode: a damaged packet is skipped, a truncated file ends.
    (PyAV's own loop over packets and frames: a third less overhead than one in Python.)"""
    failures = 0
    while failures < MAX_FAILURES:
        try:
            for frame in container.decode(stream):
                failures = 0
                yield frame
            return
        except av.FFmpegError:  # a damaged packet (decoding goes on after it), or the end
            failures += 1
