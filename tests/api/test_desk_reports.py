"""Proof of play over the real control: an engine on virtual time airs a campaign every song,
an emergency cuts one mid-sentence, the Recorder writes the as-run log into the store, and
`GET /api/reports/plays` must say exactly what the engine aired (its own timeline is the
oracle), the cut one counted as cut by the emergency and not as a play."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import create_app
from daemon.accounts import Accounts
from daemon.desk import Desk
from daemon.drivers.virtual import VirtualStation
from daemon.model import AsRunEntry, ItemKind, Script, ScriptKind, Source
from daemon.recorder import Recorder
from daemon.recurrence import format_local
from daemon.speech.speaker import Speaker
from daemon.store import Store
from tests.api.test_desk import CHEAP, World, preset
from tests.factory import PlanSpec, at, emergency_script, make_plan

SALE = Script(
    "sale", ScriptKind.CAMPAIGN, "冬季特卖", "冬季特卖火热进行中。", Path("/lib/sale.toml"),
    approved_by="企划部", approved_at=date(2026, 11, 1), every_songs=1,
)  # fmt: skip
FOOD = replace(SALE, id="food", title="美食广场", source_file=Path("/lib/food.toml"), every_songs=3)
URL = "/api/reports/plays"


@pytest.fixture
def world(tmp_path: Path, speaker: Speaker) -> Iterator[World]:
    store = Store(tmp_path / "mall-pa.db")
    spec = PlanSpec(
        campaigns=[(SALE, 9.0, [("10:00", "22:00")]), (FOOD, 6.0, [("10:00", "22:00")])]
    )
    plan = make_plan(spec)
    presets = {"fire": preset(emergency_script("fire"))}
    station = VirtualStation(plan, at(plan, "15:00:05"))
    station.subscribe(Recorder(store, lambda: plan.day))
    accounts = Accounts(store, clock=station.now, hasher=CHEAP)
    desk = Desk(station, store, accounts, speaker, presets, clock=station.now)
    app = create_app(desk)
    app.state.clock = lambda: datetime.fromtimestamp(station.now(), UTC)
    for name, roles in [("mkt", ["marketing"]), ("boss", ["supervisor"]), ("desk", ["announcer"])]:
        accounts.add_user(name, f"{name}-password", roles, False, "test", "local")
    yield World(station, store, desk, TestClient(app), presets, speaker)
    store.close()


def campaign_items(world: World) -> list[AsRunEntry]:
    return [
        e
        for e in world.station.playout.timeline
        if e.kind is ItemKind.ANNOUNCEMENT and e.source is Source.CAMPAIGN
    ]


def until_on_air(world: World, ref: str, seconds: float = 3600) -> None:
    """Let time pass until the campaign `ref` is on air (a little into it)."""
    end = world.station.now() + seconds
    while world.station.now() < end:
        item = world.station.playout.item
        if item is not None and item.source is Source.CAMPAIGN and item.ref == ref:
            world.station.advance(1.0)
            return
        world.station.advance(0.5)
    raise AssertionError(f"{ref} never went on air")


def test_proof_of_play_is_what_the_engine_aired_with_the_emergency_cut(world: World) -> None:
    boss = world.login("boss")
    world.station.advance(40 * 60)
    until_on_air(world, "sale")
    started = world.client.post("/api/emergency", json={"script": "fire"}, headers=boss)
    assert started.status_code == 202, started.text
    world.station.advance(0.5)  # the alert tone is on air: not yet in the log, yet it counts
    during = world.client.get(URL, headers=world.login("mkt")).json()
    assert [t["cut_by_emergency"] for t in during["totals"]] == [0, 1]  # food, sale
    world.station.advance(90)
    assert world.client.post("/api/emergency/clear", json={}, headers=boss).status_code == 200
    world.station.advance(50 * 60)  # the calm after it, then campaigns again (the cut one too)

    items = campaign_items(world)
    cut = [e for e in items if e.interrupted]
    assert [e.ref for e in cut] == ["sale"], "the emergency cut exactly one campaign"
    zone = world.station.plan.zone
    r = world.client.get(URL, headers=world.login("mkt"))
    assert r.status_code == 200, r.text
    report: dict[str, Any] = r.json()

    want = [
        (e.ref, format_local(e.start, zone), "cut_by_emergency" if e.interrupted else "aired")
        for e in items
    ]
    assert [(p["campaign"], p["start"], p["outcome"]) for p in report["plays"]] == want
    today = {row["campaign"]: row for row in report["rows"] if row["date"] == "2026-11-23"}
    for ref in ("sale", "food"):
        full = [e for e in items if e.ref == ref and not e.interrupted]
        assert today[ref]["plays"] == len(full) > 0
        assert today[ref]["times"] == [format_local(e.start, zone)[11:19] for e in full]
    assert today["sale"]["cut_by_emergency"] == 1 and today["food"]["cut_by_emergency"] == 0
    assert today["sale"]["cut_by_emergency_times"] == [format_local(cut[0].start, zone)[11:19]]
    assert sum(t["plays"] for t in report["totals"]) == sum(not e.interrupted for e in items)
    assert {r["date"] for r in report["rows"] if r["plays"]} == {"2026-11-23"}  # nothing else
    assert [c["id"] for c in report["campaigns"]] == ["food", "sale"]


def test_a_campaign_on_todays_plan_may_be_asked_before_it_ever_aired(world: World) -> None:
    mkt = world.login("mkt")
    r = world.client.get(URL, params={"campaign": "food"}, headers=mkt)
    assert r.status_code == 200, r.text
    assert [row["plays"] for row in r.json()["rows"]] == [0] * 7
    titles = {c["id"]: c["title"] for c in r.json()["campaigns"]}
    assert titles == {"food": "美食广场", "sale": "冬季特卖"}
    refused = world.client.get(URL, params={"campaign": "nope"}, headers=mkt)
    assert refused.status_code == 422 and refused.json()["field"] == "campaign"
    assert "food" in refused.json()["message"]


def test_the_csv_matches_the_json(world: World) -> None:
    world.station.advance(30 * 60)
    mkt = world.login("mkt")
    report = world.client.get(URL, params={"from": "2026-11-23"}, headers=mkt).json()
    csv = world.client.get(URL, params={"from": "2026-11-23", "format": "csv"}, headers=mkt)
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + len(report["rows"]) == 3
    for line, row in zip(lines[1:], report["rows"], strict=True):
        cells = line.split(",")
        assert cells[:4] == [row["date"], row["campaign"], row["title"], str(row["plays"])]
        assert cells[6] == " ".join(row["times"])


def test_the_announcer_at_the_desk_does_not_see_it(world: World) -> None:
    assert world.client.get(URL, headers=world.login("desk")).status_code == 403
