"""Schemathesis against the app over the real control (Desk, store, accounts, an engine on
virtual time): no input is a server error there either. The event stream is left out: a
real feed never ends by itself (its route is fuzzed over the fake control). As there, a
schema-valid value the schema cannot fully describe (a calendar day) may get a 422."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from daemon.store import Store
from tests.api.test_desk import build
from tests.conftest import default_speaker

STORE = Store(Path(tempfile.mkdtemp(prefix="mall-pa-fuzz-")) / "mall-pa.db")
WORLD = build(STORE, default_speaker())
WORLD.desk.accounts.add_user(
    "root", "root-password", ["staff", "announcer", "supervisor"], True, "test", "local"
)
WORLD.desk.settings = type(WORLD.desk.settings)(pages_per_minute=60)
AUTH = WORLD.login("root")
schema = schemathesis.openapi.from_asgi("/openapi.json", WORLD.client.app).exclude(
    path="/api/events"
)


@pytest.mark.fuzz
@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_to_the_real_control_is_a_server_error(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(headers=AUTH, excluded_checks=[positive_data_acceptance])
