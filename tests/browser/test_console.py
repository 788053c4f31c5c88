"""The desk console (/desk) in Chromium at the desk's 1280×800, against the real service.

The tests share one short-track service (3-4 s songs; a page is about 12 s of synthetic
voice) and run in order: sign in and see what plays; a page waits in the queue and airs (the
ON AIR light, B13); a staff member's panel is disabled; a failed check shows red; the live
connection recovers after a drop; an expired session brings the sign-in form back; then the
page is in today's log, and an emergency airs only after its confirmation, then is cleared;
last, precedence between the two presets (火警疏散 "fire", priority 5; 停电安抚 "power", 3):
the fire cuts in on the power failure, which resumes after the fire's clear, and the power
failure started during a fire waits its turn and may be cleared before it airs.
Nothing sleeps: every wait is an `expect` or a `wait_for_function` with a deadline.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.harness import ARTIFACTS, Service, Staff, cookie_sign_in

SIGNED_OUT = r"status of 401"
"""Chromium logs the 401 of /api/me (or of a call after the session ended) as a console
error: the page shows the sign-in form for it, as it should."""

AIRING_MS = 25_000
"""Long enough for the current song to end and a 12-second page to air."""

AIRED: list[str] = []
"""Texts of the pages the tests put on air, for the last test to find in today's log."""


def sign_in_through_the_form(page: Page, person: Staff) -> None:
    page.goto("/desk")
    expect(page.locator("#login")).to_be_visible()
    page.get_by_label("姓名").fill(person.name)
    page.get_by_label("密码").fill(person.password)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#app")).to_be_visible()


def open_console(page: Page, service: Service, person: Staff) -> None:
    cookie_sign_in(page.context, service, person.name)
    page.goto("/desk")
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#live")).to_have_text("● 实时")


def submit_page(service: Service, person: Staff, name: str) -> dict[str, Any]:
    headers = {**service.bearer(person.name), "Idempotency-Key": uuid.uuid4().hex}
    body = {"kind": "customer", "name": name, "honorific": "先生", "place": "一楼服务台"}
    answer = service.running.post("/api/pages", body, headers)
    assert answer.status_code == 202, answer.text
    page: dict[str, Any] = answer.json()
    return page


def emergency_now(service: Service) -> dict[str, Any]:
    current: dict[str, Any] = service.running.get("/api/emergency", service.bearer("赵强"))
    return current


def status_now(service: Service) -> dict[str, Any]:
    status: dict[str, Any] = service.running.get("/api/status", service.bearer("赵强"))
    return status


def active_emergencies(service: Service) -> list[tuple[str, str, str]]:
    """Every active emergency as /api/status lists them, in the order they air: (preset,
    state, behind)."""
    return [(e["script"], e["state"], e["behind"]) for e in status_now(service)["emergencies"]]


def clear_every_emergency(service: Service) -> None:
    """What a test left active, cleared through the API (each one by name)."""
    for em in status_now(service)["emergencies"]:
        body = {"script": em["script"]}
        service.running.post("/api/emergency/clear", body, service.bearer("赵强"))


def wait_for_a_new_song(page: Page) -> None:
    """Until the next song starts: then a page submitted now waits seconds in the queue."""
    title = page.locator("#now-title").inner_text()
    page.wait_for_function(
        "t => { const n = document.getElementById('now-title').textContent;"
        " return n !== t && /^song\\d$/.test(n); }",
        arg=title,
        timeout=10_000,
    )


def lit() -> re.Pattern[str]:
    return re.compile(r"\blit\b")


@pytest.mark.allow_console_errors(SIGNED_OUT)
def test_the_supervisor_signs_in_and_sees_what_plays_and_what_comes(
    desk: Page, service: Service
) -> None:
    sign_in_through_the_form(desk, service.supervisor)
    expect(desk.locator("#who")).to_have_text("赵强 · 主管")
    expect(desk.locator("#signout")).to_be_visible()
    expect(desk.locator("#live")).to_have_text("● 实时")
    said = service.running.get("/api/switchboard/greeting", service.bearer("赵强"))
    expect(desk.locator("#greeting")).to_have_text(f"接听外线:{said['text']}")  # S1

    expect(desk.locator("#now-kind")).to_have_text("音乐")
    expect(desk.locator("#now-title")).to_have_text(re.compile(r"^song\d$"))
    expect(desk.locator("#now-elapsed")).to_have_text(re.compile(r"^\d+:\d\d$"))
    expect(desk.locator("#now-total")).to_have_text(re.compile(r"^ / 0:0[34]$"))
    width = desk.locator("#now-bar").evaluate("bar => bar.style.width")
    desk.wait_for_function(  # the bar moves by itself, a step a second
        "w => document.getElementById('now-bar').style.width !== w", arg=width, timeout=5_000
    )

    upcoming = desk.locator("#upcoming .row")
    expect(upcoming.first).to_be_visible()
    assert upcoming.count() >= 5
    expect(upcoming.first.locator(".time")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    expect(upcoming.first.locator(".kind")).to_have_text("音乐")
    expect(desk.locator("#upcoming-note")).to_contain_text("之后还有")  # bounded in the DOM

    expect(desk.locator("#onair")).not_to_have_class(lit())
    expect(desk.locator("#onair-state")).to_have_text("未在播音")
    expect(desk.locator("#asrun .row").first).to_be_visible()
    expect(desk.locator("#check")).to_have_class(re.compile(r"\bok\b"))
    expect(desk.locator("#check-state")).to_contain_text("通过")
    expect(desk.locator("#output")).to_have_class(re.compile(r"\bok\b"))
    presets = desk.locator("#emergency .preset")  # the most important first, each its priority
    expect(presets).to_have_text(
        [re.compile("^火警疏散优先级 5 · "), re.compile("^停电安抚优先级 3 · ")]
    )


def test_a_page_waits_in_the_queue_then_airs_with_the_light_on(
    desk: Page, service: Service
) -> None:
    open_console(desk, service, service.supervisor)
    wait_for_a_new_song(desk)
    page = submit_page(service, service.staff, "周建国")
    text = page["text"]

    row = desk.locator("#queue .queue-row", has_text=text)
    expect(row).to_be_visible()
    expect(row.locator(".position")).to_have_text("1")
    expect(row).to_contain_text("李娜")
    expect(row).to_contain_text(page["requested_at"][11:19])
    expect(row.locator(".eta")).to_have_text(re.compile(r"约 \d+秒后|即将播出|插播"))
    expect(row.get_by_role("button", name=re.compile("取消"))).to_be_visible()
    expect(desk.locator("#upcoming .group-break")).to_contain_text(text)  # intro, page, outro

    onair = desk.locator("#onair")
    expect(onair).to_have_class(lit(), timeout=AIRING_MS)  # it goes on air...
    expect(desk.locator("#onair-state")).to_have_text("正在播音")
    expect(desk.locator("#onair-what")).to_contain_text(text)
    expect(row).to_be_hidden()  # ...and leaves the queue
    expect(desk.locator("#queue-empty")).to_be_visible()
    expect(desk.locator("#now-kind")).to_have_text("找人广播")
    on_air = service.running.get(f"/api/pages/{page['id']}", service.bearer("赵强"))
    assert on_air["state"] == "on_air"
    AIRED.append(text)  # it goes on for 12 s while the next tests run


def test_a_staff_member_sees_the_emergency_panel_disabled(desk: Page, service: Service) -> None:
    open_console(desk, service, service.staff)
    expect(desk.locator("#who")).to_have_text("李娜 · 员工")
    expect(desk.locator("#emergency-denied")).to_contain_text("只有播音员和主管")
    expect(desk.locator("#emergency .preset")).to_be_disabled()
    expect(desk.locator("#emergency .preset")).to_have_count(1)  # no preset was fetched (403)
    expect(desk.locator("#now-title")).to_have_text(re.compile(r"\S"))


def test_a_failed_check_and_a_broken_output_show_red(desk: Page, service: Service) -> None:
    def broken(route: Route) -> None:  # the real status, with what a bad morning looks like
        answer = route.fetch()
        status = answer.json()
        status["check"] = {
            "at": status["now"],
            "ok": False,
            "failures": ["opening song /music/open.mp3: cannot be decoded"],
            "notes": [],
        }
        status["output"] = {
            **status["output"],
            "healthy": False,
            "warning": "no playback device found",
        }
        route.fulfill(response=answer, body=json.dumps(status))

    desk.route("**/api/status", broken)
    open_console(desk, service, service.supervisor)
    expect(desk.locator("#check")).to_have_class(re.compile(r"\bbad\b"))
    expect(desk.locator("#check-state")).to_contain_text("未通过")
    expect(desk.locator("#check-failures")).to_contain_text("open.mp3: cannot be decoded")
    expect(desk.locator("#output")).to_have_class(re.compile(r"\bbad\b"))
    expect(desk.locator("#output-state")).to_contain_text("no playback device found")
    expect(desk.locator("#health")).to_have_class(re.compile(r"\bbad\b"))
    desk.unroute_all(behavior="ignoreErrors")  # a fetch in flight as the page closes: no error


def test_playing_to_no_sound_card_is_a_warning_in_chinese_not_a_tick(
    desk: Page, service: Service
) -> None:
    def no_card(route: Route) -> None:  # what DeviceSink says when the PC has no sound card
        answer = route.fetch()
        status = answer.json()
        warning = "NO SOUND CARD: playing to the null device, nobody hears anything (no card)"
        status["output"] = {**status["output"], "healthy": True, "warning": warning}
        route.fulfill(response=answer, body=json.dumps(status))

    desk.route("**/api/status", no_card)
    open_console(desk, service, service.supervisor)
    expect(desk.locator("#output")).to_have_class(re.compile(r"\bwarn\b"))
    expect(desk.locator("#output-state")).to_have_text(
        "⚠ 请注意:没有声卡,现场听不到任何声音(no card)"
    )
    desk.unroute_all(behavior="ignoreErrors")


WATCH_EVENT_SOURCES = """(() => {
  const Real = window.EventSource;
  window.__eventSources = [];
  window.EventSource = class extends Real {
    constructor(...args) { super(...args); window.__eventSources.push(this); }
  };
})();"""
"""Lets the test reach the page's EventSource, to drop it as a lost connection would."""

DROP = """() => {
  const source = window.__eventSources[window.__eventSources.length - 1];
  source.close();
  source.dispatchEvent(new Event('error'));
}"""


def test_a_slot_missed_while_the_service_was_down_shows_its_title_and_why_in_chinese(
    desk: Page, service: Service
) -> None:
    def with_a_missed_slot(route: Route) -> None:  # as a restart at noon logs the 10:00 slot
        answer = route.fetch()
        log = answer.json()
        at = f"{log['date']}T00:00:01.000+00:00"  # before anything aired today
        missed = {
            "start": at, "end": at, "kind": "skipped", "source": "fixed", "ref": "welcome",
            "title": "开门欢迎词", "interrupted": False,
            "reason": "missed: the service was not running at its time",
        }  # fmt: skip
        log["entries"] = [missed, *log["entries"]]
        route.fulfill(response=answer, json=log)

    desk.route("**/api/timeline*", with_a_missed_slot)
    open_console(desk, service, service.supervisor)
    row = desk.locator("#asrun .row.kind-skipped")
    expect(row.locator(".title")).to_have_text("开门欢迎词")
    expect(row.locator(".reason")).to_have_text("错过了:到点时播音系统没有运行")
    assert row.locator(".title").bounding_box()["width"] > 60  # type: ignore[index]
    desk.unroute_all(behavior="ignoreErrors")


@pytest.mark.allow_console_errors(r"api/events|ERR_FAILED")
def test_the_live_connection_shows_a_drop_and_recovers(desk: Page, service: Service) -> None:
    desk.add_init_script(WATCH_EVENT_SOURCES)
    open_console(desk, service, service.supervisor)
    refused: list[str] = []

    def refuse(route: Route) -> None:
        refused.append(route.request.url)
        route.abort()

    desk.route("**/api/events", refuse)  # the service is out of reach for a while
    desk.evaluate(DROP)
    expect(desk.locator("#live")).to_have_text("连接中断,正在重连…")
    expect(desk.locator("#live")).to_have_class(re.compile(r"\bdown\b"))
    expect(desk.locator("#stale")).to_be_visible()
    desk.wait_for_function("() => window.__eventSources.length >= 2", timeout=10_000)
    expect(desk.locator("#live")).to_have_text("连接中断,正在重连…")
    desk.screenshot(path=ARTIFACTS / "test_console.reconnecting.png")
    assert refused, "the page did not try to reconnect"

    with desk.expect_request(lambda r: r.url.endswith("/api/status"), timeout=15_000):
        desk.unroute("**/api/events")  # back: the page reconnects by itself and refetches
        expect(desk.locator("#live")).to_have_text("● 实时", timeout=15_000)
    expect(desk.locator("#stale")).to_be_hidden()
    assert desk.evaluate("window.__eventSources.at(-1).readyState") == 1  # OPEN: events flow


@pytest.mark.allow_console_errors(SIGNED_OUT)
def test_an_expired_session_brings_the_sign_in_back(desk: Page, service: Service) -> None:
    open_console(desk, service, service.supervisor)
    desk.context.clear_cookies()  # the session is gone: the next call answers 401
    expect(desk.locator("#login")).to_be_visible(timeout=20_000)
    expect(desk.locator("#login-message")).to_contain_text("登录已过期")
    expect(desk.locator("#app")).to_be_hidden()
    desk.get_by_label("姓名").fill(service.supervisor.name)
    desk.get_by_label("密码").fill(service.supervisor.password)
    desk.get_by_role("button", name="登录").click()
    expect(desk.locator("#app")).to_be_visible()
    expect(desk.locator("#live")).to_have_text("● 实时")
    expect(desk.locator("#now-title")).to_have_text(re.compile(r"\S"))


def test_an_emergency_airs_only_after_its_confirmation_and_is_cleared(
    desk: Page, service: Service
) -> None:
    open_console(desk, service, service.supervisor)
    panel, onair = desk.locator("#emergency"), desk.locator("#onair")
    dialog = desk.locator("#confirm")
    fire = desk.locator("#emergency-presets").get_by_role("button", name=re.compile("火警疏散"))
    on_air = desk.locator("#emergency-list .emergency-item.on-air")
    expect(onair).not_to_have_class(lit(), timeout=AIRING_MS)  # an earlier test's page ended
    for text in AIRED:  # in today's log, as /api/timeline has it
        logged = desk.locator("#asrun .row.kind-announcement", has_text=text).first
        expect(logged.locator(".kind")).to_have_text("广播")
    try:
        fire.click()
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("火警疏散")
        expect(dialog).to_contain_text("请注意,请立即疏散。")  # the preset's full text
        expect(dialog.get_by_role("button", name="确认播出")).to_be_visible()
        dialog.get_by_role("button", name="取消").click()
        expect(dialog).to_be_hidden()
        assert emergency_now(service)["active"] is False  # nothing aired before confirming
        expect(panel).not_to_have_class(re.compile(r"\bactive\b"))

        fire.click()
        dialog.get_by_role("button", name="确认播出").click()
        expect(panel).to_have_class(re.compile(r"\bactive\b"))
        expect(on_air.locator(".emergency-name")).to_have_text("火警疏散")
        expect(on_air.locator(".emergency-who")).to_contain_text("赵强")
        expect(desk.locator("#emergency-message")).to_have_text(
            "已启动紧急广播「火警疏散」,正在播出。"
        )
        started = emergency_now(service)
        assert started["active"] is True and started["started_by"] == "赵强"
        assert started["state"] == "on_air"
        expect(on_air.locator(".emergency-who")).to_contain_text(started["started_at"][11:19])
        expect(fire).to_be_disabled()  # it is on: not twice
        expect(fire).to_contain_text("进行中")
        expect(onair).to_have_class(lit(), timeout=8_000)  # each repeat is spoken
        expect(desk.locator("#onair-what")).to_contain_text("紧急广播")
        expect(desk.locator("#upcoming .group-emergency").first).to_be_visible()
        alarm = desk.locator("#asrun .row.kind-emergency", has_text="警报音")
        expect(alarm.first).to_be_visible()  # appended from its item_ended event

        # a page waits while the emergency is on: the desk cancels it, after its own question
        waiting = submit_page(service, service.staff, "吴海峰")
        row = desk.locator("#queue .queue-row", has_text=waiting["text"])
        expect(row.locator(".eta")).to_contain_text("紧急广播解除后")
        desk.screenshot(path=ARTIFACTS / "test_console.emergency-on.png")
        row.get_by_role("button", name=re.compile("取消")).click()
        expect(dialog).to_contain_text(waiting["text"])
        dialog.get_by_role("button", name="确认取消广播").click()
        expect(row).to_be_hidden()
        expect(desk.locator("#queue-message")).to_contain_text("已取消")
        gone = service.running.get(f"/api/pages/{waiting['id']}", service.bearer("赵强"))
        assert gone["state"] == "cancelled"

        on_air.get_by_role("button", name="结束「火警疏散」").click()
        expect(dialog).to_contain_text("结束紧急广播「火警疏散」?")
        expect(dialog).to_contain_text(
            "正在播出的这一遍会播完(B12),然后播出解除广播(如有),恢复音乐。"
        )
        dialog.get_by_role("button", name="结束紧急广播").click()
        expect(panel).not_to_have_class(re.compile(r"\bactive\b"))
        expect(desk.locator("#emergency-last")).to_contain_text(re.compile(r"赵强 \S+ 结束"))
        assert emergency_now(service)["active"] is False
        # the repeat on air finishes (B12), then music: the light goes off and stays off
        expect(desk.locator("#now-kind")).to_have_text("音乐", timeout=10_000)
        expect(onair).not_to_have_class(lit())
        expect(desk.locator("#upcoming .group-emergency")).to_have_count(0)
        held = service.running.get("/api/status", service.bearer("赵强"))["campaigns_held_until"]
        expect(desk.locator("#calm-note")).to_have_text(  # B5: the calm after it, and until when
            f"紧急广播之后,活动广播暂停到 {held[11:16]}。"
        )
    finally:
        clear_every_emergency(service)


def test_a_more_important_emergency_cuts_in_and_the_other_resumes_after_it(
    desk: Page, service: Service
) -> None:
    open_console(desk, service, service.supervisor)
    panel, dialog = desk.locator("#emergency"), desk.locator("#confirm")
    presets = desk.locator("#emergency-presets")
    fire = presets.get_by_role("button", name=re.compile("火警疏散"))
    power = presets.get_by_role("button", name=re.compile("停电安抚"))
    items = desk.locator("#emergency-list .emergency-item")
    message = desk.locator("#emergency-message")
    on_air = re.compile(r"\bon-air\b")
    expect(fire).to_contain_text("优先级 5")
    expect(power).to_contain_text("优先级 3")
    assert active_emergencies(service) == []
    try:
        # the power failure first: nothing else is on, it cuts in on the music
        power.click()
        expect(dialog).to_contain_text("停电安抚")
        expect(dialog).to_contain_text("确认后立即打断正在播放的内容,每 6 秒重复一次")
        dialog.get_by_role("button", name="确认播出").click()
        expect(message).to_have_text("已启动紧急广播「停电安抚」,正在播出。")
        expect(items).to_have_count(1)
        expect(items.first).to_have_class(on_air)
        expect(items.first.locator(".emergency-state")).to_have_text("正在播出")
        expect(items.first.locator(".emergency-name")).to_have_text("停电安抚")
        expect(power).to_be_disabled()
        expect(power).to_contain_text("进行中")
        expect(fire).to_be_enabled()  # the presets stay: a more important one can start
        assert active_emergencies(service) == [("power", "on_air", "")]

        # then the fire: more important, it cuts the power failure off at once
        fire.click()
        expect(dialog).to_contain_text("将立即打断「停电安抚」,停电安抚 在它结束后恢复。")
        dialog.get_by_role("button", name="确认播出").click()
        expect(message).to_have_text(
            "已打断「停电安抚」,「火警疏散」正在播出;「停电安抚」在它结束后恢复。"
        )
        expect(items).to_have_count(2)
        first, second = items.nth(0), items.nth(1)
        expect(first).to_have_class(on_air)
        expect(first.locator(".emergency-name")).to_have_text("火警疏散")
        expect(first.locator(".priority")).to_have_text("优先级 5")
        expect(first.locator(".emergency-who")).to_contain_text("赵强")
        expect(second).to_have_class(re.compile(r"\bwaiting\b"))
        expect(second.locator(".emergency-state")).to_have_text("等待中,排在「火警疏散」之后")
        expect(second.locator(".emergency-name")).to_have_text("停电安抚")
        expect(second.locator(".priority")).to_have_text("优先级 3")
        expect(desk.locator("#emergency-count")).to_have_text("(2 个)")
        expect(fire).to_be_disabled()
        expect(power).to_be_disabled()
        status = status_now(service)
        assert [(e["script"], e["state"], e["behind"]) for e in status["emergencies"]] == [
            ("fire", "on_air", ""),
            ("power", "waiting", "火警疏散"),
        ]
        assert status["emergency"]["script"] == "fire"
        expect(first.locator(".emergency-who")).to_contain_text(
            status["emergencies"][0]["started_at"][11:19]
        )
        expect(desk.locator("#now-title")).to_have_text(re.compile("^(警报音|火警疏散)$"))
        desk.screenshot(path=ARTIFACTS / "test_console.emergency-precedence.png")

        # the fire is cleared by its own button: the power failure takes the air again
        with desk.expect_request(lambda r: r.url.endswith("/api/emergency/clear")) as sent:
            first.get_by_role("button", name="结束「火警疏散」").click()
            expect(dialog).to_contain_text("结束紧急广播「火警疏散」?")
            expect(dialog).to_contain_text("然后播出排在后面的「停电安抚」。")
            dialog.get_by_role("button", name="结束紧急广播").click()
        assert sent.value.post_data_json == {"script": "fire"}
        expect(message).to_have_text(
            "已结束「火警疏散」;正在播出的这一遍会播完,然后播出「停电安抚」。"
        )
        expect(items).to_have_count(1)
        expect(items.first).to_have_class(on_air)
        expect(items.first.locator(".emergency-name")).to_have_text("停电安抚")
        expect(panel).to_have_class(re.compile(r"\bactive\b"))
        expect(fire).to_be_enabled()
        assert active_emergencies(service) == [("power", "on_air", "")]
        expect(desk.locator("#now-title")).to_have_text("停电安抚", timeout=15_000)  # it resumed

        # and then the power failure: none is left, the music comes back
        items.first.get_by_role("button", name="结束「停电安抚」").click()
        expect(dialog).to_contain_text("然后播出解除广播(如有),恢复音乐。")
        dialog.get_by_role("button", name="结束紧急广播").click()
        expect(panel).not_to_have_class(re.compile(r"\bactive\b"))
        expect(desk.locator("body")).not_to_have_class(re.compile(r"\bin-emergency\b"))
        expect(desk.locator("#emergency-last")).to_contain_text("上一次:停电安抚")
        expect(desk.locator("#emergency-last")).to_contain_text(re.compile(r"赵强 \S+ 结束"))
        expect(power).to_be_enabled()
        status = status_now(service)
        assert status["emergencies"] == []
        last = status["emergency"]
        assert (last["script"], last["state"], last["active"]) == ("power", "cleared", False)
        assert last["cleared_by"] == "赵强"
        expect(desk.locator("#now-kind")).to_have_text("音乐", timeout=10_000)
    finally:
        clear_every_emergency(service)


def test_a_less_important_emergency_waits_its_turn_and_can_be_cleared_unaired(
    desk: Page, service: Service
) -> None:
    open_console(desk, service, service.supervisor)
    dialog, message = desk.locator("#confirm"), desk.locator("#emergency-message")
    power = desk.locator("#emergency-presets").get_by_role("button", name=re.compile("停电安抚"))
    items = desk.locator("#emergency-list .emergency-item")
    try:
        # the fire is started elsewhere (another desk, through the API): this desk follows
        started = service.running.post("/api/emergency", {"script": "fire"}, service.bearer("王芳"))
        assert started.status_code == 202, started.text
        expect(items).to_have_count(1)
        expect(items.first.locator(".emergency-name")).to_have_text("火警疏散")
        expect(items.first.locator(".emergency-who")).to_contain_text("王芳")

        power.click()
        expect(dialog).to_contain_text("「火警疏散」正在播出,本条将排队等待,火警疏散 结束后播出。")
        dialog.get_by_role("button", name="确认播出").click()
        expect(message).to_have_text("已启动「停电安抚」:「火警疏散」正在播出,本条排队等待。")
        expect(items).to_have_count(2)
        expect(items.nth(0).locator(".emergency-name")).to_have_text("火警疏散")
        expect(items.nth(1).locator(".emergency-state")).to_have_text("等待中,排在「火警疏散」之后")
        assert active_emergencies(service) == [
            ("fire", "on_air", ""),
            ("power", "waiting", "火警疏散"),
        ]

        # the waiting one is cleared: it never airs, the fire goes on
        items.nth(1).get_by_role("button", name="结束「停电安抚」").click()
        expect(dialog).to_contain_text("它还在排队,结束后不会播出;「火警疏散」继续播出。")
        dialog.get_by_role("button", name="结束紧急广播").click()
        expect(message).to_have_text("已结束「停电安抚」,它不会播出。")
        expect(items).to_have_count(1)
        expect(items.first.locator(".emergency-name")).to_have_text("火警疏散")
        expect(power).to_be_enabled()
        assert active_emergencies(service) == [("fire", "on_air", "")]

        items.first.get_by_role("button", name="结束「火警疏散」").click()
        dialog.get_by_role("button", name="结束紧急广播").click()
        expect(desk.locator("#emergency")).not_to_have_class(re.compile(r"\bactive\b"))
        expect(desk.locator("#emergency-last")).to_contain_text("上一次:火警疏散 — 王芳")
        assert active_emergencies(service) == []
    finally:
        clear_every_emergency(service)
