"""daemon.notify against a fake NOTIFY_SOCKET: a real AF_UNIX datagram socket in tmp_path."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon.notify import Notifier


@pytest.fixture
def manager(tmp_path: Path) -> Iterator[tuple[str, socket.socket]]:
    """A bound datagram socket standing in for systemd, and its NOTIFY_SOCKET value."""
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(2)
        yield str(path), sock


def received(sock: socket.socket) -> bytes:
    return sock.recv(4096)


def test_messages_arrive_exactly(manager: tuple[str, socket.socket]) -> None:
    path, sock = manager
    n = Notifier.from_environment({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"})
    assert n.enabled
    n.ready()
    assert received(sock) == b"READY=1"
    n.status("正在播放:请勿拆商品包装")
    assert received(sock) == "STATUS=正在播放:请勿拆商品包装".encode()
    n.watchdog()
    assert received(sock) == b"WATCHDOG=1"
    n.stopping()
    assert received(sock) == b"STOPPING=1"
    n.extend_timeout(2.5)
    assert received(sock) == b"EXTEND_TIMEOUT_USEC=2500000"
    n.reloading()
    lines = received(sock).split(b"\n")
    assert lines[0] == b"RELOADING=1"
    assert lines[1].startswith(b"MONOTONIC_USEC=") and int(lines[1][15:]) > 0
    n.close()


def test_status_cannot_inject_assignments(manager: tuple[str, socket.socket]) -> None:
    path, sock = manager
    n = Notifier(path)
    n.status("寻人广播\nREADY=1\r\nSTOPPING=1\0x")
    assert received(sock) == "STATUS=寻人广播 READY=1  STOPPING=1 x".encode()


def test_abstract_socket() -> None:
    name = f"mall-pa-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(b"\0" + name.encode())
        sock.settimeout(2)
        n = Notifier.from_environment({"NOTIFY_SOCKET": "@" + name})
        n.ready()
        n.status("开始营业")
        assert received(sock) == b"READY=1"
        assert received(sock) == "STATUS=开始营业".encode()


def test_watchdog_interval_is_half_the_timeout(manager: tuple[str, socket.socket]) -> None:
    path, _ = manager
    env = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"}
    assert Notifier.from_environment(env).watchdog_interval == 15.0
    env["WATCHDOG_USEC"] = "1500000"
    assert Notifier.from_environment(env).watchdog_interval == 0.75
    env["WATCHDOG_PID"] = str(os.getpid())
    assert Notifier.from_environment(env).watchdog_interval == 0.75
    for bad in ("", "0", "-5", "soon"):
        env["WATCHDOG_USEC"] = bad
        assert Notifier.from_environment(env).watchdog_interval is None
    assert Notifier.from_environment({"NOTIFY_SOCKET": path}).watchdog_interval is None
    # No manager to ping: no watchdog either.
    assert Notifier.from_environment({"WATCHDOG_USEC": "30000000"}).watchdog_interval is None


def test_watchdog_of_another_process_is_not_ours(manager: tuple[str, socket.socket]) -> None:
    path, sock = manager
    other = str(os.getpid() + 1)
    n = Notifier.from_environment(
        {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": other}
    )
    assert n.watchdog_interval is None
    n.watchdog()  # sends nothing
    n.ready()  # the other messages still go
    assert received(sock) == b"READY=1"


def test_failed_send_warns_once_until_a_success(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "not-there"
    n = Notifier(str(path), watchdog_usec=30_000_000)
    with caplog.at_level(logging.WARNING, logger="daemon.notify"):
        n.ready()
        n.watchdog()
        n.status("x")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert str(path) in warnings[0].getMessage() and "READY" in warnings[0].getMessage()

    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        n.watchdog()  # succeeds: the next failure is worth a warning again
        assert sock.recv(64) == b"WATCHDOG=1"
    path.unlink()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="daemon.notify"):
        n.watchdog()
        n.watchdog()
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


def test_without_notify_socket_no_socket_is_created(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_socket(*args: object, **kwargs: object) -> socket.socket:
        raise AssertionError("a socket was created")

    monkeypatch.setattr(socket, "socket", no_socket)
    for env in ({}, {"NOTIFY_SOCKET": ""}, {"WATCHDOG_USEC": "30000000"}):
        n = Notifier.from_environment(env)
        assert not n.enabled
        n.ready()
        n.status("营业中")
        n.watchdog()
        n.stopping()
        n.reloading()
        n.extend_timeout(10)
        n.close()


def test_one_socket_shared_by_threads(manager: tuple[str, socket.socket]) -> None:
    path, sock = manager
    n = Notifier(path, watchdog_usec=1_000_000)
    made: list[socket.socket] = []
    real = socket.socket

    def counting(*args: object, **kwargs: object) -> socket.socket:
        made.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    start = threading.Barrier(4)

    def ping(k: int) -> None:
        start.wait()
        for _ in range(2):  # 8 datagrams: under the kernel's queue of 10
            if k % 2:
                n.watchdog()
            else:
                n.status(f"线程{k}")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket, "socket", counting)
        threads = [threading.Thread(target=ping, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    got = [received(sock) for _ in range(8)]
    assert len(made) == 1
    assert got.count(b"WATCHDOG=1") == 4
    assert sorted(set(got) - {b"WATCHDOG=1"}) == [f"STATUS=线程{k}".encode() for k in (0, 2)]
    n.close()
