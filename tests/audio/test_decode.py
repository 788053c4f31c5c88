"""The decoder (FFmpeg through PyAV, swresample): exactly the frames the media cache measured,
the same frames from any start frame, mono at full level in both channels, loops."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from daemon.audio.decode import Decoder
from daemon.audio.format import CHANNELS, RATE, Block
from daemon.catalog.media import MediaCache
from tests.audio.signals import sine, write_ogg, write_wav
from tests.audio.tones import write_m4a


def whole(decoder: Decoder, block: int = 5000) -> Block:
    """Everything the decoder gives, read in blocks of `block` frames."""
    pieces = []
    while len(piece := decoder.read(block)):
        pieces.append(piece)
    decoder.close()
    return np.concatenate(pieces) if pieces else np.zeros((0, CHANNELS), np.float32)


@pytest.fixture(params=["ogg-44.1", "ogg-48", "wav-44.1", "wav-22.05", "m4a-48"])
def song(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    kind, rate = str(request.param).split("-")
    hz = round(float(rate) * 1000)
    signal = sine(hz, 3.0, 0.3, 997.0) + sine(hz, 3.0, 0.1, 5000.0)
    if kind == "ogg":
        return write_ogg(tmp_path / "song.ogg", hz, signal)
    if kind == "wav":
        return write_wav(tmp_path / "song.wav", hz, signal, channels=2)
    path = tmp_path / "song.m4a"
    write_m4a(path, 3.0)
    return path


def test_the_decoder_gives_exactly_the_frames_the_cache_measured(song: Path) -> None:
    track = MediaCache(None).track(song)
    assert track.duration is not None
    audio = whole(Decoder(song))
    assert len(audio) == round(track.duration * RATE)  # what the engine times the item by
    assert abs(len(audio) - 3 * RATE) <= 1024  # 3 s (an AAC's last frame is padded)
    assert audio.dtype == np.float32 and audio.shape[1] == CHANNELS


def test_at_44_1_khz_every_input_sample_becomes_160_147ths_of_a_frame(tmp_path: Path) -> None:
    for samples in (44100, 44099, 147 * 300 + 1):
        path = write_wav(tmp_path / f"{samples}.wav", 44100, sine(44100, samples / 44100, 0.2))
        assert len(whole(Decoder(path))) == -(-samples * 160 // 147)


@pytest.mark.parametrize("start", [1, 147, 4095, 48000 + 7, 2 * 48000 - 3])
def test_a_seek_starts_at_the_very_frame(song: Path, start: int) -> None:
    reference = whole(Decoder(song))
    later = whole(Decoder(song, start), block=777)
    np.testing.assert_array_equal(later, reference[start:])


def test_a_seek_past_the_end_gives_nothing(song: Path) -> None:
    assert len(whole(Decoder(song, 10 * RATE))) == 0


def test_mono_plays_at_full_level_in_both_channels(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "voice.wav", 48000, sine(48000, 1.0, 0.5, 440.0))
    audio = whole(Decoder(path))
    np.testing.assert_array_equal(audio[:, 0], audio[:, 1])
    assert abs(np.abs(audio).max() - 0.5) < 1e-3  # not 3 dB down


def test_16_bit_audio_at_48_khz_comes_through_bit_for_bit(tmp_path: Path) -> None:
    pcm = np.random.default_rng(3).integers(-32768, 32768, (4800, 2))
    path = write_wav(tmp_path / "noise.wav", 48000, pcm / 32767)
    audio = whole(Decoder(path))
    np.testing.assert_array_equal(audio * 32768, np.round(np.clip(pcm / 32767, -1, 1) * 32767))


def test_a_looped_file_starts_again_without_a_gap(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "sting.wav", 48000, sine(48000, 0.25, 0.2, 1000.0))
    once = whole(Decoder(path))
    looped = Decoder(path, loop=True)
    three = looped.read(3 * len(once))
    looped.close()
    np.testing.assert_array_equal(three, np.concatenate([once, once, once]))
