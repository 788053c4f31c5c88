"""Speech audio: one format for every spoken sound, and the few operations on it.

Every piece of speech (synthesised, recorded, assembled from a phrase bank) is mono
float32 at SPEECH_RATE (48 kHz, the house rate the mixer runs at), samples in [-1, 1].
Files written for the mixer and for people are 16-bit mono WAV at the same rate.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

__all__ = [
    "SPEECH_RATE",
    "Audio",
    "Samples",
    "concat",
    "from_pcm16",
    "read_wav",
    "resample",
    "silence",
]

SPEECH_RATE = 48_000
Samples = npt.NDArray[np.float32]
EDGE_SECONDS = 0.005  # fade every joined piece in and out this long: no click at a join
ONSET_DB = -50.0  # `started`: the sound begins at the first sample above this level
ONSET_RAMP = 0.001  # ... faded in over the millisecond before it
RESAMPLE_FRAME = 8192  # samples a frame handed to swresample


@dataclass(frozen=True, slots=True)
class Audio:
    """Mono float32 samples at SPEECH_RATE."""

    samples: Samples

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / SPEECH_RATE

    def rms_db(self) -> float:
        """Loudness of the voiced part in dBFS (RMS over samples above -50 dBFS), -inf if silent."""
        voiced = self.samples[np.abs(self.samples) > 10 ** (-50 / 20)]
        if voiced.size == 0:
            return float("-inf")
        return float(20 * np.log10(np.sqrt(np.mean(np.square(voiced, dtype=np.float64)))))

    def peak_db(self) -> float:
        """The highest absolute sample in dBFS, -inf if all zero."""
        peak = float(np.max(np.abs(self.samples))) if self.samples.size else 0.0
        return 20 * float(np.log10(peak)) if peak > 0 else float("-inf")

    def gained(self, db: float) -> Audio:
        """This audio `db` decibels louder, clipped to [-1, 1]."""
        return Audio(np.clip(self.samples * np.float32(10 ** (db / 20)), -1, 1))

    def levelled(self, target_db: float, ceiling_db: float = -1.0) -> Audio:
        """Scaled so the voiced RMS sits at `target_db`, never letting a peak pass `ceiling_db`."""
        rms, peak = self.rms_db(), self.peak_db()
        if rms == float("-inf"):
            return self
        return self.gained(min(target_db - rms, ceiling_db - peak))

    def trimmed(self, threshold_db: float = -45.0, keep: float = 0.05) -> Audio:
        """Leading and trailing silence removed, keeping `keep` seconds around the sound.

        Silence is anything quieter than `threshold_db` in 10 ms windows.
        """
        window = SPEECH_RATE // 100
        usable = len(self.samples) // window * window
        if usable == 0:
            return Audio(self.samples[:0])
        frames = self.samples[:usable].reshape(-1, window)
        loud = np.flatnonzero(np.max(np.abs(frames), axis=1) > 10 ** (threshold_db / 20))
        if loud.size == 0:
            return Audio(self.samples[:0])
        pad = int(keep * SPEECH_RATE)
        start = max(0, int(loud[0]) * window - pad)
        end = min(len(self.samples), (int(loud[-1]) + 1) * window + pad)
        return Audio(self.samples[start:end])

    def started(self, threshold_db: float = ONSET_DB, ramp: float = ONSET_RAMP) -> Audio:
        """Everything before the sound removed to the sample: it starts `ramp` seconds
        before the first sample above `threshold_db` and fades in over twice that (the
        ramp and the sound's first moment: no click, even on an abrupt start).

        For what must be heard at once (an emergency): `trimmed` keeps a margin and works in
        10 ms windows; this keeps no silence at all. Unchanged if nothing is that loud."""
        loud = np.flatnonzero(np.abs(self.samples) > 10 ** (threshold_db / 20))
        if loud.size == 0:
            return self
        n = int(ramp * SPEECH_RATE)
        start = max(0, int(loud[0]) - n)
        out = self.samples[start:].copy()
        fade = min(2 * n, len(out))
        out[:fade] *= np.linspace(0.0, 1.0, fade, endpoint=False, dtype=np.float32)
        return Audio(out)

    def faded(self, seconds: float = EDGE_SECONDS) -> Audio:
        """A copy with a short linear fade in and out, so it can be joined without a click."""
        n = min(int(seconds * SPEECH_RATE), len(self.samples) // 2)
        out = self.samples.copy()
        if n:
            ramp = np.linspace(0.0, 1.0, n, endpoint=False, dtype=np.float32)
            out[:n] *= ramp
            out[-n:] *= ramp[::-1]
        return Audio(out)

    def pcm16(self) -> bytes:
        """Little-endian 16-bit PCM."""
        return (np.clip(self.samples, -1, 1) * 32767).astype("<i2").tobytes()

    def write_wav(self, path: Path) -> None:
        """Write a 16-bit mono WAV, atomically (a reader never sees half a file)."""
        partial = path.with_name(path.name + ".partial")
        with wave.open(str(partial), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SPEECH_RATE)
            out.writeframes(self.pcm16())
        partial.replace(path)


def silence(seconds: float) -> Audio:
    """`seconds` of digital silence."""
    return Audio(np.zeros(round(seconds * SPEECH_RATE), dtype=np.float32))


def concat(pieces: list[Audio]) -> Audio:
    """The pieces one after another."""
    if not pieces:
        return silence(0)
    return Audio(np.concatenate([p.samples for p in pieces]))


def resample(samples: Samples, rate: int) -> Samples:
    """Mono float32 samples at `rate` converted to SPEECH_RATE (FFmpeg's swresample).

    The samples go in frames of at most RESAMPLE_FRAME: swresample's buffers grow with the
    frame it is given (a minute in one frame took 25 MB beside the output, and left the
    allocator holding them); the output is the same to the sample either way."""
    if rate == SPEECH_RATE or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SPEECH_RATE)
    data = np.ascontiguousarray(samples, dtype=np.float32).reshape(1, -1)
    out: list[Samples] = []
    for start in range(0, data.shape[1], RESAMPLE_FRAME):
        frame = av.AudioFrame.from_ndarray(
            data[:, start : start + RESAMPLE_FRAME], format="flt", layout="mono"
        )
        frame.sample_rate = rate
        out += [f.to_ndarray()[0] for f in resampler.resample(frame)]
    out += [f.to_ndarray()[0] for f in resampler.resample(None)]
    return np.concatenate(out).astype(np.float32, copy=False) if out else samples[:0]


def from_pcm16(data: bytes, rate: int) -> Audio:
    """Mono little-endian 16-bit PCM at `rate` as speech audio."""
    samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / np.float32(32768)
    return Audio(resample(samples, rate))


def read_wav(path: Path) -> Audio:
    """A 16-bit mono WAV as written by `Audio.write_wav` (any rate)."""
    with wave.open(str(path), "rb") as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit mono WAV")
        return from_pcm16(wav.readframes(wav.getnframes()), wav.getframerate())
