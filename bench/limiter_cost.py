"""Benchmark: the CPU the true-peak limiter (daemon/audio/limiter.py) costs the decode thread.

    python bench/limiter_cost.py [--seconds 20] [--runs 5] [--out /tmp/results-limiter.md]

Each signal (--seconds of it, generated: no files) goes through a fresh `Limiter` in reads of
480 frames (a device period: how the limiter was read before the decode thread) and of
8192 frames (how it is read now: the decode thread's chunk, a render's block),
timed by `time.process_time()` (the whole process: any BLAS thread would count), --runs runs
round robin; figures: CPU per 480 frames, median (and fastest run), and seconds of CPU per
hour of audio (median). Nothing is written to bench/RESULTS.md. The signals:
- limiting all the time: white noise (to 20 kHz) at -14 dBFS RMS, gain +10 dB: peaks 8 dB
  over the ceiling, the gain always down (the worst case);
- music-like: noise at -24 dBFS RMS with a drum-like hit (3 ms of 3 kHz at -0.5 dBFS) twice
  a second, gain +4 dB: limited now and then (4.5 dB, released over 0.2 s);
- the same in mono (both channels the same, as a speech file): one channel is measured;
- loud, under the ceiling: noise at -20 dBFS RMS, gain +4 dB (peaks at -2 dBTP): every
  frame measured, nothing limited (the cost of the estimate alone);
- quiet: peaks under -9 dB of the ceiling: not measured at all.
The reference is `block * gain`, what the mixer does per block without a limiter.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine  # noqa: E402
from daemon.audio.format import CHANNELS, DTYPE, RATE, Block  # noqa: E402
from daemon.audio.limiter import Limiter  # noqa: E402

HOUR = 3600 * RATE


def noise(seconds: float, rms: float, seed: int = 1) -> Block:
    """White noise to 20 kHz (a brick wall in the spectrum), `rms` per channel."""
    samples = np.random.default_rng(seed).standard_normal((round(seconds * RATE), CHANNELS))
    spectrum = np.fft.rfft(samples, axis=0)
    spectrum[np.fft.rfftfreq(len(samples), 1 / RATE) > 20_000] = 0
    out = np.fft.irfft(spectrum, len(samples), axis=0)
    return np.asarray(out * (rms / out.std()), DTYPE)


def music_like(seconds: float, mono: bool = False) -> Block:
    block = noise(seconds, 10 ** (-24 / 20))
    if mono:
        block[:, 1] = block[:, 0]
    hit = 0.94 * np.hanning(144) * np.sin(2 * np.pi * 3000 * np.arange(144) / RATE)
    for start in range(1000, len(block) - 144, RATE // 2):
        block[start : start + 144] = hit[:, None]
    return block


def signals(seconds: float) -> dict[str, tuple[Block, float]]:
    """name: (signal, linear gain)."""
    return {
        "limiting all the time": (noise(seconds, 10 ** (-14 / 20)), 10 ** (10 / 20)),
        "music-like, limited now and then": (music_like(seconds), 10 ** (4 / 20)),
        "the same, mono": (music_like(seconds, mono=True), 10 ** (4 / 20)),
        "loud, under the ceiling": (noise(seconds, 10 ** (-20 / 20)), 10 ** (4 / 20)),
        "quiet (-12 dBFS peaks)": (noise(seconds, 10 ** (-24 / 20)), 1.0),
    }


def cpu(run: Callable[[], None]) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start


def limited(block: Block, gain: float, size: int) -> Callable[[], None]:
    def run() -> None:
        limiter = Limiter(gain)
        for at in range(0, len(block), size):
            limiter.process(block[at : at + size])

    return run


def scaled(block: Block, gain: float, size: int) -> Callable[[], None]:
    def run() -> None:
        for at in range(0, len(block), size):
            _ = block[at : at + size] * gain

    return run


def reduction(block: Block, gain: float) -> tuple[float, float]:
    """The share of frames limited, and the deepest reduction in dB."""
    limiter = Limiter(gain)
    out = np.concatenate([limiter.process(block), limiter.flush()])[limiter.delay :]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs(out[:, 0].astype(np.float64) / (block[:, 0] * np.float32(gain)))
    down = ratio[np.isfinite(ratio)] < 1.0
    return float(down.mean()), float(20 * np.log10(ratio[np.isfinite(ratio)].min()))


def _ms(per_frame: list[float], digits: int = 3) -> str:
    """CPU per 480 frames: median (fastest)."""
    med, low = statistics.median(per_frame) * 480e3, min(per_frame) * 480e3
    return f"{med:.{digits}f} ms ({low:.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("/tmp/results-limiter.md"))
    args = parser.parse_args()
    cases = signals(args.seconds)
    timed: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.runs):  # round robin: a disturbance spreads over every case
        for name, (block, gain) in cases.items():
            for kind, run in (
                ("live", limited(block, gain, 480)),
                ("render", limited(block, gain, 8192)),
                ("reference", scaled(block, gain, 480)),
            ):
                timed.setdefault((name, kind), []).append(cpu(run) / len(block))
    lines = [
        f"### limiter_cost.py, {time.strftime('%Y-%m-%d')}",
        "",
        f"Machine: {machine()}",
        "",
        f"{args.seconds:g} s of each signal, {args.runs} runs each (round robin), CPU time",
        "(process_time) per 480 frames: median (fastest run); per hour of audio: median.",
        "",
        "| signal | frames limited | deepest | reads of 480 | reads of 8192 (decoding) "
        "| per hour, reads of 480 / 8192 | reference: `block * gain`, per 480 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, (block, gain) in cases.items():
        share, deepest = reduction(block, gain)
        live, render, base = (timed[name, kind] for kind in ("live", "render", "reference"))
        lines.append(
            f"| {name} | {share:.0%} | {deepest:.1f} dB | {_ms(live)} | {_ms(render)} "
            f"| {statistics.median(live) * HOUR:.0f} s / {statistics.median(render) * HOUR:.0f} s "
            f"| {_ms(base, 4)} |"
        )
    table = "\n".join(lines) + "\n"
    print(table)
    args.out.write_text(table)


if __name__ == "__main__":
    main()
