"""Errors are JSON `{code, message}` in plain words, and nothing a client sends gives a 500."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import JSON_BODY_LIMIT
from daemon.views import Role
from tests.api.conftest import PAGE, bearer, make_app, seeded
from tests.api.fake_control import FakeControl
from tests.api.test_pages import _raw_post

JSON_HEADERS = {"Content-Type": "application/json"}


@pytest.fixture
def auth(fake: FakeControl) -> dict[str, str]:
    return {**bearer(fake, "everyone"), **JSON_HEADERS}


@pytest.mark.parametrize("raw", [b"{bad", b'{"kind": "customer",}', b"\xff\xfe{}", b"[" * 5000])
def test_malformed_json_is_400_bad_json(
    client: TestClient, auth: dict[str, str], raw: bytes
) -> None:
    r = client.post("/api/pages/preview", content=raw, headers=auth)
    assert r.status_code == 400
    assert r.json() == {"code": "bad_json", "message": "请求内容不是有效的 JSON"}


def test_a_number_too_long_for_python_is_400_not_500(
    client: TestClient, auth: dict[str, str]
) -> None:
    raw = b'{"kind": "customer", "name": ' + b"9" * 5000 + b"}"
    r = client.post("/api/pages/preview", content=raw, headers=auth)
    assert (r.status_code, r.json()["code"]) == (400, "bad_json")


def test_a_body_over_64_kib_by_content_length_is_413(
    client: TestClient, auth: dict[str, str]
) -> None:
    body = json.dumps({**PAGE, "note": "x" * JSON_BODY_LIMIT}).encode()
    r = client.post("/api/pages/preview", content=body, headers=auth)
    assert r.status_code == 413
    assert r.json() == {"code": "too_large", "message": "请求内容太大:最多 64 KB"}


def test_a_chunked_body_over_64_kib_is_413(client: TestClient, auth: dict[str, str]) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"kind": "customer", "note": "'
        for _ in range(70):
            yield b"x" * 1024
        yield b'"}'

    r = client.post("/api/pages/preview", content=chunks(), headers=auth)
    assert r.request.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in r.request.headers
    assert r.status_code == 413
    assert r.json()["code"] == "too_large"


def test_a_chunked_body_is_cut_off_as_it_streams(fake: FakeControl) -> None:
    app = make_app(fake)
    chunks = [b"x" * 1024] * 200
    status, pulled = _raw_post(app, "/api/pages/preview", {**bearer(fake, "staff")}, chunks)
    assert status == 413
    assert pulled == JSON_BODY_LIMIT // 1024 + 1  # the first chunk past the limit, no more


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "张"}, "kind", "缺少「类型」"),
        (
            {**PAGE, "kind": "robot"},
            "kind",
            "「类型」只能是:customer、staff、lost_child、vehicle",
        ),
        ({**PAGE, "urgent": "yes"}, "urgent", "「是否紧急」只能是 true 或 false"),
        ({**PAGE, "urgent": 1}, "urgent", "「是否紧急」只能是 true 或 false"),
        ({**PAGE, "name": 12}, "name", "「姓名」必须是文字"),
        ({**PAGE, "place": "楼" * 61}, "place", "「地点」太长:最多 60 个字"),
        ({**PAGE, "note": "注" * 81}, "note", "「备注」太长:最多 80 个字"),
        ({**PAGE, "colour": "red"}, "colour", "不认识的字段「colour」,请删去"),
        ([PAGE], "body", "请求内容必须是一个 JSON 对象"),
        ("page", "body", "请求内容必须是一个 JSON 对象"),
    ],
)
def test_validation_errors_name_the_field_in_words(
    client: TestClient, auth: dict[str, str], body: object, field: str, message: str
) -> None:
    r = client.post("/api/pages/preview", json=body, headers=auth)
    assert r.status_code == 422
    assert r.json() == {"code": "invalid", "message": message, "field": field}


def test_an_empty_body_is_422_naming_the_body(client: TestClient, auth: dict[str, str]) -> None:
    r = client.post("/api/pages/preview", headers=auth)
    assert (r.status_code, r.json()["field"]) == (422, "body")


def test_unencodable_text_is_422_not_500(client: TestClient, auth: dict[str, str]) -> None:
    raw = b'{"kind": "customer", "name": "\\ud800", "place": "x"}'
    r = client.post("/api/pages/preview", content=raw, headers=auth)
    assert (r.status_code, r.json()["field"]) == (422, "name")
    r = client.post("/api/pages/preview", content=b'{"kind": "staff", "\\udfff": 1}', headers=auth)
    assert r.status_code == 422
    assert r.json() == {"code": "invalid", "message": "「请求内容」含有无效的字符", "field": "body"}


def test_nan_and_infinity_tokens_are_refused(client: TestClient, auth: dict[str, str]) -> None:
    for token in (b"NaN", b"Infinity", b"-Infinity", b"1e999"):
        raw = b'{"kind": "customer", "urgent": ' + token + b"}"
        r = client.post("/api/pages/preview", content=raw, headers=auth)
        assert (r.status_code, r.json()["field"]) == (422, "urgent")


def test_unknown_route_and_wrong_method_are_json(client: TestClient) -> None:
    r = client.get("/api/nothing-here")
    assert r.status_code == 404
    assert r.json() == {"code": "not_found", "message": "找不到这个地址"}
    r = client.put("/api/emergency/clear")
    assert r.status_code == 405
    assert r.json() == {"code": "method_not_allowed", "message": "这个地址不支持 PUT 请求"}
    assert r.headers["allow"] == "POST"


def test_a_real_bug_still_answers_json_and_is_logged(
    fake: FakeControl, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("a bug in the control")

    fake.presets = broken  # type: ignore[assignment, method-assign]
    app = make_app(fake)
    with (
        TestClient(app, raise_server_exceptions=False) as client,
        caplog.at_level(logging.ERROR, logger="mall_pa.api"),
    ):
        r = client.get("/api/emergency/presets", headers=bearer(fake, "supervisor"))
    assert r.status_code == 500
    assert r.json()["code"] == "internal"
    assert "a bug in the control" in caplog.text


# -- nothing a client sends gives a 500 ---------------------------------------------------------

POSTS = [
    "/api/login",
    "/api/setup",
    "/api/logout",
    "/api/pages/preview",
    "/api/pages",
    "/api/pages/p0001/recording",
    "/api/emergency",
    "/api/emergency/clear",
]
KEYS = st.sampled_from(["kind", "name", "honorific", "place", "plate", "note", "urgent",
                        "password", "token", "script", "audio"]) | st.text(max_size=12)  # fmt: skip
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=100)
    | st.sampled_from(
        ["customer", "staff", "lost_child", "vehicle", "一楼服务台", "先生", "沪A12345"]
    )
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=20,
)
TOKENS = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "9" * 4400, "\\ud800"])


@st.composite
def raw_bodies(draw: st.DrawFn) -> bytes:
    """JSON text, sometimes with a non-JSON token (NaN, Infinity, huge numbers) spliced in."""
    text = json.dumps(draw(VALUES), ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:at] + draw(TOKENS) + text[at:]
    return text.encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def fuzz_client() -> Iterator[tuple[TestClient, dict[str, str]]]:
    fake = seeded(admin=False, feeds_end=True)  # setup stays open, so its rules are reached
    fake.add_user("root", "pw-root-secret", *(set(Role) - {Role.ADMIN}), trained=True)
    fake.PAGE_LIMIT = 10**9  # reach the wording rules, not the limit
    with TestClient(make_app(fake)) as client:  # raise_server_exceptions: a 500 raises here
        yield client, {**bearer(fake, "root"), **JSON_HEADERS}


@pytest.mark.fuzz
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(POSTS), body=raw_bodies())
def test_random_json_never_gives_a_500(
    fuzz_client: tuple[TestClient, dict[str, str]], path: str, body: bytes
) -> None:
    client, headers = fuzz_client
    r = client.post(path, content=body, headers=headers)
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        assert set(r.json()) >= {"code", "message"}
