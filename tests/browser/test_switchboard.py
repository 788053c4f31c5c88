"""The switchboard console (/switchboard) in Chromium at the desk's 1280×800, against the real
service, as the trained announcer 王芳 who answers the outside line (S1-S8).

An admin imports the staff directory first (a CSV file, as Excel writes it); then the operator
sees the greeting for now (S1); finds people by initials, pinyin, duty and extension, with the
line to say while transferring (S2); takes a message for someone who does not answer, which
the service lists unread until that person reads it, and the console follows live (S3); looks
up who speaks English or Japanese (S5); records a complaint and moves it on with a note (S8);
sees overdue complaints stand out; gets the service's own sentence next to a form it refused,
with what was typed kept; and opens the phone page's paging form prefilled for a caller
looking for someone (B11). An admin replaces the directory from the page with a GBK file as
Excel writes it, sees every bad row of a file refused whole, and exports it again; nobody else
sees that panel. The tests share one service and run in order.
Nothing sleeps: every wait is an `expect` with a deadline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Dialog, FilePayload, Locator, Page, Route, expect

from tests.browser.harness import ARTIFACTS, Service, cookie_sign_in

DIRECTORY = """姓名,分机,部门,职责,语言,值班时间,仅内部,备注
张三,8012,客服部,开票、停车,英语,周一至周日 00:00-24:00,否,
单田芳,8020,企划部,活动策划,,周一至周日 00:00-24:00,否,
刘敏,8001,客服部,负责人、投诉,英语,周一至周日 00:00-24:00,否,客服部经理
佐藤花子,8030,营业部,导购,日语、英语,周一至周日 00:00-24:00,否,日本籍
王建国,8099,安全部,监控室,,,是,内部值班电话
"""
"""The store's directory: 单田芳's surname reads Shàn (search shantianfang, stf); 刘敏 heads
客服部 (duty 负责人); 佐藤花子 speaks Japanese; 王建国's extension is internal."""

NEWCOMER = "孙丽,8040,财务部,报销,,周一至周五 09:00-18:00,否,\n"
"""One more person, in a department the directory did not have yet."""
BAD_ROW = "赵六,abc,财务部,,,,否,\n"
"""An extension that is not digits: row 7 of the file (the header is row 1)."""
CSV_URL = "/api/switchboard/directory.csv"

ZHANGSAN_PASSWORD = "zhangsan-pass-1234"
ADMIN_ONLY_PASSWORD = "zhoumin-pass-1234"
REFUSED = r"status of 422 "
"""Chromium logs a refused form's 422 as a console error; the page shows its sentence."""


@pytest.fixture(scope="module", autouse=True)
def directory(service: Service) -> Iterator[None]:
    """The directory, imported by the admin over the API, for every test of the module."""
    headers = {**service.bearer(service.admin.name), "Content-Type": "text/csv"}
    answer = service.http.put(
        "/api/switchboard/directory.csv", content=DIRECTORY.encode(), headers=headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"people": 5}
    yield


def open_switchboard(page: Page, service: Service) -> None:
    cookie_sign_in(page.context, service, service.announcer.name)
    page.goto("/switchboard")
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#live")).to_have_text("● 实时")
    expect(page.locator("#who")).to_have_text("王芳 · 播音员")
    expect(page.get_by_role("button", name="通讯录管理")).to_be_hidden()  # admins only
    expect(page.locator("#message-form")).to_be_visible()


def reference(service: Service) -> dict[str, Any]:
    found: dict[str, Any] = service.running.get(
        "/api/switchboard/reference", service.bearer(service.announcer.name)
    )
    return found


def search(page: Page, query: str) -> Locator:
    """Type `query` in the search box as an operator would; the results' list."""
    box = page.get_by_label("姓名、拼音首字母、分机、部门、职责或语言")
    box.fill("")
    box.press_sequentially(query)
    return page.locator("#results .person")


def gbk_file(text: str) -> FilePayload:
    """A CSV file as Excel's "CSV (逗号分隔)" saves it on a Chinese Windows: GBK."""
    return {"name": "通讯录.csv", "mimeType": "text/csv", "buffer": text.encode("gbk")}


def person(page: Page, name: str) -> Locator:
    return page.locator("#results .person", has=page.locator(".name", has_text=name))


def test_the_operator_greets_finds_by_initials_and_takes_a_message(
    desk: Page, service: Service
) -> None:
    open_switchboard(desk, service)
    said = service.running.get("/api/switchboard/greeting", service.bearer("王芳"))
    expect(desk.locator("#greeting")).to_have_text(said["text"])  # S1, large at the top
    assert desk.locator("#greeting").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") > 32
    lines = reference(service)["lines"]
    expect(desk.locator("#line-transfer")).to_have_text(lines["transfer"])
    expect(desk.locator("#line-transfer")).to_contain_text("好的!请稍等")
    expect(desk.locator("#confidential")).to_contain_text("问到合作伙伴、营销计划等商业机密时")
    expect(desk.locator("#line-confidential")).to_have_text(lines["confidential"])

    found = search(desk, "stf")  # 单 reads Shàn in a surname
    expect(found.first.locator(".name")).to_have_text("单田芳")
    expect(found.first.locator(".extension")).to_have_text("8020")
    expect(found.first).to_contain_text("企划部")
    expect(found.first).to_contain_text("在岗")
    search(desk, "shantianfang")
    expect(person(desk, "单田芳")).to_be_visible()

    search(desk, "开票")  # by duty
    zhang = person(desk, "张三")
    expect(zhang.locator(".extension")).to_have_text("8012")
    expect(zhang).to_contain_text("客服部 · 开票、停车")
    expect(zhang).to_contain_text("会说:英语")
    expect(zhang.locator(".badge.internal")).to_have_count(0)

    search(desk, "8099")  # an internal extension: marked, never given out
    internal = person(desk, "王建国")
    expect(internal.locator(".badge.internal")).to_have_text("仅限内部")
    expect(internal).to_contain_text("未设值班时间")
    expect(internal).to_contain_text("内部值班电话")

    search(desk, "zs")
    zhang = person(desk, "张三")
    expect(zhang).to_be_visible()
    desk.screenshot(path=ARTIFACTS / "test_switchboard.search.png")

    zhang.get_by_role("button", name="给张三留言").click()  # S3: the extension did not answer
    expect(desk.locator("#message-to")).to_contain_text("张三")
    expect(desk.locator("#message-to")).to_contain_text("分机 8012")
    expect(desk.locator("#message-caller")).to_be_focused()
    expect(desk.locator("#line-no-answer")).to_have_text(lines["no_answer"])
    pad = desk.locator("#message-form")
    pad.get_by_label("来电人").fill("王先生")
    pad.get_by_label("回电号码").fill("13800138000")
    pad.get_by_label("留言内容").fill("请回电,关于发票")
    pad.get_by_role("button", name="记下留言").click()
    expect(desk.locator("#message-message")).to_contain_text("已记下给 张三 的留言")
    row = desk.locator("#messages .message", has_text="请回电,关于发票")
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    expect(row.locator(".badge")).to_have_text(re.compile(r"^未读 "))
    expect(row).to_contain_text("王先生 · 13800138000")
    expect(row).to_contain_text("分机 8012")
    expect(desk.locator("#message-caller")).to_have_value("")  # taken: the form is clear

    unread = service.running.get("/api/switchboard/messages?unread=true", service.bearer("王芳"))
    taken = [m for m in unread if m["text"] == "请回电,关于发票"]
    assert len(taken) == 1, unread
    assert taken[0]["to_name"] == "张三" and taken[0]["read_at"] is None
    assert taken[0]["caller"] == "王先生" and taken[0]["taken_by"] == "王芳"
    assert isinstance(taken[0]["unread_seconds"], int)

    service.add_person("张三", ZHANGSAN_PASSWORD, "staff")  # 张三 reads it: the console follows
    mine = service.running.get("/api/messages", service.bearer("张三"))
    assert [m["id"] for m in mine] == [taken[0]["id"]]
    read = service.running.post(f"/api/messages/{taken[0]['id']}/read", {}, service.bearer("张三"))
    assert read.status_code == 200, read.text
    expect(row).to_have_class(re.compile(r"\bread\b"))
    expect(row.locator(".badge")).to_have_text(re.compile(r"^已读 \d\d:\d\d$"))


def test_a_foreign_language_call_shows_what_to_say_and_who_speaks_it(
    desk: Page, service: Service
) -> None:
    open_switchboard(desk, service)
    desk.get_by_role("button", name="英语 English").click()
    expect(desk.locator("#phrase-english")).to_have_text(
        "Sorry, I can't speak English, please wait a moment."
    )
    speakers = desk.locator("#speakers .speaker")
    expect(speakers).to_have_count(3)
    expect(speakers.filter(has_text="张三").locator(".extension")).to_have_text("8012")
    expect(speakers.filter(has_text="佐藤花子").locator(".extension")).to_have_text("8030")
    expect(speakers.first).to_contain_text("在岗")
    desk.screenshot(path=ARTIFACTS / "test_switchboard.english.png")

    desk.get_by_role("button", name="日语 日本語").click()
    expect(desk.locator("#phrase-english")).to_have_text(
        "Sorry, I can't speak Japanese, please wait a moment."
    )
    expect(desk.locator("#phrase-native")).to_contain_text("日本語が話せません")
    expect(speakers).to_have_count(1)
    expect(speakers.first).to_contain_text("佐藤花子")

    korean = next(lang for lang in reference(service)["languages"] if lang["code"] == "ko")
    desk.locator("#lang-other").select_option(korean["code"])
    expect(desk.locator("#phrase-english")).to_contain_text("Korean")
    expect(desk.locator("#speakers")).to_contain_text("通讯录里没有会说")
    desk.get_by_role("button", name="收起").click()
    expect(desk.locator("#language-result")).to_be_hidden()


def test_a_complaint_is_recorded_and_moved_to_in_progress(desk: Page, service: Service) -> None:
    open_switchboard(desk, service)
    book = reference(service)
    expect(desk.locator("#line-complaint")).to_have_text(book["lines"]["complaint"])
    assert "客服部" in book["departments"]

    form = desk.locator("#complaint-form")
    form.get_by_label("来电人").fill("李女士")
    form.get_by_label("联系方式").fill("13900139000")
    form.get_by_label("发生了什么").fill("在二楼收银台等了二十分钟没有人结账。")
    form.get_by_label("转交部门").select_option("客服部")
    form.get_by_role("button", name="登记投诉").click()
    expect(desk.locator("#complaint-message")).to_contain_text("已登记投诉 #")
    expect(form.get_by_label("来电人")).to_have_value("")

    recorded = [
        c
        for c in service.running.get(
            "/api/switchboard/complaints?open=true", service.bearer("王芳")
        )
        if c["caller"] == "李女士"
    ]
    assert len(recorded) == 1, recorded
    complaint = recorded[0]
    assert complaint["state"] == "new" and complaint["standing"] == "on_time"
    row = desk.locator(f"#complaints .complaint[data-id='{complaint['id']}']")
    expect(row).to_contain_text("李女士")
    expect(row.locator(".badge.state")).to_have_text("新登记")
    expect(row).to_contain_text("客服部")
    expect(row.locator(".deadline")).to_contain_text("前答复(还剩 23 小时")

    row.get_by_role("button").click()
    dialog = desk.locator("#complaint-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("在二楼收银台等了二十分钟")
    shown = "联系方式仅主管可见" if complaint["contact_hidden"] else "13900139000"
    expect(dialog.locator(".facts")).to_contain_text(shown)
    expect(dialog.locator("#complaint-notes")).to_contain_text("还没有跟进记录")
    dialog.get_by_label("新的跟进").fill("已联系顾客,客服部刘敏跟进")
    dialog.get_by_label("状态").select_option("in_progress")
    dialog.get_by_role("button", name="记下跟进").click()
    expect(desk.locator("#note-message")).to_contain_text("现在:处理中")
    expect(dialog.locator("#complaint-notes")).to_contain_text("已联系顾客,客服部刘敏跟进")
    expect(dialog.locator("#complaint-notes")).to_contain_text("王芳")
    expect(dialog.locator("#complaint-notes")).to_contain_text("改为处理中")
    desk.screenshot(path=ARTIFACTS / "test_switchboard.complaint.png")
    dialog.get_by_role("button", name="关闭").click()
    expect(dialog).to_be_hidden()
    expect(row.locator(".badge.state")).to_have_text("处理中")

    now = service.running.get(
        f"/api/switchboard/complaints/{complaint['id']}", service.bearer("王芳")
    )
    assert now["state"] == "in_progress" and now["state_name"] == "处理中"
    assert [(n["by"], n["text"], n["state"]) for n in now["notes"]] == [
        ("王芳", "已联系顾客,客服部刘敏跟进", "in_progress")
    ]

    elsewhere = {"caller": "郑先生", "what": "停车场多收了十元。", "department": "客服部"}
    made = service.running.post("/api/switchboard/complaints", elsewhere, service.bearer("赵强"))
    assert made.status_code == 201, made.text  # recorded at another desk: the event brings it
    expect(desk.locator(f"#complaints .complaint[data-id='{made.json()['id']}']")).to_contain_text(
        "郑先生"
    )


def test_overdue_complaints_stand_out(desk: Page, service: Service) -> None:
    recorded: list[dict[str, Any]] = service.running.get(
        "/api/switchboard/complaints", service.bearer("王芳")
    )
    assert recorded, "the complaint of the test before"
    late = {**recorded[0], "id": 9001, "caller": "周先生", "standing": "late"}
    late.update(overdue_seconds=30 * 3600, contact=None, contact_hidden=True)
    behind = {**recorded[0], "id": 9002, "caller": "吴女士", "standing": "overdue"}
    behind.update(overdue_seconds=3 * 3600 + 60)

    def with_overdue(route: Route) -> None:  # the real list, and two as a day or two later
        answer = route.fetch()
        route.fulfill(response=answer, body=json.dumps([late, behind, *answer.json()]))

    def the_late_one(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps(late))

    desk.route(re.compile(r"/api/switchboard/complaints(\?[^/]*)?$"), with_overdue)
    desk.route(re.compile(r"/api/switchboard/complaints/9001$"), the_late_one)
    open_switchboard(desk, service)
    late_row = desk.locator("#complaints .complaint[data-id='9001']")
    behind_row = desk.locator("#complaints .complaint[data-id='9002']")
    expect(behind_row.locator(".deadline")).to_have_text("已超时 3 小时 1 分钟")
    expect(late_row.locator(".deadline")).to_have_text("已超时 30 小时 · 已过 48 小时期限")
    for row in (late_row, behind_row):
        expect(row).to_have_class(re.compile(r"\bstanding-(late|overdue)\b"))
        color = row.locator(".deadline").evaluate("e => getComputedStyle(e).color")
        assert color == "rgb(198, 40, 40)", color  # --red
    expect(desk.locator("#complaints-count")).to_contain_text("其中 2 条已超时")
    desk.screenshot(path=ARTIFACTS / "test_switchboard.overdue.png")

    late_row.get_by_role("button").click()
    expect(desk.locator("#complaint-standing")).to_contain_text("已超时 30 小时")
    expect(desk.locator("#complaint-facts")).to_contain_text("联系方式仅主管可见")
    desk.locator("#complaint-dialog").get_by_role("button", name="关闭").click()
    desk.unroute_all(behavior="ignoreErrors")


@pytest.mark.allow_console_errors(REFUSED)
def test_a_refused_form_says_why_and_keeps_what_was_typed(desk: Page, service: Service) -> None:
    open_switchboard(desk, service)
    desk.get_by_role("button", name="记下留言").click()  # for nobody yet
    expect(desk.locator("#message-message")).to_have_text("请先在左边查到要找的人,再点“留言”。")
    expect(desk.locator("#message-to")).to_have_class(re.compile(r"\binvalid\b"))

    form = desk.locator("#complaint-form")
    form.get_by_label("来电人").fill("陈先生")
    form.get_by_label("联系方式").fill("13700137000")
    form.get_by_label("转交部门").select_option("企划部")
    with desk.expect_response(re.compile(r"/api/switchboard/complaints$")) as refused:
        form.get_by_role("button", name="登记投诉").click()  # what happened: not said
    assert refused.value.status == 422
    answer = refused.value.json()
    expect(desk.locator("#complaint-message")).to_have_text(answer["message"])
    expect(desk.locator("#complaint-message")).to_have_class(re.compile(r"\berror\b"))
    assert answer["field"] == "what", answer
    expect(form.get_by_label("发生了什么")).to_have_class(re.compile(r"\binvalid\b"))
    expect(form.get_by_label("发生了什么")).to_be_focused()
    expect(form.get_by_label("来电人")).to_have_value("陈先生")  # nothing typed is lost
    expect(form.get_by_label("联系方式")).to_have_value("13700137000")
    expect(form.get_by_label("转交部门")).to_have_value("企划部")
    desk.screenshot(path=ARTIFACTS / "test_switchboard.refused.png")


def test_a_caller_looking_for_someone_opens_the_paging_form_prefilled(
    desk: Page, service: Service
) -> None:
    open_switchboard(desk, service)
    desk.get_by_role("button", name="找人广播").click()
    desk.get_by_label("要找的人").fill("张")
    desk.get_by_label("称呼").select_option("先生")
    desk.get_by_label("请到哪里").fill("一楼服务台")
    link = desk.get_by_role("link", name="打开找人广播表单")
    want = "/#kind=customer&name=" + quote("张") + "&honorific=" + quote("先生")
    want += "&place=" + quote("一楼服务台")
    expect(link).to_have_attribute("href", want)
    desk.screenshot(path=ARTIFACTS / "test_switchboard.find-person.png")

    with desk.expect_popup() as opened:
        link.click()
    phone = opened.value
    phone.wait_for_load_state()
    form = phone.locator("#page-form")
    expect(form).to_be_visible()
    expect(phone.locator("#prefill-note")).to_be_visible()
    expect(form.get_by_label("姓名")).to_have_value("张")
    expect(phone.locator("#kinds [aria-pressed='true']")).to_have_attribute(
        "data-value", "customer"
    )
    expect(phone.locator("#honorifics [aria-pressed='true']")).to_have_text("先生")
    phone.screenshot(path=ARTIFACTS / "test_switchboard.phone-prefilled.png")
    phone.close()


def test_an_admin_imports_a_gbk_file_sees_every_bad_row_and_exports_it(
    desk: Page, service: Service
) -> None:
    admin = service.bearer(service.admin.name)
    before = service.http.get(CSV_URL, headers=admin)
    assert before.status_code == 200, before.text
    cookie_sign_in(desk.context, service, service.admin.name)
    desk.goto("/switchboard")
    expect(desk.locator("#who")).to_have_text("陈静 · 管理员、主管")

    desk.get_by_role("button", name="通讯录管理").click()
    panel = desk.locator("#directory-dialog")
    expect(panel).to_be_visible()
    expect(panel.locator("#directory-count")).to_have_text("通讯录现有 5 人")
    expect(panel.locator(".columns-help")).to_contain_text(
        "姓名,分机,部门,职责,语言,值班时间,仅内部,备注,编号"
    )
    asked: list[str] = []

    def confirm(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    desk.on("dialog", confirm)
    chooser = panel.get_by_label("通讯录文件(CSV)")
    chooser.set_input_files(gbk_file(DIRECTORY + BAD_ROW))
    with desk.expect_response(re.compile(r"/api/switchboard/directory\.csv$")) as refused:
        panel.get_by_role("button", name="导入通讯录").click()
    assert asked == ["导入会替换整个通讯录(现有 5 人),确定吗?"]
    assert refused.value.status == 422
    answer = refused.value.json()
    assert answer["code"] == "bad_rows" and len(answer["problems"]) == 1, answer
    expect(panel.locator("#directory-message")).to_have_text(answer["message"])
    expect(panel.locator("#directory-message")).to_have_class(re.compile(r"\berror\b"))
    problem = panel.locator("#directory-problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator("th")).to_have_text("第 7 行,“分机”列")
    expect(problem.locator("td").nth(0)).to_contain_text("2 到 8 位数字的分机号")
    expect(problem.locator("td").nth(1)).to_have_text("“abc”")
    desk.screenshot(path=ARTIFACTS / "test_switchboard.import-refused.png")
    after = service.http.get(CSV_URL, headers=admin)  # nothing was taken
    assert after.content == before.content
    assert "赵六" not in after.content.decode("utf-8-sig")

    chooser.set_input_files(gbk_file(DIRECTORY + NEWCOMER))
    panel.get_by_role("button", name="导入通讯录").click()
    expect(panel.locator("#directory-message")).to_have_text("已导入 6 人。")
    expect(panel.locator("#directory-count")).to_have_text("通讯录现有 6 人")
    expect(panel.locator("#directory-problems-box")).to_be_hidden()
    assert asked[1:] == ["导入会替换整个通讯录(现有 5 人),确定吗?"]
    desk.screenshot(path=ARTIFACTS / "test_switchboard.import-done.png")

    with desk.expect_download() as downloading:
        panel.get_by_role("link", name="导出通讯录 (CSV)").click()
    exported = downloading.value.path().read_bytes()
    assert exported.startswith(b"\xef\xbb\xbf"), exported[:20]
    assert "孙丽,8040,财务部" in exported.decode("utf-8-sig")

    panel.get_by_role("button", name="关闭").click()
    expect(panel).to_be_hidden()
    found = search(desk, "sl")  # the newcomer, found by initials
    expect(found.first.locator(".name")).to_have_text("孙丽")
    expect(found.first.locator(".extension")).to_have_text("8040")
    departments = desk.locator("#complaint-department option")
    expect(departments.filter(has_text="财务部")).to_have_count(1)  # the reference, asked again

    service.add_person("周敏", ADMIN_ONLY_PASSWORD, "admin")  # an admin not at the desk
    cookie_sign_in(desk.context, service, "周敏")
    desk.reload()
    expect(desk.locator("#who")).to_have_text("周敏 · 管理员")
    expect(desk.get_by_role("button", name="通讯录管理")).to_be_visible()
    expect(desk.locator("#messages-card .no-desk-note")).to_have_text(
        "留言只有播音员和主管可以记下和查看。"
    )
    expect(desk.locator("#message-form")).to_be_hidden()
    expect(desk.locator("#complaint-form")).to_be_hidden()
