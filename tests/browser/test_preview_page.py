"""The preview by simulation on the scripts page (/scripts) in Chromium at an office PC's
1280×800 (B5, B6): before a campaign is approved, how it would air day by day with the
current schedule, what the other campaigns lose, and the break it would air in, to listen to.

Served by the API over the fake control (tests/api/fake_control.py) with uvicorn, not by
`mall-pa run`: the fake's previews are real, over a small real store (tests/preview_store.py:
an approved campaign "winter-sale", 冬季特卖, airing after every song, two announcements a
break, open 10:00-22:00, dayparts "daytime" and "evening"), and its clock stands still at
2026-11-23 10:00, so the days are the same whenever the tests run. What the page shows is
checked against what the service answers for the same version.

A planner simulates a weekend campaign from the review queue: the week, the weekdays off,
the weekend's plays and their times, winter-sale's losses, and a playable break. Marketing
simulates a campaign that can never air (45 minutes from opening is past its 10:00-10:30
window): the warning comes first, there is nothing to listen to, and the planner is shown the
warning again when approving. Last, the service's refusal is shown as it says it. Nothing
sleeps: every wait is an `expect` with a deadline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, Request, expect

from daemon.views import Role
from tests.api.conftest import bearer
from tests.api.fake_control import FakeControl
from tests.browser.fake_site import FakeSite, open_scripts, serving
from tests.browser.harness import ARTIFACTS, Contexts

MARKETING = "孙悦"
PLANNER = "周洁"

DRAW: dict[str, Any] = {
    "id": "xmas-draw",
    "kind": "campaign",
    "title": "圣诞抽奖",
    "text": "各位来宾,圣诞期间在本商场购物满三百元,即可到一楼服务台参加抽奖。",
    "valid_from": "2026-11-23",
    "valid_until": "2026-11-29",
    "weekdays": ["sat", "sun"],
    "dayparts": ["evening"],
    "every_songs": 1,
    "max_per_day": 40,
}
NEVER: dict[str, Any] = {
    "id": "morning-tea",
    "kind": "campaign",
    "title": "早茶优惠",
    "text": "各位来宾,三楼茶餐厅早茶八折。",
    "valid_from": "2026-11-23",
    "valid_until": "2026-11-29",
    "dayparts": ["10:00-10:30"],
    "every_minutes": 45,  # the first play 45 minutes from opening: past its window
}
BLOB = re.compile(r"^blob:http://127\.0\.0\.1:\d+/")
"""The audio's `src`: the WAV fetched to a blob of this page."""
HELD = {"off": "不播", "none": "一次也播不出", "short": "播不够", "full": "播够了"}
SHOWN_TIMES = 6


@pytest.fixture(scope="module")
def site() -> Iterator[FakeSite]:
    """The fake control with 孙悦 of marketing and 周洁, a planner, served on a free port."""
    fake = FakeControl()
    fake.add_user(MARKETING, "marketing-pass-1234", Role.MARKETING)
    fake.add_user(PLANNER, "planner-pass-1234", Role.PLANNER)
    with serving(fake) as served:
        yield served


def drafted(site: FakeSite, script: dict[str, Any], *, submit: bool = False) -> int:
    """Marketing's draft of `script` (submitted for approval if `submit`): its version id."""
    version: int = site.post("/api/scripts", script, MARKETING)["id"]
    if submit:
        site.post(f"/api/scripts/{version}/submit", None, MARKETING)
    return version


def said(day: str) -> str:
    """ "2026-11-28" as the page says it this year: 11月28日."""
    year, month, date = (int(n) for n in day.split("-"))
    return f"{month}月{date}日" if year == 2026 else f"{year}年{month}月{date}日"


def previews(page: Page, version: int) -> list[str]:
    """The preview requests the page sends (the list, as they go)."""
    sent: list[str] = []

    def seen(request: Request) -> None:
        if request.url.endswith(f"/api/scripts/{version}/preview"):
            sent.append(request.url)

    page.on("request", seen)
    return sent


def screenshot(page: Page, name: str) -> None:
    """The page, tall enough for the whole panel (it scrolls on its own), into artifacts."""
    page.set_viewport_size({"width": 1280, "height": 2400})
    page.screenshot(path=ARTIFACTS / f"test_preview_page.{name}.png")
    page.set_viewport_size({"width": 1280, "height": 800})  # DESK's


def simulate(detail: Locator) -> None:
    """Press 模拟播出 and wait out the busy state (it takes a few seconds)."""
    detail.get_by_role("button", name="模拟播出").click()
    run = detail.locator("#preview-run")
    expect(run).to_be_disabled()  # not twice: it is on its way
    expect(run).to_have_text("正在模拟…")
    expect(detail.locator("#preview-message")).to_contain_text("正在模拟…")
    expect(run).to_have_text("重新模拟", timeout=30_000)
    expect(run).to_be_enabled()


def test_a_planner_sees_each_day_what_it_crowds_out_and_hears_its_break(
    contexts: Contexts, site: FakeSite
) -> None:
    version = drafted(site, DRAW, submit=True)
    expected = site.get(f"/api/scripts/{version}/preview", PLANNER)  # what the page must say
    page = open_scripts(contexts, site, PLANNER)
    sent = previews(page, version)
    page.locator("#queue .version[data-script='xmas-draw'] .version-open").click()
    detail = page.locator("#detail")
    expect(detail.locator("#detail-title")).to_have_text("圣诞抽奖")
    box = detail.locator("#preview")
    expect(box.get_by_role("button", name="模拟播出")).to_be_visible()
    assert page.evaluate(  # the preview, and its warnings, before the approve button
        "() => !!(document.getElementById('preview').compareDocumentPosition("
        "document.querySelector('#detail .approve')) & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    simulate(detail)
    assert len(sent) == 1

    expect(box.locator(".preview-warnings")).to_have_count(0)  # the weekend holds its plays
    expect(box.locator(".preview-summary")).to_have_text(
        f"共要 {expected['asked']} 次,模拟播出 {expected['airs']} 次"
    )
    expect(box.locator(".preview-short")).to_have_text("播不够的天数:0 天,要播的 2 天都播够了。")
    expect(box.locator(".preview-basis")).to_have_text(f"找人广播的估算:{expected['pages']}")
    assert "找人广播" in expected["pages"]

    rows = box.locator("table.preview-days tbody tr")
    expect(rows).to_have_count(7)
    expect(box.locator("table.preview-days thead th")).to_have_text(
        ["日期", "星期", "要播", "模拟播出", "状态", "播出时间"]
    )
    weekend = [d for d in expected["days"] if d["held"] != "off"]
    assert [d["day"] for d in weekend] == ["2026-11-28", "2026-11-29"]
    for day in expected["days"]:
        cells = box.locator(f"tr[data-day='{day['day']}'] td")
        if day["held"] == "off":  # Monday to Friday: not its days, and the page says why
            assert day["note"].endswith("不播(它只在周六、周日播)")
            expect(cells).to_have_text(
                [said(day["day"]), day["weekday"], "—", "—", "不播", day["note"]]
            )
            continue
        times = day["times"]
        assert day["asked"] == 40 and len(times) == day["airs"] > SHOWN_TIMES
        expect(cells.nth(0)).to_have_text(said(day["day"]))
        expect(cells.nth(1)).to_have_text(day["weekday"])
        expect(cells.nth(2)).to_have_text("40")
        expect(cells.nth(3)).to_have_text(str(day["airs"]))
        expect(cells.nth(4)).to_have_text(HELD[day["held"]])
        expect(cells.nth(4).locator(".held")).to_have_class(f"held held-{day['held']}")
        expect(cells.nth(5).locator(".first-times")).to_have_text("、".join(times[:SHOWN_TIMES]))
        expect(cells.nth(5).locator("summary")).to_have_text(f"…共 {len(times)} 次")
        expect(cells.nth(5).locator(".all-times")).to_be_hidden()
        expect(cells.nth(5)).to_have_attribute("title", " ".join(times))
    saturday = box.locator("tr[data-day='2026-11-28'] td.times")
    saturday.locator("summary").click()  # every play of the day, on demand
    expect(saturday.locator(".all-times")).to_have_text("、".join(weekend[0]["times"]))

    [loss] = expected["losses"]
    assert loss["script_id"] == "winter-sale" and loss["with_it"] < loss["without"]
    expect(box.locator(".preview-loss-table thead th")).to_have_text(
        ["活动", "原来", "加入后", "少播"]
    )
    expect(box.locator(".preview-loss-table tr[data-script='winter-sale'] td")).to_have_text(
        ["冬季特卖 winter-sale", str(loss["without"]), str(loss["with_it"]),
         str(loss["without"] - loss["with_it"])]
    )  # fmt: skip
    screenshot(page, "week")

    assert expected["audio"] is True
    wav = f"/api/scripts/{version}/preview.wav"
    with page.expect_response(lambda r: r.url.endswith(wav), timeout=30_000) as answered:
        box.get_by_role("button", name="试听插播").click()
        expect(box.get_by_role("button", name="正在准备试听…")).to_be_disabled()
    response = answered.value
    assert (response.status, response.headers["content-type"]) == (200, "audio/wav")
    audio = box.locator("audio#preview-audio")
    expect(audio).to_be_visible()
    expect(audio).to_have_attribute("src", BLOB)  # fetched first: a refusal would show
    page.wait_for_function(
        "() => { const a = document.getElementById('preview-audio');"
        " return !!a && a.readyState >= 1 && a.duration > 10; }",
        timeout=15_000,
    )
    assert len(sent) == 1  # the sound asked for nothing more of the simulation's page

    page.reload()  # a preview is asked for, never made on its own
    expect(page.locator("#detail-title")).to_have_text("圣诞抽奖")
    expect(page.get_by_role("button", name="模拟播出")).to_be_visible()
    expect(page.locator("table.preview-days")).to_have_count(0)


def test_a_campaign_that_can_never_air_is_told_first_with_nothing_to_hear(
    contexts: Contexts, site: FakeSite
) -> None:
    version = drafted(site, NEVER)
    expected = site.get(f"/api/scripts/{version}/preview", MARKETING)
    assert {d["held"] for d in expected["days"]} == {"none"} and not expected["audio"]
    page = open_scripts(contexts, site, MARKETING)
    wavs: list[str] = []
    page.on("request", lambda r: wavs.append(r.url) if r.url.endswith(".wav") else None)
    page.locator("#list .version[data-script='morning-tea'] .version-open").click()
    detail = page.locator("#detail")
    expect(detail.locator(".detail-head .badge")).to_have_text("草稿")
    simulate(detail)  # marketing checks before submitting

    box = detail.locator("#preview")
    warnings = box.locator(".preview-warnings li")
    expect(warnings).to_have_text(expected["warnings"])
    expect(warnings.first).to_contain_text("一次也播不出")
    expect(box.locator(".preview-warnings")).to_have_attribute("role", "alert")
    expect(box.locator(".preview-summary")).to_have_text("共要 7 次,模拟播出 0 次")
    expect(box.locator(".preview-short")).to_have_text("播不够的天数:7 天(共 7 天要播)")
    expect(box.locator("table.preview-days tbody .held")).to_have_text(["一次也播不出"] * 7)
    expect(box.locator(".preview-listen")).to_contain_text("没有可以试听的插播")
    expect(box.get_by_role("button", name="试听插播")).to_have_count(0)
    expect(box.locator("audio")).to_have_count(0)
    screenshot(page, "never")

    detail.get_by_role("button", name="提交审批").click()  # submitted anyway: the planner is told
    expect(page.locator("#detail-message")).to_contain_text("已提交企划部审批")
    expect(box.locator(".preview-warnings li").first).to_contain_text("一次也播不出")  # it stays

    planner = open_scripts(contexts, site, PLANNER, "planner")
    planner.locator("#queue .version[data-script='morning-tea'] .version-open").click()
    simulate(planner.locator("#detail"))
    expect(planner.locator("#preview .preview-warnings li").first).to_contain_text("一次也播不出")
    planner.locator("#detail").get_by_role("button", name="批准", exact=True).click()
    dialog = planner.locator("#confirm")
    expect(dialog.locator(".confirm-warnings")).to_contain_text("模拟播出时发现:")
    expect(dialog.locator(".confirm-warnings li")).to_have_text(expected["warnings"])
    dialog.get_by_role("button", name="再看看").click()
    expect(dialog).to_be_hidden()
    assert site.get(f"/api/scripts/{version}", PLANNER)["state"] == "submitted"
    assert wavs == []


def test_a_version_whose_dates_have_passed_is_refused_with_its_problem(
    contexts: Contexts, site: FakeSite
) -> None:
    version = drafted(site, {**DRAW, "id": "late-draw"})
    was = site.fake.now
    site.fake.advance(8 * 86400)  # its dates have passed (12月1日); the sessions with them
    try:
        page = open_scripts(contexts, site, MARKETING)
        page.locator("#list .version[data-script='late-draw'] .version-open").click()
        detail = page.locator("#detail")
        detail.get_by_role("button", name="模拟播出").click()
        message = detail.locator("#preview-message")
        expect(message).to_have_class("notice error", timeout=30_000)
        expect(message.locator("p")).to_have_text("这一版有 1 处要改,不能模拟播出;改好后再试:")
        expect(message.locator("li")).to_have_text(
            [
                "结束日期:应为今天(12月1日)或以后的日期,现在是11月29日。已经结束的活动不能播出,请改结束日期。"
            ]
        )
        expect(detail.get_by_role("button", name="模拟播出")).to_be_enabled()  # to try again
        expect(detail.locator("table.preview-days")).to_have_count(0)
        answer = site.http.get(
            f"/api/scripts/{version}/preview", headers=bearer(site.fake, MARKETING)
        )
        assert (answer.status_code, answer.json()["code"]) == (422, "bad_script")
    finally:
        site.fake.now = was  # the other tests' week (the fake's sessions of then still hold)
