"""`mall-pa user ...`: the desk's accounts from the command line (B15).

    mall-pa user add NAME --role R [--role R2] [--trained] --config mall-pa.toml
    mall-pa user list --config mall-pa.toml
    mall-pa user disable NAME --config mall-pa.toml
    mall-pa user passwd NAME --config mall-pa.toml

The accounts live in `daemon.state_dir/mall-pa.db`; only the config is read, not the
catalog. `add` and `passwd` ask for the password twice on a terminal, else read one line
from standard input. The audit log names the actor `cli:<OS user>` from address `local`.

Exit status: 0 done; 1 refused (a name taken, a password too short, no such user, the last
admin); 2 a mistake (the passwords differ, no password given, the database cannot be used,
a problem in the config).
"""

from __future__ import annotations

import argparse
import getpass
import sys
import unicodedata
from pathlib import Path

from daemon.accounts import Accounts, normalize_name
from daemon.catalog.config import load_config
from daemon.store import Store, StoreError
from daemon.views import ControlError, Role, User

__all__ = ["DATABASE", "add_user_commands", "run_user_command"]

DATABASE = "mall-pa.db"
"""The store's file name inside `daemon.state_dir`."""

REFUSED, MISTAKE = 1, 2


class _Mistake(Exception):
    """A mistake in how the command was used: printed, exit status 2."""


def add_user_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `user` and its subcommands on the main parser's subcommands."""
    user = commands.add_parser("user", help="add, list, disable users or change a password")
    actions = user.add_subparsers(dest="user_command", required=True)
    add = actions.add_parser("add", help="add a user (asks for the password)")
    add.add_argument("name")
    add.add_argument("--role", action="append", required=True, choices=[r.value for r in Role],
                     help="a role; repeat for several")  # fmt: skip
    add.add_argument("--trained", action="store_true", help="a trained announcer (B7)")
    actions.add_parser("list", help="list every user")
    disable = actions.add_parser("disable", help="disable a user and end their sessions")
    disable.add_argument("name")
    passwd = actions.add_parser("passwd", help="set a user's password (ends their sessions)")
    passwd.add_argument("name")
    for action in (add, actions.choices["list"], disable, passwd):
        action.add_argument("--config", type=Path, required=True, help="the store's mall-pa.toml")


def run_user_command(args: argparse.Namespace) -> int:
    """Run `mall-pa user ...`; the exit status (module docstring). `InputError` from the
    config is left to the caller."""
    config = load_config(args.config)
    actor, address = f"cli:{_os_user()}", "local"
    try:
        with Store(config.state_dir / DATABASE) as store:
            accounts = Accounts(store)
            if args.user_command == "list":
                _print_table(accounts.users())
            elif args.user_command == "add":
                user = accounts.add_user(
                    args.name, _password(), args.role, args.trained, actor, address
                )
                print(f"added {user.name} ({', '.join(sorted(user.roles))})")
            elif args.user_command == "disable":
                accounts.disable(args.name, actor, address)
                print(f"disabled {normalize_name(args.name)}; their sessions are ended")
            else:
                accounts.set_password(args.name, _password(), actor, address)
                print(f"password changed for {normalize_name(args.name)}; their sessions are ended")
        return 0
    except ControlError as err:
        print(f"mall-pa: refused ({err.code}): {err.message}", file=sys.stderr)
        return REFUSED
    except (_Mistake, StoreError) as err:
        print(f"mall-pa: {err}", file=sys.stderr)
        return MISTAKE


def _password() -> str:
    """The new password: asked twice on a terminal, else one line of standard input."""
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            first = getpass.getpass("new password: ")
            second = getpass.getpass("again: ")
        except (EOFError, KeyboardInterrupt):
            raise _Mistake("no password given; nothing changed") from None
        if first != second:
            raise _Mistake("the two passwords differ; nothing changed")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise _Mistake("no password on standard input (one line); nothing changed")
    return line.rstrip("\r\n")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without an /etc/passwd entry)
        return "unknown"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _print_table(users: list[User]) -> None:
    if not users:
        print("no users yet: add one with `mall-pa user add NAME --role admin --config ...`")
        return
    rows = [("name", "roles", "trained", "disabled")]
    for u in users:
        roles = ",".join(sorted(u.roles))
        rows.append((u.name, roles, "yes" if u.trained else "no", "yes" if u.disabled else "no"))
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[3]]))
