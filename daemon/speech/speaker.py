"""The speaker: text, pages and recordings in, levelled speech files out.

This is the speech package's front door. Everything it returns is a `Rendered` WAV in the
render cache (16-bit mono, 48 kHz) with its exact duration, which is what the engine
schedules and what the mixer plays. The same request with the same voice renders once.
A rendering opens and closes with `LEAD` seconds of silence (a breath), except when asked
with `lead=False` (an emergency message, which must be heard the moment it starts): then it
begins at its first sound, to the sample (`Audio.started`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from daemon.speech.audio import Audio, concat, silence
from daemon.speech.cache import RenderCache, cache_key, wav_seconds
from daemon.speech.engines import SpeechEngine, open_engine
from daemon.speech.normalize import normalize
from daemon.speech.phrasebank import PhraseBank
from daemon.speech.recording import decode_recording_file
from daemon.speech.settings import SpeechSettings
from daemon.speech.wording import PageRequest, PagingRules, word_page

__all__ = [
    "LEAD",
    "PAUSE_BETWEEN_REPEATS",
    "SPEECH_LEVEL_DB",
    "Rendered",
    "Speaker",
    "SpeechSettings",
    "open_speaker",
    "speech_level",
]

SPEECH_LEVEL_DB = -20.0  # voiced RMS of every rendering, before the volume setting
LEAD = 0.15  # breath before and after
PAUSE_BETWEEN_REPEATS = 1.0
VERSION = "1"  # bump when rendering changes, so old cache entries are not reused


@dataclass(frozen=True, slots=True)
class Rendered:
    """Speech ready to air: the WAV file, its duration in seconds, and what it says."""

    path: Path
    duration: float
    text: str
    voice: str  # "synthesis", "phrase bank" or "recording"


class Speaker:
    """Renders speech through one engine, one cache, and optionally one phrase bank."""

    def __init__(
        self,
        engine: SpeechEngine,
        cache: RenderCache,
        rules: PagingRules | None = None,
        pack: PhraseBank | None = None,
        volume: int = 100,
    ) -> None:
        self.engine, self.cache, self.pack = engine, cache, pack
        self.rules = rules or PagingRules()
        self.level_db = speech_level(volume)

    def say(self, text: str, repeat: int = 1, *, lead: bool = True) -> Rendered:
        """`text` normalised and synthesised, read `repeat` times."""
        spoken = normalize(text)
        key = cache_key(VERSION, "say", self.engine.identity, f"{self.level_db:.2f}", spoken)
        return self._render(
            key, repeat, text, "synthesis", lambda: self._synthesize(spoken), lead=lead
        )

    def page(self, request: PageRequest, recording: Audio | None = None) -> Rendered:
        """A page worded by the rules (raises PageRefused), read `rules.repeat` times.

        Aired from the announcer's `recording` if given (its text is still checked), else
        spoken from the phrase bank when it covers the page's fixed words, else synthesised.
        """
        page = word_page(request, self.rules)
        if recording is not None:
            return self.recorded(recording, page.text, self.rules.repeat)
        pack = self.pack
        if pack is not None and pack.covers(page):
            key = cache_key(
                VERSION, "page", self.engine.identity, pack.identity, f"{self.level_db:.2f}",
                repr(page.parts),
            )  # fmt: skip
            return self._render(
                key, self.rules.repeat, page.text, "phrase bank",
                lambda: pack.assemble(page, lambda t: self._synthesize(normalize(t))),
            )  # fmt: skip
        return self.say(page.text, self.rules.repeat)

    def recorded(self, audio: Audio, text: str, repeat: int = 1) -> Rendered:
        """An announcer's recording (already decoded and checked), levelled and repeated."""
        content = hashlib.sha256(audio.samples.tobytes()).hexdigest()
        key = cache_key(VERSION, "recording", f"{self.level_db:.2f}", content)
        return self._render(key, repeat, text, "recording", lambda: audio.levelled(self.level_db))

    def recorded_file(
        self, path: Path, text: str, repeat: int = 1, *, lead: bool = True
    ) -> Rendered:
        """A recording file (any format `decode_recording_file` takes), decoded only when the
        cache has no rendering of this very file. Raises RecordingRefused."""
        try:
            stat = path.stat()
        except OSError:
            return self.recorded(decode_recording_file(path), text, repeat)  # refuses, naming it
        key = cache_key(VERSION, "recording file", f"{self.level_db:.2f}", str(path.resolve()),
                        str(stat.st_size), str(stat.st_mtime_ns))  # fmt: skip
        return self._render(
            key, repeat, text, "recording",
            lambda: decode_recording_file(path).levelled(self.level_db), lead=lead,
        )  # fmt: skip

    def _synthesize(self, spoken: str) -> Audio:
        return self.engine.synthesize(spoken).trimmed(keep=0.02).levelled(self.level_db)

    def _render(
        self,
        key: str,
        repeat: int,
        text: str,
        voice: str,
        make: Callable[[], Audio],
        lead: bool = True,
    ) -> Rendered:
        key = cache_key(key, str(repeat)) if lead else cache_key(key, str(repeat), "no lead")
        path = self.cache.get(key)
        if path is None:
            once = make().faded()
            pieces = [silence(LEAD) if lead else silence(0)]
            for n in range(repeat):
                pieces += [silence(PAUSE_BETWEEN_REPEATS)] if n else []
                pieces.append(once if n or lead else once.started())
            path = self.cache.put(key, concat([*pieces, silence(LEAD)]))
        return Rendered(path, wav_seconds(path), text, voice)


def speech_level(volume: int) -> float:
    """The voiced RMS level in dBFS every rendering is levelled to, for a volume percent."""
    return SPEECH_LEVEL_DB + 20 * math.log10(max(volume, 1) / 100)


def open_speaker(settings: SpeechSettings, state_dir: Path) -> Speaker:
    """A speaker as configured, caching under `state_dir/speech-cache`.

    Raises EngineUnavailable when the engine cannot run here.
    """
    level = speech_level(settings.voice.volume)
    pack = PhraseBank(settings.voice_pack, level) if settings.voice_pack else None
    return Speaker(
        open_engine(settings.voice),
        RenderCache(state_dir / "speech-cache", settings.cache_megabytes * 1_000_000),
        settings.paging,
        pack,
        settings.voice.volume,
    )
