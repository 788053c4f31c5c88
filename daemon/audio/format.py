"""The one internal audio format: 48 kHz stereo float32, frames as rows of a numpy array.

Every item is decoded and resampled to it (FFmpeg and swresample, daemon/audio/decode.py), the
mixer works in it, and every sink takes it. A block is an array of shape (frames, 2), dtype
float32, full scale at +-1.0.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = ["CHANNELS", "DTYPE", "RATE", "Block", "db_to_gain", "frames", "silence"]

RATE = 48_000
CHANNELS = 2
DTYPE = np.float32
Block = npt.NDArray[np.float32]


def frames(seconds: float) -> int:
    """Seconds as a whole number of frames (nearest)."""
    return round(seconds * RATE)


def silence(count: int) -> Block:
    return np.zeros((count, CHANNELS), dtype=DTYPE)


def db_to_gain(db: float) -> float:
    return 0.0 if db == -math.inf else float(10 ** (db / 20))
