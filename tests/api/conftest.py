"""Fixtures for the HTTP layer: a FakeControl with one account per role, an app, a client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import create_app
from daemon.views import Role
from tests.api.fake_control import FakeControl

PAGE = {"kind": "customer", "name": "张", "honorific": "先生", "place": "一楼服务台"}
"""A page every rule accepts."""

ACCOUNTS: dict[str, tuple[tuple[Role, ...], bool]] = {
    "staff": ((Role.STAFF,), False),
    "announcer": ((Role.ANNOUNCER,), False),
    "trained": ((Role.ANNOUNCER,), True),
    "supervisor": ((Role.SUPERVISOR,), False),
    "marketing": ((Role.MARKETING,), False),
    "planner": ((Role.PLANNER,), False),
    "admin": ((Role.ADMIN,), False),
    "everyone": (tuple(Role), True),
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fuzz: property-based and schema fuzzing (part of the normal run)"
    )


def password(name: str) -> str:
    return f"pw-{name}-secret"


def seeded(*, admin: bool = True, feeds_end: bool = False) -> FakeControl:
    """A FakeControl with the accounts above (without `admin` the first-run setup is open)."""
    fake = FakeControl(feeds_end=feeds_end)
    for name, (roles, trained) in ACCOUNTS.items():
        if admin or Role.ADMIN not in roles:
            fake.add_user(name, password(name), *roles, trained=trained)
    return fake


def make_app(fake: FakeControl, *, https: bool = False, ca_cert: Path | None = None) -> FastAPI:
    app = create_app(fake, https=https, ca_cert=ca_cert)
    app.state.clock = lambda: fake.now  # the cookie's Max-Age counts on the fake's clock
    return app


def bearer(fake: FakeControl, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {fake.session_for(name).token}"}


@pytest.fixture
def fake() -> FakeControl:
    return seeded()


@pytest.fixture
def app(fake: FakeControl) -> FastAPI:
    return make_app(fake)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def ca_file(tmp_path: Path) -> Path:
    path = tmp_path / "ca.crt"
    path.write_bytes(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    return path
