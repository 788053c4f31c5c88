"""The true-peak limiter: the output's true peak (measured here independently, by FFT
upsampling) stays under the ceiling after any gain; below the ceiling it is exactly the input
times the gain; it is the same however the stream is split; it recovers at the documented
rate and keeps a peaky signal's loudness; `Limited` gives its source's frames, aligned."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyebur128
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.audio.decode import Decoder, MediaError
from daemon.audio.format import CHANNELS, DTYPE, RATE, Block
from daemon.audio.limiter import HOLD, PIECE, Limited, Limiter, needs_limiting
from tests.audio.signals import write_wav

Floats = npt.NDArray[np.float64]
TOLERANCE = 0.05  # dB: the limiter's estimate against this file's meter
DELAY = round(0.005 * RATE)


def true_peak_db(block: Block) -> float:
    """The peak of the band-limited signal through the samples, in dBTP: 16x upsampling by
    zero-padding its spectrum (silence on either side, so that the wrap is harmless)."""
    pad = np.zeros((256, block.shape[1]))
    padded = np.concatenate((pad, block, pad))
    spectrum = np.fft.rfft(padded, axis=0)
    up = 16
    wide = np.zeros((len(padded) * up // 2 + 1, block.shape[1]), complex)
    wide[: len(spectrum)] = spectrum
    upsampled = np.fft.irfft(wide, len(padded) * up, axis=0) * up
    return 20 * math.log10(float(np.abs(upsampled).max()))


def band_limited(samples: Floats, hz: float = 20_000.0) -> Floats:
    """`samples` with nothing above `hz` (as a decoded 44.1 kHz or lossy file)."""
    spectrum = np.fft.rfft(samples, axis=0)
    spectrum[np.fft.rfftfreq(len(samples), 1 / RATE) > hz] = 0
    return np.fft.irfft(spectrum, len(samples), axis=0)


def faded(samples: Floats, seconds: float = 0.01) -> Floats:
    """Raised-cosine fades in and out (no step at either end)."""
    n = round(seconds * RATE)
    shape = 0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n)
    out = samples.copy()
    out[:n] *= shape[:, None]
    out[-n:] *= shape[::-1, None]
    return out


def stereo(left: Floats, right: Floats | None = None) -> Block:
    return np.stack([left, left if right is None else right], axis=1).astype(DTYPE)


def t(seconds: float) -> Floats:
    return np.arange(round(seconds * RATE)) / RATE


def clicks_on_sine() -> Block:
    """A 1 kHz sine at -20 dBFS with 3-frame full-scale clicks every 0.25 s."""
    time = t(1.0)
    sig = 0.1 * np.sin(2 * np.pi * 1000 * time)
    sig[np.arange(len(sig)) % 12_000 < 3] = 1.0
    sig[: RATE // 100] = 0
    return stereo(sig, -sig)


def high_sine() -> Block:
    """A 15 kHz sine near full scale: its peaks mostly fall between the samples."""
    sig = faded(0.95 * np.sin(2 * np.pi * 15_000 * t(0.5)[:, None] + 0.3))[:, 0]
    return stereo(sig, 0.5 * sig)


def intersample() -> Block:
    """12 kHz at 45 degrees: every sample at 0.707 of the true peak (3 dB under it)."""
    sig = faded(0.5 * np.sin(2 * np.pi * 12_000 * t(0.5)[:, None] + np.pi / 4))[:, 0]
    return stereo(sig)


def noise_bursts() -> Block:
    """White noise (to 20 kHz) in bursts of 50 ms with smooth edges, over a quiet bed."""
    rng = np.random.default_rng(7)
    noise = rng.standard_normal((RATE, CHANNELS))
    envelope = 0.02 + 0.4 * (np.sin(np.pi * t(1.0) * 10) ** 8)
    return band_limited(faded(noise * envelope[:, None])).astype(DTYPE)


SIGNALS = {
    "clicks on a sine": clicks_on_sine,
    "15 kHz sine": high_sine,
    "12 kHz at 45 degrees": intersample,
    "noise bursts": noise_bursts,
}


def db(gain_db: float) -> float:
    return float(10 ** (gain_db / 20))


def limit(block: Block, gain: float, size: int = 480, **options: float) -> Block:
    """`block` through a Limiter in blocks of `size`, flushed, realigned to the input."""
    limiter = Limiter(gain, **options)
    pieces = [limiter.process(block[at : at + size]) for at in range(0, len(block), size)]
    return np.concatenate([*pieces, limiter.flush()])[limiter.delay :]


@pytest.mark.parametrize("gain_db", [0.0, 6.0, 12.0, 20.0])
@pytest.mark.parametrize("name", list(SIGNALS))
def test_the_true_peak_stays_under_the_ceiling(name: str, gain_db: float) -> None:
    block = SIGNALS[name]()
    assert gain_db == 0 or true_peak_db(block) + gain_db > -0.5  # over, before
    out = limit(block, db(gain_db))
    assert out.shape == block.shape
    assert true_peak_db(out) <= -1.0 + TOLERANCE


def test_the_intersample_signal_would_pass_a_sample_peak_limiter() -> None:
    """The 12 kHz case is one a limiter of sample peaks gets wrong by 3 dB."""
    block = intersample()
    assert 20 * math.log10(float(np.abs(block).max())) == pytest.approx(-9.03, abs=0.01)
    assert true_peak_db(block) == pytest.approx(-6.02, abs=0.01)


@pytest.mark.parametrize("ceiling_db", [-0.1, -3.0, -9.0])
def test_another_ceiling(ceiling_db: float) -> None:
    out = limit(noise_bursts(), db(12.0), ceiling_db=ceiling_db)
    assert ceiling_db - 0.5 < true_peak_db(out) <= ceiling_db + TOLERANCE


@pytest.mark.parametrize("lookahead", [0.001, 0.002, 0.01])
def test_another_lookahead(lookahead: float) -> None:
    out = limit(clicks_on_sine(), db(20.0), lookahead=lookahead)
    assert true_peak_db(out) <= -1.0 + TOLERANCE


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), gain_db=st.floats(0.0, 20.0))
def test_the_ceiling_holds_for_random_noise(seed: int, gain_db: float) -> None:
    rng = np.random.default_rng(seed)
    loud = rng.uniform(0.05, 0.5)
    block = band_limited(faded(rng.standard_normal((RATE // 4, CHANNELS)) * loud))
    assert true_peak_db(limit(block.astype(DTYPE), db(gain_db))) <= -1.0 + TOLERANCE


def test_below_the_ceiling_the_output_is_the_input_times_the_gain() -> None:
    """Bit for bit: a sine 0.2 dB under the ceiling (measured by the estimate), and quiet."""
    sig = np.sin(2 * np.pi * 997 * t(1.0))
    gain = 10 ** (-1.2 / 20)
    for block in (stereo(sig, 0.5 * sig), stereo(0.01 * sig)):
        assert true_peak_db(block * gain) < -1.0
        np.testing.assert_array_equal(limit(block, gain), block * gain)


def test_the_delay_is_exact_and_the_stream_starts_with_it() -> None:
    block = stereo(0.1 * np.sin(2 * np.pi * 440 * t(0.1)))
    limiter = Limiter(2.0)
    assert limiter.delay == DELAY
    out = limiter.process(block)
    assert not out[:DELAY].any()
    np.testing.assert_array_equal(out[DELAY:], block[:-DELAY] * 2.0)
    np.testing.assert_array_equal(limiter.flush(), block[-DELAY:] * 2.0)
    assert Limiter(1.0, lookahead=0.002).delay == 96


def test_no_pumping_away_from_a_peak() -> None:
    """Before the attack and once the release is over the gain is exactly the gain."""
    sig = 0.2 * np.sin(2 * np.pi * 440 * t(2.0))
    sig[RATE // 2] = 1.0  # one click, 6 dB over after the gain
    block = stereo(sig)
    gain = db(5.0)
    out = limit(block, gain)
    at = RATE // 2
    back = at + round(7 / 6 * 0.25 * RATE) + DELAY  # 7 dB at most, released at 6 dB / 0.25 s
    np.testing.assert_array_equal(out[: at - DELAY], block[: at - DELAY] * gain)
    np.testing.assert_array_equal(out[back:], block[back:] * gain)
    ramping = slice(at - DELAY + 2 * HOLD, at)
    assert np.all(out[ramping, 0] != block[ramping, 0] * gain)


def reduction_db(block: Block, out: Block, gain: float) -> Floats:
    """The limiter's gain reduction per frame, in dB (<= 0), from a signal with no zeros."""
    return np.asarray(20 * np.log10(out[:, 0].astype(np.float64) / (block[:, 0] * gain)))


@pytest.mark.parametrize("release", [0.1, 0.25, 0.5])
@pytest.mark.parametrize("over_db", [3.0, 6.0, 12.0])
def test_the_release_recovers_at_6_db_per_release_time(release: float, over_db: float) -> None:
    """A click `over_db` over the ceiling on a steady level (DC: the gain shows directly):
    the gain is fully down HOLD frames before it, starts to fall no earlier than the delay
    before it, and rises back at 6 dB per `release` seconds, to exactly unity."""
    level = np.full(3 * RATE, 0.25)
    at = RATE // 2
    level[at] = 10 ** ((-1.0 + over_db) / 20)
    block = stereo(level)
    out = limit(block, 1.0, release=release)
    down = reduction_db(block, out, 1.0)
    deepest = float(down.min())
    assert deepest == pytest.approx(-over_db, abs=0.01)
    np.testing.assert_allclose(down[at - HOLD : at + HOLD + 1], deepest, atol=1e-5)
    assert np.all(down[: at - DELAY] == 0.0)
    assert down[at - DELAY + 2 * HOLD] < 0
    recovered = at + HOLD + np.flatnonzero(down[at + HOLD :] == 0.0)[0]
    expected = -deepest / 6 * release * RATE
    ramp = DELAY - 2 * HOLD + 1
    assert expected <= recovered - at - HOLD <= expected + ramp
    half = at + HOLD + ramp + round(expected / 2)  # past the corner: on the straight line
    slope = (down[half + 100] - down[half - 100]) / 200
    assert slope == pytest.approx(6 / (release * RATE), rel=0.02)


def loudness(block: Block) -> float:
    state = pyebur128.R128State(CHANNELS, RATE, pyebur128.MeasurementMode.MODE_I)
    state.add_frames(np.ascontiguousarray(block, DTYPE).reshape(-1), len(block))
    return float(pyebur128.get_loudness_global(state))


def brief_peaks_on_noise() -> Block:
    """Noise (to 16 kHz) at -20 dBFS RMS with a drum-like hit every second: 3 ms of 3 kHz
    at 0.95 (a Hann envelope)."""
    rng = np.random.default_rng(3)
    noise = band_limited(rng.standard_normal((10 * RATE, CHANNELS)) * 0.1, 16_000)
    hit = 0.95 * np.hanning(144) * np.sin(2 * np.pi * 3000 * t(0.003))
    for second in range(10):
        noise[second * RATE + 1000 : second * RATE + 1144] = hit[:, None]
    return noise.astype(DTYPE)


def clicks_every_two_seconds() -> Block:
    sig = 0.1 * np.sin(2 * np.pi * 1000 * t(10.0))
    sig[np.arange(len(sig)) % (2 * RATE) == RATE] = 1.0
    return stereo(sig)


@pytest.mark.parametrize(
    ("make", "gain_db"), [(brief_peaks_on_noise, 4.0), (clicks_every_two_seconds, 10.0)]
)
def test_a_peaky_signal_keeps_its_loudness(make: Callable[[], Block], gain_db: float) -> None:
    """Limiting rather than capping the gain at the sample peak: within 1 LU of the target
    (the cap would be 4.5 or 11 dB short)."""
    block = make()
    intended = loudness(block) + gain_db
    out = limit(block, db(gain_db))
    assert true_peak_db(out[: 2 * RATE]) <= -1.0 + TOLERANCE
    assert abs(loudness(out) - intended) <= 1.0
    capped = min(gain_db, -1.0 - 20 * math.log10(float(np.abs(block).max())))
    assert intended - (loudness(block) + capped) > 4.0


def peaky_stream(count: int = 30_000) -> Block:
    """Thirds quiet, loud under the ceiling and over it (at a gain of 4): every path of the
    limiter, with clicks from half way, mono and stereo by turns of 2000 frames."""
    rng = np.random.default_rng(11)
    third = np.arange(count) * 3 // max(count, 1)
    level = np.array([0.01, 0.04, 0.3])[third]
    sig = rng.standard_normal((count, CHANNELS)) * level[:, None]
    mono = np.arange(count) // 2000 % 2 == 0
    sig[mono, 1] = sig[mono, 0]
    sig[count // 2 :: 3000] = 1.0
    return np.asarray(sig, DTYPE)


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.one_of(st.integers(0, 600), st.integers(600, 3 * PIECE)), max_size=30))
def test_the_output_does_not_depend_on_the_blocks(sizes: list[int]) -> None:
    block = peaky_stream()
    whole = Limiter(4.0)
    expected = np.concatenate([whole.process(block), whole.flush()])
    split = Limiter(4.0)
    cuts = np.cumsum([0, *sizes])
    cuts = np.concatenate([cuts[cuts < len(block)], [len(block)]])
    pieces = [split.process(block[a:b]) for a, b in itertools.pairwise(cuts)]
    np.testing.assert_array_equal(np.concatenate([*pieces, split.flush()]), expected)


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(1, PIECE),
    spikes=st.lists(st.tuples(st.integers(0, PIECE + 2 * HOLD), st.floats(0.3, 1.5)), max_size=4),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_piece_is_measured_wherever_a_peak_could_be_near_the_ceiling(
    count: int, spikes: list[tuple[int, float]], seed: int
) -> None:
    """Only the stretch of a piece whose samples could make a peak within 0.6 dB of the
    ceiling is measured: there the peaks are the whole piece's, elsewhere under that."""
    reach = np.random.default_rng(seed).normal(0.0, 0.02, (count + 2 * HOLD, CHANNELS))
    for at, value in spikes:
        reach[at % len(reach), at % CHANNELS] = value
    limiter = Limiter(1.0)
    whole = limiter._peaks(reach.astype(DTYPE))
    screened = limiter._loud_peaks(reach.astype(DTYPE))
    if screened is None:  # nothing could be near the ceiling: nothing measured
        screened = np.zeros_like(whole)
    measured = screened != 0
    np.testing.assert_array_equal(screened[measured], whole[measured])
    assert (whole[~measured] <= 10 ** ((-1.0 - 0.6) / 20)).all()


def test_options_are_checked_and_empty_blocks_are_fine() -> None:
    with pytest.raises(ValueError):
        Limiter(1.0, lookahead=0.0003)
    with pytest.raises(ValueError):
        Limiter(1.0, release=0.0)
    limiter = Limiter(1.0)
    assert limiter.process(np.zeros((0, CHANNELS), DTYPE)).shape == (0, CHANNELS)


def test_needs_limiting() -> None:
    assert not needs_limiting(-3.0, 1.5)
    assert not needs_limiting(-3.0, 2.0)  # exactly at the ceiling
    assert needs_limiting(-3.0, 2.5)
    assert needs_limiting(-0.5, 0.0)
    assert not needs_limiting(-math.inf, 20.0)  # silence
    assert needs_limiting(-6.0, 3.0, ceiling_db=-4.0)
    assert needs_limiting(math.nan, 0.0)


class ArraySource:
    """A Source over an array: `read` in any sizes, optionally `ended`, failing at a frame."""

    def __init__(self, block: Block, fail_at: int | None = None) -> None:
        self.block, self.fail_at = block, fail_at
        self.at = 0
        self.waits: list[int] = []
        self.closed = False

    def read(self, count: int) -> Block:
        if self.fail_at is not None and self.at + count > self.fail_at:
            raise MediaError(Path("x.mp3"), "damaged")
        out = self.block[self.at : self.at + count]
        self.at += len(out)
        return out

    def wait(self, count: int, timeout: float | None) -> bool:
        self.waits.append(count)
        return True

    def close(self) -> None:
        self.closed = True


class EndedSource(ArraySource):
    @property
    def ended(self) -> bool:
        return self.at >= len(self.block)


def drain(source: Limited, sizes: list[int]) -> list[Block]:
    """Reads of the given sizes (the last one repeated) until a short read."""
    reads: list[Block] = []
    for i in range(10_000):
        count = sizes[min(i, len(sizes) - 1)]
        reads.append(source.read(count))
        if len(reads[-1]) < count:
            return reads
    raise AssertionError("no end")


@pytest.mark.parametrize("kind", [ArraySource, EndedSource])
@pytest.mark.parametrize("length", [0, 1, 100, DELAY - 1, DELAY, DELAY + 1, 480, 5000])
@pytest.mark.parametrize("sizes", [[480], [1], [7, 480, 13], [100_000], [DELAY, 0, 5]])
def test_limited_gives_its_source_frames_aligned(
    kind: type[ArraySource], length: int, sizes: list[int]
) -> None:
    block = peaky_stream(length)
    limited = Limited(kind(block), 4.0)
    reads = drain(limited, sizes)
    for i, read in enumerate(reads[:-1]):  # full reads until the end
        assert len(read) == sizes[min(i, len(sizes) - 1)]
    out = np.concatenate(reads)
    assert out.shape == block.shape
    np.testing.assert_array_equal(out, limit(block, 4.0))
    assert limited.ended
    assert len(limited.read(480)) == 0


@settings(max_examples=30, deadline=None)
@given(length=st.integers(0, 3000), sizes=st.lists(st.integers(1, 1000), min_size=1))
def test_limited_in_any_reads(length: int, sizes: list[int]) -> None:
    block = peaky_stream(length)
    out = np.concatenate(drain(Limited(EndedSource(block), 4.0), sizes))
    np.testing.assert_array_equal(out, limit(block, 4.0))


def test_limited_waits_for_what_it_reads_and_passes_errors_and_close() -> None:
    source = ArraySource(peaky_stream(5000), fail_at=2000)
    limited = Limited(source, 2.0)
    assert limited.wait(480, 1.0)
    assert source.waits == [480 + DELAY]
    assert len(limited.read(480)) == 480
    assert source.at == 480 + DELAY
    limited.wait(480, 1.0)
    assert source.waits[-1] == 480
    assert not limited.ended
    limited.read(480)
    with pytest.raises(MediaError):
        limited.read(2000)
    limited.close()
    assert source.closed


def test_limited_reads_into_a_buffer() -> None:
    block = peaky_stream(3000)
    limited = Limited(ArraySource(block), 4.0)
    buffer = np.zeros((2048, CHANNELS), DTYPE)
    assert limited.read_into(buffer) == 2048
    first = buffer.copy()
    assert limited.read_into(buffer) == 952
    out = np.concatenate([first, buffer[:952]])
    np.testing.assert_array_equal(out, limit(block, 4.0))


def test_a_quiet_source_passes_through_limited_unchanged() -> None:
    block = stereo(0.1 * np.sin(2 * np.pi * 440 * t(0.5)))
    out = np.concatenate(drain(Limited(ArraySource(block), 2.0), [480]))
    np.testing.assert_array_equal(out, block * 2.0)


def test_limited_over_a_decoder(tmp_path: Path) -> None:
    """A real Source: as many frames as the file, the end seen by a short read."""
    samples = np.sin(2 * np.pi * 440 * t(0.3)) * 0.9
    path = write_wav(tmp_path / "loud.wav", RATE, samples, channels=2)
    with Decoder(path) as decoder:
        whole = decoder.read(RATE)
    limited = Limited(Decoder(path), db(6.0))
    out = np.concatenate(drain(limited, [480]))
    assert out.shape == whole.shape
    np.testing.assert_array_equal(out, limit(whole, db(6.0)))
    assert limited.ended
    assert true_peak_db(out) <= -1.0 + TOLERANCE
    limited.close()
