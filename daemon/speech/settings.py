"""The speech settings (config `[speech]` and `[paging]`): plain values, no numpy, no engine.

The config loader builds them; the speaker and the engines read them (`daemon.speech.speaker`
re-exports `SpeechSettings`, `daemon.speech.engines` re-exports `VoiceSettings` and `ENGINES`).
Importing this module loads only the standard library and the pure wording rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from daemon.speech.wording import PagingRules

__all__ = ["ENGINES", "SpeechSettings", "VoiceSettings"]

ENGINES = ("espeak-ng", "piper")


@dataclass(frozen=True, slots=True)
class VoiceSettings:
    """How the voice sounds (B12: calm, moderate, clear).

    rate: percent of the engine's normal speed (calm default 90).
    pitch: 0-100, 50 is the voice's own (espeak-ng only; piper voices keep theirs).
    volume: percent of the house speech level every rendering is levelled to.
    model: the voice model file, for engines that need one (piper).
    """

    engine: str = "espeak-ng"
    rate: int = 90
    pitch: int = 50
    volume: int = 100
    model: Path | None = None


@dataclass(frozen=True, slots=True)
class SpeechSettings:
    """The config's `[speech]` and `[paging]` sections."""

    voice: VoiceSettings = field(default_factory=VoiceSettings)
    paging: PagingRules = field(default_factory=PagingRules)
    voice_pack: Path | None = None
    cache_megabytes: int = 200
