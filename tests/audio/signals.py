"""Generated test signals written as WAV (stdlib `wave`) or Ogg Vorbis (PyAV): no fixtures."""

from __future__ import annotations

import wave
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

Signal = npt.NDArray[np.float64]  # mono samples, full scale at +-1.0


def sine(rate: int, seconds: float, amp: float = 0.1, freq: float = 1000.0) -> Signal:
    return amp * np.sin(2 * np.pi * freq * np.arange(round(rate * seconds)) / rate)


def quiet(rate: int, seconds: float) -> Signal:
    return np.zeros(round(rate * seconds))


def write_wav(path: Path, rate: int, samples: Signal, channels: int = 1) -> Path:
    """16-bit PCM: mono samples copied to every channel, or (frames, channels) as they are."""
    if samples.ndim == 1:
        samples = np.repeat(samples[:, np.newaxis], channels, axis=1)
    pcm = np.round(np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(samples.shape[1])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def write_ogg(path: Path, rate: int, samples: Signal) -> Path:
    """Stereo Ogg Vorbis (FFmpeg's native encoder takes only stereo float planes)."""
    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("vorbis", rate=rate, layout="stereo")
        stream.codec_context.options = {"strict": "experimental"}
        for start in range(0, len(samples), 4096):
            piece = samples[start : start + 4096].astype(np.float32)
            frame = av.AudioFrame.from_ndarray(
                np.stack([piece, piece]), format="fltp", layout="stereo"
            )
            frame.sample_rate = rate
            frame.pts = start  # timestamps: the muxer cuts pages (of about 1 s) by them
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path
