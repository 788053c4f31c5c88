"""The staff directory over HTTP: search for anyone signed in, a CSV file in and out for
admins, and a file with bad rows refused whole with every row named."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from daemon.desk_switchboard import SwitchboardDesk
from daemon.speech.speaker import Speaker
from daemon.store import Store
from daemon.switchboard.book import Deadlines
from tests.api.conftest import bearer
from tests.api.fake_control import FakeControl
from tests.api.test_desk import build

CSV = (
    "姓名,分机,部门,职责,语言,值班时间,仅内部\n"
    "张三,8012,客服部,开票、停车,英语,周一至周日 00:00-24:00,否\n"
    "单田芳,8020,企划部,,日语,,是\n"
).encode()
SHANGHAI = ZoneInfo("Asia/Shanghai")
CSV_URL, SEARCH = "/api/switchboard/directory.csv", "/api/switchboard/directory"


@pytest.fixture
def admin(fake: FakeControl) -> dict[str, str]:
    return bearer(fake, "admin")


def put(client: TestClient, data: bytes, headers: dict[str, str]) -> dict[str, object]:
    r = client.put(CSV_URL, content=data, headers={**headers, "Content-Type": "text/csv"})
    body: dict[str, object] = {"status": r.status_code, **r.json()}
    return body


def test_an_admin_imports_and_anyone_finds_by_initials_pinyin_duty_and_extension(
    client: TestClient, fake: FakeControl, admin: dict[str, str]
) -> None:
    assert put(client, CSV, admin) == {"status": 200, "people": 2}
    staff = bearer(fake, "staff")
    for query, who in [
        ("zs", "张三"),
        ("shantianfang", "单田芳"),
        ("开票", "张三"),
        ("8020", "单田芳"),
    ]:
        r = client.get(SEARCH, params={"q": query}, headers=staff)
        assert r.status_code == 200, r.text
        assert r.json()[0]["name"] == who, query
    first = client.get(SEARCH, params={"q": "张三"}, headers=staff).json()[0]
    assert (first["extension"], first["duties"], first["languages"]) == (
        "8012",
        ["开票", "停车"],
        ["en"],
    )
    assert first["on_duty"] is True and first["internal"] is False
    marked = client.get(SEARCH, params={"q": "单"}, headers=staff).json()[0]
    assert marked["internal"] is True  # shown to the operator, marked: never given out


def test_a_file_with_bad_rows_is_refused_whole_naming_each_row(
    client: TestClient, admin: dict[str, str]
) -> None:
    put(client, CSV, admin)
    broken = CSV + "李四,分机八,客服部,,,,否\n王五,,客服部,,,,否\n".encode()
    body = put(client, broken, admin)
    assert body["status"] == 422 and body["code"] == "bad_rows"
    problems = body["problems"]
    assert isinstance(problems, list)
    assert [p["where"] for p in problems] == ["row 4, column 分机", "row 5, column 分机"]
    again = client.get(CSV_URL, headers=admin)
    assert again.content.startswith("\ufeff".encode()) and "李四" not in again.content.decode()


def test_the_export_is_utf8_with_bom_and_imports_back(
    client: TestClient, admin: dict[str, str]
) -> None:
    put(client, CSV, admin)
    r = client.get(CSV_URL, headers=admin)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    assert put(client, r.content, admin) == {"status": 200, "people": 2}


def test_a_gbk_file_from_excel_imports(client: TestClient, admin: dict[str, str]) -> None:
    assert put(client, CSV.decode().encode("gbk"), admin) == {"status": 200, "people": 2}


@pytest.mark.parametrize("role", ["staff", "announcer", "supervisor", "marketing", "planner"])
def test_only_admins_manage_the_directory(client: TestClient, fake: FakeControl, role: str) -> None:
    headers = bearer(fake, role)
    assert put(client, CSV, headers)["status"] == 403
    assert client.get(CSV_URL, headers=headers).status_code == 403


def test_a_query_too_long_is_422(client: TestClient, fake: FakeControl) -> None:
    r = client.get(SEARCH, params={"q": "张" * 41}, headers=bearer(fake, "staff"))
    assert r.status_code == 422 and r.json()["field"] == "q"


def test_the_directory_is_kept_in_the_store_across_a_restart(
    tmp_path: Path, speaker: Speaker
) -> None:
    """Through the real desk: an import survives a new process on the same file, and the
    audit log records who imported and exported it."""
    store = Store(tmp_path / "mall-pa.db")
    world = build(store, speaker)
    world.desk.accounts.add_user("root", "root-password", ["admin"], False, "test", "local")
    headers = world.login("root")
    assert put(world.client, CSV, headers) == {"status": 200, "people": 2}
    again = build(store, speaker)  # a new desk (a restart) on the same store
    found = again.client.get(SEARCH, params={"q": "zs"}, headers=headers).json()
    assert [p["name"] for p in found] == ["张三"]
    exported = again.client.get(CSV_URL, headers=headers).content
    assert "单田芳" in exported.decode("utf-8-sig")
    actions = [(a.actor, a.action) for a in reversed(store.audit_log())]
    assert ("root", "directory_import") in actions and ("root", "directory_export") in actions
    store.close()


def seeding_desk(tmp_path: Path) -> SwitchboardDesk:
    store = Store(tmp_path / "mall-pa.db")
    return SwitchboardDesk(store, "欧洲村", time(10), Deadlines(), lambda: 0.0, lambda: SHANGHAI)


def test_the_configured_directory_is_imported_once_when_the_store_has_none(
    tmp_path: Path,
) -> None:
    seed = tmp_path / "directory.csv"
    seed.write_bytes(CSV)
    desk = seeding_desk(tmp_path)
    assert desk.seed(seed) == (
        True,
        f"directory {seed}: 2 people imported (the store had none yet)",
    )
    assert {p.name for p in desk.index().people} == {"张三", "单田芳"}
    seed.write_bytes(CSV.replace("张三".encode(), "李四".encode()))
    assert desk.seed(seed) == (True, "")  # the store has one now: the admins' imports rule
    assert {p.name for p in seeding_desk(tmp_path).index().people} == {"张三", "单田芳"}


def test_a_bad_or_missing_directory_file_is_named_and_the_directory_stays_empty(
    tmp_path: Path,
) -> None:
    desk = seeding_desk(tmp_path)
    taken, said = desk.seed(tmp_path / "nowhere.csv")
    assert not taken and "cannot read it" in said and "nowhere.csv" in said
    bad = tmp_path / "bad.csv"
    bad.write_bytes("姓名,分机\n张三,abc\n".encode())
    taken, said = desk.seed(bad)
    assert not taken and f"{bad}: row 2" in said and "the directory stays empty" in said
    assert len(desk.index()) == 0 and desk.store.directory_csv() is None
