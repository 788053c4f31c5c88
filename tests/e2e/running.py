"""A short-track store on disk and the real `mall-pa run` process around it, for end-to-end tests.

The store is open all day (00:00-24:00) so that the tests run at any hour, and keeps the clock
of `STORE_TIMEZONE`, where it is near noon whenever the tests start: a run of minutes never meets
the store's midnight, when today's plan and log give way to tomorrow's (a CI run at 16:00 UTC
met Shanghai's, and the desk's pages lost what they had just aired). Its songs are 3-4 s tones,
its stings 0.3 s, on the null output device (real time, silent). `Running` starts the process,
waits until /healthz answers, and talks to it over HTTP like a phone.
Waiting here is for a real process in real time: each wait polls with a deadline.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import httpx

from tests.audio.tones import write_tone

__all__ = ["STORE_TIMEZONE", "STORE_ZONE", "Running", "make_store", "running_process", "wait_for"]

T = TypeVar("T")
MALL_PA = Path(sys.executable).with_name("mall-pa")


def _noon_zone() -> str:
    """The whole-hour fixed-offset zone (no summer time) where it is 11:30-12:30 now."""
    now = datetime.now(UTC)
    hours = 12 - round(now.hour + now.minute / 60)
    return f"Etc/GMT{-hours:+d}"  # POSIX signs: Etc/GMT-8 is eight hours ahead of UTC


STORE_TIMEZONE = _noon_zone()
"""The test store's zone, for its config and the browsers' clocks."""
STORE_ZONE = ZoneInfo(STORE_TIMEZONE)

CONFIG = """
[store]
name = "测试店"
timezone = "{timezone}"
opening = "00:00"
closing = "24:00"

[[music.daypart]]
name = "all-day"
start = "00:00"
end = "24:00"
playlist = "playlist.m3u8"
order = "sequential"

[breaks]
intro = "intro.wav"
outro = "outro.wav"
alert = "alert.wav"

[library]
scripts = "scripts"

[audio]
device = "null"

[api]
port = {port}

[paging]
places = ["一楼服务台", "二楼服务台", "三楼办公室"]

[daemon]
state_dir = "state"
check_before_opening_minutes = 0
pages_per_minute = 60
"""

FIRE = """
id = "fire"
kind = "emergency"
title = "火警疏散"
text = "请注意,请立即疏散。"
approved_by = "安全部"
approved_at = "2026-11-01"
repeat_every_seconds = 6
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_store(folder: Path, scripts: dict[str, str] | None = None, tls: bool = False) -> Path:
    """Write the short-track store into `folder`, with more `scripts` (name -> TOML text),
    served over HTTPS with its own certificate if `tls`; returns its config."""
    folder.mkdir(parents=True, exist_ok=True)
    songs = []
    for i, seconds in enumerate([3.0, 3.5, 4.0, 3.2]):
        write_tone(folder / f"song{i}.wav", seconds, 220.0 + 110 * i)
        songs.append(f"song{i}.wav")
    (folder / "playlist.m3u8").write_text("\n".join(songs) + "\n", encoding="utf-8")
    for name, freq in (("intro", 880.0), ("outro", 660.0), ("alert", 1000.0)):
        write_tone(folder / f"{name}.wav", 0.3, freq)
    (folder / "scripts").mkdir(exist_ok=True)
    (folder / "scripts" / "fire.toml").write_text(FIRE, encoding="utf-8")
    for name, text in (scripts or {}).items():
        (folder / "scripts" / f"{name}.toml").write_text(text, encoding="utf-8")
    config = folder / "mall-pa.toml"
    text = CONFIG.format(port=free_port(), timezone=STORE_TIMEZONE)
    if tls:
        text = text.replace("[api]\n", '[api]\ntls = "self-signed"\n')
    config.write_text(text, encoding="utf-8")
    return config


def wait_for(what: str, probe: Callable[[], T | None], seconds: float = 20.0) -> T:
    """Poll `probe` until it returns something, at most `seconds`; fail naming `what`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found is not None and found is not False:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")


class Running:
    """`mall-pa run` on `config`, its output in `log`."""

    def __init__(
        self, config: Path, env: dict[str, str] | None = None, scheme: str = "http"
    ) -> None:
        self.config = config
        port = int(config.read_text(encoding="utf-8").split("port = ")[1].split()[0])
        self.base = f"{scheme}://127.0.0.1:{port}"
        self.log = config.with_name(f"run-{time.monotonic_ns()}.log")
        self.started = time.time()
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(MALL_PA), "run", "--config", str(config)],
                stdout=out, stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            )  # fmt: skip
        weakref.finalize(self, _reap, self.process)  # a failed test leaves no service behind
        verify: ssl.SSLContext | bool = True
        if scheme == "https":  # the service makes its certificate at start: trust that one
            cert = config.parent / "state" / "tls" / "mall-pa.crt"
            wait_for("the service's certificate", lambda: cert.is_file() or None, 30)
            verify = ssl.create_default_context(cafile=str(cert))
        self.http = httpx.Client(base_url=self.base, timeout=10, verify=verify)
        wait_for("/healthz", self._healthy, 30)

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"mall-pa exited {self.process.returncode}:\n{self.output()}")
        try:
            return self.http.get("/healthz").status_code == 200
        except httpx.TransportError:
            return False

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def setup_link_token(self) -> str | None:
        for line in self.output().splitlines():
            if "/setup?token=" in line:
                return line.rsplit("token=", 1)[1].strip()
        return None

    def login(self, name: str, password: str) -> dict[str, str]:
        answer = self.http.post("/api/login", json={"name": name, "password": password})
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['token']}"}

    def get(self, path: str, auth: dict[str, str]) -> Any:
        answer = self.http.get(path, headers=auth)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def post(self, path: str, body: dict[str, Any], auth: dict[str, str]) -> httpx.Response:
        return self.http.post(path, json=body, headers=auth)

    def children(self) -> list[int]:
        """The service's own child processes (its decode process), running or not yet reaped."""
        return [pid for pid in _processes() if _stat(pid)[1] == self.process.pid]

    def kill(self) -> None:
        """kill -9: no clean stop, no finally, nothing flushed but what was committed."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.http.close()

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """SIGTERM, as systemd stops it (or Ctrl-C's SIGINT); the exit status."""
        self.process.send_signal(signum)
        code = self.process.wait(20)
        self.http.close()
        return code


def _processes() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _stat(pid: int) -> tuple[str, int]:
    """A process's state letter and parent, or ("", 0) once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return "", 0
    return fields[0], int(fields[1])


def running_process(pid: int) -> bool:
    """Whether `pid` is a process that has not ended (a zombie has: it awaits its reaping)."""
    return _stat(pid)[0] not in ("", "Z", "X")


def _reap(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(10)


def user_add(config: Path, name: str, password: str, *roles: str, trained: bool = False) -> None:
    args = [str(MALL_PA), "user", "add", name, "--config", str(config)]
    args += [a for role in roles for a in ("--role", role)] + (["--trained"] if trained else [])
    done = subprocess.run(args, input=password + "\n", capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def asrun(running: Running, auth: dict[str, str]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = running.get("/api/timeline", auth)["entries"]
    return entries


def dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)
