"""S1: the switchboard's greeting turns at the cut-over on the store's wall clock, in any
time zone, daylight saving included; the config names the cut-over."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daemon.catalog.config import load_config
from daemon.switchboard.greeting import greeting
from tests.unit.test_config import GOOD, problems_of
from tests.unit.test_config import write as write_config

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")  # daylight saving: 2026-03-29 02:00 -> 03:00
TEN = time(10, 0)


def at(zone: ZoneInfo, y: int, mo: int, d: int, h: int, mi: int, s: int) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=zone)


def test_before_ten_it_is_good_morning_and_from_ten_good_day() -> None:
    before = greeting(at(SHANGHAI, 2026, 12, 1, 9, 59, 59), "欧洲村", TEN, SHANGHAI)
    assert (before.text, before.morning) == ("欧洲村,您早!", True)
    assert before.changes_at == at(SHANGHAI, 2026, 12, 1, 10, 0, 0)
    after = greeting(at(SHANGHAI, 2026, 12, 1, 10, 0, 0), "欧洲村", TEN, SHANGHAI)
    assert (after.text, after.morning) == ("欧洲村,您好!", False)
    assert after.changes_at == at(SHANGHAI, 2026, 12, 2, 0, 0, 0)  # good morning again


def test_the_instant_is_read_on_the_stores_clock_whatever_zone_it_comes_in() -> None:
    utc = datetime(2026, 12, 1, 1, 59, 59, tzinfo=UTC)  # 09:59:59 in Shanghai
    assert greeting(utc, "欧洲村", TEN, SHANGHAI).morning is True
    assert greeting(utc + timedelta(seconds=1), "欧洲村", TEN, SHANGHAI).morning is False
    naive = datetime(2026, 12, 1, 9, 59, 59)  # the store's own wall clock
    assert greeting(naive, "欧洲村", TEN, SHANGHAI).morning is True


def test_on_a_daylight_saving_day_the_cut_over_is_still_ten_on_the_wall_clock() -> None:
    spring = at(BERLIN, 2026, 3, 29, 9, 59, 59)  # the day has 23 hours
    assert greeting(spring, "Mall", TEN, BERLIN).morning is True
    assert greeting(spring + timedelta(seconds=1), "Mall", TEN, BERLIN).morning is False
    autumn = at(BERLIN, 2026, 10, 25, 9, 59, 59)  # 25 hours
    assert greeting(autumn, "Mall", TEN, BERLIN).morning is True
    said = greeting(autumn + timedelta(seconds=1), "Mall", TEN, BERLIN)
    assert said.morning is False and said.changes_at == at(BERLIN, 2026, 10, 26, 0, 0, 0)


def test_a_cut_over_in_the_spring_gap_turns_when_the_clock_jumps_past_it() -> None:
    cut = time(2, 30)  # 02:30 does not exist in Berlin on 2026-03-29
    assert greeting(at(BERLIN, 2026, 3, 29, 1, 59, 59), "Mall", cut, BERLIN).morning is True
    assert greeting(at(BERLIN, 2026, 3, 29, 3, 30, 0), "Mall", cut, BERLIN).morning is False


ZONES = st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York"])


@given(st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 30)), ZONES)
def test_the_phrase_holds_until_it_says_it_changes(moment: datetime, zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    local = moment.replace(tzinfo=zone)
    said = greeting(local, "欧洲村", TEN, zone)
    assert said.morning == (moment.time() < TEN)  # read on the wall clock
    assert said.changes_at > local  # the next change is always ahead
    later = greeting(said.changes_at, "欧洲村", TEN, zone)
    assert later.morning != said.morning  # and it is a change


def test_the_config_names_the_cut_over(tmp_path: Path) -> None:
    config = load_config(
        write_config(tmp_path, GOOD + '\n[switchboard]\nmorning_until = "09:30"\n')
    )
    assert config.morning_until == time(9, 30)
    assert load_config(write_config(tmp_path, GOOD)).morning_until == TEN  # the default


@pytest.mark.parametrize("value", ['"25:00"', "930", '"morning"'])
def test_a_bad_cut_over_is_named(tmp_path: Path, value: str) -> None:
    path = write_config(tmp_path, GOOD + f"\n[switchboard]\nmorning_until = {value}\n")
    [problem] = problems_of(path)
    assert problem.where == "switchboard.morning_until"
