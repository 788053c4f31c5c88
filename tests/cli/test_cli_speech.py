"""`mall-pa speak` and `mall-pa page`: a WAV a person can play, or a refusal saying why."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from daemon.__main__ import main
from daemon.speech.audio import SPEECH_RATE, Audio, read_wav

ROOT = Path(__file__).resolve().parents[2]


def wav_info(path: Path) -> tuple[int, int, float]:
    with wave.open(str(path), "rb") as wav:
        return wav.getnchannels(), wav.getframerate(), wav.getnframes() / wav.getframerate()


def test_speak_writes_the_announcement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "closing.wav"
    assert main(["speak", "顾客朋友们,本店将于22:00打烊", "--out", str(out)]) == 0
    channels, rate, seconds = wav_info(out)
    assert (channels, rate) == (1, SPEECH_RATE) and 3 < seconds < 10
    said = capsys.readouterr().out
    assert said.startswith(f"{out}: {seconds:.2f} s (synthesis)")


def test_page_is_read_twice_in_the_store_voice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.wav"
    args = ["page", "--kind", "staff", "--name", "李", "--honorific", "小姐"]
    args += ["--place", "三楼办公室", "--out", str(out), "--config", str(ROOT / "mall-pa.toml")]
    assert main(args) == 0
    assert "本公司李小姐,请听到广播后到三楼办公室。" in capsys.readouterr().out
    once = tmp_path / "once.wav"
    assert main(["speak", "本公司李小姐,请听到广播后到三楼办公室。", "--out", str(once)]) == 0
    assert read_wav(out).duration > 2 * read_wav(once).duration - 0.5


def test_a_refused_page_says_what_to_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.wav"
    args = ["page", "--kind", "staff", "--name", "王经理", "--honorific", "先生"]
    assert main([*args, "--place", "一楼服务台", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mall-pa: page refused (title_or_department):")
    assert "「经理」" in err and "Traceback" not in err
    assert not out.exists()


def test_an_unwritable_output_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["speak", "你好", "--out", str(blocker / "x.wav")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_a_bad_speech_config_is_reported_like_any_config_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = (ROOT / "mall-pa.toml").read_text(encoding="utf-8")
    config = config.replace('engine = "espeak-ng"', 'engine = "sapi"').replace(
        "rate = 90", "rate = 500"
    )
    config = config.replace("repeat = 2", 'repeat = 2\n[paging.templates]\nstaff = "{name}经理"')
    (tmp_path / "mall-pa.toml").write_text(config, encoding="utf-8")
    assert main(["speak", "你好", "--out", str(tmp_path / "x.wav"),
                 "--config", str(tmp_path / "mall-pa.toml")]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert 'speech.engine: expected "espeak-ng" or "piper", found "sapi"' in err
    assert "speech.rate: expected a whole number from 50 to 200, found the number 500" in err
    assert "leave rate out for the default, 90" in err
    assert "paging.templates.staff: expected a template using only {honorific}, {name}" in err


def test_check_lists_the_phrases_a_voice_pack_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "voice-pack"
    pack.mkdir()
    tone = np.sin(np.arange(SPEECH_RATE // 2) / SPEECH_RATE * 2 * np.pi * 220) * 0.3
    for phrase in ("来宾", "先生", "小姐"):
        Audio(tone.astype(np.float32)).write_wav(pack / f"{phrase}.wav")
    (pack / "女士.m4a").write_bytes(b"broken")
    config = (ROOT / "mall-pa.toml").read_text(encoding="utf-8")
    config = config.replace('# voice_pack = "voice-pack"', f'voice_pack = "{pack}"')
    for folder in ("music", "stings", "playlists", "scripts_library"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    (tmp_path / "mall-pa.toml").write_text(config, encoding="utf-8")
    assert main(["check", "--config", str(tmp_path / "mall-pa.toml"), "--date", "2026-11-23"]) == 0
    out = capsys.readouterr().out
    assert "note: voice pack voice-pack: 女士.m4a: not_audio:" in out
    lacking = next(line for line in out.splitlines() if "lacks" in line)
    assert "voice pack voice-pack lacks 14 of 17 phrases" in lacking
    assert "请听到广播后到" in lacking and "本公司" in lacking and "一楼服务台" in lacking
    assert "来宾、" not in lacking and "先生" not in lacking
