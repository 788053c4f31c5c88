"""The scripts pages (/scripts) in Chromium at an office PC's 1280×800, against the real
service (B4-B6): marketing writes a campaign, the page shows each mistake at its field (its
own checks as one types, then the service's 422 problems by key) and nothing is stored until
it is right; planner A reviews it in the queue (the words, the schedule in plain Chinese, the
history) and rejects it with a reason, which is required; marketing sees the reason on the
list, edits and submits again; planner B approves it, and the service has it approved. Then
an approved script edited makes a new version while the approved one stays; a person who is
both marketing and planner never sees approve on their own submission, and the service's
refusal is shown as it says it when the page is made to offer it anyway; two planners at
once: the second is told. Last, who sees what (a supervisor reads only; staff are told why
they see nothing).

The tests share one service and run in order. The short-track store names one daypart,
"all-day", and no zones (tests/e2e/running.py). Nothing sleeps: every wait is an `expect`
with a deadline.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, Route, expect

from tests.browser.harness import ARTIFACTS, Service, cookie_sign_in
from tests.e2e.running import STORE_ZONE

MARKETING = "孙悦"
PLANNER_A = "周洁"
PLANNER_B = "吴磊"
BOTH = "郑敏"
"""Marketing and planner at once: writes and submits, and reviews the others' scripts."""

SCRIPT_ID = "xmas-draw"
TITLE = "圣诞抽奖"
TEXT = "各位来宾,圣诞期间在本商场购物满三百元,即可到一楼服务台参加抽奖。"
REASON = "周末人多,改成每 8 首歌播一次"
SAME_PERSON = "不能审批自己提交的广播稿:请另一位企划同事审批。"

TODAY = datetime.now(STORE_ZONE).date()
START, UNTIL = TODAY, TODAY + timedelta(days=20)


def said(day: date) -> str:
    """A date as the page says it: 12月1日 (with the year when it is not this one)."""
    text = f"{day.month}月{day.day}日"
    return text if day.year == TODAY.year else f"{day.year}年{text}"


def schedule(every_songs: int) -> str:
    return f"每 {every_songs} 首歌播一次,每天最多 6 次,{said(START)}至{said(UNTIL)},周六、周日,全天"


@pytest.fixture(scope="module", autouse=True)
def people(service: Service) -> Iterator[None]:
    """The marketing account, two planners, and one who is both, as an operator adds them."""
    service.add_person(MARKETING, "marketing-pass-1234", "marketing")
    service.add_person(PLANNER_A, "planner-a-pass-1234", "planner")
    service.add_person(PLANNER_B, "planner-b-pass-1234", "planner")
    service.add_person(BOTH, "both-pass-1234", "marketing", "planner")
    yield


def open_scripts(page: Page, service: Service, name: str) -> None:
    cookie_sign_in(page.context, service, name)
    page.goto("/scripts")
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#list-updated")).to_contain_text("更新于")


def versions(service: Service) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = service.running.get("/api/scripts", service.bearer(PLANNER_A))
    return found


def only(service: Service, version: int = 1) -> dict[str, Any]:
    [found] = [v for v in versions(service) if v["version"] == version]
    return found


def row(page: Page, where: str, version: int = 1) -> Locator:
    """The list's (or the queue's) row of the script's `version`."""
    return page.locator(f"{where} .version[data-script='{SCRIPT_ID}']").filter(
        has_text=f"第 {version} 版"
    )


def test_marketing_writes_a_campaign_and_each_mistake_shows_at_its_field(
    desk: Page, service: Service
) -> None:
    open_scripts(desk, service, MARKETING)
    expect(desk.locator("#role-lines")).to_contain_text("市场部:编写广播稿")
    expect(desk.locator("#queue-card")).to_be_hidden()  # planners review
    expect(desk.locator("#list-empty")).to_have_text("还没有广播稿:点「新建广播稿」写第一份。")
    desk.get_by_role("button", name="新建广播稿").click()
    expect(desk.locator("#editor-heading")).to_have_text("新建广播稿")

    desk.get_by_label("标题").fill(TITLE)
    desk.get_by_label("编号").fill("Xmas draw")
    desk.get_by_label("广播词").focus()
    expect(desk.locator("#err-id")).to_contain_text("编号只能用小写字母、数字和 -")
    desk.get_by_label("编号").fill(SCRIPT_ID)
    expect(desk.locator("#err-id")).to_be_hidden()
    desk.get_by_label("广播词").fill("满" * 1001)  # live, as it is typed
    expect(desk.locator("#text-count")).to_have_text("1001 / 1000 字")
    expect(desk.locator("#err-text")).to_contain_text("广播词最多 1000 个字,现在 1001 个字")
    desk.get_by_label("广播词").fill(TEXT)
    expect(desk.locator("#err-text")).to_be_hidden()
    desk.locator("#f-every-by-minutes").check()  # one of the two, and that one filled in
    expect(desk.locator("#err-every")).to_have_text("请填写每几分钟播一次。")
    desk.locator("#f-every-by-songs").check()
    desk.get_by_label("每几首歌播一次").fill("5")
    expect(desk.locator("#err-every")).to_be_hidden()
    desk.get_by_label("每天最多几次").fill("6")
    desk.get_by_label("开始日期").fill(UNTIL.isoformat())  # the dates swapped
    desk.get_by_label("结束日期").fill(START.isoformat())
    expect(desk.locator("#err-valid_until")).to_have_text(
        f"结束日期不能早于开始日期({said(UNTIL)})。"
    )
    desk.get_by_label("周六").check()
    desk.get_by_label("周日").check()
    desk.get_by_label("时段").fill("evening")  # not one of the store's dayparts
    desk.get_by_role("button", name="保存草稿").click()
    expect(desk.locator("#editor-message")).to_have_text("有 1 处要改,还没有保存。")
    expect(desk.get_by_label("结束日期")).to_be_focused()
    assert versions(service) == []  # nothing was sent

    desk.get_by_label("开始日期").fill(START.isoformat())
    desk.get_by_label("结束日期").fill(UNTIL.isoformat())
    expect(desk.locator("#err-valid_until")).to_be_hidden()
    desk.get_by_role("button", name="保存草稿").click()  # the service's check: the daypart
    expect(desk.locator("#editor-message")).to_have_text("广播稿有 1 处要改,没有保存。")
    expect(desk.locator("#field-dayparts")).to_have_class("field invalid")
    expect(desk.locator("#err-dayparts")).to_contain_text("商场配置里的时段(all-day)")
    expect(desk.locator("#err-dayparts")).to_contain_text("现在是「evening」")
    expect(desk.get_by_label("时段")).to_be_focused()
    desk.screenshot(path=ARTIFACTS / "test_scripts_pages.mistakes.png")
    assert versions(service) == []  # refused whole, nothing stored

    desk.get_by_label("时段").fill("all-day")
    expect(desk.locator("#err-dayparts")).to_be_hidden()  # the service's problem, answered
    desk.get_by_role("button", name="保存并提交审批").click()
    expect(desk.locator("#detail-message")).to_have_text(
        "已保存并提交企划部审批(第 1 版)。批准后才会播出。"
    )
    expect(desk.locator("#detail .detail-head .badge")).to_have_text("待审批")
    expect(desk.locator("#detail .schedule")).to_have_text(schedule(5))
    expect(row(desk, "#list").locator(".badge")).to_have_text("待审批")
    submitted = only(service)
    assert (submitted["state"], submitted["submitted_by"]) == ("submitted", MARKETING)
    assert submitted["fields"] == {
        "id": SCRIPT_ID, "kind": "campaign", "title": TITLE, "text": TEXT,
        "every_songs": 5, "max_per_day": 6, "valid_from": START.isoformat(),
        "valid_until": UNTIL.isoformat(), "weekdays": ["sat", "sun"], "dayparts": ["all-day"],
    }  # fmt: skip


def test_planner_a_reviews_it_in_the_queue_and_rejects_it_with_a_reason(
    desk: Page, service: Service
) -> None:
    open_scripts(desk, service, PLANNER_A)
    expect(desk.locator("#role-lines")).to_contain_text("企划部:审批市场部提交的广播稿")
    expect(desk.get_by_role("button", name="新建广播稿")).to_be_hidden()  # marketing writes
    queued = row(desk, "#queue")
    expect(desk.locator("#queue .version")).to_have_count(1)
    expect(desk.locator("#queue-count")).to_have_text("1 份")
    expect(queued.locator(".v-schedule")).to_have_text(schedule(5))
    expect(queued.locator(".v-who")).to_contain_text(f"{MARKETING} ")
    queued.locator(".version-open").click()

    detail = desk.locator("#detail")
    expect(detail.locator("#detail-title")).to_have_text(TITLE)
    expect(detail.locator(".script-text")).to_have_text(TEXT)
    expect(detail.locator(".schedule")).to_have_text(schedule(5))
    expect(detail.locator(".zones-line")).to_have_text("区域:所有区域")
    expect(detail.locator(".history .step-what")).to_have_text(["编写", "提交审批"])
    expect(detail.get_by_role("button", name="批准", exact=True)).to_be_visible()
    desk.screenshot(path=ARTIFACTS / "test_scripts_pages.review.png")

    detail.get_by_role("button", name="退回给市场部").click()  # no reason: not sent
    expect(desk.locator("#err-reason")).to_have_text("退回时请写明理由,让市场部知道要改什么。")
    expect(desk.get_by_label("退回理由")).to_be_focused()
    assert only(service)["state"] == "submitted"
    desk.get_by_label("退回理由").fill(REASON)
    expect(desk.locator("#err-reason")).to_be_hidden()
    detail.get_by_role("button", name="退回给市场部").click()
    expect(desk.locator("#detail-message")).to_have_text(
        f"已退回给市场部({MARKETING}),理由:{REASON}"
    )
    expect(detail.locator(".detail-head .badge")).to_have_text("已退回")
    expect(detail.locator(".reason-box .reason-text")).to_have_text(REASON)
    expect(detail.get_by_role("button", name="批准", exact=True)).to_have_count(0)
    expect(desk.locator("#queue-empty")).to_be_visible()
    rejected = only(service)
    assert (rejected["state"], rejected["reason"], rejected["decided_by"]) == (
        "rejected", REASON, PLANNER_A,
    )  # fmt: skip


def test_marketing_sees_the_reason_edits_and_submits_again(desk: Page, service: Service) -> None:
    open_scripts(desk, service, MARKETING)
    listed = row(desk, "#list")
    expect(listed.locator(".badge")).to_have_text("已退回")
    expect(listed.locator(".v-reason")).to_have_text(f"退回理由:{REASON}")  # on the list
    expect(listed.locator(".v-who")).to_contain_text(f"{PLANNER_A} ")
    desk.locator("#states").get_by_role("button", name="草稿").click()
    expect(desk.locator("#list-empty")).to_have_text("没有草稿的广播稿。")
    desk.locator("#states").get_by_role("button", name="已退回").click()
    expect(desk.locator("#list .version")).to_have_count(1)
    desk.screenshot(path=ARTIFACTS / "test_scripts_pages.rejected.png")

    listed.locator(".version-open").click()
    expect(desk.locator("#detail .reason-box")).to_contain_text(REASON)
    desk.get_by_role("button", name="按意见修改").click()
    expect(desk.locator("#editor-reason-text")).to_have_text(REASON)
    expect(desk.locator("#editor-note")).to_contain_text("按理由改好后提交")
    expect(desk.get_by_label("编号")).to_have_value(SCRIPT_ID)
    expect(desk.get_by_label("编号")).not_to_be_editable()
    expect(desk.get_by_label("周六")).to_be_checked()
    expect(desk.get_by_label("时段")).to_have_value("all-day")
    desk.get_by_label("每几首歌播一次").fill("8")
    desk.get_by_role("button", name="保存并提交审批").click()
    expect(desk.locator("#detail-message")).to_have_text(
        "已保存并提交企划部审批(第 1 版)。批准后才会播出。"
    )
    expect(desk.locator("#detail .schedule")).to_have_text(schedule(8))
    expect(desk.locator("#list .version")).to_have_count(1)  # the filter followed it
    again = only(service)
    assert (again["state"], again["fields"]["every_songs"]) == ("submitted", 8)


def test_planner_b_approves_it_into_the_library(desk: Page, service: Service) -> None:
    open_scripts(desk, service, PLANNER_B)
    row(desk, "#queue").locator(".version-open").click()
    detail = desk.locator("#detail")
    expect(detail.locator(".schedule")).to_have_text(schedule(8))
    steps = detail.locator(".history .step")
    expect(steps.locator(".step-what")).to_have_text(
        ["编写", "提交审批", "退回", "修改", "提交审批"]
    )
    expect(steps.nth(2)).to_contain_text(f"{PLANNER_A}")
    expect(steps.nth(2).locator(".step-reason")).to_have_text(f"理由:{REASON}")

    detail.get_by_role("button", name="批准", exact=True).click()
    dialog = desk.locator("#confirm")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#confirm-title")).to_have_text(f"批准「{TITLE}」第 1 版?")
    expect(dialog.locator(".confirm-schedule")).to_have_text(schedule(8))
    dialog.get_by_role("button", name="批准").click()
    expect(desk.locator("#detail-message")).to_have_text(
        f"已批准「{TITLE}」第 1 版:已写入广播稿库,从下一首歌结束起按排期播出。"
    )
    expect(detail.locator(".detail-head .badge")).to_have_text("已批准")
    expect(detail.get_by_role("button", name="停用")).to_be_visible()  # a planner's, later
    expect(desk.locator("#queue-empty")).to_be_visible()
    approved = only(service)
    assert (approved["state"], approved["decided_by"]) == ("approved", PLANNER_B)
    assert [s["action"] for s in approved["history"]][-1] == "approve"


def test_an_approved_script_edited_is_a_new_version_and_nobody_approves_their_own(
    desk: Page, service: Service
) -> None:
    open_scripts(desk, service, BOTH)
    expect(desk.locator("#role-lines li")).to_have_count(2)  # marketing and planner
    row(desk, "#list").locator(".version-open").click()
    desk.get_by_role("button", name="修改(生成新版本)").click()
    expect(desk.locator("#editor-note")).to_have_text(
        "这份广播稿已批准,正在播出。保存后生成第 2 版新版本,要重新经企划部审批;"
        "批准前,已批准的第 1 版照常播出。"
    )
    desk.get_by_label("广播词").fill(TEXT + "详情请询问服务台。")
    desk.get_by_role("button", name="保存并提交审批").click()
    expect(desk.locator("#detail-message")).to_have_text(
        "已保存并提交企划部审批(第 2 版)。批准后才会播出。"
    )
    assert (only(service, 1)["state"], only(service, 2)["state"]) == ("approved", "submitted")

    queued = row(desk, "#queue", 2)  # in their own queue, marked as theirs
    expect(queued.locator(".v-own")).to_have_text("您自己提交的:请另一位企划同事审批")
    queued.locator(".version-open").click()
    detail = desk.locator("#detail")
    at = only(service, 2)["submitted_at"]
    expect(detail.locator(".status-note")).to_have_text(
        f"等待企划部审批({BOTH} {said(date.fromisoformat(at[:10]))} {at[11:16]} 提交)。"
        "批准前,第 1 版照常播出。"
    )
    expect(detail.locator(".changes dt")).to_have_text(["广播词"])
    expect(detail.locator(".own")).to_have_text(
        "这是您自己提交的广播稿:不能自己审批,请另一位企划同事审批。"
    )
    expect(detail.get_by_role("button", name="批准", exact=True)).to_have_count(0)
    expect(detail.get_by_role("button", name="退回给市场部")).to_have_count(0)
    v2 = only(service, 2)["id"]
    refused = service.http.post(f"/api/scripts/{v2}/approve", headers=service.bearer(BOTH))
    assert (refused.status_code, refused.json()["code"]) == (403, "own_submission")

    def someone_else(route: Route) -> None:  # as if the list said another submitted it
        if route.request.method != "GET":
            route.continue_()
            return
        answer = route.fetch()
        listed = answer.json()
        for v in listed:
            v["submitted_by"] = "别人" if v["submitted_by"] == BOTH else v["submitted_by"]
        route.fulfill(response=answer, body=json.dumps(listed, ensure_ascii=False))

    desk.route("**/api/scripts", someone_else)
    desk.reload()
    expect(detail.locator(".detail-head .badge")).to_have_text("待审批")
    detail.get_by_role("button", name="批准", exact=True).click()
    desk.locator("#confirm").get_by_role("button", name="批准").click()
    expect(desk.locator("#detail-message")).to_have_text(SAME_PERSON)  # the service's words
    expect(desk.locator("#detail-message")).to_have_class("notice error")
    assert only(service, 2)["state"] == "submitted"


def test_two_planners_at_once_the_second_is_told(desk: Page, service: Service) -> None:
    open_scripts(desk, service, PLANNER_A)
    row(desk, "#queue", 2).locator(".version-open").click()
    approve = desk.locator("#detail").get_by_role("button", name="批准", exact=True)
    expect(approve).to_be_visible()
    v2 = only(service, 2)["id"]
    first = service.http.post(f"/api/scripts/{v2}/approve", headers=service.bearer(PLANNER_B))
    assert first.status_code == 200, first.text
    approve.click()
    desk.locator("#confirm").get_by_role("button", name="批准").click()
    expect(desk.locator("#detail-message")).to_have_text(
        "这份广播稿已批准,不在待审批中:请刷新后再看。"
    )
    expect(desk.locator("#detail .detail-head .badge")).to_have_text("已批准")  # as it now stands
    expect(row(desk, "#list", 1).locator(".badge")).to_have_text("已停用")  # replaced by v2
    expect(desk.locator("#queue-empty")).to_be_visible()


def test_a_supervisor_only_reads_and_staff_are_told_why_they_see_nothing(
    desk: Page, service: Service
) -> None:
    open_scripts(desk, service, service.supervisor.name)
    expect(desk.locator("#role-lines")).to_have_text(
        "主管:只能查看广播稿和审批经过,不能修改、提交或审批。"
    )
    expect(desk.get_by_role("button", name="新建广播稿")).to_be_hidden()
    expect(desk.locator("#queue-card")).to_be_hidden()
    row(desk, "#list", 2).locator(".version-open").click()
    detail = desk.locator("#detail")
    expect(detail.locator(".script-text")).to_have_text(TEXT + "详情请询问服务台。")
    expect(detail.locator(".read-only")).to_be_visible()
    expect(detail.locator(".detail-actions button")).to_have_count(0)
    desk.screenshot(path=ARTIFACTS / "test_scripts_pages.read-only.png")

    desk.context.clear_cookies()
    open_scripts_denied = cookie_sign_in(desk.context, service, service.staff.name)
    assert open_scripts_denied["user"]["roles"] == ["staff"]
    desk.goto("/scripts")
    expect(desk.locator("#denied")).to_be_visible()
    expect(desk.locator("#denied")).to_contain_text("这个页面给市场部、企划部和主管使用。")
    expect(desk.locator("#denied-who")).to_have_text(
        "您的账号(员工)不能使用这个页面;需要的话,请管理员给账号加上市场部、企划部或主管的角色。"
    )
    expect(desk.locator("#workspace")).to_be_hidden()
