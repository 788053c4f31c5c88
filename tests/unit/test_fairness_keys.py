"""The keys of campaign fairness: a campaign's `weight` and `breaks.campaign_min_gap_minutes`,
loaded within their bounds or named in a problem (file, key, expected, found)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.catalog.config import load_config
from daemon.catalog.problems import InputError
from daemon.catalog.scripts import load_scripts
from tests.unit.test_config import GOOD, bad, write
from tests.unit.test_files_fuzz import VALUES, toml
from tests.unit.test_scripts import CAMPAIGN, DAYPARTS, FIXED, ZONES, library, one, probe


def test_a_campaign_weighs_1_unless_it_says(tmp_path: Path) -> None:
    [plain] = load_scripts(library(tmp_path / "a", CAMPAIGN), probe, ZONES, DAYPARTS)
    [heavy] = load_scripts(library(tmp_path / "b", CAMPAIGN + "weight = 2.5\n"), probe)
    [whole] = load_scripts(library(tmp_path / "c", CAMPAIGN + "weight = 3\n"), probe)
    assert (plain.weight, heavy.weight, whole.weight) == (1.0, 2.5, 3.0)
    assert isinstance(whole.weight, float)


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("0", "the number 0"),
        ("0.05", "the number 0.05"),
        ("-1", "the number -1"),
        ("11", "the number 11"),
        ("nan", "the number nan"),
        ("inf", "the number inf"),
        ('"heavy"', '"heavy"'),
        ("true", "true (true/false)"),
    ],
)
def test_a_bad_weight_is_named(tmp_path: Path, value: str, found: str) -> None:
    where, expected, got, hint = one(tmp_path, CAMPAIGN + f"weight = {value}\n")
    assert (where, expected, got) == ("weight", "a number from 0.1 to 10", found)
    assert hint == "leave weight out for the default, 1"


def test_weight_is_a_campaign_key(tmp_path: Path) -> None:
    where, expected, found, _ = one(tmp_path, FIXED + "weight = 2\n")
    assert (where, expected, found) == ("weight", "only keys a fixed script uses", '"weight"')


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.sampled_from(["weight", "campaign_min_gap_minutes"]), value=VALUES)
def test_any_value_is_taken_within_bounds_or_named(key: str, value: object) -> None:
    line = f"{key} = {toml(value)}\n"
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if key == "weight":
            (folder / "s.toml").write_text(CAMPAIGN + line, encoding="utf-8")
            loaded = _taken(lambda: load_scripts(folder, probe, ZONES, DAYPARTS)[0].weight, key)
            assert loaded is None or 0.1 <= loaded <= 10.0
        else:
            path = write(folder, GOOD.replace("[breaks]\n", f"[breaks]\n{line}"))
            loaded = _taken(lambda: load_config(path).breaks.campaign_min_gap_minutes, key)
            assert loaded is None or 0.0 <= loaded <= 120.0


def _taken(load: Callable[[], float], key: str) -> float | None:
    """What `load` gives, or None when it named `key` in its problems."""
    try:
        return load()
    except InputError as err:
        assert any(key in p.where for p in err.problems), err.problems
        return None


def test_no_gap_between_campaigns_unless_the_config_says(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, GOOD)).breaks.campaign_min_gap_minutes == 0.0
    text = GOOD.replace("[breaks]\n", "[breaks]\ncampaign_min_gap_minutes = 4.5\n")
    assert load_config(write(tmp_path, text)).breaks.campaign_min_gap_minutes == 4.5


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("-1", "the number -1"),
        ("121", "the number 121"),
        ("nan", "the number nan"),
        ("inf", "the number inf"),
        ('"5"', '"5"'),
        ("true", "true (true/false)"),
    ],
)
def test_a_bad_gap_is_named(tmp_path: Path, value: str, found: str) -> None:
    [problem] = bad(tmp_path, "[breaks]\n", f"[breaks]\ncampaign_min_gap_minutes = {value}\n")
    assert problem.file == tmp_path / "mall-pa.toml"
    assert (problem.where, problem.expected, problem.found) == (
        "breaks.campaign_min_gap_minutes",
        "a number from 0 to 120",
        found,
    )
