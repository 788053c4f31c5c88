"""Uploaded recordings: real files encoded here with PyAV, decoded and checked."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from daemon.speech import recording
from daemon.speech.audio import SPEECH_RATE, Audio
from daemon.speech.recording import RecordingRefused, decode_recording, decode_recording_file

Signal = npt.NDArray[np.float32]

LEVEL_DB = -20.0
SPEECH = 1.5  # seconds of sound between 0.4 s of silence before and 0.6 s after
KEEP = 0.05  # the padding Audio.trimmed keeps either side by default


def tone(seconds: float, rate: int, level_db: float = LEVEL_DB) -> Signal:
    """A speech-like sound: 220 Hz with two harmonics and a slow 2 Hz swell, RMS `level_db`."""
    t = np.arange(round(seconds * rate)) / rate
    x = np.sin(2 * np.pi * 220 * t) + 0.5 * np.sin(2 * np.pi * 440 * t)
    x = (x + 0.25 * np.sin(2 * np.pi * 660 * t)) * (0.6 + 0.4 * np.sin(2 * np.pi * 2 * t))
    out: Signal = (x * (10 ** (level_db / 20) / np.sqrt(np.mean(x**2)))).astype(np.float32)
    return out


def padded(sound: Signal, rate: int, before: float = 0.4, after: float = 0.6) -> Signal:
    """`sound` with digital silence around it."""
    zeros = np.zeros(round(before * rate), np.float32), np.zeros(round(after * rate), np.float32)
    return np.concatenate([zeros[0], sound, zeros[1]])


def encode(mono: Signal, rate: int, fmt: str, codec: str, channels: int = 1) -> bytes:
    """`mono` (copied to every channel) encoded as a real file in memory."""
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as container:
        layout = "mono" if channels == 1 else "stereo"
        stream = container.add_stream(codec, rate=rate, layout=layout)
        assert isinstance(stream, av.AudioStream)
        if codec == "vorbis":
            stream.options = {"strict": "experimental"}
        planes = np.ascontiguousarray(np.tile(mono, (channels, 1)))
        step = 4096
        for start in range(0, mono.size, step):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(planes[:, start : start + step]), format="fltp", layout=layout
            )
            frame.sample_rate, frame.pts = rate, start  # PyAV converts to the codec's format
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buf.getvalue()


# (container format, codec, rate): what phones and desks produce; opus only runs at 48 kHz
FORMATS = [
    ("webm", "libopus", 48_000),
    ("ogg", "libopus", 48_000),
    ("mp4", "aac", 44_100),
    ("mp4", "aac", 48_000),
    ("mp3", "libmp3lame", 44_100),
    ("mp3", "libmp3lame", 48_000),
    ("wav", "pcm_s16le", 44_100),
    ("wav", "pcm_s16le", 48_000),
    ("flac", "flac", 44_100),
    ("flac", "flac", 48_000),
]


def recorded(fmt: str, codec: str, rate: int, channels: int = 1) -> bytes:
    return encode(padded(tone(SPEECH, rate), rate), rate, fmt, codec, channels)


def refused(data: bytes) -> RecordingRefused:
    with pytest.raises(RecordingRefused) as caught:
        decode_recording(data, name="upload.bin")
    error = caught.value
    assert str(error) == f"{error.code}: {error.message}"
    assert error.message.endswith("。") and "请" in error.message
    return error


@pytest.mark.parametrize("channels", [1, 2], ids=["mono", "stereo"])
@pytest.mark.parametrize(("fmt", "codec", "rate"), FORMATS, ids=[f"{f}-{r}" for f, _, r in FORMATS])
def test_every_phone_and_desk_format_decodes_to_trimmed_speech(
    fmt: str, codec: str, rate: int, channels: int
) -> None:
    audio = decode_recording(recorded(fmt, codec, rate, channels), name=f"take.{fmt}")
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert audio.duration == pytest.approx(SPEECH + 2 * KEEP, abs=0.15)
    assert audio.rms_db() == pytest.approx(LEVEL_DB, abs=2.0)  # stereo averaged, not summed
    spectrum = np.abs(np.fft.rfft(audio.samples))
    assert np.argmax(spectrum) * SPEECH_RATE / audio.samples.size == pytest.approx(220, abs=3)


def test_a_stereo_file_at_full_scale_stays_within_full_scale() -> None:
    loud = np.clip(tone(1.0, 48_000, level_db=-3.0), -1, 1)
    audio = decode_recording(encode(loud, 48_000, "wav", "pcm_s16le", channels=2))
    assert audio.peak_db() <= 0.0
    assert audio.rms_db() == pytest.approx(Audio(loud).rms_db(), abs=0.5)


def test_a_stream_that_changes_rate_and_channels_midway_decodes_whole() -> None:
    joined = recorded("mp3", "libmp3lame", 44_100) + recorded("mp3", "libmp3lame", 48_000, 2)
    audio = decode_recording(joined)  # one resampler per run of alike frames
    assert audio.duration == pytest.approx(2 * SPEECH + 1.0 + 2 * KEEP, abs=0.15)
    assert audio.rms_db() == pytest.approx(LEVEL_DB, abs=2.0)


def test_too_short_after_trimming() -> None:
    error = refused(encode(padded(tone(0.3, 48_000), 48_000), 48_000, "wav", "pcm_s16le"))
    assert error.code == "too_short"
    assert "0.4 秒" in error.message  # 0.3 s plus the kept padding and "0.5 秒" in error.message


def test_too_long_after_trimming() -> None:
    error = refused(encode(tone(125.0, 8_000), 8_000, "wav", "pcm_s16le"))
    assert error.code == "too_long" and "125.0 秒" in error.message and "120 秒" in error.message


def test_a_very_long_upload_stops_decoding_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded = 0
    frames = recording._frames

    def counting(*args: object) -> Iterator[av.AudioFrame]:
        nonlocal decoded
        for frame in frames(*args):  # type: ignore[arg-type]
            decoded += frame.samples
            yield frame

    monkeypatch.setattr(recording, "_frames", counting)
    error = refused(encode(tone(400.0, 8_000), 8_000, "wav", "pcm_s16le"))
    assert error.code == "too_long" and "超过 150 秒" in error.message
    assert decoded < 155 * 8_000  # the remaining 245 s were never decoded


@pytest.mark.parametrize("level_db", [None, -60.0], ids=["digital", "hiss"])
def test_silence_is_refused(level_db: float | None) -> None:
    sound = np.zeros(96_000, np.float32) if level_db is None else tone(2.0, 48_000, level_db)
    assert refused(encode(sound, 48_000, "ogg", "libopus")).code == "silent"


def test_empty_and_oversized_uploads_are_refused_before_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert refused(b"").code == "empty"
    monkeypatch.setattr(recording, "MAX_BYTES", 1_000)
    error = refused(recorded("wav", "pcm_s16le", 48_000))
    assert error.code == "too_large" and "upload.bin" in error.message


def image_and_video() -> list[bytes]:
    """A PNG image and a video-only mp4: readable media without any audio."""
    files = []
    for fmt, codec, count in [("image2pipe", "png", 1), ("mp4", "mpeg4", 5)]:
        buf = io.BytesIO()
        with av.open(buf, "w", format=fmt) as container:
            stream = container.add_stream(codec, rate=10)
            assert isinstance(stream, av.VideoStream)
            stream.width, stream.height = 32, 32
            stream.pix_fmt = "rgb24" if codec == "png" else "yuv420p"
            for index in range(count):
                frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")
                frame = frame.reformat(format=stream.pix_fmt)
                frame.pts = index
                container.mux(stream.encode(frame))
            container.mux(stream.encode(None))
        files.append(buf.getvalue())
    return files


def unknown_codec_wav() -> bytes:
    """A well-formed WAV whose format tag (0x1234) no decoder knows."""
    fmt = struct.pack("<HHIIHH", 0x1234, 1, 8_000, 16_000, 2, 16)
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", 4_000)
    return b"RIFF" + struct.pack("<I", 4 + len(chunks) + 4_000) + b"WAVE" + chunks + bytes(4_000)


def test_anything_but_audio_is_refused_as_not_audio() -> None:
    png, video = image_and_video()
    error = refused(unknown_codec_wav())
    assert error.code == "not_audio" and "编码" in error.message
    assert png.startswith(b"\x89PNG")
    garbage = np.random.default_rng(7).bytes(20_000)
    for data in [garbage, b"hello, this is text", png, video, b"RIFF\x00\x00\x00\x00WAVE"]:
        assert refused(data).code == "not_audio", data[:20]


@pytest.mark.parametrize(("fmt", "codec", "rate"), [*FORMATS[::2], FORMATS[1]])
def test_a_truncated_upload_decodes_what_it_can_or_is_refused_cleanly(
    fmt: str, codec: str, rate: int
) -> None:
    data = recorded(fmt, codec, rate, channels=2)
    for part in [data[: len(data) // 2], data[:200], data[len(data) // 2 :]]:
        try:
            audio = decode_recording(part)
        except RecordingRefused as error:
            assert error.code in {"not_audio", "too_short", "silent"}
        else:
            assert 0.5 <= audio.duration < SPEECH + 2 * KEEP + 0.15


def test_half_a_wav_or_mp3_still_decodes() -> None:
    for fmt, codec in [("wav", "pcm_s16le"), ("mp3", "libmp3lame"), ("ogg", "libopus")]:
        data = recorded(fmt, codec, 48_000)
        assert decode_recording(data[: len(data) // 2]).duration > 0.5, fmt


def test_files_are_read_and_unreadable_paths_are_named(tmp_path: Path) -> None:
    path = tmp_path / "take.m4a"
    path.write_bytes(recorded("mp4", "aac", 48_000))
    assert decode_recording_file(path).duration == pytest.approx(SPEECH + 2 * KEEP, abs=0.15)
    for bad in [tmp_path / "missing.mp3", tmp_path]:
        with pytest.raises(RecordingRefused) as caught:
            decode_recording_file(bad)
        assert caught.value.code == "not_audio" and str(bad) in caught.value.message
