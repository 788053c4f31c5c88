"""analyse(): length at 48 kHz, EBU R128 loudness, true peak and dead air, of generated files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from daemon.audio import decode
from daemon.audio.analysis import analyse
from daemon.audio.decode import MediaError
from daemon.audio.format import Block
from tests.audio.signals import quiet, sine, write_ogg, write_wav


def test_a_1khz_sine_at_amplitude_0_1_is_minus_20_lufs(tmp_path: Path) -> None:
    song = analyse(write_wav(tmp_path / "a.wav", 48000, sine(48000, 3.0, 0.1), channels=2))
    assert song.frames == 144000
    assert song.loudness == pytest.approx(-20.0, abs=0.1)
    assert song.peak_db == pytest.approx(-20.0, abs=0.01)
    assert song.blank_from is None


def test_a_sine_at_minus_30_dbfs_peak_is_10_lu_quieter(tmp_path: Path) -> None:
    loud = analyse(write_wav(tmp_path / "loud.wav", 48000, sine(48000, 3.0, 0.1), channels=2))
    amp = 10 ** (-30 / 20)
    soft = analyse(write_wav(tmp_path / "soft.wav", 48000, sine(48000, 3.0, amp), channels=2))
    assert soft.loudness - loud.loudness == pytest.approx(-10.0, abs=0.01)
    assert soft.peak_db == pytest.approx(-30.0, abs=0.01)


def test_peak_is_the_louder_channel(tmp_path: Path) -> None:
    both = np.stack([sine(48000, 0.5, 0.05), sine(48000, 0.5, 0.5)], axis=1)
    song = analyse(write_wav(tmp_path / "lr.wav", 48000, both))
    assert song.peak_db == pytest.approx(20 * math.log10(0.5), abs=0.01)


def test_the_peak_is_the_true_peak_between_the_samples(tmp_path: Path) -> None:
    """A 12 kHz tone whose samples fall half way between its crests: they read 3 dB under
    its true peak, which decides whether the limiter is needed."""
    n = np.arange(48000)
    tone = 0.5 * np.sin(2 * np.pi * 12000 * n / 48000 + np.pi / 4)
    song = analyse(write_wav(tmp_path / "between.wav", 48000, tone, channels=2))
    assert 20 * math.log10(float(np.abs(tone).max())) == pytest.approx(-9.03, abs=0.01)
    assert song.peak_db == pytest.approx(20 * math.log10(0.5), abs=0.3)


def test_all_zero_is_minus_inf(tmp_path: Path) -> None:
    silent = analyse(write_wav(tmp_path / "zero.wav", 8000, quiet(8000, 2.0)))
    assert (silent.frames, silent.loudness, silent.peak_db) == (96000, -math.inf, -math.inf)
    assert silent.blank_from is None  # 2 s: not long enough to be dead air


def test_a_sting_shorter_than_a_gating_block_is_still_measured(tmp_path: Path) -> None:
    beep = analyse(write_wav(tmp_path / "beep.wav", 48000, sine(48000, 0.2, 0.1), channels=2))
    assert beep.frames == 9600
    assert beep.loudness == pytest.approx(-20.0, abs=0.2)


@pytest.mark.parametrize(
    ("parts", "blank_from"),  # (seconds, amplitude of a 1 kHz sine) at 8 kHz
    [
        ([(5, 0.1), (20, 0), (5, 0.1)], 5.0),  # dead air in the middle
        ([(5, 0.1), (10, 0), (5, 0.1)], None),  # a long pause, but not dead air
        ([(5, 0.1), (15, 0), (5, 0.1)], None),  # exactly 15 s: not longer than 15 s
        ([(3.5, 0.1), (16, 0)], 3.5),  # trailing silence
        ([(16, 0), (5, 0.1)], 0.0),  # leading silence
        ([(2, 0.1), (10, 0), (1, 0.1), (17, 0.001), (3, 0.1)], 13.0),  # -63 dBFS is dead air
        ([(2, 0.1), (17, 0.01)], None),  # -43 dBFS RMS is quiet, not dead
    ],
)
def test_dead_air(
    tmp_path: Path, parts: list[tuple[float, float]], blank_from: float | None
) -> None:
    samples = np.concatenate([sine(8000, seconds, amp) for seconds, amp in parts])
    found = analyse(write_wav(tmp_path / "s.wav", 8000, samples)).blank_from
    if blank_from is None or found is None:
        assert found == blank_from
    else:  # the 100 ms window where the resampler's ringing fades out may not be dead yet
        assert blank_from <= found <= blank_from + 0.1


def test_44_1_khz_is_measured_at_48_khz(tmp_path: Path) -> None:
    song = analyse(write_wav(tmp_path / "cd.wav", 44100, sine(44100, 2.5, 0.1)))
    assert abs(song.frames - 120000) <= 2
    assert song.loudness == pytest.approx(-20.0, abs=0.1)


def test_ogg(tmp_path: Path) -> None:
    song = analyse(write_ogg(tmp_path / "s.ogg", 16000, sine(16000, 4.0, 0.1)))
    assert abs(song.frames - 192000) < 4800
    assert song.loudness == pytest.approx(-20.0, abs=0.2)


def test_a_truncated_file_reports_what_decodes(tmp_path: Path) -> None:
    whole = write_ogg(tmp_path / "s.ogg", 16000, sine(16000, 6.0, 0.1))
    cut = tmp_path / "cut.ogg"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert 0 < analyse(cut).frames < analyse(whole).frames


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "file not found"),
        (b"", "the file is empty (0 bytes)"),
        (b"not audio " * 50, f"cannot be decoded: damaged, or not {decode.FORMATS}"),
    ],
)
def test_unreadable_files_raise_media_error(
    tmp_path: Path, content: bytes | None, reason: str
) -> None:
    path = tmp_path / "x.wav"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(MediaError) as err:
        analyse(path)
    assert err.value.reason == reason


def test_damage_mid_way_raises_media_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    song = write_wav(tmp_path / "s.wav", 8000, sine(8000, 3.0))
    real = decode.Decoder.read

    def breaking(self: decode.Decoder, count: int) -> Block:
        if self.frames_read:
            raise MediaError(self.path, "a damaged part cannot be decoded")
        return real(self, count)

    monkeypatch.setattr(decode.Decoder, "read", breaking)
    with pytest.raises(MediaError, match="damaged part"):
        analyse(song)
