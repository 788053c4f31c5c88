"""Phrase banks: a trained announcer's recordings of the fixed words of the page templates.

A voice pack is a folder with one recording per phrase, the file named after the phrase:
`来宾.m4a`, `先生.wav`, `请听到广播后到.webm`, `一楼服务台.ogg`, ... Phrases are the template
words between punctuation marks, the honorifics and the listed places. When a pack holds
every fixed phrase of a page, the page is assembled from the human recordings with only
the variable parts (names, plates, notes) synthesised; all pieces are trimmed, levelled to
one speech level and joined with short fades, punctuation becoming pauses.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from daemon.speech.audio import Audio, concat, silence
from daemon.speech.recording import RecordingRefused, decode_recording_file
from daemon.speech.wording import PagingRules, WordedPage

__all__ = ["AUDIO_SUFFIXES", "PhraseBank", "phrases_of", "required_phrases"]

AUDIO_SUFFIXES = frozenset({".wav", ".ogg", ".opus", ".oga", ".mp3", ".m4a", ".aac", ".mp4",
                            ".webm", ".flac"})  # fmt: skip
PAUSES = {",": 0.25, "、": 0.2, ";": 0.3, ":": 0.25, "。": 0.45, "!": 0.45, "?": 0.45}
PHRASE_MIN_SECONDS = 0.1  # a one-syllable word ("您") is short
WORD_GAP = 0.03  # between two joined pieces with no punctuation between them
_SPLIT = re.compile(f"([{''.join(PAUSES)}])")


def phrases_of(text: str) -> list[str | float]:
    """`text` as phrases and pauses (seconds), in order: ",请到" -> [0.25, "请到"]."""
    pieces: list[str | float] = []
    for piece in _SPLIT.split(unicodedata.normalize("NFKC", text)):
        if piece in PAUSES:
            pieces.append(PAUSES[piece])
        elif piece.strip():
            pieces.append(piece.strip())
    return pieces


def required_phrases(rules: PagingRules) -> list[str]:
    """Every phrase a complete pack records for these paging rules, in a stable order."""
    texts: list[str] = []
    for template in rules.templates.values():
        texts += re.split(r"\{\w+\}", template)
    texts += [*rules.honorifics, *rules.places]
    phrases = (p for t in texts for p in phrases_of(t) if isinstance(p, str))
    return list(dict.fromkeys(phrases))


class PhraseBank:
    """The recordings in `folder`, decoded on first use and kept in memory."""

    def __init__(self, folder: Path, level_db: float) -> None:
        self.folder = folder
        self.level_db = level_db
        files = sorted(f for f in folder.iterdir() if f.suffix.lower() in AUDIO_SUFFIXES)
        self.files: dict[str, Path] = {}
        for file in files:
            self.files.setdefault(unicodedata.normalize("NFKC", file.stem).strip(), file)
        stats = ((f.name, f.stat()) for f in files)
        stamp = "|".join(f"{name}:{st.st_size}:{st.st_mtime_ns}" for name, st in stats)
        self.identity = f"pack {folder.name} {hashlib.sha256(stamp.encode()).hexdigest()[:16]}"
        self._loaded: dict[str, Audio | RecordingRefused | None] = {}
        self._lock = threading.Lock()

    def missing(self, phrases: Iterable[str]) -> list[str]:
        """The phrases this pack has no usable recording of."""
        return [p for p in phrases if self.phrase(p) is None]

    def problems(self) -> dict[Path, str]:
        """Files in the pack that cannot be used, with the reason."""
        loaded = {key: self._load(key) for key in self.files}
        return {
            self.files[key]: f"{result.code}: {result.message} ({key})"
            for key, result in loaded.items()
            if isinstance(result, RecordingRefused)
        }

    def phrase(self, key: str) -> Audio | None:
        """The levelled recording of `key`, or None if missing or unusable."""
        result = self._load(key)
        return result if isinstance(result, Audio) else None

    def _load(self, key: str) -> Audio | RecordingRefused | None:
        """Decode `key`'s recording once: the audio, why it is refused, or None if absent."""
        with self._lock:
            if key not in self._loaded:
                file = self.files.get(key)
                try:
                    self._loaded[key] = (
                        None
                        if file is None
                        else decode_recording_file(file, min_seconds=PHRASE_MIN_SECONDS)
                        .levelled(self.level_db)
                        .faded()
                    )
                except RecordingRefused as refusal:
                    self._loaded[key] = refusal
            return self._loaded[key]

    def covers(self, page: WordedPage) -> bool:
        """True when every fixed phrase of `page` has a usable recording."""
        fixed = (p for part in page.parts if part.fixed for p in phrases_of(part.text))
        return not self.missing(p for p in fixed if isinstance(p, str))

    def assemble(self, page: WordedPage, synthesize: Callable[[str], Audio]) -> Audio:
        """The page from recordings, with `synthesize` speaking the variable parts.

        Call only when `covers(page)`. `synthesize` returns levelled speech for raw text.
        """
        pieces: list[Audio] = []
        for part in page.parts:
            for piece in phrases_of(part.text) if part.fixed else [part.text]:
                if isinstance(piece, float):
                    pieces.append(silence(piece))
                    continue
                audio = self.phrase(piece) if part.fixed else synthesize(piece).trimmed(keep=0.01)
                if audio is None:
                    raise KeyError(f"the voice pack has no recording of {piece!r}")
                if pieces and pieces[-1].samples.any():
                    pieces.append(silence(WORD_GAP))
                pieces.append(audio.faded())
        return concat(pieces)
