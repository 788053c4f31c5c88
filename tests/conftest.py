"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest

from daemon.speech.speaker import Speaker, SpeechSettings, open_speaker


@pytest.fixture(scope="session")
def speaker(tmp_path_factory: pytest.TempPathFactory) -> Speaker:
    """The default voice (espeak-ng, calm Mandarin) with its own render cache."""
    return open_speaker(SpeechSettings(), tmp_path_factory.mktemp("speech"))
