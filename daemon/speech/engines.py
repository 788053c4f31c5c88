"""The speech engine interface, the voice settings, and engines chosen by name.

An engine turns already-normalised text into speech audio. The default is espeak-ng's
Mandarin voice (offline, in-process); `piper` plays an operator-supplied neural voice model
when the optional extra `mall-pa[piper]` is installed. `VoiceSettings` and `ENGINES` live in
`daemon.speech.settings` (for the config loader) and are re-exported here.
"""

from __future__ import annotations

from typing import Protocol

from daemon.speech.audio import Audio
from daemon.speech.settings import ENGINES, VoiceSettings

__all__ = ["ENGINES", "EngineUnavailable", "SpeechEngine", "VoiceSettings", "open_engine"]


class EngineUnavailable(Exception):
    """The configured engine cannot run here; the message says what to install or fix."""


class SpeechEngine(Protocol):
    """Text in, speech out. Implementations must be safe to call from any thread."""

    @property
    def identity(self) -> str:
        """Everything that changes the sound (engine, version, voice, settings): a cache key."""
        ...

    def synthesize(self, text: str) -> Audio:
        """Speak `text`, which is already normalised (no digits, no stray symbols)."""
        ...

    def close(self) -> None:
        """Release the engine; later calls may fail."""
        ...


def open_engine(settings: VoiceSettings) -> SpeechEngine:
    """The engine `settings.engine` names, ready to speak. Raises EngineUnavailable."""
    if settings.engine == "espeak-ng":
        from daemon.speech.espeak import EspeakEngine

        return EspeakEngine(settings)
    if settings.engine == "piper":
        from daemon.speech.piper import PiperEngine

        return PiperEngine(settings)
    raise EngineUnavailable(
        f"unknown speech engine {settings.engine!r}; use one of: {', '.join(ENGINES)}"
    )
