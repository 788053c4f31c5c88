"""The layers hold at run time: a loader loads without the speech front door, numpy or av;
the service and its decode process load no library they do not use (memory, issue 9).

Each check imports one module in a fresh interpreter (this one has loaded everything) and
looks at what else came with it. `lint-imports` (make lint) checks the same statically.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {"numpy", "av", "miniaudio", "pyebur128", "daemon.speech.speaker", "daemon.audio.format"}


def loaded_with(module: str) -> set[str]:
    """Every module in sys.modules after importing `module` alone."""
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout))


def test_the_config_loader_loads_no_audio_and_no_speech_engine() -> None:
    assert loaded_with("daemon.catalog.config") & HEAVY == set()


@pytest.mark.parametrize("module", ["daemon.catalog.events", "daemon.audio.settings",
                                    "daemon.speech.settings"])  # fmt: skip
def test_plain_modules_load_no_audio_and_no_speech_engine(module: str) -> None:
    assert loaded_with(module) & HEAVY == set()


def test_the_events_loader_does_not_plan_the_day_or_render() -> None:
    loaded = loaded_with("daemon.catalog.events")
    assert {"daemon.dayplan", "daemon.paging", "daemon.speech.recording"} & loaded == set()


def test_the_service_loads_cryptography_only_for_a_self_signed_certificate() -> None:
    """cryptography takes 8 MB resident; most stores serve plain HTTP or their own cert."""
    assert "cryptography" not in loaded_with("daemon.service")


def test_the_decode_process_loads_no_hash_library() -> None:
    """hashlib maps OpenSSL's libcrypto (4 MB) into a process that only decodes."""
    assert {"hashlib", "_hashlib", "cryptography"} & loaded_with(
        "daemon.audio.decode_worker"
    ) == set()
