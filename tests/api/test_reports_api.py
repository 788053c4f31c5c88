"""Proof of play over HTTP (`GET /api/reports/plays`), over the fake control's store: the
test writes the as-run log, the report reads nothing else (no schedule is even there)."""

from __future__ import annotations

import csv
import io
from datetime import date, time, timedelta

import pytest
from fastapi.testclient import TestClient

from api.routes.reports import REPORT_ROLES as HTTP_ROLES
from daemon.desk_reports import REPORT_ROLES
from daemon.model import AsRunEntry, ItemKind, Source
from daemon.recurrence import local_instant
from daemon.views import Forbidden
from tests.api.conftest import bearer
from tests.api.fake_control import SHANGHAI, FakeControl

DAY = date(2026, 11, 23)  # the fake's today
URL = "/api/reports/plays"


def at(day: date, clock: str) -> float:
    return local_instant(day, time.fromisoformat(clock), SHANGHAI)


def aired(
    fake: FakeControl,
    day: date,
    clock: str,
    ref: str = "sale",
    title: str = "冬季特卖",
    seconds: float = 9.0,
    cut: bool = False,
    reason: str = "",
) -> AsRunEntry:
    """A campaign item in the store's as-run log, as the Recorder writes one."""
    start = at(day, clock)
    entry = AsRunEntry(start, start + seconds, ItemKind.ANNOUNCEMENT, Source.CAMPAIGN, ref, title)
    row = fake.db.asrun_started(day.isoformat(), entry)
    fake.db.asrun_ended(row, entry.end, cut, reason)
    return entry


def emergency_at(fake: FakeControl, day: date, start: float) -> None:
    entry = AsRunEntry(start, start + 20, ItemKind.EMERGENCY, Source.EMERGENCY, "fire", "火警")
    fake.db.asrun_add(day.isoformat(), entry)


def week(fake: FakeControl) -> None:
    """Two campaigns over three days: one cut by an emergency, one when the service stopped."""
    yesterday = DAY - timedelta(days=1)
    aired(fake, yesterday, "10:15:00")
    aired(fake, yesterday, "14:20:05")
    aired(fake, yesterday, "16:00:00", "food", "美食广场午餐")
    cut = aired(fake, DAY, "11:00:00", seconds=3.2, cut=True)
    emergency_at(fake, DAY, cut.end)
    aired(fake, DAY, "11:30:00")  # the cut one again, in full (B12)
    aired(fake, DAY, "21:59:58", "food", "美食广场午餐", 1.0, True, "the service stopped")
    aired(fake, DAY + timedelta(days=1), "10:00:00")  # tomorrow: outside a default range


def test_per_campaign_and_day_plays_cuts_and_times(client: TestClient, fake: FakeControl) -> None:
    week(fake)
    r = client.get(URL, params={"from": "2026-11-22", "to": "2026-11-23"},
                   headers=bearer(fake, "marketing"))  # fmt: skip
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["from"], report["to"], report["zone"]) == ("2026-11-22", "2026-11-23",
                                                             "Asia/Shanghai")  # fmt: skip
    assert report["days"] == ["2026-11-22", "2026-11-23"]
    rows = {(row["date"], row["campaign"]): row for row in report["rows"]}
    assert list(rows) == [("2026-11-22", "food"), ("2026-11-22", "sale"),
                          ("2026-11-23", "food"), ("2026-11-23", "sale")]  # fmt: skip
    sale = rows["2026-11-22", "sale"]
    assert (sale["plays"], sale["times"], sale["cut_by_emergency"]) == (
        2, ["10:15:00", "14:20:05"], 0,
    )  # fmt: skip
    today = rows["2026-11-23", "sale"]
    assert (today["plays"], today["cut_by_emergency"], today["cut_by_emergency_times"]) == (
        1, 1, ["11:00:00"],
    )  # fmt: skip
    food = rows["2026-11-23", "food"]
    assert (food["plays"], food["cut_other"], food["cut_other_times"]) == (0, 1, ["21:59:58"])
    totals = {t["campaign"]: t for t in report["totals"]}
    assert (totals["sale"]["plays"], totals["sale"]["days_aired"]) == (3, 2)
    assert (totals["food"]["plays"], totals["food"]["cut_other"]) == (1, 1)
    outcomes = [(p["campaign"], p["outcome"]) for p in report["plays"]]
    assert outcomes == [
        ("sale", "aired"), ("sale", "aired"), ("food", "aired"),
        ("sale", "cut_by_emergency"), ("sale", "aired"), ("food", "cut"),
    ]  # fmt: skip
    assert report["plays"][0]["start"] == "2026-11-22T10:15:00.000+08:00"
    assert report["plays"][0]["seconds"] == 9.0
    assert report["plays"][-1]["reason"] == "the service stopped"
    assert [c["id"] for c in report["campaigns"]] == ["food", "sale"]


def test_the_default_range_is_the_week_to_today_and_one_campaign_may_be_asked(
    client: TestClient, fake: FakeControl
) -> None:
    week(fake)
    report = client.get(URL, headers=bearer(fake, "planner")).json()
    assert report["days"][0] == "2026-11-17" and report["days"][-1] == "2026-11-23"
    assert len(report["rows"]) == 7 * 2 and report["campaign"] is None
    one = client.get(URL, params={"campaign": "food"}, headers=bearer(fake, "supervisor")).json()
    assert {r["campaign"] for r in one["rows"]} == {"food"} and len(one["rows"]) == 7
    assert [p["campaign"] for p in one["plays"]] == ["food", "food"]
    assert len(one["campaigns"]) == 2  # the picker still offers every one


def test_csv_has_a_bom_one_row_per_campaign_per_day_and_no_formula(
    client: TestClient, fake: FakeControl
) -> None:
    week(fake)
    aired(fake, DAY, "12:00:00", "tenant", '=HYPERLINK("http://x")')
    r = client.get(URL, params={"from": "2026-11-22", "to": "2026-11-23", "format": "csv"},
                   headers=bearer(fake, "marketing"))  # fmt: skip
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="plays-2026-11-22-2026-11-23.csv"' in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")  # Excel on a Chinese PC reads it as UTF-8
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["日期", "编号", "促销广播", "完整播出(次)", "被紧急广播打断(次)",
                           "其他中断(次)"]  # fmt: skip
    assert len(rows) == 1 + 2 * 3  # two days, three campaigns
    sale = next(row for row in rows if row[:2] == ["2026-11-22", "sale"])
    assert sale[3:7] == ["2", "0", "0", "10:15:00 14:20:05"]
    tenant = next(row for row in rows if row[:2] == ["2026-11-23", "tenant"])
    assert tenant[2] == '\'=HYPERLINK("http://x")'
    assert b"\r\n" in r.content
    one = client.get(URL, params={"campaign": "sale", "format": "csv"},
                     headers=bearer(fake, "marketing"))  # fmt: skip
    assert 'filename="plays-sale-2026-11-17-2026-11-23.csv"' in one.headers["content-disposition"]


def test_bad_input_is_refused_naming_the_field(client: TestClient, fake: FakeControl) -> None:
    week(fake)
    auth = bearer(fake, "marketing")
    cases = [
        ({"from": "2026-11-24", "to": "2026-11-23"}, "dates_out_of_order", "from"),
        ({"from": "2025-11-22", "to": "2026-11-23"}, "range_too_long", "to"),
        ({"from": "2026-02-30"}, "bad_date", "from"),
        ({"to": "23/11/2026"}, "bad_date", "to"),
        ({"to": "20261123"}, "bad_date", "to"),
        ({"from": "1999-12-31"}, "bad_date", "from"),
        ({"to": "9999-12-31"}, "bad_date", "to"),
        ({"campaign": "nope"}, "unknown_campaign", "campaign"),
    ]
    for params, code, field in cases:
        for fmt in ("json", "csv"):
            r = client.get(URL, params={**params, "format": fmt}, headers=auth)
            assert r.status_code == 422, (params, r.text)
            body = r.json()
            assert (body["code"], body["field"]) == (code, field), params
            assert any("\u4e00" <= c <= "\u9fff" for c in body["message"]), body
    whole_year = client.get(URL, params={"from": "2024-01-01", "to": "2024-12-31"}, headers=auth)
    assert whole_year.status_code == 200 and len(whole_year.json()["days"]) == 366
    r = client.get(URL, params={"format": "xlsx"}, headers=auth)
    assert r.status_code == 422 and r.json()["field"] == "format"


def test_only_marketing_planners_and_supervisors_see_it(
    client: TestClient, fake: FakeControl
) -> None:
    for who, status in [("marketing", 200), ("planner", 200), ("supervisor", 200),
                        ("staff", 403), ("announcer", 403), ("admin", 403)]:  # fmt: skip
        assert client.get(URL, headers=bearer(fake, who)).status_code == status, who
    assert client.get(URL).status_code == 401


def test_the_control_refuses_others_too(fake: FakeControl) -> None:
    """The rule holds behind the HTTP layer as well, and agrees with it."""
    assert set(HTTP_ROLES) == REPORT_ROLES
    staff = fake.accounts["staff"].user
    with pytest.raises(Forbidden):
        fake.reports.plays(staff, None, None, None)
