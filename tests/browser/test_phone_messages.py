"""The phone page `/` and the switchboard, in a real Chromium at 360×740 against the real
service: a message taken for someone (S3) shows on their phone, with a count in the bar, until
they mark it read; a department head sees their department's open complaints (S8), the
overdue ones in red; and the switchboard console's link from a call fills in the page (B11).

The module's tests share one service and one directory (`directory`): 李娜 of 客服部, its
head 周敏, and 孙涛 of 工程部. Each test takes messages and complaints of its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Locator, Page, Route, expect

from tests.browser.harness import ARTIFACTS, Service, cookie_sign_in

HEAD = "周敏"
"""The head of 客服部 (an account: staff; in the directory with the duty 负责人)."""
DIRECTORY = [
    "姓名,分机,部门,职责,语言,值班时间,仅内部",
    "李娜,8012,客服部,开票,,周一至周日 00:00-24:00,否",
    f"{HEAD},8010,客服部,负责人,,周一至周日 00:00-24:00,否",
    "孙涛,8030,工程部,维修,,周一至周日 00:00-24:00,否",
]
FAILED_LOAD = r"^console\.error Failed to load resource: "
REFUSED = FAILED_LOAD + r"the server responded with a status of 422 .*/api/pages/preview\)$"
ABORTED = FAILED_LOAD + r"net::ERR_FAILED"


@pytest.fixture(scope="module")
def directory(service: Service) -> Iterator[dict[str, str]]:
    """The directory imported by the admin, as an operator would; name -> directory id."""
    service.add_person(HEAD, "head-pass-1234", "staff")
    csv = ("\r\n".join(DIRECTORY) + "\r\n").encode("utf-8")
    headers = {**service.bearer(service.admin.name), "Content-Type": "text/csv"}
    put = service.http.put("/api/switchboard/directory.csv", content=csv, headers=headers)
    assert put.status_code == 200, put.text
    ids = {}
    for name in ("李娜", HEAD, "孙涛"):
        found = service.running.get(
            f"/api/switchboard/directory?q={name}", service.bearer(service.staff.name)
        )
        [entry] = [e for e in found if e["name"] == name]
        ids[name] = entry["id"]
    yield ids


def _take_message(
    service: Service, to: str, caller: str, text: str, number: str = ""
) -> dict[str, Any]:
    """The announcer at the desk takes a message (S3) for directory entry `to`."""
    body = {"to": to, "caller": caller, "number": number, "text": text}
    taken = service.running.post(
        "/api/switchboard/messages", body, service.bearer(service.announcer.name)
    )
    assert taken.status_code == 201, taken.text
    message: dict[str, Any] = taken.json()
    return message


def _messages(service: Service, name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = service.running.get("/api/messages", service.bearer(name))
    return found


def _record_complaint(service: Service, caller: str, what: str, department: str) -> dict[str, Any]:
    body = {"caller": caller, "contact": "13900139000", "what": what, "department": department}
    made = service.running.post(
        "/api/switchboard/complaints", body, service.bearer(service.announcer.name)
    )
    assert made.status_code == 201, made.text
    complaint: dict[str, Any] = made.json()
    return complaint


def _open_signed_in(page: Page, service: Service, name: str, path: str = "/") -> None:
    cookie_sign_in(page.context, service, name)
    page.goto(path)
    expect(page.locator("#page-form")).to_be_visible()


def _message(page: Page, text: str) -> Locator:
    return page.locator("#message-list li", has_text=text)


def test_a_message_shows_until_it_is_read(
    phone: Page, service: Service, directory: dict[str, str]
) -> None:
    first = _take_message(service, directory["李娜"], "王先生", "请回电,发票的事", "138 0013 8000")
    assert first["to_name"] == "李娜" and first["read_at"] is None
    _open_signed_in(phone, service, "李娜")
    badge = phone.locator("#message-badge")
    expect(badge).to_have_text("留言 1")
    item = _message(phone, "请回电,发票的事")
    expect(item.locator(".caller")).to_have_text("王先生")
    expect(item.get_by_role("link", name="138 0013 8000")).to_have_attribute(
        "href", "tel:13800138000"
    )
    expect(item.locator(".taken")).to_have_text(re.compile(r"^\d\d:\d\d 王芳记下$"))
    expect(item.locator(".since")).to_have_text(re.compile(r"^已等 (不到1分钟|\d+分钟)$"))
    expect(phone.locator("#messages-count")).to_have_text("1 条未读")

    # taken while the phone is open: the live feed brings it
    _take_message(service, directory["李娜"], "刘女士", "东西落在服务台了")
    expect(badge).to_have_text("留言 2")
    second = _message(phone, "东西落在服务台了")
    expect(second.locator(".no-number")).to_have_text("没留电话")
    expect(phone.locator("#message-list li.unread")).to_have_count(2)
    phone.screenshot(path=ARTIFACTS / "test_phone_messages.unread.png")

    item.get_by_role("button", name="已读").click()
    expect(badge).to_have_text("留言 1")
    expect(item).to_have_class(re.compile(r"\bread\b"))  # still listed, dimmed
    expect(item.locator(".read-at")).to_have_text(re.compile(r"^\d\d:\d\d 已读$"))
    expect(item.get_by_role("button", name="已读")).to_have_count(0)
    [read] = [m for m in _messages(service, "李娜") if m["id"] == first["id"]]
    assert read["read_at"] and read["unread_seconds"] is None

    second.get_by_role("button", name="已读").click()
    expect(badge).to_be_hidden()
    expect(phone.locator("#messages-count")).to_be_hidden()
    phone.reload()
    expect(phone.locator("#message-list li.read")).to_have_count(2)
    expect(badge).to_be_hidden()
    assert all(m["read_at"] for m in _messages(service, "李娜"))


@pytest.mark.allow_console_errors(ABORTED)
def test_messages_are_fetched_again_when_the_phone_is_looked_at(
    phone: Page, service: Service, directory: dict[str, str]
) -> None:
    """Without the live feed (a phone asleep loses it): the page asks when it is shown again."""
    phone.route("**/api/events", lambda route: route.abort())
    _open_signed_in(phone, service, "李娜")
    expect(phone.locator("#live")).to_be_visible()
    expect(phone.locator("#message-badge")).to_be_hidden()
    _take_message(service, directory["李娜"], "钱先生", "周末的活动请回个电话", "0571-8888 8888")
    phone.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(phone.locator("#message-badge")).to_have_text("留言 1")
    expect(_message(phone, "周末的活动").get_by_role("link")).to_have_attribute(
        "href", "tel:057188888888"
    )


def test_no_messages_no_card(phone: Page, service: Service, directory: dict[str, str]) -> None:
    """赵强 is not in the directory: no messages, no complaints, nothing in the bar."""
    requests: list[str] = []
    phone.on("request", lambda r: requests.append(r.url))
    _open_signed_in(phone, service, service.supervisor.name)
    expect(phone.locator("#my-pages li, #mine-empty").first).to_be_visible()
    phone.wait_for_load_state("networkidle")
    assert any(u.endswith("/api/messages") for u in requests), requests
    expect(phone.locator("#messages")).to_be_hidden()
    expect(phone.locator("#message-badge")).to_be_hidden()
    expect(phone.locator("#complaints")).to_be_hidden()


OVERDUE_FOR = 3 * 3600 + 20 * 60  # seconds


def _with_an_overdue_one(route: Route) -> None:
    """The service's answer, and one more complaint recorded over a day ago (the real ones
    are minutes old): overdue, 3 h 20 min past its answer-by time."""
    answer = route.fetch()
    listed: list[dict[str, Any]] = answer.json()
    if not listed:
        route.fulfill(response=answer)
        return
    old = {
        **listed[0],
        "id": 999_001,
        "caller": "赵女士",
        "what": "退货一直没有处理",
        "state": "in_progress",
        "state_name": "处理中",
        "created_at": "2026-11-21T07:00:00+08:00",
        "due_at": "2026-11-22T07:00:00+08:00",
        "limit_at": "2026-11-23T07:00:00+08:00",
        "standing": "overdue",
        "overdue_seconds": OVERDUE_FOR,
    }
    body = json.dumps([old, *listed], ensure_ascii=False)
    route.fulfill(response=answer, body=body, content_type="application/json")


def test_a_department_head_sees_the_open_complaints(
    phone: Page, service: Service, directory: dict[str, str]
) -> None:
    ours = _record_complaint(service, "李女士", "收银员态度不好", "客服部")
    _record_complaint(service, "马先生", "电梯异响", "工程部")  # not 周敏's department
    assert ours["standing"] == "on_time" and ours["state"] == "new"
    phone.route("**/api/switchboard/complaints?*", _with_an_overdue_one)
    _open_signed_in(phone, service, HEAD)
    card = phone.locator("#complaints")
    expect(card.locator("h2")).to_contain_text("投诉待处理")
    expect(card.locator("#complaints-count")).to_have_text("2 件,1 件超时")
    items = card.locator("#complaint-list li")
    expect(items).to_have_count(2)
    expect(card).not_to_contain_text("电梯异响")

    late = items.nth(0)  # the most overdue first, as the service orders them
    expect(late).to_have_class(re.compile(r"\boverdue\b"))
    expect(late.locator(".badge.overdue")).to_have_text("超时未答复")
    expect(late.locator(".overdue-for")).to_have_text("已超时 3小时20分钟")
    assert late.evaluate("li => getComputedStyle(li).backgroundColor") == "rgb(253, 232, 232)"

    fresh = items.nth(1)
    expect(fresh).to_contain_text("李女士")
    expect(fresh).to_contain_text("收银员态度不好")
    expect(fresh.locator(".badge.state")).to_have_text("新登记")
    expect(fresh.locator(".complaint-due")).to_have_text(re.compile(r"^请在 .+ 前答复顾客$"))
    expect(fresh.get_by_role("link", name="13900139000")).to_have_attribute(
        "href", "tel:13900139000"
    )
    card.scroll_into_view_if_needed()
    phone.screenshot(path=ARTIFACTS / "test_phone_messages.complaints.png")


def test_staff_who_head_nothing_see_no_complaints(
    phone: Page, service: Service, directory: dict[str, str]
) -> None:
    """李娜 is in the directory but heads nothing: no card, and the book is not even asked."""
    asked: list[str] = []
    phone.on("request", lambda r: asked.append(r.url) if "/complaints" in r.url else None)
    _open_signed_in(phone, service, "李娜")
    phone.wait_for_load_state("networkidle")
    expect(phone.locator("#complaints")).to_be_hidden()
    assert asked == []
    answer = service.http.get(
        "/api/switchboard/complaints?open=true", headers=service.bearer("李娜")
    )
    assert answer.status_code == 403, answer.text


CALL = {"kind": "customer", "name": "张", "honorific": "先生", "place": "一楼服务台"}


def test_a_call_fills_in_the_page(phone: Page, service: Service) -> None:
    """The switchboard console's link: the form filled, the words previewed, the fragment gone."""
    _open_signed_in(phone, service, service.staff.name, "/#" + urlencode(CALL))
    expect(phone.get_by_role("button", name="来宾", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(phone.locator("#name")).to_have_value("张")
    expect(phone.get_by_role("button", name="先生", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    place = phone.locator("#places").get_by_role("button", name="一楼服务台", exact=True)
    expect(place).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#preview-text")).to_have_text("来宾张先生,请听到广播后到一楼服务台。")
    expect(phone.locator("#prefill-note")).to_be_visible()
    expect(phone.get_by_role("button", name="发送广播")).to_be_enabled()
    assert phone.evaluate("location.hash") == ""
    assert phone.url == service.base + "/"

    phone.locator("#name").fill("章")  # she corrects it; a reload keeps hers, not the link's
    expect(phone.locator("#preview-text")).to_have_text("来宾章先生,请听到广播后到一楼服务台。")
    phone.reload()
    expect(phone.locator("#name")).to_have_value("章")
    expect(phone.locator("#prefill-note")).to_be_hidden()


def test_a_call_to_a_signed_out_phone_fills_it_in_after_signing_in(
    phone: Page, service: Service
) -> None:
    call = {"kind": "staff", "name": "陈", "honorific": "女士", "place": "五楼会议室"}
    phone.goto("/#" + urlencode(call))
    form = phone.locator("#login")
    form.get_by_label("姓名").fill(service.staff.name)
    form.get_by_label("密码").fill(service.staff.password)
    form.get_by_role("button", name="登录").click()
    expect(phone.get_by_role("button", name="本公司", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(phone.locator("#other-place")).to_have_value("五楼会议室")  # not a listed place
    expect(phone.locator("#preview-text")).to_have_text("本公司陈女士,请听到广播后到五楼会议室。")
    assert phone.evaluate("location.hash") == ""


@pytest.mark.allow_console_errors(REFUSED)
def test_a_link_with_unknown_kinds_fields_and_markup_fills_only_the_inputs(
    phone: Page, service: Service
) -> None:
    """Opened while the page is open (no reload): an unknown kind keeps the kind chosen, an
    unknown field or honorific is ignored, and markup stays text in the input."""
    _open_signed_in(phone, service, service.staff.name, "/#" + urlencode(CALL))
    expect(phone.locator("#preview-text")).to_have_text("来宾张先生,请听到广播后到一楼服务台。")
    link = {
        "kind": "vip",
        "name": '<b id="inj">王</b>',  # within the form's 20 characters
        "honorific": "大人",
        "colour": "红",
        "place": "二楼服务台",
    }
    phone.goto("/#" + urlencode(link))
    expect(phone.locator("#name")).to_have_value('<b id="inj">王</b>')
    expect(phone.get_by_role("button", name="来宾", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(phone.locator("#honorifics [aria-pressed=true]")).to_have_count(0)
    expect(
        phone.locator("#places").get_by_role("button", name="二楼服务台", exact=True)
    ).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#preview-problem")).not_to_be_empty()
    expect(phone.locator("#inj")).to_have_count(0)
    assert phone.evaluate("location.hash") == ""
