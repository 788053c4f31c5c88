"""Fixtures shared by every test folder."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import pytest

from daemon.speech.speaker import Speaker, SpeechSettings, open_speaker


@functools.cache
def default_speaker() -> Speaker:
    """The default voice (espeak-ng, calm Mandarin) with a render cache of its own."""
    return open_speaker(SpeechSettings(), Path(tempfile.mkdtemp(prefix="mall-pa-test-speech-")))


@pytest.fixture(scope="session")
def speaker() -> Speaker:
    return default_speaker()
