"""B6 by date: a script is approved for a day when its approval is dated on or before it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from daemon import approval
from daemon.catalog.problems import Problem
from daemon.model import Script, ScriptKind
from tests.factory import emergency_script, fixed_script

APPROVED = date(2026, 11, 1)  # the factory's approval date


@pytest.mark.parametrize(
    ("day", "on"), [(date(2026, 10, 31), False), (APPROVED, True), (date(2026, 11, 2), True)]
)
def test_a_script_is_approved_from_its_approval_day_on(day: date, on: bool) -> None:
    script = fixed_script("welcome", ["10:05"])
    assert script.approved_on(day) is on
    assert approval.approved_later(script, day) is not on


def test_an_unapproved_script_is_never_approved_nor_approved_later() -> None:
    draft = replace(fixed_script("draft", ["10:05"]), approved_by=None, approved_at=None)
    assert not draft.approved_on(date(2030, 1, 1))
    assert not approval.approved_later(draft, date(2020, 1, 1))


def test_the_note_and_the_problem_name_the_script_file_field_and_what_to_do() -> None:
    day = date(2026, 10, 20)
    script = fixed_script("welcome", ["10:05"])
    assert approval.note(script, day) == (
        "welcome: approved_at 2026-11-01 is after 2026-10-20, will not air before then (B6)"
    )
    assert approval.problem(script, day) == Problem(
        Path("/lib/welcome.toml"),
        "approved_at",
        "a date on or before 2026-10-20, the day checked (it records when planning approved "
        "the script, B6)",
        "2026-11-01: welcome does not air before then",
        "an approval dated in the future is most likely a typo: set approved_at to the day "
        "planning approved it; if planning has not approved it yet, remove approved_by and "
        "approved_at until they do",
    )


def test_a_campaign_is_told_of_valid_from_and_an_emergency_that_it_stays_a_preset() -> None:
    day = date(2026, 10, 20)
    campaign = Script("sale", ScriptKind.CAMPAIGN, "sale", "特卖", Path("/lib/sale.toml"),
                      approved_by="企划部", approved_at=APPROVED, every_songs=3)  # fmt: skip
    assert approval.problem(campaign, day).hint.endswith(
        "(to start a campaign later, set valid_from)"
    )
    fire = approval.problem(emergency_script(), day)
    assert fire.found == "2026-11-01: fire stays an emergency preset, but the date is wrong"
