"""Generate the example store's audio (music and stings), which is not committed to the repo.

Run from the repo root as ``python tools/make_example_media.py [--out ROOT]``.  Every track is
synthesised with numpy (chords of additive voices, a bass line, a melody and a light click, each
track in its own key and tempo) and encoded with PyAV as stereo Ogg Vorbis by FFmpeg's native
encoder.  The output is deterministic: each file's random generator is seeded from its path, and
its length is an exact sample count that is a multiple of the encoder's 64-sample frame, so the
decoded length equals the encoded one with no padding.  Files are written to a temporary name
and renamed into place; ``music/.generated`` is touched at the end as the Makefile's stamp.
"""

from __future__ import annotations

import argparse
import functools
import os
import time
import unicodedata
import zlib
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import miniaudio
import numpy as np
import numpy.typing as npt

Audio = npt.NDArray[np.float64]  # shape (2, frames), or (frames,) for a single voice
Partials = tuple[tuple[float, float], ...]  # (multiple of the fundamental, amplitude)

BLOCK = 64  # the native vorbis encoder's frame size
PEAK = 10 ** (-3 / 20)  # -3 dBFS
MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
PROGRESSIONS = ((0, 4, 5, 3), (0, 5, 3, 4), (3, 4, 0, 5), (0, 3, 0, 4), (5, 3, 0, 4), (0, 5, 6, 4))
PAD = ((1, 1.0), (2, 0.3))  # few partials: the encoder's time grows with each one
BASS = ((1, 1.0), (3, 1 / 9), (5, 1 / 25))  # a triangle's first partials
KEYS = ((1, 1.0), (2, 0.4), (3, 0.12))
BELL = ((1, 1.0), (2, 0.45), (3, 0.2), (4.2, 0.1), (5.4, 0.05))
BUZZ = ((1, 1.0), (3, 1 / 3), (5, 1 / 5), (7, 1 / 7))  # square-ish, for the alert


@dataclass(frozen=True)
class Track:
    """One file to generate: ``kind`` is "music", "intro", "outro" or "alert"."""

    path: str
    seconds: float
    kind: str = "music"
    rate: int = 48000
    key: int = 0  # tonic, in semitones above C
    bpm: float = 100.0
    minor: bool = False
    beats: int = 4  # beats per bar
    artist: str = "mall-pa examples"
    title: str = ""

    @property
    def frames(self) -> int:
        return round(self.seconds * self.rate / BLOCK) * BLOCK


D, E = "music/daytime/", "music/evening/"
TRACKS = (
    Track("music/opening.ogg", 61.2, key=7, bpm=110, title="Opening"),
    Track("music/closing.ogg", 74.6, key=5, bpm=84, title="Closing"),
    Track(D + "晨光.ogg", 143.2, key=2, bpm=104, artist="林晓", title="晨光"),
    Track(D + "window_shopping.ogg", 187.6, key=5, bpm=116, artist="The Escalators"),
    Track(D + "春风.ogg", 112.4, key=7, bpm=96, artist="陈一鸣", title="春风"),
    Track(D + "sunny_plaza.ogg", 231.8, rate=44100, key=9, bpm=122, artist="The Escalators"),
    Track(D + "fountain_court.ogg", 104.6, key=3, bpm=88, artist="Marble Floor Quartet"),
    Track(D + "午后咖啡.ogg", 256.2, key=0, bpm=100, artist="陈一鸣", title="午后咖啡"),
    Track(D + "bright_aisles.ogg", 168.8, key=4, bpm=128, artist="Studio Arcade"),
    Track(D + "escalator_waltz.ogg", 129.4, key=10, bpm=138, beats=3, artist="Studio Arcade"),
    Track(E + "夜曲.ogg", 201.4, key=9, bpm=72, minor=True, artist="林晓", title="夜曲"),
    Track(E + "city_lights.ogg", 118.6, key=6, bpm=84, minor=True, artist="Neon Atrium"),
    Track(E + "月光.ogg", 247.2, key=1, bpm=76, artist="陈一鸣", title="月光"),
    Track(E + "velvet_hour.ogg", 162.6, key=0, bpm=80, minor=True, artist="Neon Atrium"),
    Track(E + "晚风.ogg", 109.8, key=4, bpm=96, minor=True, beats=3, artist="林晓", title="晚风"),
    Track(E + "slow_stroll.ogg", 221.6, key=7, bpm=68, artist="Marble Floor Quartet"),
    Track(E + "灯火.ogg", 176.4, key=11, bpm=78, minor=True, artist="陈一鸣", title="灯火"),
    Track(E + "last_call.ogg", 138.2, key=8, bpm=70, artist="Neon Atrium"),
    Track("stings/intro.ogg", 3.5, kind="intro", title="Intro chime"),
    Track("stings/outro.ogg", 3.0, kind="outro", title="Outro chime"),
    Track("stings/alert.ogg", 2.0, kind="alert", title="Alert tone"),
)


def hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def tone(
    midi: float, seconds: float, rate: int, partials: Partials, attack: float, decay: float
) -> Audio:
    """One note: additive partials under a soft attack, exponential decay and 20 ms release."""
    n = int(seconds * rate)
    t = np.arange(n) / rate
    wave = sum(a * np.sin(2 * np.pi * hz(midi) * k * t) for k, a in partials)
    env = np.minimum(1.0, t / attack) * np.exp(-t / decay)
    env *= np.minimum(1.0, (n - np.arange(n)) / (0.02 * rate))
    return np.asarray(wave * env, dtype=np.float64)


def place(buf: Audio, at: int, voice: Audio, gain: float, pan: float = 0.0) -> None:
    """Mix ``voice`` into ``buf`` at sample ``at`` with an equal-power pan in [-1, 1]."""
    theta = (pan + 1) * np.pi / 4
    end = min(buf.shape[1], at + voice.size)
    buf[0, at:end] += gain * np.cos(theta) * voice[: end - at]
    buf[1, at:end] += gain * np.sin(theta) * voice[: end - at]


def music_cycle(track: Track, rng: np.random.Generator) -> Audio:
    """A seamlessly looping 16-bar cycle (A A B A): pads, bass, melody and click."""
    rate, beat_s = track.rate, 60.0 / track.bpm
    beat = round(rate * beat_s)
    bar = beat * track.beats
    scale = MINOR if track.minor else MAJOR
    tonic = 48 + (track.key if track.key < 6 else track.key - 12)

    def pitch(degree: int, octave: int) -> int:
        return tonic + 12 * (octave + degree // 7) + scale[degree % 7]

    @functools.cache  # chords, bass notes and the click recur: render each once per cycle
    def note(midi: int, seconds: float, partials: Partials, attack: float, decay: float) -> Audio:
        return tone(midi, seconds, rate, partials, attack, decay)

    click = note(96, 0.06, ((1, 1.0), (1.5, 0.6)), 0.002, 0.012)
    prog_a, prog_b = (PROGRESSIONS[int(i)] for i in rng.choice(len(PROGRESSIONS), 2, False))
    chords = [*prog_a, *prog_a, *prog_b, *prog_a]
    tail = 3 * rate
    buf = np.zeros((2, 16 * bar + tail))
    degree = 7
    for b, root in enumerate(chords):
        start = b * bar
        stack = (0, 2, 4, 6) if track.minor else (0, 2, 4)
        for i, step in enumerate(stack):
            pad = note(pitch(root + step, 0), bar / rate + 0.4, PAD, 0.12, 2.5)
            place(buf, start, pad, 0.16, pan=(i - 1) * 0.5)
        for i in range(track.beats):
            step = 4 if i % 2 else 0
            bass = note(pitch((root + step) % 7, -1), beat_s * 0.95, BASS, 0.01, 0.5)
            place(buf, start + i * beat, bass, 0.45)
        for slot in range(2 * track.beats):
            at = start + slot * beat // 2
            place(buf, at, click, 0.05 if slot % 2 else 0.03, pan=0.4 if slot % 4 == 1 else -0.4)
            if rng.random() < (0.75 if slot % 2 == 0 else 0.35):
                if slot == 0:
                    degree = (root + int(rng.choice([0, 2, 4]))) % 7 + 7  # downbeat: a chord tone
                else:
                    degree = int(np.clip(degree + rng.integers(-2, 3), 4, 13))
                length = beat_s * (1.0 if slot % 2 == 0 else 0.5)
                keys = note(pitch(degree, 1), length + 0.3, KEYS, 0.01, 0.45)
                place(buf, at, keys, 0.28 * rng.uniform(0.8, 1.0), pan=0.15)
    buf[:, :tail] += buf[:, 16 * bar :]  # wrap the last notes' ring-out round to the start
    cycle = buf[:, : 16 * bar]
    return np.asarray(cycle * (PEAK / np.max(np.abs(cycle))))


def material(track: Track) -> Audio:
    """What the track is made of: a music cycle to loop, or a whole sting; peak -3 dBFS."""
    rate = track.rate
    rng = np.random.default_rng(zlib.crc32(track.path.encode("utf-8")))
    if track.kind == "music":
        audio = music_cycle(track, rng)
    elif track.kind == "alert":  # alternating high-low pulses: a buzzy, unmistakable tone
        audio = np.zeros((2, track.frames))
        for i in range(8):
            pulse = tone(83 if i % 2 == 0 else 78, 0.2, rate, BUZZ, 0.01, 0.5)
            place(audio, int(i * 0.25 * rate), pulse, 1.0)
    else:  # a department-store chime: four bell notes going up (intro) or down (outro)
        audio = np.zeros((2, track.frames))
        notes = [72, 76, 79, 84] if track.kind == "intro" else [84, 79, 76, 72]
        for i, midi in enumerate(notes):
            chime = tone(midi, track.seconds, rate, BELL, 0.004, 1.1 if i < 3 else 1.4)
            place(audio, int((0.03 + 0.32 * i) * rate), chime, 1.0, pan=0.3 * (i - 1.5) / 1.5)
    return np.asarray(audio * (PEAK / np.max(np.abs(audio))))


def chunks(track: Track) -> Iterator[npt.NDArray[np.float32]]:
    """The track as float32 one-second chunks: the material looped, with raised-cosine fades.

    Music fades in and out over 0.3 s; the chimes' own attacks are soft (a long fade-in would
    blunt the first note) and the alert ends with its last pulse, so they get 5 ms.
    """
    loop = material(track).astype(np.float32)
    rate, n = track.rate, track.frames
    fade_in = 0.3 if track.kind == "music" else 0.005
    fade_out = 0.005 if track.kind == "alert" else 0.3
    for at in range(0, n, rate):
        index = np.arange(at, min(at + rate, n))
        chunk = loop[:, index % loop.shape[1]]
        edge = np.minimum(index / (fade_in * rate), (n - index) / (fade_out * rate))
        if edge.min() < 1:
            chunk *= (0.5 - 0.5 * np.cos(np.pi * np.minimum(edge, 1.0))).astype(np.float32)
        yield np.ascontiguousarray(chunk)


def write(track: Track, root: str) -> None:
    """Render and encode one track to a temporary name, then rename it into place."""
    path = Path(root) / track.path
    tmp = path.with_name(f".{path.name}.tmp")
    rate = track.rate
    try:
        with av.open(str(tmp), "w", format="ogg", container_options={"fflags": "+bitexact"}) as out:
            stream = out.add_stream("vorbis", rate=rate, layout="stereo")
            # FFmpeg's native encoder is flagged experimental; it takes only stereo fltp.
            stream.codec_context.options = {"strict": "experimental", "flags": "+bitexact"}
            stream.metadata["title"] = track.title or path.stem.replace("_", " ").title()
            stream.metadata["artist"] = track.artist
            for at, chunk in zip(range(0, track.frames, rate), chunks(track), strict=True):
                frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
                frame.sample_rate, frame.time_base = rate, Fraction(1, rate)
                frame.pts = at  # without explicit pts the Ogg granule positions come out wrong
                out.mux(stream.encode(frame))
            out.mux(stream.encode(None))
    except BaseException:
        tmp.unlink(missing_ok=True)  # leave no half-written file behind
        raise
    os.replace(tmp, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parent.parent
    parser.add_argument("--out", type=Path, default=default, help=f"root folder ({default})")
    root = parser.parse_args().out.resolve()
    started = time.monotonic()
    for folder in {(root / t.path).parent for t in TRACKS}:
        folder.mkdir(parents=True, exist_ok=True)
    longest_first = sorted(TRACKS, key=lambda t: -t.frames)
    with ProcessPoolExecutor(max_workers=min(len(TRACKS), os.cpu_count() or 1)) as pool:
        for done in [pool.submit(write, track, str(root)) for track in longest_first]:
            done.result()
    for track in TRACKS:
        info = miniaudio.get_file_info(str(root / track.path))
        if (info.sample_rate, info.nchannels, info.num_frames) != (track.rate, 2, track.frames):
            raise SystemExit(
                f"{track.path}: decodes as {info.sample_rate} Hz x{info.nchannels}, "
                f"{info.num_frames} frames; expected {track.rate} Hz, {track.frames}"
            )
        wide = sum(unicodedata.east_asian_width(c) in "WF" for c in track.path)  # 2 columns
        seconds = info.num_frames / info.sample_rate
        print(
            f"{track.path:<{34 - wide}} {info.sample_rate:>6} Hz {info.num_frames:>9} frames "
            f"{seconds:>11.6f} s"
        )
    (root / "music" / ".generated").touch()
    print(f"{len(TRACKS)} files in {root} ({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
