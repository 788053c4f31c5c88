"""Emergency presets and their all-clear scripts in the library; the [breaks] slot window
and calm in the config: what loads, and what each mistake says."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.catalog.config import load_config
from daemon.catalog.problems import Problem
from daemon.catalog.scripts import load_scripts
from daemon.model import ScriptKind
from tests.unit.test_config import GOOD, bad
from tests.unit.test_config import write as write_config
from tests.unit.test_scripts import DAYPARTS, FIXED, ZONES, library, probe, problems_of

FIRE = """\
id = "fire"
kind = "emergency"
title = "火警疏散"
text = "请从最近的安全出口有序撤离"
repeat_every_seconds = 30
clear_script = "all-clear"
"""

ALL_CLEAR = """\
id = "all-clear"
kind = "all-clear"
title = "警报解除"
text = "警报解除,商场恢复正常营业"
"""


def test_a_preset_names_its_all_clear(tmp_path: Path) -> None:
    scripts = load_scripts(library(tmp_path, FIRE, ALL_CLEAR), probe, ZONES, DAYPARTS)
    by_id = {s.id: s for s in scripts}
    assert by_id["fire"].clear_script == "all-clear"
    assert by_id["fire"].repeat_every_seconds == 30.0
    assert by_id["all-clear"].kind is ScriptKind.ALL_CLEAR


def test_a_preset_has_a_priority_from_1_to_9_and_5_unless_it_says(tmp_path: Path) -> None:
    fire = FIRE + "priority = 9\n"
    power = FIRE.replace('id = "fire"', 'id = "power"')
    scripts = load_scripts(library(tmp_path, fire, power, ALL_CLEAR), probe, ZONES, DAYPARTS)
    assert {s.id: s.priority for s in scripts if s.kind is ScriptKind.EMERGENCY} == {
        "fire": 9, "power": 5,
    }  # fmt: skip


@pytest.mark.parametrize("value", ["0", "10", "2.5", '"high"', "true", "-1"])
def test_a_priority_out_of_range_or_not_whole_is_named(tmp_path: Path, value: str) -> None:
    [problem] = problems_of(tmp_path, FIRE + f"priority = {value}\n", ALL_CLEAR)
    assert (problem.where, problem.expected) == ("priority", "a whole number from 1 to 9")


def test_a_clear_script_that_is_not_an_all_clear(tmp_path: Path) -> None:
    welcome = FIXED.replace('id = "welcome"', 'id = "all-clear"')
    [problem] = problems_of(tmp_path, FIRE, welcome)
    assert (problem.where, problem.expected, problem.found) == (
        "clear_script",
        'the id of a script of kind "all-clear" (none yet)',
        '"all-clear", a fixed script',
    )


def test_a_clear_script_that_does_not_exist(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, FIRE.replace('"all-clear"', '"all-klear"'), ALL_CLEAR)
    assert problem.file == tmp_path / "scripts" / "s0.toml"
    assert (problem.expected, problem.found) == (
        'the id of a script of kind "all-clear" (all-clear)',
        '"all-klear", no such script',
    )


@pytest.mark.parametrize("value", ["601", "inf", "nan", "-1"])
def test_repeat_every_seconds_is_bounded(tmp_path: Path, value: str) -> None:
    text = FIRE.replace("repeat_every_seconds = 30", f"repeat_every_seconds = {value}")
    [problem] = problems_of(tmp_path, text, ALL_CLEAR)
    assert problem.where == "repeat_every_seconds"


def test_an_all_clear_takes_no_keys_of_other_kinds(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, ALL_CLEAR + 'slots = ["10:00"]\n')
    assert (problem.where, problem.found) == ("slots", '"slots"')


def test_the_window_and_the_calm_default_to_60_s_and_10_minutes(tmp_path: Path) -> None:
    breaks = load_config(write_config(tmp_path, GOOD)).breaks
    assert (breaks.window.early_seconds, breaks.window.calm_seconds) == (60.0, 600.0)
    assert breaks.alert is None  # the default alert tone airs (daemon.speech.tone)
    text = GOOD.replace(
        "[breaks]\n", "[breaks]\nfixed_early_seconds = 0\ncalm_after_emergency_minutes = 2.5\n"
    )
    breaks = load_config(write_config(tmp_path, text)).breaks
    assert (breaks.window.early_seconds, breaks.window.calm_seconds) == (0.0, 150.0)


@pytest.mark.parametrize(
    ("key", "value", "found"),
    [
        ("fixed_early_seconds", "301", "the number 301"),
        ("fixed_early_seconds", "-5", "the number -5"),
        ("fixed_early_seconds", "inf", "the number inf"),
        ("fixed_early_seconds", "true", "true (true/false)"),
        ("calm_after_emergency_minutes", "121", "the number 121"),
        ("calm_after_emergency_minutes", '"10"', '"10"'),
    ],
)
def test_the_window_and_the_calm_are_bounded(
    tmp_path: Path, key: str, value: str, found: str
) -> None:
    [problem] = bad(tmp_path, "[breaks]\n", f"[breaks]\n{key} = {value}\n")
    high = "300" if key == "fixed_early_seconds" else "120"
    assert problem == Problem(
        tmp_path / "mall-pa.toml",
        f"breaks.{key}",
        f"a number from 0 to {high}",
        found,
        problem.hint,
    )
    assert "leave it out for the default" in problem.hint
