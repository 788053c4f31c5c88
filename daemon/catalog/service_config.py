"""The service's own settings: `[api]`, `[hooks]` and the service keys of `[daemon]`.

[api]
host = "127.0.0.1"            # "0.0.0.0" opens the API to the store's LAN (README: deployment)
port = 8080
tls = "self-signed"           # or leave out and give tls_cert + tls_key (PEM files)

[daemon]
check_before_opening_minutes = 30   # the pre-opening check (B1) runs this long before opening
pages_per_minute = 6                # per person

[hooks]                       # optional commands (B2, B16): switch the amplifier on and off
power_on = "/usr/local/bin/amp on"      # at the pre-opening check
power_off = "/usr/local/bin/amp off"    # after closing, once the closing song has ended
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from daemon.catalog.fields import Fields

__all__ = ["ApiSettings", "ServiceSettings", "service_settings"]


@dataclass(frozen=True, slots=True)
class ApiSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    self_signed: bool = False
    tls_cert: Path | None = None
    tls_key: Path | None = None

    @property
    def https(self) -> bool:
        return self.self_signed or self.tls_cert is not None


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    api: ApiSettings = field(default_factory=ApiSettings)
    check_minutes: float = 30.0
    pages_per_minute: int = 6
    power_on: tuple[str, ...] = ()  # a command and its arguments; () for none
    power_off: tuple[str, ...] = ()


def service_settings(root: Fields, daemon: Fields, base: Path) -> ServiceSettings:
    """Read the sections; problems go to `root`'s list. `daemon` is the `[daemon]` table."""
    api = root.sub("api", required=False)
    api.only(["host", "port", "tls", "tls_cert", "tls_key"])
    host = api.text("host", required=False, default="127.0.0.1") or "127.0.0.1"
    port = api.integer("port", 8080, 1, 65535) or 8080
    tls = api.choice("tls", ["self-signed"], "", required=False)
    cert, key = (
        api.path("tls_cert", base, required=False),
        api.path("tls_key", base, required=False),
    )
    if (cert is None) != (key is None):
        given = "tls_cert" if cert is not None else "tls_key"
        api.problem(given, "tls_cert and tls_key together", f"only {given}",
                    'give both PEM files, or tls = "self-signed"')  # fmt: skip
    if tls and cert is not None:
        api.problem("tls", 'either tls = "self-signed" or tls_cert/tls_key', "both")
    for key_name, path in (("tls_cert", cert), ("tls_key", key)):
        if path is not None and not path.is_file():
            api.problem(key_name, "a PEM file", f"{path} (no such file)")
    minutes = daemon.number("check_before_opening_minutes", 30.0, 0, 180) or 0.0
    per_minute = daemon.integer("pages_per_minute", 6, 1, 60) or 6
    hooks = root.sub("hooks", required=False)
    hooks.only(["power_on", "power_off"])
    return ServiceSettings(
        ApiSettings(host, port, tls == "self-signed", cert, key),
        minutes,
        per_minute,
        _command(hooks, "power_on"),
        _command(hooks, "power_off"),
    )


def _command(hooks: Fields, key: str) -> tuple[str, ...]:
    text = hooks.text(key, required=False)
    if text is None:
        return ()
    try:
        words = tuple(shlex.split(text))
    except ValueError as err:
        hooks.problem(key, "a command line", f'"{text}" ({err})', "check the quotes")
        return ()
    return words
