"""The phone page `/` in a real Chromium at 360×740 against the real service: sign in, page
someone (the preview is the exact words, a refusal says what to change), send it and watch it
air, one page however the send is tapped or the network fails, each state in Chinese with a
countdown, cancel, a session that expires mid-draft keeps the draft, and recording in one's own
voice (HTTPS, trained announcers only; a silent take is refused in Chinese).

The module's pages share one service (what one test pages, the next one sees), so each test
pages a different name: the service treats the same page by the same person within two
minutes as a retry of the first.
"""

from __future__ import annotations

import json
import re
import wave
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, Request, Route, expect

from tests.browser.harness import PHONE, Contexts, Service, Staff, cookie_sign_in

FAILED_LOAD = r"^console\.error Failed to load resource: the server responded with a status of"
SIGNED_OUT = FAILED_LOAD + r" 401 "
"""Chromium logs each answer of 400 or more as a console error, though the page expects it:
401 while signed out (the sign-in form shows), 422 for a refused preview."""
REFUSED = FAILED_LOAD + r" 422 .*/api/pages/preview\)$"
ABORTED = r"^console\.error Failed to load resource: net::ERR_FAILED"
EVENTS_401 = r"EventSource's response has a status 401"
RECORD = re.compile("用自己的声音录")
AIRS_WITHIN_MS = 40_000  # after the current 3-4 s song, read twice: about 12 s


def _pages(service: Service, name: str, text: str) -> list[dict[str, Any]]:
    """`name`'s pages of today with exactly `text`, through the API."""
    found: list[dict[str, Any]] = service.running.get("/api/pages", service.bearer(name))
    return [p for p in found if p["text"] == text]


def _open_signed_in(page: Page, service: Service, name: str) -> None:
    cookie_sign_in(page.context, service, name)
    page.goto("/")
    expect(page.locator("#page-form")).to_be_visible()


def _field(page: Page, label: str) -> Locator:
    """A text box of the paging form (the sign-in form has a 姓名 too)."""
    return page.locator("#page-form").get_by_label(label)


def _sign_in_through_the_form(page: Page, person: Staff) -> None:
    form = page.locator("#login")
    expect(form).to_be_visible()
    form.get_by_label("姓名").fill(person.name)
    form.get_by_label("密码").fill(person.password)
    form.get_by_role("button", name="登录").click()
    expect(page.locator("#page-form")).to_be_visible()


def _fill_person(page: Page, kind: str, name: str, honorific: str, place: str) -> None:
    page.get_by_role("button", name=kind, exact=True).click()
    _field(page, "姓名").fill(name)
    page.get_by_role("button", name=honorific, exact=True).click()
    _choose_place(page, place)


def _choose_place(page: Page, place: str) -> None:
    """A chip when the store lists the place, else the text box."""
    chip = page.locator("#places").get_by_role("button", name=place, exact=True)
    if chip.count():
        chip.click()
    else:
        page.locator("#other-place").fill(place)


def _item(page: Page, text: str) -> Locator:
    return page.locator("#my-pages li", has_text=text)


def _record_states(page: Page) -> None:
    """From now on, note every state each page of the list shows (badge and queue line), so a
    test can check the order of states however briefly one lasted."""
    page.evaluate(
        """() => {
            window.seenStates = [];
            const note = () => document.querySelectorAll('#my-pages li').forEach(li => {
                const line = li.querySelector('.queue-line');
                const seen = li.dataset.id + ' ' + li.querySelector('.badge').textContent
                    + (line ? ' ' + line.textContent : '');
                if (window.seenStates[window.seenStates.length - 1] !== seen)
                    window.seenStates.push(seen);
            });
            new MutationObserver(note).observe(document.getElementById('my-pages'),
                {childList: true, subtree: true, characterData: true});
        }"""
    )


@pytest.mark.allow_console_errors(SIGNED_OUT + r".*/api/me\)$", REFUSED)
def test_page_someone_see_the_words_send_and_watch_it_air(phone: Page, service: Service) -> None:
    phone.goto("/")
    _sign_in_through_the_form(phone, service.staff)
    expect(phone.locator("#who")).to_have_text("李娜")

    phone.get_by_role("button", name="来宾", exact=True).click()
    _field(phone, "姓名").fill("张")
    expect(phone.locator("#preview-problem")).to_have_text(
        re.compile("^请选择称呼、(选择|填写)地点。$")
    )
    expect(phone.get_by_role("button", name="发送广播")).to_be_disabled()
    phone.get_by_role("button", name="先生", exact=True).click()
    _choose_place(phone, "一楼服务台")
    expect(phone.locator("#preview-text")).to_have_text("来宾张先生,请听到广播后到一楼服务台。")
    expect(phone.locator("#preview-repeat")).to_have_text("这段话会连续念 2 遍。")

    phone.get_by_role("button", name="本公司", exact=True).click()
    _field(phone, "姓名").fill("张经理")
    expect(phone.locator("#preview-problem")).to_contain_text("「经理」")
    expect(phone.locator("#preview-text")).to_be_hidden()
    expect(phone.locator("#field-name")).to_have_class(re.compile(r"\binvalid\b"))
    expect(phone.get_by_role("button", name="发送广播")).to_be_disabled()

    phone.get_by_role("button", name="来宾", exact=True).click()
    _field(phone, "姓名").fill("张")
    expect(phone.locator("#preview-text")).to_have_text("来宾张先生,请听到广播后到一楼服务台。")
    _record_states(phone)
    phone.get_by_role("button", name="发送广播").click()
    item = _item(phone, "来宾张先生")
    expect(item).to_be_visible()
    expect(_field(phone, "姓名")).to_have_value("")  # a fresh form for the next page
    expect(item.locator(".badge").first).to_have_text(
        re.compile(r"^已播出 \d\d:\d\d:\d\d$"), timeout=AIRS_WITHIN_MS
    )
    [sent] = _pages(service, "李娜", "来宾张先生,请听到广播后到一楼服务台。")
    assert sent["state"] == "aired"
    seen = [s.split(" ", 1)[1] for s in phone.evaluate("seenStates") if s.startswith(sent["id"])]
    states = [s.split(" ")[0] for s in seen]
    assert [s for i, s in enumerate(states) if i == 0 or states[i - 1] != s] == [
        "排队中",
        "正在播音",
        "已播出",
    ], seen
    assert re.fullmatch(r"排队中 第1位(约\d+秒|马上播出).*", seen[0]), seen
    assert not phone.evaluate("localStorage.length"), "the draft is forgotten once sent"


def test_outside_business_hours_the_preview_says_so_before_the_send(
    phone: Page, service: Service
) -> None:
    """The preview as a closed store answers it (the test store is open all day): the words,
    and the reason it cannot go out now, before she presses send."""
    closed = "现在不在营业时间(10:00-22:00),找人广播发不出去(B16);紧急情况请用紧急广播。"

    def at_night(route: Route) -> None:
        answer = route.fetch()
        route.fulfill(response=answer, json={**answer.json(), "closed": closed})

    phone.route("**/api/pages/preview", at_night)
    _open_signed_in(phone, service, "李娜")
    _fill_person(phone, "来宾", "魏", "女士", "一楼服务台")
    expect(phone.locator("#preview-text")).to_have_text("来宾魏女士,请听到广播后到一楼服务台。")
    expect(phone.locator("#preview-problem")).to_have_text(closed)
    expect(phone.locator("#preview-problem")).to_have_class(re.compile(r"\bwarn\b"))
    expect(phone.get_by_role("button", name="发送广播")).to_be_enabled()  # it may open meanwhile
    phone.unroute_all(behavior="ignoreErrors")


def test_a_double_tap_sends_one_page(phone: Page, service: Service) -> None:
    _open_signed_in(phone, service, "李娜")
    posts: list[Request] = []
    phone.on("request", lambda r: posts.append(r) if _is_submit(r) else None)
    _fill_person(phone, "来宾", "刘", "女士", "二楼服务台")
    expect(phone.locator("#preview-text")).to_have_text("来宾刘女士,请听到广播后到二楼服务台。")
    expect(phone.get_by_role("button", name=RECORD)).to_have_count(0)  # staff: the standard voice
    phone.get_by_role("button", name="发送广播").dblclick()
    expect(_item(phone, "来宾刘女士")).to_be_visible()
    # the script's own guard, not only the disabled button: two clicks in one go
    _fill_person(phone, "来宾", "刘", "小姐", "二楼服务台")
    expect(phone.locator("#preview-text")).to_have_text("来宾刘小姐,请听到广播后到二楼服务台。")
    phone.evaluate(
        """() => { const send = document.getElementById('send');
                   send.click(); send.disabled = false; send.click(); }"""
    )
    expect(_item(phone, "来宾刘小姐")).to_be_visible()
    assert len(posts) == 2, [p.post_data for p in posts]
    # the same page again, a new draft: the service answers 200 with the first one
    _fill_person(phone, "来宾", "刘", "女士", "二楼服务台")
    expect(phone.locator("#preview-text")).to_have_text("来宾刘女士,请听到广播后到二楼服务台。")
    phone.get_by_role("button", name="发送广播").click()
    expect(phone.locator("#send-message")).to_have_text("这条广播刚才已经发过了,不会重复播出。")
    assert (
        len(posts) == 3
        and posts[2].headers["idempotency-key"] != posts[0].headers["idempotency-key"]
    )
    assert len(_pages(service, "李娜", "来宾刘女士,请听到广播后到二楼服务台。")) == 1
    assert len(_pages(service, "李娜", "来宾刘小姐,请听到广播后到二楼服务台。")) == 1
    expect(_item(phone, "来宾刘女士")).to_have_count(1)
    expect(phone.locator("#my-pages li")).to_have_count(len(_all_pages(service, "李娜")))


def _is_submit(request: Request) -> bool:
    return request.method == "POST" and urlsplit(request.url).path == "/api/pages"


def _all_pages(service: Service, name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = service.running.get("/api/pages", service.bearer(name))
    return found


@pytest.mark.allow_console_errors(ABORTED)
def test_a_send_that_loses_the_network_is_retried_with_the_same_key(
    phone: Page, service: Service
) -> None:
    _open_signed_in(phone, service, "李娜")
    keys: list[str] = []

    def flaky(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            route.abort()  # the Wi-Fi drops the first attempt
        else:
            route.continue_()

    phone.route("**/api/pages", flaky)
    _fill_person(phone, "本公司", "陈", "先生", "三楼办公室")
    expect(phone.locator("#preview-text")).to_have_text("本公司陈先生,请听到广播后到三楼办公室。")
    phone.get_by_role("button", name="发送广播").click()
    expect(phone.get_by_role("button", name="正在发送……")).to_be_disabled()
    expect(_item(phone, "本公司陈先生")).to_be_visible()
    assert len(keys) == 2 and keys[0] == keys[1] and re.fullmatch(r"[0-9a-f]{32}", keys[0])
    assert len(_pages(service, "李娜", "本公司陈先生,请听到广播后到三楼办公室。")) == 1
    expect(phone.locator("#send-message")).to_contain_text("已发送")


def _fake_page(n: int, state: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"fake-{n}", "kind": "customer", "state": state, "urgent": False,
        "text": f"来宾{'甲乙丙丁戊'[n]}先生,请听到广播后到一楼服务台。",
        "requested_at": f"2026-11-23T10:1{n}:00.000+08:00", "requested_by": "李娜",
        "duration_seconds": 11.0, "position": None, "eta_seconds": None, "airs_after": "",
        "aired_at": None, "finished_at": None, "reason": "", "recorded_by": "",
        **fields,
    }  # fmt: skip


def test_each_state_reads_in_chinese_and_the_wait_counts_down(
    phone: Page, service: Service
) -> None:
    """The list as the service could answer it, one page in each state (the real ones pass
    through the other tests), on a clock the test moves: the wait counts down by itself."""
    listed = [
        _fake_page(0, "aired", aired_at="2026-11-23T10:15:32.000+08:00"),
        _fake_page(1, "cancelled", reason="赵强"),
        _fake_page(2, "skipped", reason="outside business hours"),
        _fake_page(3, "on_air", aired_at="2026-11-23T10:13:00.000+08:00", urgent=True),
        _fake_page(4, "queued", position=2, eta_seconds=100, airs_after="the current song"),
    ]
    phone.route(
        "**/api/pages",
        lambda route: (
            route.fulfill(json=listed) if route.request.method == "GET" else route.continue_()
        ),
    )
    phone.clock.install()
    _open_signed_in(phone, service, "李娜")
    items = phone.locator("#my-pages li")
    expect(items).to_have_count(5)
    expect(items.nth(0)).to_contain_text("排队中")
    expect(items.nth(0)).to_contain_text("第2位约1分40秒当前歌曲放完后播出")
    expect(items.nth(1)).to_contain_text("正在播音紧急")
    expect(items.nth(2)).to_contain_text("未能播出")
    expect(items.nth(2)).to_contain_text("营业时间以外")
    expect(items.nth(3)).to_contain_text("已取消")
    expect(items.nth(3)).to_contain_text("由赵强取消")
    expect(items.nth(4).locator(".badge")).to_have_text("已播出 10:15:32")
    phone.clock.pause_at(phone.evaluate("Date.now()") / 1000 + 0.1)  # seconds, in Python
    phone.clock.run_for(5_000)
    expect(items.nth(0).locator(".eta")).to_have_text(re.compile(r"^约1分3[56]秒$"))
    expect(items.nth(0).get_by_role("button", name="取消广播")).to_be_visible()
    expect(phone.locator("#my-pages").get_by_role("button")).to_have_count(1)
    items.nth(0).scroll_into_view_if_needed()  # for the screenshot


@pytest.fixture
def emergency(service: Service) -> Iterator[None]:
    """An emergency on air for the test: pages wait until it is cleared (then it is)."""
    desk = service.bearer(service.supervisor.name)
    started = service.running.post("/api/emergency", {"script": "fire"}, desk)
    assert started.status_code == 202, started.text
    yield
    cleared = service.running.post("/api/emergency/clear", {}, desk)
    assert cleared.status_code == 200, cleared.text


def test_cancel_a_queued_page(phone: Page, service: Service, emergency: None) -> None:
    _open_signed_in(phone, service, "李娜")
    _fill_person(phone, "来宾", "杨", "先生", "美食广场")
    expect(phone.locator("#preview-text")).to_have_text("来宾杨先生,请听到广播后到美食广场。")
    phone.get_by_role("button", name="发送广播").click()
    item = _item(phone, "来宾杨先生")
    expect(item.locator(".badge").first).to_have_text("排队中")
    expect(item).to_contain_text("紧急广播解除后才会播出")
    item.get_by_role("button", name="取消广播").click()
    expect(item).to_contain_text("确定不播这条广播了吗?")
    item.get_by_role("button", name="不取消").click()  # second thoughts: still queued
    expect(item.get_by_role("button", name="取消广播")).to_be_visible()
    item.get_by_role("button", name="取消广播").click()
    item.get_by_role("button", name="确定取消").click()
    expect(item.locator(".badge").first).to_have_text("已取消")
    expect(item.get_by_role("button")).to_have_count(0)
    [page] = _pages(service, "李娜", "来宾杨先生,请听到广播后到美食广场。")
    assert page["state"] == "cancelled"


@pytest.mark.allow_console_errors(SIGNED_OUT, EVENTS_401)
def test_an_expired_session_keeps_the_unsent_page(phone: Page, service: Service) -> None:
    session = cookie_sign_in(phone.context, service, "李娜")
    phone.goto("/")
    phone.get_by_role("button", name="寻车", exact=True).click()
    _field(phone, "车牌号").fill("沪A1234")
    _choose_place(phone, "停车场入口")
    _field(phone, "附言").fill("您的车灯没关")
    ended = service.running.post("/api/logout", {}, {"Authorization": f"Bearer {session['token']}"})
    assert ended.status_code == 204, ended.text
    # The edit's preview meets the 401, unless the event stream's reconnect met it first and
    # the sign-in form already covers the page form: typed as a person's keyboard would,
    # visible or not, so that the edit is in the draft either way.
    _field(phone, "车牌号").evaluate(
        "(input, value) => { input.value = value;"
        " input.dispatchEvent(new Event('input', { bubbles: true })); }",
        "沪A12345",
    )
    expect(phone.locator("#login-message")).to_have_text("登录已过期,请重新登录。")
    _sign_in_through_the_form(phone, service.staff)
    _expect_the_vehicle_draft(phone)
    phone.reload()
    _expect_the_vehicle_draft(phone)
    assert _pages(service, "李娜", VEHICLE) == []  # nothing was sent


VEHICLE = "车牌号为沪A12345的车主,请听到广播后到停车场入口。您的车灯没关。"


def _expect_the_vehicle_draft(page: Page) -> None:
    expect(page.get_by_role("button", name="寻车", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(_field(page, "车牌号")).to_have_value("沪A12345")
    expect(_field(page, "附言")).to_have_value("您的车灯没关")
    expect(page.locator("#preview-text")).to_have_text(VEHICLE)


def test_an_untrained_announcer_sees_no_record_button(phone: Page, service: Service) -> None:
    novice = service.add_person("孙丽", "novice-pass-1234", "announcer")
    _open_signed_in(phone, service, novice.name)
    _fill_person(phone, "来宾", "赵", "小姐", "一楼服务台")
    expect(phone.locator("#preview-text")).to_have_text("来宾赵小姐,请听到广播后到一楼服务台。")
    expect(phone.get_by_role("button", name="发送广播")).to_be_enabled()
    expect(phone.get_by_role("button", name=RECORD)).to_have_count(0)
    phone.get_by_role("button", name="发送广播").scroll_into_view_if_needed()


@pytest.mark.allow_console_errors(SIGNED_OUT + r".*/api/me\)$")
def test_over_plain_http_the_record_button_says_why_it_cannot(
    launch_browser: Callable[[Iterable[str]], Browser], service: Service, contexts: Contexts
) -> None:
    """A phone on the store's Wi-Fi opening http://<name>:port (not localhost): no microphone."""
    lan = launch_browser(["--host-resolver-rules=MAP phone-pa.lan 127.0.0.1"])
    page = contexts.open("lan", service, PHONE, lan).page
    page.goto(f"http://phone-pa.lan:{urlsplit(service.base).port}/")
    assert page.evaluate("isSecureContext") is False
    _sign_in_through_the_form(page, service.announcer)
    expect(page.locator("#mine-empty")).to_be_visible()  # 李娜's pages are hers, not listed here
    _fill_person(page, "来宾", "钱", "先生", "一楼服务台")
    expect(page.locator("#preview-text")).to_have_text("来宾钱先生,请听到广播后到一楼服务台。")
    record = page.get_by_role("button", name=RECORD)
    record.scroll_into_view_if_needed()  # for the screenshot
    expect(record).to_be_disabled()
    expect(page.locator("#record-why")).to_have_text(
        "手机浏览器只在 HTTPS 页面上允许使用麦克风,请用 https:// 地址打开本页。"
    )


def test_a_trained_announcer_records_the_page_over_https(
    tls_phone: Page, tls_service: Service
) -> None:
    _open_signed_in(tls_phone, tls_service, tls_service.announcer.name)
    _fill_person(tls_phone, "来宾", "吴", "先生", "一楼服务台")
    text = "来宾吴先生,请听到广播后到一楼服务台。"
    expect(tls_phone.locator("#preview-text")).to_have_text(text)
    tls_phone.get_by_role("button", name=RECORD).click()
    expect(tls_phone.locator("#record-timer")).to_have_text("0:01")
    tls_phone.get_by_role("button", name="停止").click()
    tls_phone.get_by_role("button", name="重录").click()  # a second take replaces the first
    expect(tls_phone.locator("#record-timer")).to_have_text("0:02")
    tls_phone.get_by_role("button", name="停止").click()
    audio = tls_phone.locator("#record-audio")
    expect(audio).to_be_visible()
    assert audio.evaluate("a => a.src").startswith("blob:")
    with tls_phone.expect_request(lambda r: r.url.endswith("/api/pages/recorded")) as upload:
        tls_phone.get_by_role("button", name="发送我的录音").click()
    assert upload.value.headers.get("idempotency-key")
    item = _item(tls_phone, "来宾吴先生")
    expect(item).to_contain_text("本人录音")
    expect(item.locator(".badge").first).to_have_text(
        re.compile(r"^已播出 \d\d:\d\d:\d\d$"), timeout=AIRS_WITHIN_MS
    )
    [page] = _pages(tls_service, tls_service.announcer.name, text)
    assert page["recorded_by"] == "王芳" and page["state"] == "aired"


def _silence(path: Path, seconds: float = 3.0) -> Path:
    """A WAV of digital silence, for Chromium's fake microphone."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\0\0" * int(16_000 * seconds))
    return path


@pytest.mark.allow_console_errors(FAILED_LOAD + r" 422 .*/api/pages/recorded\)$")
def test_a_silent_recording_is_refused_in_plain_chinese(
    launch_browser: Callable[[Iterable[str]], Browser],
    tls_service: Service,
    contexts: Contexts,
    tmp_path: Path,
) -> None:
    muted = launch_browser([f"--use-file-for-fake-audio-capture={_silence(tmp_path / 'q.wav')}"])
    page = contexts.open("muted", tls_service, PHONE, muted).page
    _open_signed_in(page, tls_service, tls_service.announcer.name)
    _fill_person(page, "来宾", "冯", "先生", "一楼服务台")
    expect(page.locator("#preview-text")).to_have_text("来宾冯先生,请听到广播后到一楼服务台。")
    page.get_by_role("button", name=RECORD).click()
    expect(page.locator("#record-timer")).to_have_text("0:01")
    page.get_by_role("button", name="停止").click()
    page.get_by_role("button", name="发送我的录音").click()
    expect(page.locator("#record-message")).to_have_text(re.compile("^录音里听不到声音"))
    expect(page.locator("#record-message")).to_have_class(re.compile(r"\berror\b"))
    expect(page.get_by_role("button", name="重录")).to_be_enabled()  # she can try again
    expect(page.locator("#preview-text")).to_have_text("来宾冯先生,请听到广播后到一楼服务台。")
    assert (
        _pages(tls_service, tls_service.announcer.name, "来宾冯先生,请听到广播后到一楼服务台。")
        == []
    )


CLOSED = "营业时间以外不能找人广播(B16),紧急情况请用紧急广播。"
ANSWERS = [  # (status, headers, body) as the service (or something in the way) answers
    (403, {}, {"code": "forbidden_role", "message": "您的账号没有这项权限(需要:员工)"}),
    (409, {}, {"code": "closed", "message": CLOSED}),
    (413, {}, {"code": "too_large", "message": "请求内容太大(最多 64 KB)"}),
    (429, {"Retry-After": "42"}, {"code": "too_many_pages", "message": "一分钟内找人广播太多"}),
    (503, {}, {"code": "busy", "message": "播音系统暂时没有响应,请求已记下,请稍后刷新查看。"}),
    (500, {"Content-Type": "text/html"}, "<html><body>Internal Server Error</body></html>"),
    (502, {"Content-Type": "text/plain"}, ""),
    (422, {}, {"code": "invalid", "message": "「姓名」太长", "field": "name"}),
]
SHOWN = [
    "您的账号没有这项权限(需要:员工)",
    CLOSED,
    "请求内容太大(最多 64 KB)",
    "一分钟内找人广播太多(请 42 秒后再试)",
    "播音系统暂时没有响应,请求已记下,请稍后刷新查看。",
    "服务出错了,请稍后再试;一直这样请联系管理员。",
    "服务出错了,请稍后再试;一直这样请联系管理员。",
    "「姓名」太长",
]


@pytest.mark.allow_console_errors(FAILED_LOAD)
def test_every_refusal_of_a_send_reads_as_a_sentence(phone: Page, service: Service) -> None:
    """Whatever the service (or a proxy on the way) answers, the person reads a sentence in
    place: never raw JSON, an HTML error page or a blank; the draft stays to send again."""
    _open_signed_in(phone, service, "李娜")
    answers = iter(ANSWERS)

    def refuse(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        status, headers, body = next(answers)
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        kind = headers.pop("Content-Type", "application/json")
        route.fulfill(status=status, headers=headers, content_type=kind, body=text)

    phone.route("**/api/pages", refuse)
    _fill_person(phone, "来宾", "钱", "女士", "一楼服务台")
    expect(phone.locator("#preview-text")).to_have_text("来宾钱女士,请听到广播后到一楼服务台。")
    message = phone.locator("#send-message")
    for sentence in SHOWN:
        phone.get_by_role("button", name="发送广播").click()
        expect(message).to_have_text(sentence)
        assert not re.search(r"[{}<>]", message.inner_text())
    expect(_field(phone, "姓名")).to_have_value("钱")  # nothing typed is lost
    assert _pages(service, "李娜", "来宾钱女士,请听到广播后到一楼服务台。") == []
