"""Piper neural voices (the optional extra `mall-pa[piper]`, which installs piper-tts).

The operator supplies the voice: a Piper voice model `.onnx` with its `.onnx.json` config
beside it (same name plus `.json`), for example `zh_CN-huayan-medium.onnx` and
`zh_CN-huayan-medium.onnx.json` from the Piper voices collection
(https://huggingface.co/rhasspy/piper-voices, folder zh/zh_CN). The configuration names it:

    [speech]
    engine = "piper"
    model = "voices/zh_CN-huayan-medium.onnx"

Voices whose config says `"phoneme_type": "espeak"` (huayan) need nothing more. Voices with
`"phoneme_type": "pinyin"` (e.g. xiao_ya, chaowen) need `pip install 'piper-tts[zh]'` and
the g2pW model in a `g2pW` folder beside the voice; Piper downloads it there on first use
if it is missing. The engine checks this when it opens, not at the first announcement.

Speed follows `rate` (percent of the voice's normal speed); `pitch` is ignored (a Piper
voice keeps its own) and `volume` is applied after synthesis, like every engine. Phoneme
durations are not randomised (noise_w 0), so the same text always lasts the same time.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import threading
from pathlib import Path
from typing import Any

import numpy as np

from daemon.speech.audio import Audio, Samples, resample
from daemon.speech.engines import EngineUnavailable, VoiceSettings

__all__ = ["PiperEngine"]

INSTALL_HINT = "the piper engine needs the optional extra: pip install 'mall-pa[piper]'"
EXPECTED = "a Piper voice model (.onnx) with its config (.onnx.json) beside it"
# Voices that phonemize without espeak-ng need more packages (piper-tts extras) and data;
# a short sample in the voice's own script makes Piper set that up when the engine opens.
_WARM_UP = {"pinyin": "你好", "japanese": "こんにちは", "thai": "สวัสดี", "hebrew": "שלום"}
_EXTRAS = {"pinyin": "zh", "japanese": "ja", "thai": "th"}


class PiperEngine:
    """A Piper voice model, loaded once. Safe to call from any thread (one call at a time)."""

    def __init__(self, settings: VoiceSettings) -> None:
        try:
            piper: Any = importlib.import_module("piper")
        except ImportError as error:
            raise EngineUnavailable(INSTALL_HINT) from error
        self.settings = settings
        model = settings.model
        if model is None:
            raise EngineUnavailable(f"the piper engine needs speech.model: {EXPECTED}")
        config = model.with_name(model.name + ".json")
        if model.suffix != ".onnx":
            raise EngineUnavailable(
                f"speech.model {model} is not an .onnx file; expected {EXPECTED}"
            )
        for path in (model, config):
            if not path.is_file():
                raise EngineUnavailable(f"piper voice file {path} not found; expected {EXPECTED}")
        try:
            voice: Any = piper.PiperVoice.load(model, config_path=config, download_dir=model.parent)
        except Exception as error:  # onnxruntime, json and config errors have no common base
            raise EngineUnavailable(
                f"piper could not load the voice {model}: {error}; expected {EXPECTED}"
            ) from error
        _warm_up(voice, model)
        self._voice: Any = voice
        self._syn_config: Any = piper.SynthesisConfig(
            length_scale=100 / max(1, settings.rate),
            noise_w_scale=0.0,  # fixed phoneme durations: the same text always lasts as long
            normalize_audio=False,  # keep the voice's level; levelling happens afterwards
            volume=1.0,
        )
        stat = model.stat()
        config_hash = hashlib.sha256(config.read_bytes()).hexdigest()[:12]
        self._identity = (
            f"piper {_version()} {model.name}"
            f" size={stat.st_size} mtime={stat.st_mtime_ns} config={config_hash}"
            f" rate={settings.rate} noise_w=0"
        )
        self._lock = threading.Lock()

    @property
    def identity(self) -> str:
        return self._identity

    def synthesize(self, text: str) -> Audio:
        if not text.strip():
            return Audio(np.zeros(0, dtype=np.float32))
        with self._lock:
            if self._voice is None:
                raise RuntimeError("the piper engine is closed")
            pieces = [_mono(chunk) for chunk in self._voice.synthesize(text, self._syn_config)]
        if not pieces:  # nothing speakable (only punctuation)
            return Audio(np.zeros(0, dtype=np.float32))
        rate = int(pieces[0][1])
        return Audio(resample(np.concatenate([samples for samples, _ in pieces]), rate))

    def close(self) -> None:
        """Drop the voice and its onnxruntime session."""
        with self._lock:
            self._voice = None


def _version() -> str:
    """The installed piper-tts version (a source checkout without metadata says so)."""
    try:
        return importlib.metadata.version("piper-tts")
    except importlib.metadata.PackageNotFoundError:
        return "unknown-version"


def _mono(chunk: Any) -> tuple[Samples, int]:
    """A Piper AudioChunk as mono float32 samples and their rate."""
    samples = np.asarray(chunk.audio_float_array, dtype=np.float32).reshape(-1)
    channels = int(chunk.sample_channels)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1, dtype=np.float32)
    return samples, int(chunk.sample_rate)


def _warm_up(voice: Any, model: Path) -> None:
    """Phonemize a sample so a missing extra or phonemizer model shows now, not mid-page."""
    kind = str(getattr(voice.config.phoneme_type, "value", voice.config.phoneme_type))
    try:
        voice.phonemize(_WARM_UP.get(kind, "a"))
    except ImportError as error:
        extra = _EXTRAS.get(kind)
        hint = f"pip install 'piper-tts[{extra}]'" if extra else "see the piper-tts documentation"
        raise EngineUnavailable(
            f"the voice {model} uses {kind} phonemes, which need packages that are not"
            f" installed ({error.name or error}): {hint}"
        ) from error
    except OSError as error:
        raise EngineUnavailable(
            f"the voice {model} uses {kind} phonemes and piper could not prepare its"
            f" phonemizer in {model.parent}: {error}"
        ) from error
