"""Random values in every number of the store's files (issue 12, item 10): each is either
taken, finite and within its bounds, or named in a problem; never an exception of another
kind, never nan or inf or an absurd number let through."""

from __future__ import annotations

import math
import tempfile
from dataclasses import fields, is_dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.catalog.config import load_config
from daemon.catalog.problems import InputError
from daemon.catalog.scripts import load_scripts
from tests.unit.test_config import GOOD
from tests.unit.test_scripts import CAMPAIGN, DAYPARTS, ZONES, probe

CONFIG_NUMBERS = [
    ("breaks", "max_announcements"), ("breaks", "urgent_max_wait_seconds"),
    ("breaks", "urgent_fade_seconds"), ("breaks", "emergency_fade_seconds"),
    ("breaks", "fixed_early_seconds"), ("breaks", "calm_after_emergency_minutes"),
    ("breaks", "bed_db"), ("audio", "target_lufs"), ("audio", "speech_above_music_db"),
    ("audio", "master_gain_db"), ("audio", "true_peak_dbtp"), ("music", "separation_songs"),
    ("music", "artist_separation_songs"), ("speech", "rate"), ("speech", "pitch"),
    ("speech", "volume"), ("speech", "cache_megabytes"), ("paging", "repeat"),
    ("daemon", "check_before_opening_minutes"), ("daemon", "pages_per_minute"),
    ("api", "port"), ("zones", "gain_db"),
]  # fmt: skip
SCRIPT_NUMBERS = ["every_songs", "every_minutes", "max_per_day", "order"]
LARGEST = 100_000  # no number of the files means anything near this (ports, megabytes: under)

VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=5),
    st.lists(st.integers(0, 9), max_size=2),
    st.sampled_from([0, -1, 1, 1e308, -1e-308, 2**53 + 1]),
)


def toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)  # ints, lists of ints


def numbers_in(value: object) -> list[float]:
    """Every number in a loaded config or script (dataclasses, tuples, dicts), recursively."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if is_dataclass(value) and not isinstance(value, type):
        return [n for f in fields(value) for n in numbers_in(getattr(value, f.name))]
    if isinstance(value, tuple | list | frozenset):
        return [n for item in value for n in numbers_in(item)]
    if isinstance(value, dict):
        return [n for item in value.values() for n in numbers_in(item)]
    return []


def taken_or_named(load: object, key: str) -> None:
    assert callable(load)
    try:
        loaded = load()
    except InputError as err:
        assert any(key in p.where for p in err.problems), err.problems
        return
    bad = [n for n in numbers_in(loaded) if not math.isfinite(n) or abs(n) > LARGEST]
    assert bad == [], (key, bad)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(CONFIG_NUMBERS), value=VALUES)
def test_every_number_of_the_config_is_taken_in_bounds_or_named(
    where: tuple[str, str], value: object
) -> None:
    section, key = where
    line = f"{key} = {toml(value)}\n"
    if section == "zones":
        text = GOOD + f'\n[[zones]]\nname = "一楼"\n{line}'
    elif f"[{section}]\n" in GOOD:
        text = GOOD.replace(f"[{section}]\n", f"[{section}]\n{line}", 1)
    else:
        text = GOOD + f"\n[{section}]\n{line}"
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "mall-pa.toml"
        path.write_text(text, encoding="utf-8")
        taken_or_named(lambda: load_config(path), key)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.sampled_from(SCRIPT_NUMBERS), value=VALUES)
def test_every_number_of_a_script_is_taken_in_bounds_or_named(key: str, value: object) -> None:
    text = "\n".join(line for line in CAMPAIGN.splitlines() if not line.startswith(key))
    text += f"\n{key} = {toml(value)}\n"
    if key == "every_minutes":
        text = text.replace("every_songs = 4\n", "")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "s.toml").write_text(text, encoding="utf-8")
        taken_or_named(lambda: load_scripts(folder, probe, ZONES, DAYPARTS), key)
