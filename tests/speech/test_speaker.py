"""The speaker: rendered files with exact durations, repeats, levels, the render cache,
recordings, and pages assembled from an announcer's phrase bank."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from daemon.speech.audio import SPEECH_RATE, Audio, concat, read_wav, silence
from daemon.speech.cache import RenderCache, wav_seconds
from daemon.speech.engines import VoiceSettings
from daemon.speech.espeak import EspeakEngine
from daemon.speech.phrasebank import PhraseBank, phrases_of, required_phrases
from daemon.speech.speaker import (
    LEAD,
    PAUSE_BETWEEN_REPEATS,
    SPEECH_LEVEL_DB,
    Speaker,
    SpeechSettings,
    open_speaker,
)
from daemon.speech.wording import PageRefused, PageRequest, PagingRules

RULES = PagingRules(places=("一楼服务台",))


class CountingEngine:
    """The real espeak-ng engine, counting how often it is asked to speak."""

    def __init__(self) -> None:
        self.engine = EspeakEngine(VoiceSettings())
        self.calls: list[str] = []

    @property
    def identity(self) -> str:
        return self.engine.identity

    def synthesize(self, text: str) -> Audio:
        self.calls.append(text)
        return self.engine.synthesize(text)

    def close(self) -> None:
        self.engine.close()


def tone(seconds: float, freq: float = 300.0, db: float = -12.0) -> Audio:
    """A stand-in for a recorded phrase: a tone with a known length and level."""
    t = np.arange(round(seconds * SPEECH_RATE)) / SPEECH_RATE
    return Audio((np.sin(2 * np.pi * freq * t) * 10 ** (db / 20)).astype(np.float32))


@pytest.fixture
def engine() -> CountingEngine:
    return CountingEngine()


@pytest.fixture
def speaker(tmp_path: Path, engine: CountingEngine) -> Speaker:
    return Speaker(engine, RenderCache(tmp_path / "cache", 50_000_000), RULES)


def test_say_renders_a_levelled_wav_whose_duration_is_exact(speaker: Speaker) -> None:
    rendered = speaker.say("顾客朋友们,本店将于22:00打烊")
    audio = read_wav(rendered.path)
    assert rendered.duration == pytest.approx(audio.duration, abs=1e-9)
    assert rendered.duration == wav_seconds(rendered.path)
    assert rendered.voice == "synthesis"
    assert audio.rms_db() == pytest.approx(SPEECH_LEVEL_DB, abs=1.0)
    assert audio.peak_db() <= -0.9
    lead = round(LEAD * SPEECH_RATE)
    assert not audio.samples[: lead - 10].any() and not audio.samples[-lead + 10 :].any()


def test_numbers_are_read_out_before_synthesis(speaker: Speaker, engine: CountingEngine) -> None:
    speaker.say("本店将于22:00打烊")
    assert engine.calls == ["本店将于二十二点打烊"]


def test_the_same_text_renders_once(speaker: Speaker, engine: CountingEngine) -> None:
    first = speaker.say("欢迎光临")
    again = speaker.say("欢迎光临")
    assert again.path == first.path and len(engine.calls) == 1
    assert again.duration == first.duration


def test_a_page_is_read_twice_with_a_pause(speaker: Speaker) -> None:
    request = PageRequest("customer", "张", "先生", "一楼服务台")
    page = speaker.page(request)
    once = speaker.say(page.text)
    once_speech = once.duration - 2 * LEAD
    assert page.duration == pytest.approx(2 * once_speech + PAUSE_BETWEEN_REPEATS + 2 * LEAD)
    assert page.text == "来宾张先生,请听到广播后到一楼服务台。"


def test_a_refused_page_renders_nothing(speaker: Speaker, engine: CountingEngine) -> None:
    with pytest.raises(PageRefused):
        speaker.page(PageRequest("staff", "王经理", "先生", "一楼服务台"))
    assert engine.calls == []


def test_a_recording_is_levelled_like_speech(speaker: Speaker) -> None:
    quiet = tone(1.0, db=-35)
    rendered = speaker.recorded(quiet, "开门欢迎词")
    audio = read_wav(rendered.path)
    assert rendered.voice == "recording"
    assert rendered.duration == pytest.approx(1.0 + 2 * LEAD, abs=0.001)
    assert audio.rms_db() == pytest.approx(SPEECH_LEVEL_DB, abs=0.5)


def test_volume_moves_the_level(tmp_path: Path) -> None:
    settings = SpeechSettings(voice=VoiceSettings(volume=50))
    rendered = open_speaker(settings, tmp_path).say("你好")
    assert read_wav(rendered.path).rms_db() == pytest.approx(SPEECH_LEVEL_DB - 6.0, abs=1.0)


def test_cache_is_bounded_and_evicts_the_least_recently_used(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path, max_bytes=3 * 96_100, keep_seconds=0)  # three 1 s files
    keys = [f"k{i}" for i in range(4)]
    for key in keys[:3]:
        cache.put(key, tone(1.0))
    assert cache.get("k0") is not None  # k0 just used: k1 is now the oldest
    cache.put("k3", tone(1.0))
    assert cache.size() <= cache.max_bytes
    assert cache.get("k1") is None
    assert all(cache.get(k) is not None for k in ("k0", "k2", "k3"))


def test_cache_never_evicts_what_was_used_today(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path, max_bytes=96_100)
    for key in ("a", "b", "c"):
        cache.put(key, tone(1.0))
    assert all(cache.get(k) is not None for k in ("a", "b", "c"))  # today's plan may air them
    old = time.time() - 2 * 86_400
    os.utime(cache.path("a"), (old, old))
    cache.put("d", tone(1.0))
    assert cache.get("a") is None and cache.get("b") is not None


def test_a_cache_hit_keeps_the_file_modification_time(tmp_path: Path) -> None:
    """The media cache keys its measurement on size and mtime: a hit must not re-measure."""
    cache = RenderCache(tmp_path, max_bytes=96_100)
    path = cache.put("a", tone(1.0))
    old = time.time() - 2 * 86_400
    os.utime(path, (old, old))
    written = path.stat().st_mtime_ns
    assert cache.get("a") == path
    assert path.stat().st_mtime_ns == written and path.stat().st_atime > old + 86_400


def test_the_nightly_prune_evicts_what_a_day_left_over_the_bound(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path, max_bytes=96_100)
    for key in ("a", "b", "c"):
        cache.put(key, tone(1.0))
    old = time.time() - 2 * 86_400
    for key in ("a", "b"):
        os.utime(cache.path(key), (old, old))
    left = cache.prune()
    assert cache.get("a") is None and cache.get("b") is None and cache.get("c") is not None
    assert left == cache.size() <= cache.max_bytes


def make_pack(folder: Path, phrases: list[str], seconds: float = 0.4) -> Path:
    folder.mkdir()
    for n, phrase in enumerate(phrases):
        tone(seconds, freq=200 + 40 * n, db=-30 + n).write_wav(folder / f"{phrase}.wav")
    return folder


def test_phrases_split_at_punctuation() -> None:
    assert phrases_of(",请听到广播后到") == [0.25, "请听到广播后到"]
    assert phrases_of("。") == [0.45]
    assert required_phrases(PagingRules(places=("一楼服务台",)))[:4] == [
        "来宾", "请听到广播后到", "本公司", "小朋友的家长请注意",
    ]  # fmt: skip


def test_a_covered_page_is_assembled_from_the_recordings(
    tmp_path: Path, engine: CountingEngine
) -> None:
    pack = PhraseBank(
        make_pack(tmp_path / "pack", ["来宾", "先生", "请听到广播后到", "一楼服务台"]), -20
    )
    speaker = Speaker(engine, RenderCache(tmp_path / "cache", 10**8), RULES, pack)
    page = speaker.page(PageRequest("customer", "张", "先生", "一楼服务台"))
    assert page.voice == "phrase bank"
    assert engine.calls == ["张"]  # only the name is synthesised
    audio = read_wav(page.path)
    # four recorded phrases of 0.4 s each, levelled to one level whatever they were recorded at
    loud = np.abs(audio.samples) > 10 ** (-45 / 20)
    assert loud.sum() / SPEECH_RATE > 2 * 4 * 0.35
    starts = np.flatnonzero(np.diff(loud.astype(np.int8)) == 1)
    assert len(starts) >= 2 * 5  # 4 phrases and a name, read twice
    jumps = np.abs(np.diff(audio.samples))
    assert float(jumps.max()) < 0.2  # every join faded: no click


def test_levels_of_recorded_phrases_are_evened_out(tmp_path: Path) -> None:
    pack = PhraseBank(make_pack(tmp_path / "pack", ["来宾", "先生"]), -20)
    levels = [pack.phrase(p).rms_db() for p in ("来宾", "先生")]  # type: ignore[union-attr]
    assert levels == pytest.approx([-20, -20], abs=0.5)


def test_a_page_the_pack_does_not_cover_is_synthesised(
    tmp_path: Path, engine: CountingEngine
) -> None:
    pack = PhraseBank(make_pack(tmp_path / "pack", ["来宾", "先生"]), -20)
    speaker = Speaker(engine, RenderCache(tmp_path / "cache", 10**8), RULES, pack)
    page = speaker.page(PageRequest("customer", "张", "先生", "一楼服务台"))
    assert page.voice == "synthesis"
    assert pack.missing(required_phrases(RULES))[:2] == ["请听到广播后到", "本公司"]


def test_an_unusable_recording_in_the_pack_is_reported(tmp_path: Path) -> None:
    folder = make_pack(tmp_path / "pack", ["来宾"])
    (folder / "先生.wav").write_bytes(b"not audio at all")
    concat([silence(1.0)]).write_wav(folder / "小姐.wav")
    pack = PhraseBank(folder, -20)
    problems = {file.name: why for file, why in pack.problems().items()}
    assert problems["先生.wav"].startswith("not_audio")
    assert problems["小姐.wav"].startswith("silent")
    assert pack.missing(["来宾", "先生", "小姐"]) == ["先生", "小姐"]
