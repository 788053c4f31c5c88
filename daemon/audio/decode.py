"""Streaming decode of one media file to the internal format (miniaudio), block by block.

Contract: `Decoder(path)` opens the file or raises `MediaError` whose `reason` a person at the
service desk can act on. `read(n)` returns at most n frames as a (m, 2) float32 block; fewer
than n only at the end of the file; it raises `MediaError` if the file turns out damaged
mid-way. Only one chunk of the file is in memory at a time.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import miniaudio
import numpy as np

from daemon.audio.format import CHANNELS, DTYPE, RATE, Block

__all__ = ["CHUNK", "Decoder", "MediaError"]

CHUNK = 16_384  # the most frames miniaudio's stream hands over per call


class MediaError(Exception):
    """A file that cannot be played, and why, in words for the service desk."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class Decoder:
    """One open file, decoded and resampled on demand to 48 kHz stereo float32."""

    def __init__(self, path: Path, start_frame: int = 0) -> None:
        self.path = path
        self.frames_read = 0
        try:
            size = os.stat(path).st_size
        except FileNotFoundError:
            raise MediaError(path, "file not found") from None
        except OSError as e:
            raise MediaError(path, f"file cannot be read ({e.strerror or e})") from None
        if size == 0:
            raise MediaError(path, "the file is empty (0 bytes)")
        try:
            self._stream = miniaudio.stream_file(
                str(path), miniaudio.SampleFormat.FLOAT32, CHANNELS, RATE, CHUNK,
                seek_frame=start_frame,
            )  # fmt: skip
        except miniaudio.MiniaudioError:
            raise MediaError(path, "cannot be decoded: damaged, or not mp3/ogg/flac/wav") from None
        self._ended = False

    def read(self, count: int) -> Block:
        """Up to `count` frames; an empty block once the file has ended."""
        pieces: list[Block] = []
        wanted = count
        while wanted > 0 and not self._ended:
            try:
                chunk = self._stream.send(min(wanted, CHUNK))
            except StopIteration:
                self._ended = True
                break
            except miniaudio.MiniaudioError:
                self._ended = True
                raise MediaError(self.path, "a damaged part cannot be decoded") from None
            block = np.frombuffer(chunk, dtype=DTYPE).reshape(-1, CHANNELS)
            if len(block) == 0:
                self._ended = True
                break
            pieces.append(block)
            wanted -= len(block)
        self.frames_read += count - wanted
        if len(pieces) == 1:
            return pieces[0]
        return np.concatenate(pieces) if pieces else np.zeros((0, CHANNELS), DTYPE)

    @property
    def ended(self) -> bool:
        return self._ended

    def close(self) -> None:
        self._ended = True
        self._stream.close()

    def __enter__(self) -> Decoder:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
