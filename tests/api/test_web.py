"""The web pages as files: served with a strict policy, self-contained, nothing from outside.

What the pages do is tested in a real browser (tests/browser); here, what any browser gets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

WEB = Path(__file__).resolve().parents[2] / "api" / "web"
PAGES = {
    "/": "index.html",
    "/desk": "desk.html",
    "/switchboard": "switchboard.html",
    "/reports": "reports.html",
    "/scripts": "scripts.html",
}


@pytest.mark.parametrize("url", sorted(PAGES))
def test_a_page_is_served_with_a_policy_that_allows_only_this_origin(
    client: TestClient, url: str
) -> None:
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    policy = r.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert r.headers["permissions-policy"].startswith("microphone=(self)")
    assert '<html lang="zh-CN">' in r.text


@pytest.mark.parametrize("name", sorted(PAGES.values()))
def test_a_page_loads_nothing_from_outside_and_runs_no_inline_script(name: str) -> None:
    html = (WEB / name).read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "everything from this origin"
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "no inline script (the policy)"
    assert "<style" not in html and " style=" not in html, "no inline style (the policy)"
    for ref in re.findall(r"(?:src|href)=\"/static/([^\"]+)\"", html):
        assert (WEB / "static" / ref).is_file(), f"{name} refers to a missing /static/{ref}"


@pytest.mark.parametrize("name", sorted(p.name for p in (WEB / "static").iterdir()))
def test_every_static_file_is_served_with_its_type(client: TestClient, name: str) -> None:
    r = client.get(f"/static/{name}")
    assert r.status_code == 200, name
    want = "text/javascript" if name.endswith(".js") else "text/css"
    assert r.headers["content-type"].startswith(want)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert not re.search(r"(?:url\(|import\s|fetch\()\s*[\"']?(https?:)?//", r.text)


@pytest.mark.parametrize(
    "name", ["..%2Fapp.py", "%2E%2E%2F%2E%2E%2Fpyproject.toml", "setup.html", "nope.js", "A.JS"]
)
def test_nothing_but_the_pages_files_is_served(client: TestClient, name: str) -> None:
    r = client.get(f"/static/{name}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
