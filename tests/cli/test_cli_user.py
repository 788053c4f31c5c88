"""`mall-pa user ...`: accounts from the command line; one clear line and an exit status on failure.

These run the production argon2 settings (about 0.1 s a hash): the command as shipped.
"""

from __future__ import annotations

import getpass
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon.__main__ import main
from daemon.accounts import Accounts
from daemon.store import Store
from daemon.views import LoginRefused
from tests.cli.test_cli_errors import CONFIG as STORE_CONFIG

CONFIG = STORE_CONFIG + '\n[daemon]\nstate_dir = "state"\n'

PASSWORD = "柜台-desk-2026"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A store's config (the catalog's files need not exist: `user` reads only the config)."""
    path = tmp_path / "mall-pa.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def db(config: Path) -> Path:
    return config.parent / "state" / "mall-pa.db"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


@pytest.fixture
def admin(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    args = ["user", "add", "王芳", "--role", "admin", "--role", "supervisor"]
    assert run(capsys, monkeypatch, *args, "--config", str(config), stdin=PASSWORD + "\n")[0] == 0
    yield "王芳"


def login(db: Path, name: str, password: str) -> str:
    with Store(db) as store:
        return Accounts(store).authenticate(name, password, "test").user.name


def test_add_then_list(
    config: Path, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["user", "add", "陈静", "--role", "announcer", "--role", "staff", "--trained"]
    status, out, err = run(capsys, monkeypatch, *args, "--config", str(config), stdin=PASSWORD)
    assert (status, out, err) == (0, "added 陈静 (announcer, staff)\n", "")
    assert login(db, "陈静", PASSWORD) == "陈静"
    status, out, _ = run(capsys, monkeypatch, "user", "list", "--config", str(config))
    assert status == 0
    assert out.splitlines() == [
        "name  roles            trained  disabled",
        "陈静  announcer,staff  yes      no",
    ]
    with Store(db) as store:
        line = store.audit_log()[-1]  # the first line: the login came after
    assert (line.actor, line.address, line.action, line.target) == (
        f"cli:{getpass.getuser()}",
        "local",
        "user_add",
        "陈静",
    )
    assert PASSWORD.encode() not in b"".join(p.read_bytes() for p in db.parent.iterdir())


def test_an_empty_list_says_how_to_begin(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _ = run(capsys, monkeypatch, "user", "list", "--config", str(config))
    assert status == 0 and "mall-pa user add NAME --role admin" in out


def test_on_a_terminal_the_password_is_asked_twice(
    config: Path, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([PASSWORD, PASSWORD, PASSWORD, "something-else"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin", Terminal())
    assert main(["user", "add", "李娜", "--role", "staff", "--config", str(config)]) == 0
    assert main(["user", "add", "赵刚", "--role", "staff", "--config", str(config)]) == 2
    out, err = capsys.readouterr()
    assert err == "mall-pa: the two passwords differ; nothing changed\n"
    assert PASSWORD not in out + err
    assert login(db, "李娜", PASSWORD) == "李娜"
    with Store(db) as store:
        assert store.user("赵刚") is None


def test_refusals_exit_1_with_the_reason(
    admin: str, config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = ["--config", str(config)]
    status, _, err = run(capsys, monkeypatch, "user", "add", "王芳", "--role", "staff", *cfg,
                         stdin=PASSWORD)  # fmt: skip
    assert status == 1
    assert err == "mall-pa: refused (name_taken): 已经有叫「王芳」的用户了,请换个名字\n"
    status, _, err = run(capsys, monkeypatch, "user", "add", "李娜", "--role", "staff", *cfg,
                         stdin="short\n")  # fmt: skip
    assert (status, err) == (1, "mall-pa: refused (password_short): 密码至少 8 个字符\n")
    status, _, err = run(capsys, monkeypatch, "user", "disable", "nobody", *cfg)
    assert (status, err) == (1, "mall-pa: refused (no_user): 没有叫「nobody」的用户\n")
    status, _, err = run(capsys, monkeypatch, "user", "disable", "王芳", *cfg)
    assert status == 1 and err.startswith("mall-pa: refused (last_admin):")


def test_mistakes_exit_2(
    config: Path, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = ["--config", str(config)]
    status, _, err = run(capsys, monkeypatch, "user", "add", "李娜", "--role", "staff", *cfg)
    assert (status, err) == (
        2,
        "mall-pa: no password on standard input (one line); nothing changed\n",
    )
    with pytest.raises(SystemExit) as exit:
        run(capsys, monkeypatch, "user", "add", "李娜", "--role", "boss", *cfg)
    assert exit.value.code == 2 and "invalid choice: 'boss'" in capsys.readouterr().err
    config.write_text(CONFIG.replace('name = "测试店"\n', ""), encoding="utf-8")
    status, _, err = run(capsys, monkeypatch, "user", "list", *cfg)
    assert status == 2 and "store.name" in err


def test_a_database_that_cannot_be_used_is_one_line(
    config: Path, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db.parent.mkdir()
    db.write_text("not a database\n")
    status, _, err = run(capsys, monkeypatch, "user", "list", "--config", str(config))
    assert status == 2 and err.count("\n") == 1
    assert err.startswith(f"mall-pa: {db} is not an SQLite database")
    db.unlink()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    status, _, err = run(capsys, monkeypatch, "user", "list", "--config", str(config))
    assert status == 2 and "written by a newer mall-pa (schema 99" in err


def test_disable_and_passwd_end_sessions(
    admin: str,
    config: Path,
    db: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cfg = ["--config", str(config)]
    run(capsys, monkeypatch, "user", "add", "陈静", "--role", "staff", *cfg, stdin=PASSWORD)
    with Store(db) as store:
        token = Accounts(store).authenticate("陈静", PASSWORD, "test").token
    status, out, _ = run(capsys, monkeypatch, "user", "passwd", "陈静", *cfg,
                         stdin="another-password\r\n")  # fmt: skip
    assert (status, out) == (0, "password changed for 陈静; their sessions are ended\n")
    assert login(db, "陈静", "another-password") == "陈静"
    with Store(db) as store:
        assert Accounts(store).session_user(token) is None
    status, out, _ = run(capsys, monkeypatch, "user", "disable", "陈静", *cfg)
    assert (status, out) == (0, "disabled 陈静; their sessions are ended\n")
    with pytest.raises(LoginRefused) as err:
        login(db, "陈静", "another-password")
    assert err.value.code == "disabled"
    _, out, _ = run(capsys, monkeypatch, "user", "list", *cfg)
    assert "陈静  staff             no       yes" in out.splitlines()
