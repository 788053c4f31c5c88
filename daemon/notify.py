"""The systemd notify protocol (sd_notify(3)) in the standard library.

Contract:

- `Notifier.from_environment()` reads `NOTIFY_SOCKET` (a filesystem path, or an abstract
  socket when it starts with "@"), `WATCHDOG_USEC` and `WATCHDOG_PID`. The watchdog applies
  only when `WATCHDOG_PID` is unset or is this process's id. The environment is not changed.
- Without `NOTIFY_SOCKET` (not started by systemd, tests, the CLI) every method is a cheap
  no-op and no socket is ever created.
- Messages are UTF-8 (a Chinese `STATUS=` arrives intact). A status text cannot inject other
  assignments: line breaks and NULs in it become spaces.
- One AF_UNIX datagram socket, opened on the first message and kept; non-blocking, so a
  manager that does not read never stalls the caller (the audio path calls `watchdog()`).
  Each message is sent with `sendto`, so a manager restarted in between is found again.
- A failed send never raises: it is logged at WARNING the first time, and again only after
  a send has succeeded in between (no log flood from a 10 ms audio loop).
- Thread-safe: the watchdog ping and status updates may come from different threads.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Mapping

__all__ = ["Notifier"]

log = logging.getLogger(__name__)

_UNSAFE = str.maketrans({"\r": " ", "\n": " ", "\0": " "})


def _address(value: str) -> bytes:
    """The socket address of a `NOTIFY_SOCKET` value: "@name" is the abstract "\\0name"."""
    if value.startswith("@"):
        return b"\0" + value[1:].encode("utf-8", "surrogateescape")
    return os.fsencode(value)


def _watchdog_usec(env: Mapping[str, str]) -> int | None:
    """`WATCHDOG_USEC` if it is a positive integer meant for this process, else None."""
    pid = env.get("WATCHDOG_PID")
    if pid is not None and pid.strip() != str(os.getpid()):
        return None
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    return usec if usec > 0 else None


class Notifier:
    """Tells systemd how the service is doing: ready, status, watchdog, stopping."""

    def __init__(self, socket_path: str | None = None, watchdog_usec: int | None = None) -> None:
        """`socket_path` as in `NOTIFY_SOCKET` (None: do nothing); `watchdog_usec` as in
        `WATCHDOG_USEC` (None: no watchdog)."""
        self._name = socket_path or None
        self._address = None if self._name is None else _address(self._name)
        self._watchdog_usec = watchdog_usec if self._address is not None else None
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._failing = False

    @classmethod
    def from_environment(cls, env: Mapping[str, str] = os.environ) -> Notifier:
        """The notifier systemd asked for through the environment (see the module's contract)."""
        return cls(env.get("NOTIFY_SOCKET") or None, _watchdog_usec(env))

    @property
    def enabled(self) -> bool:
        """True when messages go to a manager (`NOTIFY_SOCKET` was set)."""
        return self._address is not None

    @property
    def watchdog_interval(self) -> float | None:
        """Seconds between `watchdog()` pings: half of `WATCHDOG_USEC`, as systemd advises;
        None when no watchdog is asked of this process."""
        return None if self._watchdog_usec is None else self._watchdog_usec / 2_000_000

    def ready(self) -> None:
        """Start-up is finished (Type=notify: systemd considers the unit started now)."""
        self._send("READY=1")

    def status(self, text: str) -> None:
        """A one-line status shown by `systemctl status`; line breaks become spaces."""
        self._send("STATUS=" + text.translate(_UNSAFE))

    def watchdog(self) -> None:
        """The service is alive (WATCHDOG=1); a no-op when no watchdog is asked of it."""
        if self._watchdog_usec is not None:
            self._send("WATCHDOG=1")

    def stopping(self) -> None:
        """The service has begun to stop."""
        self._send("STOPPING=1")

    def reloading(self) -> None:
        """The service is reloading its configuration; send `ready()` when done."""
        self._send(f"RELOADING=1\nMONOTONIC_USEC={time.monotonic_ns() // 1000}")

    def extend_timeout(self, seconds: float) -> None:
        """Ask for `seconds` more to finish starting or stopping (EXTEND_TIMEOUT_USEC)."""
        self._send(f"EXTEND_TIMEOUT_USEC={max(0, int(seconds * 1_000_000))}")

    def close(self) -> None:
        """Close the socket; a later message opens a new one."""
        with self._lock:
            if self._socket is not None:
                self._socket.close()
                self._socket = None

    def _send(self, message: str) -> None:
        if self._address is None:
            return
        data = message.encode("utf-8", "replace")
        with self._lock:
            try:
                if self._socket is None:
                    self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                    self._socket.setblocking(False)
                self._socket.sendto(data, self._address)
            except OSError as error:
                if not self._failing:
                    self._failing = True
                    log.warning(
                        "systemd notify: cannot send %s to NOTIFY_SOCKET %r: %s "
                        "(further failures are not logged until a send succeeds)",
                        message.split("=", 1)[0],
                        self._name,
                        error,
                    )
                return
            if self._failing:
                self._failing = False
                log.info("systemd notify: sending to NOTIFY_SOCKET %r works again", self._name)
