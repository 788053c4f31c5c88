"""Signing in (B15): bearer and cookie, CSRF, cross-site posts, logout, throttling, setup."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.api.conftest import PAGE, bearer, make_app, password, seeded
from tests.api.fake_control import SETUP_TOKEN, FakeControl


def _login(client: TestClient, name: str) -> dict[str, object]:
    r = client.post("/api/login", json={"name": name, "password": password(name)})
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def _cookie_header(client: TestClient, name: str) -> str:
    r = client.post("/api/login", json={"name": name, "password": password(name)})
    assert r.status_code == 200
    return str(r.headers["set-cookie"])


def test_login_answers_the_session_and_sets_a_strict_http_only_cookie(client: TestClient) -> None:
    r = client.post("/api/login", json={"name": "trained", "password": password("trained")})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"token", "csrf", "expires_at", "user"}
    assert body["user"] == {"name": "trained", "roles": ["announcer"], "trained": True}
    assert body["expires_at"] == "2026-11-23T22:00:00.000+08:00"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"mall_pa_session={body['token']};")
    for part in ("HttpOnly", "SameSite=strict", "Path=/", "Max-Age=43200"):
        assert part in cookie
    assert "Secure" not in cookie
    assert r.headers["cache-control"] == "no-store"


def test_the_cookie_is_secure_over_https(fake: FakeControl) -> None:
    with TestClient(make_app(fake, https=True), base_url="https://testserver") as client:
        assert "Secure" in _cookie_header(client, "staff")
        assert client.get("/api/me").status_code == 200  # and the https client sends it back


def test_bearer_signs_a_request_in(client: TestClient, fake: FakeControl) -> None:
    r = client.get("/api/me", headers=bearer(fake, "staff"))
    assert r.status_code == 200
    assert r.json()["name"] == "staff"


def test_cookie_signs_a_request_in_and_me_gives_the_csrf_token(client: TestClient) -> None:
    session = _login(client, "staff")
    r = client.get("/api/me")  # the cookie only
    assert r.status_code == 200
    assert r.json() == {
        "name": "staff",
        "roles": ["staff"],
        "trained": False,
        "csrf": session["csrf"],
    }


def test_no_credentials_is_401_in_chinese(client: TestClient) -> None:
    r = client.get("/api/me")
    assert r.status_code == 401
    assert r.json() == {"code": "not_signed_in", "message": "请先登录"}
    assert r.headers["www-authenticate"] == "Bearer"


def test_an_unknown_or_malformed_bearer_is_401_even_with_a_good_cookie(client: TestClient) -> None:
    _login(client, "staff")
    for header in ("Bearer nope", "Basic c3RhZmY6eA==", "Bearer", "Bearer " + "x" * 600):
        r = client.get("/api/me", headers={"Authorization": header})
        assert r.status_code == 401, header
        assert r.json()["code"] == "not_signed_in"


def test_cookie_post_and_delete_need_the_csrf_token(client: TestClient) -> None:
    csrf = str(_login(client, "staff")["csrf"])
    r = client.post("/api/pages", json=PAGE)
    assert r.status_code == 403
    assert r.json()["code"] == "csrf"
    r = client.post("/api/pages", json=PAGE, headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403
    r = client.post("/api/pages", json=PAGE, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 202
    page_id = r.json()["id"]
    assert client.delete(f"/api/pages/{page_id}").status_code == 403
    r = client.delete(f"/api/pages/{page_id}", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    assert r.json()["state"] == "cancelled"


def test_cookie_reads_need_no_csrf_token(client: TestClient) -> None:
    _login(client, "staff")
    assert client.get("/api/status").status_code == 200
    assert client.get("/api/pages").status_code == 200


def test_bearer_needs_no_csrf_token(fake: FakeControl) -> None:
    with TestClient(make_app(fake)) as client:  # a fresh client: no cookie at all
        r = client.post("/api/pages", json=PAGE, headers=bearer(fake, "staff"))
        assert r.status_code == 202
        r = client.delete(f"/api/pages/{r.json()['id']}", headers=bearer(fake, "staff"))
        assert r.status_code == 200


def test_a_cross_site_form_post_to_login_does_not_sign_in(
    client: TestClient, fake: FakeControl
) -> None:
    form = {"name": "staff", "password": password("staff")}
    attempts = [
        client.post("/api/login", data=form),  # application/x-www-form-urlencoded
        client.post("/api/login", files={"name": (None, "staff")}),  # multipart/form-data
        client.post(
            "/api/login",
            content=f'{{"name": "staff", "password": "{password("staff")}"}}',
            headers={"Content-Type": "text/plain"},  # what <form enctype=text/plain> sends
        ),
        client.post("/api/login", content=b'{"name": "staff"}', headers={"Content-Type": ""}),
    ]
    for r in attempts:
        assert r.status_code in (415, 422), r.text
        assert "set-cookie" not in r.headers
        assert r.json()["code"] in ("unsupported_media_type", "invalid")
    assert fake.sessions == {}
    assert client.get("/api/me").status_code == 401


def test_setup_refuses_a_cross_site_form_post_too(fake: FakeControl) -> None:
    fresh = seeded(admin=False)
    with TestClient(make_app(fresh)) as client:
        form = {"token": SETUP_TOKEN, "name": "root", "password": "a-long-password"}
        assert client.post("/api/setup", data=form).status_code == 415
        assert fresh.needs_setup()


def test_wrong_password_is_401_and_repeated_failures_give_retry_after(
    client: TestClient, fake: FakeControl
) -> None:
    for _ in range(FakeControl.LOGIN_FAILURES):
        r = client.post("/api/login", json={"name": "staff", "password": "wrong"})
        assert r.status_code == 401
        assert r.json() == {"code": "wrong_password", "message": "用户名或密码不对"}
        assert "retry-after" not in r.headers
    r = client.post("/api/login", json={"name": "staff", "password": password("staff")})
    assert r.status_code == 401
    assert r.headers["retry-after"] == "30"
    assert r.json()["code"] == "slowed_down"
    assert r.json()["retry_after"] == 30
    fake.advance(30)
    assert client.post(
        "/api/login", json={"name": "staff", "password": password("staff")}
    ).is_success


def test_logout_ends_the_session_and_clears_the_cookie(client: TestClient) -> None:
    csrf = str(_login(client, "staff")["csrf"])
    assert client.post("/api/logout").status_code == 403  # a cookie POST: CSRF applies
    r = client.post("/api/logout", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 204
    assert r.content == b""
    cookie = r.headers["set-cookie"]
    assert cookie.startswith('mall_pa_session="";') or cookie.startswith("mall_pa_session=;")
    assert "Max-Age=0" in cookie
    assert client.get("/api/me").status_code == 401


def test_logout_by_bearer_revokes_the_token(client: TestClient, fake: FakeControl) -> None:
    headers = bearer(fake, "staff")
    assert client.post("/api/logout", headers=headers).status_code == 204
    assert client.get("/api/me", headers=headers).status_code == 401
    assert ("staff", "logout", "testclient") in fake.audit


def test_an_expired_session_is_401(client: TestClient, fake: FakeControl) -> None:
    headers = bearer(fake, "staff")
    fake.advance(12 * 3600)
    r = client.get("/api/me", headers=headers)
    assert r.status_code == 401
    assert r.json()["message"] == "登录已过期,请重新登录"


def test_a_disabled_account_is_not_signed_in(client: TestClient, fake: FakeControl) -> None:
    fake.add_user("gone", "pw-gone-secret", disabled=True)
    session = fake.session_for("gone")
    r = client.get("/api/me", headers={"Authorization": f"Bearer {session.token}"})
    assert r.status_code == 401


def test_setup_page_is_served_in_chinese_and_needs_nothing_from_the_internet(
    client: TestClient,
) -> None:
    r = client.get("/setup?token=abc")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    html = r.text
    for needed in ('lang="zh-CN"', "<form", 'id="password2"', "/api/setup", "管理员账号已创建"):
        assert needed in html
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert 'name="viewport"' in html


def test_setup_flow_creates_the_first_admin_once() -> None:
    fresh = seeded(admin=False)
    with TestClient(make_app(fresh)) as client:
        assert client.get("/api/setup").json() == {"needed": True}
        r = client.post("/api/setup", json={"token": "nope", "name": "root", "password": "x" * 9})
        assert r.status_code == 403
        assert r.json()["code"] == "bad_setup_token"
        r = client.post("/api/setup", json={"token": SETUP_TOKEN, "name": "root", "password": "x"})
        assert r.status_code == 422
        assert r.json()["field"] == "password"
        assert r.json()["code"] == "weak_password"
        ok = {"token": SETUP_TOKEN, "name": "root", "password": "a-long-password"}
        r = client.post("/api/setup", json=ok)
        assert r.status_code == 200
        assert r.json()["user"] == {"name": "root", "roles": ["admin"], "trained": False}
        assert "mall_pa_session=" in r.headers["set-cookie"]
        assert client.get("/api/me").json()["name"] == "root"  # signed in by the cookie
        assert client.get("/api/setup").json() == {"needed": False}
        r = client.post("/api/setup", json=ok)
        assert r.status_code == 403
        assert r.json()["code"] == "already_set_up"


def test_ca_cert_is_served_for_phones_when_given(fake: FakeControl, ca_file: Path) -> None:
    with TestClient(make_app(fake, ca_cert=ca_file)) as client:
        r = client.get("/ca.crt")
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/x-x509-ca-cert"
        assert r.content == ca_file.read_bytes()


def test_ca_cert_is_404_without_one(client: TestClient, fake: FakeControl, tmp_path: Path) -> None:
    r = client.get("/ca.crt")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    with TestClient(make_app(fake, ca_cert=tmp_path / "missing.crt")) as other:
        assert other.get("/ca.crt").status_code == 404
