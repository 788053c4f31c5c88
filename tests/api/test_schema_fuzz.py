"""Schemathesis against the app's own OpenAPI schema, in-process: no input is a server error.

Signed in by a bearer token of a user holding every role (trained), so every operation's
rules are reached, not just its 401. A few examples per operation keep it in the normal run.
Schemathesis's check that every schema-valid request is accepted is left out: a schema
cannot say "a real calendar day" or "a time from 2000 to 2099", and a generated 2026-13-45
or a string of 39 zeros is rightly refused with a 422 that names the field.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

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
    case.call_and_validate(headers=AUTH, excluded_checks=[positive_data_acceptance])
