"""espeak-ng through ctypes: Mandarin with tones, the configured rate, reproducible lengths."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from daemon.speech import espeak
from daemon.speech.audio import SPEECH_RATE
from daemon.speech.engines import EngineUnavailable, VoiceSettings, open_engine
from daemon.speech.espeak import EspeakEngine, phonemes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the four tones of "ma": high level 55, rising 35, dipping 214, falling 51
        ("妈麻马骂", "m'A55_| m'A35_| m'A214_| m'A51_|"),
        ("服务台", "fu35w'u51_| th'ai35_|"),
    ],
)
def test_mandarin_phonemes_carry_tones(text: str, expected: str) -> None:
    assert phonemes(text) == expected


def test_every_syllable_of_a_page_has_a_tone_contour() -> None:
    text = "来宾张先生请到一楼服务台"
    tones = re.findall(r"\d+", phonemes(text))
    assert len(tones) == len(text)
    assert set(tones) <= {"55", "35", "214", "51", "11"}  # 11: the neutral tone of 先生


def test_synthesis_is_speech_of_a_plausible_length() -> None:
    engine = EspeakEngine(VoiceSettings())
    audio = engine.synthesize("来宾张先生,请听到广播后到一楼服务台。")
    assert audio.samples.dtype.name == "float32"
    assert 3.0 < audio.duration < 7.0  # 18 syllables at a calm pace
    assert audio.rms_db() > -30


def test_same_text_same_length_whatever_came_before() -> None:
    engine = EspeakEngine(VoiceSettings())
    first = len(engine.synthesize("你好").samples)
    engine.synthesize("顾客朋友们,本店将于二十二点打烊。")
    assert len(engine.synthesize("你好").samples) == first


def test_the_voice_loads_from_a_folder_deeper_than_espeak_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = tmp_path / ("clone-in-a-home-folder-" * 3) / "daemon" / "speech" / "voices"
    deep.mkdir(parents=True)
    voice = deep / "cmn-calm"
    voice.write_bytes(espeak.VOICE_FILE.read_bytes())
    assert len(str(voice)) > espeak.VOICE_PATH_LIMIT
    text = "请到一楼服务台"
    expected = len(EspeakEngine(VoiceSettings(rate=83)).synthesize(text).samples)
    monkeypatch.setattr(espeak, "VOICE_FILE", voice)
    assert len(EspeakEngine(VoiceSettings(rate=84)).synthesize(text).samples) == pytest.approx(
        expected, rel=0.05
    )  # the calm Mandarin voice, not espeak's default one (which fails or reads English)
    leftovers = list(Path("/tmp").glob("mall-pa-voice-*"))
    assert leftovers == []


def test_rate_changes_the_pace() -> None:
    text = "欢迎光临欧洲村,祝您购物愉快。"
    slow = open_engine(VoiceSettings(rate=70)).synthesize(text)
    fast = open_engine(VoiceSettings(rate=130)).synthesize(text)
    assert slow.duration > fast.duration * 1.4
    assert "rate=70" in open_engine(VoiceSettings(rate=70)).identity


def test_calls_from_many_threads_are_serialised() -> None:
    engine = EspeakEngine(VoiceSettings())
    expected = len(engine.synthesize("请到一楼服务台").samples)
    lengths: list[int] = []

    def speak() -> None:
        lengths.append(len(engine.synthesize("请到一楼服务台").samples))

    threads = [threading.Thread(target=speak) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert lengths == [expected] * 6
    assert SPEECH_RATE == 48_000


def test_unknown_engine_is_refused_with_the_choices() -> None:
    with pytest.raises(EngineUnavailable, match="espeak-ng, piper"):
        open_engine(VoiceSettings(engine="sapi"))
