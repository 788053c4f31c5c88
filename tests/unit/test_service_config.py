"""The service's settings: [api], [hooks] and the service keys of [daemon]."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daemon.catalog.config import load_config
from daemon.catalog.problems import InputError
from tests.unit.test_config import GOOD, write


def test_defaults_serve_loopback_on_8080_over_http(tmp_path: Path) -> None:
    service = load_config(write(tmp_path, GOOD)).service
    assert (service.api.host, service.api.port, service.api.https) == ("127.0.0.1", 8080, False)
    assert (service.check_minutes, service.pages_per_minute) == (30.0, 6)
    assert service.power_on == service.power_off == ()


def test_lan_https_and_hooks(tmp_path: Path) -> None:
    extra = (
        '[api]\nhost = "0.0.0.0"\nport = 8443\ntls = "self-signed"\n'
        '[hooks]\npower_on = "/usr/local/bin/amp on --zone \\"一楼\\""\n'
    )
    service = load_config(write(tmp_path, GOOD + extra)).service
    assert (service.api.host, service.api.port, service.api.https) == ("0.0.0.0", 8443, True)
    assert service.power_on == ("/usr/local/bin/amp", "on", "--zone", "一楼")


@pytest.mark.parametrize(
    ("extra", "where", "expected"),
    [
        ("[api]\nport = 70000\n", "api.port", "a whole number from 1 to 65535"),
        ("[api]\nport = 0\n", "api.port", "a whole number from 1 to 65535"),
        (
            "[daemon]\ncheck_before_opening_minutes = nan\n",
            "daemon.check_before_opening_minutes",
            "a number from 0 to 180",
        ),
        ('[api]\ntls = "yes"\n', "api.tls", '"self-signed"'),
        ('[api]\ntls_cert = "c.pem"\n', "api.tls_cert", "tls_cert and tls_key together"),
        ('[hooks]\npower_on = "amp \\"on"\n', "hooks.power_on", "a command line"),
        ("[hooks]\npower = 1\n", "hooks.power", "a known key"),
    ],
)
def test_mistakes_name_the_key(tmp_path: Path, extra: str, where: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        load_config(write(tmp_path, GOOD + extra))
    assert any(p.where == where and expected in p.expected for p in caught.value.problems)


@given(st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True)))
def test_any_number_for_a_bound_key_is_taken_or_named(value: float) -> None:
    folder = Path(tempfile.mkdtemp())
    text = GOOD.replace("[library]", f"[daemon]\npages_per_minute = {_toml(value)}\n[library]")
    try:
        per_minute = load_config(write(folder, text)).service.pages_per_minute
    except InputError as err:
        assert any(p.where == "daemon.pages_per_minute" for p in err.problems)
    else:
        assert 1 <= per_minute <= 60


def _toml(value: float) -> str:
    if isinstance(value, float) and value != value:
        return "nan"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    return repr(value)
