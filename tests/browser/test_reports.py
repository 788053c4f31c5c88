"""Proof of play (/reports) in Chromium against the real service, with what it really aired.

The short-track store airs no campaign of its own, so this module's service adds two (春季特卖
every song, 美食广场 every other song, spoken by the store's voice); songs are 3-4 s, so they
air within seconds. Before the page is opened an emergency cuts 春季特卖 mid-sentence; for
the calm after an emergency (10 minutes) no campaign airs, so the counts stand still while
the page is looked at. The page's chart and table must say what the service's own as-run log
(/api/timeline) says it aired, and the CSV the same. Every wait has a deadline.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import ARTIFACTS, Service, cookie_sign_in, start_service
from tests.e2e.running import STORE_ZONE, wait_for

SPRING = """
id = "spring-sale"
kind = "campaign"
title = "春季特卖"
text = "春季特卖火热进行中,二楼服饰全场八折,会员再享九五折,欢迎选购。"
approved_by = "企划部 李强"
approved_at = "2026-01-01"
every_songs = 1
"""
FOOD = """
id = "food-court"
kind = "campaign"
title = "美食广场"
text = "三楼美食广场各地风味,欢迎品尝。"
approved_by = "企划部 李强"
approved_at = "2026-01-01"
every_songs = 2
"""
MARKETING = ("孙丽", "marketing-pass-1234")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The short-track store with the two campaigns, and 孙丽 of marketing."""
    folder = tmp_path_factory.mktemp("reports-store")
    (folder / "scripts").mkdir()
    for name, text in (("spring-sale", SPRING), ("food-court", FOOD)):
        (folder / "scripts" / f"{name}.toml").write_text(text, encoding="utf-8")
    running = start_service(folder)
    running.add_person(*MARKETING, "marketing")
    yield running
    running.close()


def campaigns_aired(service: Service) -> list[dict[str, Any]]:
    """The campaign announcements of the service's as-run log, yesterday's and today's."""
    today = datetime.now(STORE_ZONE).date()
    found = []
    for day in (today - timedelta(days=1), today):
        log = service.running.get(f"/api/timeline?date={day}", service.bearer("赵强"))
        found += [e for e in log["entries"]
                  if e["kind"] == "announcement" and e["source"] == "campaign"]  # fmt: skip
    return found


def cut_a_campaign(service: Service) -> None:
    """Once each campaign aired in full, start the fire evacuation while 春季特卖 is on air
    with a second or more to go; clear it once it has cut in."""
    boss = service.bearer("赵强")

    def both_aired() -> bool:
        full = [e["ref"] for e in campaigns_aired(service) if not e["interrupted"]]
        return full.count("spring-sale") >= 2 and "food-court" in full

    wait_for("both campaigns on air in full", both_aired, 90)

    def spring_on_air_for_a_while() -> bool:
        now = service.running.get("/api/status", boss)
        item = now["now_playing"]
        if not item or item["ref"] != "spring-sale" or item["source"] != "campaign":
            return False
        left = datetime.fromisoformat(item["ends_at"]) - datetime.fromisoformat(now["now"])
        return left.total_seconds() > 1.5

    wait_for("春季特卖 on air", spring_on_air_for_a_while, 60)
    started = service.running.post("/api/emergency", {"script": "fire"}, boss)
    assert started.status_code == 202, started.text
    wait_for("the cut in the log",
             lambda: any(e["interrupted"] for e in campaigns_aired(service)), 20)  # fmt: skip
    cleared = service.running.post("/api/emergency/clear", {"script": "fire"}, boss)
    assert cleared.status_code == 200, cleared.text


@pytest.fixture(scope="module")
def aired(service: Service) -> dict[str, Any]:
    """What the service aired once an emergency cut a campaign: its as-run log's campaign
    items and the report of the API, which the page must show."""
    cut_a_campaign(service)
    log = campaigns_aired(service)
    report: dict[str, Any] = service.running.get("/api/reports/plays", service.bearer(MARKETING[0]))
    return {"log": log, "report": report}


def test_the_report_counts_what_the_log_says_aired(aired: dict[str, Any]) -> None:
    log, report = aired["log"], aired["report"]
    assert [p["start"] for p in report["plays"]] == [e["start"] for e in log]
    for ref in ("spring-sale", "food-court"):
        total = next(t for t in report["totals"] if t["campaign"] == ref)
        assert total["plays"] == sum(e["ref"] == ref and not e["interrupted"] for e in log)
    spring = next(t for t in report["totals"] if t["campaign"] == "spring-sale")
    assert spring["cut_by_emergency"] == 1 and spring["cut_other"] == 0


def test_marketing_sees_the_chart_and_the_table_of_what_aired(
    desk: Page, service: Service, aired: dict[str, Any]
) -> None:
    report = aired["report"]
    cookie_sign_in(desk.context, service, MARKETING[0])
    desk.goto("/reports")
    expect(desk.locator("#app")).to_be_visible()
    expect(desk.locator("#from")).to_have_value(report["from"])
    expect(desk.locator("#to")).to_have_value(report["to"])
    expect(desk.locator("#campaign option")).to_have_count(3)  # 全部 and the two

    busy = [r for r in report["rows"] if r["plays"]]
    bars = desk.locator("#chart svg rect.bar")
    expect(bars).to_have_count(len(busy))
    for row in busy:
        bar = desk.locator(f'rect.bar[data-day="{row["date"]}"][data-campaign="{row["campaign"]}"]')
        expect(bar).to_have_attribute("data-plays", str(row["plays"]))
    cut_row = next(r for r in report["rows"] if r["cut_by_emergency"])
    mark = desk.locator(
        f'circle.cut-mark[data-campaign="spring-sale"][data-day="{cut_row["date"]}"]'
    )
    expect(mark).to_have_count(1)
    expect(desk.locator("#legend li")).to_have_text(["美食广场", "春季特卖"])

    rows = desk.locator("#rows tr")
    expect(rows).to_have_count(len(report["rows"]))
    line = desk.locator(f'#rows tr[data-day="{cut_row["date"]}"][data-campaign="spring-sale"]')
    cells = line.locator("td")
    expect(cells.nth(1)).to_have_text("春季特卖")
    expect(cells.nth(2)).to_have_text(str(cut_row["plays"]))
    expect(cells.nth(3)).to_have_text("1")
    expect(line.locator(".time.cut")).to_have_text(
        [f"{t} 被紧急广播打断" for t in cut_row["cut_by_emergency_times"]]
    )
    expect(line.locator(".time:not(.cut):not(.other)")).to_have_text(cut_row["times"])
    spring = next(t for t in report["totals"] if t["campaign"] == "spring-sale")
    expect(desk.locator("#summary")).to_contain_text(f"完整播出 {spring['plays']} 次")
    expect(desk.locator("#summary")).to_contain_text("被紧急广播打断 1 次")
    desk.screenshot(path=ARTIFACTS / "test_reports.whole-page.png", full_page=True)


def test_the_csv_link_downloads_the_same_rows_with_a_bom(
    desk: Page, service: Service, aired: dict[str, Any]
) -> None:
    report = aired["report"]
    cookie_sign_in(desk.context, service, MARKETING[0])
    desk.goto("/reports")
    expect(desk.locator("#rows tr")).to_have_count(len(report["rows"]))
    with desk.expect_download() as download:
        desk.get_by_role("link", name="下载 CSV").click()
    got = download.value
    assert got.suggested_filename == f"plays-{report['from']}-{report['to']}.csv"
    data = Path(got.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(report["rows"])
    for line, row in zip(rows[1:], report["rows"], strict=True):
        assert line[:6] == [row["date"], row["campaign"], row["title"], str(row["plays"]),
                            str(row["cut_by_emergency"]), str(row["cut_other"])]  # fmt: skip


def test_one_campaign_and_a_bad_range(desk: Page, service: Service, aired: dict[str, Any]) -> None:
    cookie_sign_in(desk.context, service, MARKETING[0])
    desk.goto("/reports")
    expect(desk.locator("#rows tr").first).to_be_visible()
    desk.locator("#campaign").select_option("food-court")
    expect(desk.locator("#rows tr")).to_have_count(7)
    expect(desk.locator("#legend li")).to_have_text(["美食广场"])
    assert "campaign=food-court" in desk.url
    today = date.fromisoformat(aired["report"]["to"])
    desk.locator("#from").fill(str(today + timedelta(days=1)))
    desk.get_by_role("button", name="查询").click()
    expect(desk.locator("#message")).to_contain_text("晚于结束日期")
    expect(desk.locator("#from")).to_have_attribute("aria-invalid", "true")
    desk.get_by_role("button", name="最近 30 天").click()
    expect(desk.locator("#message")).to_be_empty()
    expect(desk.locator("#rows tr")).to_have_count(30)


def test_staff_are_told_it_is_not_for_them(phone: Page, service: Service) -> None:
    cookie_sign_in(phone.context, service, service.staff.name)
    phone.goto("/reports")
    expect(phone.locator("#denied")).to_be_visible()
    expect(phone.locator("#filter")).to_be_hidden()
