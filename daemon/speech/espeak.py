"""espeak-ng 1.52 in-process through ctypes (the library and data come from `espeakng-loader`).

The library keeps global state and is not thread-safe, so every call runs on one worker
thread owned by the module; `EspeakEngine` objects submit work to it and wait. The voice is
loaded from `voices/cmn-calm`, Mandarin with pitch flutter off: espeak's flutter carries a
phase from one utterance to the next, which would make the same text come out a few
milliseconds longer or shorter each time, and durations must be reproducible. espeak-ng
loads a voice file only by a path of at most `VOICE_PATH_LIMIT` bytes: from a deeper
folder (a clone in a home folder, a virtualenv's site-packages) the voice is loaded from a
short temporary copy.
"""

from __future__ import annotations

import ctypes
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import espeakng_loader

from daemon.speech.audio import Audio, from_pcm16
from daemon.speech.engines import EngineUnavailable, VoiceSettings

__all__ = ["NORMAL_WPM", "EspeakEngine", "phonemes"]

VOICE_FILE = Path(__file__).with_name("voices") / "cmn-calm"
VOICE_PATH_LIMIT = 59  # bytes: espeak-ng 1.52 fails to load a voice file by a longer path
NORMAL_WPM = 175  # espeak-ng's own default speed
_SYNCHRONOUS = 2  # AUDIO_OUTPUT_SYNCHRONOUS: samples come back through the callback
_DONT_EXIT = 0x8000  # espeakINITIALIZE_DONT_EXIT: report errors, never exit the process
_UTF8 = 1  # espeakCHARS_UTF8
_RATE, _VOLUME, _PITCH = 1, 2, 3  # espeak_PARAMETER
_MNEMONICS = 0  # espeak_TextToPhonemes: ASCII phoneme mnemonics, tones as pitch contours
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)
T = TypeVar("T")


def _load_voice(lib: Any, voice: Path) -> bool:
    """Load the voice file `voice` into espeak-ng, from a short temporary copy if its path
    is longer than espeak-ng takes (see the module's docstring); False if it failed."""
    path = os.fsencode(voice)
    if len(path) <= VOICE_PATH_LIMIT:
        return bool(lib.espeak_SetVoiceByFile(path) == 0)
    for folder in dict.fromkeys((tempfile.gettempdir(), "/tmp")):
        try:
            with tempfile.NamedTemporaryFile(dir=folder, prefix="mall-pa-voice-") as copy:
                if len(os.fsencode(copy.name)) > VOICE_PATH_LIMIT:
                    continue
                copy.write(voice.read_bytes())
                copy.flush()
                return bool(lib.espeak_SetVoiceByFile(os.fsencode(copy.name)) == 0)
        except OSError:
            continue
    return False


class _Library:
    """The loaded library, touched only from the worker thread."""

    def __init__(self) -> None:
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data = espeakng_loader.get_data_path()
        except (OSError, RuntimeError) as error:
            raise EngineUnavailable(f"espeak-ng could not be loaded: {error}") from error
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByFile.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
        ]  # fmt: skip
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int,
        ]  # fmt: skip
        self.rate = lib.espeak_Initialize(_SYNCHRONOUS, 0, data.encode(), _DONT_EXIT)
        if self.rate <= 0:
            raise EngineUnavailable(f"espeak-ng did not start (data folder {data})")
        self.lib = lib
        self.chunks: list[bytes] = []
        self._callback = _CALLBACK(self._collect)  # kept alive as long as the library
        lib.espeak_SetSynthCallback(self._callback)
        self.settings: VoiceSettings | None = None

    def _collect(self, wav: Any, count: int, events: Any) -> int:
        if wav and count > 0:
            self.chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # go on

    def use(self, settings: VoiceSettings) -> None:
        """Load the calm Mandarin voice and apply rate, pitch and volume, if not already."""
        if settings == self.settings:
            return
        if not _load_voice(self.lib, VOICE_FILE):
            raise EngineUnavailable(f"espeak-ng could not load its voice file {VOICE_FILE}")
        wpm = max(80, min(450, round(NORMAL_WPM * settings.rate / 100)))
        self.lib.espeak_SetParameter(_RATE, wpm, 0)
        self.lib.espeak_SetParameter(_PITCH, max(0, min(100, settings.pitch)), 0)
        self.lib.espeak_SetParameter(_VOLUME, 100, 0)  # levels are set after synthesis
        self.settings = settings

    def synthesize(self, text: str) -> bytes:
        data = text.encode()
        self.chunks = []
        status = self.lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, _UTF8, None, None)
        if status != 0:
            raise RuntimeError(f"espeak-ng failed with status {status} on {text!r}")
        return b"".join(self.chunks)

    def phonemes(self, text: str) -> str:
        pointer = ctypes.c_char_p(text.encode())
        clauses = []
        while pointer.value:
            result = self.lib.espeak_TextToPhonemes(ctypes.byref(pointer), _UTF8, _MNEMONICS)
            clauses.append(result.decode() if result else "")
        return " ".join(c for c in clauses if c)


_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="espeak-ng")
_library: _Library | None = None  # created on the worker thread, so never twice


def _on_worker(job: Callable[[_Library], T]) -> T:
    """Run `job` with the library on the one espeak thread and return its result."""

    def run() -> T:
        global _library
        if _library is None:
            _library = _Library()
        return job(_library)

    return _worker.submit(run).result()


def phonemes(text: str, settings: VoiceSettings | None = None) -> str:
    """espeak-ng's phoneme mnemonics for `text` in the Mandarin voice (tones as 55, 35, 214, 51)."""

    def job(lib: _Library) -> str:
        lib.use(settings or VoiceSettings())
        return lib.phonemes(text)

    return _on_worker(job)


class EspeakEngine:
    """The default engine: espeak-ng's Mandarin voice. Safe to call from any thread."""

    def __init__(self, settings: VoiceSettings) -> None:
        self.settings = settings
        self._rate = _on_worker(lambda lib: lib.rate)  # starts the library: fails early

    @property
    def identity(self) -> str:
        s = self.settings
        return f"espeak-ng 1.52 {VOICE_FILE.name} rate={s.rate} pitch={s.pitch}"

    def synthesize(self, text: str) -> Audio:
        def job(lib: _Library) -> bytes:
            lib.use(self.settings)
            return lib.synthesize(text)

        return from_pcm16(_on_worker(job), self._rate)

    def close(self) -> None:
        """Nothing to release: the library lives as long as the process."""
