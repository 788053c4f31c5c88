"""Generated audio for the audio tests: every file a tone of its own, so the rendered output
can be checked sample for sample against what the timeline says aired."""

from __future__ import annotations

import struct
import wave
import zlib
from dataclasses import replace
from pathlib import Path

import av
import numpy as np

from daemon.audio.format import RATE, Block
from daemon.model import DayPlan, Track
from tests.factory import PlanSpec, make_plan


def tone(seconds: float, freq: float, amp: float) -> Block:
    """What the decoder yields for `write_tone(...)`: 48 kHz stereo float32 from int16."""
    n = round(seconds * RATE)
    wave_ = np.sin(2 * np.pi * freq * np.arange(n) / RATE) * amp
    pcm = np.round(wave_ * 32767).astype(np.int16)
    mono = pcm.astype(np.float32) / 32768
    return np.stack([mono, mono], axis=1)


def write_wav(path: Path, samples: Block) -> None:
    pcm = np.round(np.clip(samples, -1, 1) * 32768).clip(-32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


def write_tone(path: Path, seconds: float, freq: float, amp: float = 0.1) -> Track:
    write_wav(path, tone(seconds, freq, amp))
    return Track(path, path.stem, round(seconds * RATE) / RATE)


def write_m4a(path: Path, seconds: float) -> None:
    """AAC in an MP4 container, whatever the file is called; with an edit list (as iTunes and
    phones write them), so that a decoder drops the encoder's 1024 samples of priming."""
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=RATE)
        pcm = (tone(seconds, 440.0, 0.1)[:, :1].T * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(pcm), format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts = 0
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)


def write_png(path: Path, side: int = 4) -> None:
    """A small red PNG image, whatever the file is called (a cover saved as a song)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * side for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)


class ToneStore:
    """A day plan (tests.factory) whose every song, sting and announcement is a tone file."""

    def __init__(self, folder: Path, spec: PlanSpec, loud: float = 0.3, quiet: float = 0.03):
        self.folder = folder
        self.freqs: dict[Path, tuple[float, float]] = {}
        self.named: dict[str, Path] = {}  # announcements by their timeline ref
        self._next = 0
        plan = make_plan(spec)
        amps = (loud, quiet)
        dayparts = tuple(
            replace(
                part, tracks=tuple(self.track(t, amps[i % 2]) for i, t in enumerate(part.tracks))
            )
            for part in plan.dayparts
        )
        self.plan: DayPlan = replace(
            plan,
            dayparts=dayparts,
            intro=self.track(plan.intro),
            outro=self.track(plan.outro),
            alert=None if plan.alert is None else self.track(plan.alert),
            opening_song=None if plan.opening_song is None else self.track(plan.opening_song),
            closing_song=None if plan.closing_song is None else self.track(plan.closing_song),
        )

    def track(self, track: Track, amp: float = 0.1) -> Track:
        self._next += 1
        freq = 150.0 + 53.0 * self._next
        path = self.folder / f"{self._next:03d}-{track.path.stem}.wav"
        self.freqs[path] = (freq, amp)
        return replace(write_tone(path, track.duration or 0.0, freq, amp), title=track.title)

    def speech(self, name: str, seconds: float, amp: float = 0.05) -> Track:
        """An 'announcement' file (a tone: the tests only need to recognise it), made once."""
        if name in self.named:
            path = self.named[name]
            return Track(path, name, round(seconds * RATE) / RATE)
        track = self.track(Track(self.folder / f"{name}.wav", name, seconds), amp)
        self.named[name] = track.path
        return track

    def samples(self, path: Path, offset: int, count: int) -> Block:
        freq, amp = self.freqs[path]
        whole = tone((offset + count) / RATE, freq, amp)
        return whole[offset : offset + count]
