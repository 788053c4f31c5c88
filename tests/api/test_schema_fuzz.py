"""Schemathesis against the app's own OpenAPI schema, in-process: no input is a server error.

Signed in by a bearer token of a user holding every role (trained), so every operation's
rules are reached, not just its 401. A few examples per operation keep it in the normal run.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from daemon.views import Role
from tests.api.conftest import bearer, make_app, seeded

FAKE = seeded(admin=False, feeds_end=True)  # setup stays open so its rules are reached too
FAKE.add_user("root", "pw-root-secret", *(set(Role) - {Role.ADMIN}), trained=True)
FAKE.PAGE_LIMIT = 10**9
AUTH = bearer(FAKE, "root")
APP = make_app(FAKE)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.mark.fuzz
@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_is_a_server_error(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(headers=AUTH)
