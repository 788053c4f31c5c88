"""Accounts: validation, logins and sessions, the throttle, setup, and an audit without secrets.

The clock is injected (no test sleeps); the hasher is argon2id at its cheapest.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.accounts import SETUP_ROLES, Accounts, token_hash
from daemon.store import SessionRecord, Store
from daemon.throttle import MAX_KEYS, Throttle
from daemon.views import Forbidden, LoginRefused, NotFound, Refused, Role

T0 = 1_795_000_000.0
PASSWORD = "correct-horse-密码-42"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "mall-pa.db") as s:
        yield s


@pytest.fixture
def accounts(store: Store, clock: Clock) -> Accounts:
    acc = Accounts(store, clock, CHEAP)
    acc.add_user("王芳", PASSWORD, ["admin", "supervisor"], False, "cli:root", "local")
    acc.add_user("陈静", PASSWORD, [Role.ANNOUNCER], True, "王芳", "10.0.0.5")
    return acc


def refused(call: object) -> Refused:
    assert callable(call)
    with pytest.raises(Refused) as err:
        call()
    return err.value


def login_refused(acc: Accounts, name: str, password: str, address: str = "10.0.0.9") -> str:
    with pytest.raises(LoginRefused) as err:
        acc.authenticate(name, password, address)
    return err.value.code


# -- users ---------------------------------------------------------------------------------


def test_a_user_is_added_with_roles_and_the_audit_says_who(
    accounts: Accounts, store: Store
) -> None:
    user = accounts.add_user(" 李娜 ", "12345678", ["staff"], False, "王芳", "10.0.0.5")
    assert (user.name, user.roles, user.trained, user.disabled) == (
        "李娜",
        frozenset({Role.STAFF}),
        False,
        False,
    )
    assert [u.name for u in accounts.users()] == sorted(["王芳", "陈静", "李娜"])
    line = store.audit_log(limit=1)[0]
    assert (line.actor, line.address, line.action, line.target) == (
        "王芳",
        "10.0.0.5",
        "user_add",
        "李娜",
    )
    assert line.detail == {"roles": ["staff"], "trained": False}


@pytest.mark.parametrize(
    ("name", "password", "roles", "code", "field"),
    [
        ("  ", PASSWORD, ["staff"], "name_empty", "name"),
        ("x" * 41, PASSWORD, ["staff"], "name_long", "name"),
        ("李\x00娜", PASSWORD, ["staff"], "name_characters", "name"),
        ("李\u200b娜", PASSWORD, ["staff"], "name_characters", "name"),
        ("李娜", "1234567", ["staff"], "password_short", "password"),
        ("李娜", "x" * 201, ["staff"], "password_long", "password"),
        ("李娜", "1234567\x08", ["staff"], "password_characters", "password"),
        ("李娜", PASSWORD, [], "no_role", "roles"),
        ("李娜", PASSWORD, ["staff", "boss"], "unknown_role", "roles"),
        ("王芳", PASSWORD, ["staff"], "name_taken", "name"),
        ("ＡＢＣ", PASSWORD, ["staff"], "name_taken", "name"),  # NFKC: the same as ABC
    ],
)
def test_bad_users_are_refused_saying_what_to_change(
    accounts: Accounts, name: str, password: str, roles: list[str], code: str, field: str
) -> None:
    accounts.add_user("ABC", PASSWORD, ["staff"], False, "王芳", "")
    err = refused(lambda: accounts.add_user(name, password, roles, False, "王芳", ""))
    assert (err.code, err.field) == (code, field) and err.message
    if code == "unknown_role":
        assert "「boss」" in err.message and "announcer" in err.message
    if code == "password_short":
        assert err.message == "密码至少 8 个字符"
    assert len(accounts.users()) == 3


def test_forty_characters_and_eight_are_enough(accounts: Accounts) -> None:
    accounts.add_user("名" * 40, "八个字符八个字符", ["staff"], False, "王芳", "")
    accounts.add_user("x", "p" * 200, ["staff"], False, "王芳", "")
    assert accounts.authenticate("名" * 40, "八个字符八个字符", "a").user.name == "名" * 40


# -- logging in ----------------------------------------------------------------------------


def test_a_login_opens_a_session(accounts: Accounts, store: Store, clock: Clock) -> None:
    session = accounts.authenticate("王芳", PASSWORD, "10.0.0.5")
    assert session.user.name == "王芳" and session.user.roles == {Role.ADMIN, Role.SUPERVISOR}
    assert len(session.token) >= 43 and len(session.csrf) >= 32
    expires = datetime.fromtimestamp(T0 + 12 * 3600, UTC)
    assert session.expires_at == expires.isoformat(timespec="seconds")  # ends "+00:00"
    rec = store.session(token_hash(session.token))
    assert rec is not None and rec.expires_at == T0 + 12 * 3600 and rec.address == "10.0.0.5"
    assert store.session(session.token) is None  # stored hashed only
    assert accounts.session_user(session.token) == (session.user, session.csrf)
    assert accounts.session_user("not a token") is None
    assert store.audit_log(limit=1)[0].action == "login"


def test_a_full_width_password_is_the_same_password(accounts: Accounts) -> None:
    accounts.add_user("李娜", "１２３４５６７８", ["staff"], False, "王芳", "")
    assert accounts.authenticate("李娜", "12345678", "a").user.name == "李娜"


def test_wrong_name_and_wrong_password_look_the_same(accounts: Accounts, store: Store) -> None:
    for name, password in (("王芳", "wrong-password"), ("nobody", PASSWORD)):
        with pytest.raises(LoginRefused) as err:
            accounts.authenticate(name, password, "10.0.0.9")
        assert (err.value.code, err.value.message, err.value.retry_after) == (
            "bad_credentials",
            "用户名或密码不对",
            0,
        )
    failed = store.audit_log(limit=2)
    assert [(r.action, r.target, r.detail["reason"]) for r in failed] == [
        ("login_failed", "", "unknown_name"),  # a typed name that is no one's is not kept
        ("login_failed", "王芳", "bad_password"),
    ]


def test_a_disabled_user_cannot_log_in_or_use_a_session(accounts: Accounts, store: Store) -> None:
    session = accounts.authenticate("陈静", PASSWORD, "10.0.0.5")
    accounts.disable("陈静", "王芳", "10.0.0.5")
    assert accounts.session_user(session.token) is None
    assert store.session(token_hash(session.token)) is None  # disabling ended it
    assert login_refused(accounts, "陈静", PASSWORD) == "disabled"
    assert login_refused(accounts, "陈静", "wrong-password") == "bad_credentials"
    chen = next(u for u in accounts.users() if u.name == "陈静")
    assert chen.disabled
    # a session left behind (made before a crash, say) does not work either
    store.add_session(SessionRecord(token_hash("left-behind"), chen.id, "c", T0, T0 + 3600, ""))
    assert accounts.session_user("left-behind") is None


def test_the_last_admin_cannot_be_disabled(accounts: Accounts) -> None:
    err = refused(lambda: accounts.disable("王芳", "王芳", ""))
    assert err.code == "last_admin"
    accounts.add_user("赵刚", PASSWORD, ["admin"], False, "王芳", "")
    accounts.disable("王芳", "赵刚", "")
    with pytest.raises(NotFound):
        accounts.disable("nobody", "赵刚", "")


def test_a_session_expires(accounts: Accounts, store: Store, clock: Clock) -> None:
    session = accounts.authenticate("王芳", PASSWORD, "10.0.0.5")
    clock.advance(12 * 3600 - 1)
    assert accounts.session_user(session.token) is not None
    clock.advance(1)
    assert accounts.session_user(session.token) is None
    assert store.session(token_hash(session.token)) is None


def test_short_sessions_and_pruning(store: Store, clock: Clock) -> None:
    acc = Accounts(store, clock, CHEAP, session_hours=0.5)
    acc.add_user("王芳", PASSWORD, ["admin"], False, "cli:root", "local")
    tokens = [acc.authenticate("王芳", PASSWORD, "a").token for _ in range(3)]
    clock.advance(1800)
    assert acc.prune_sessions() == 3
    assert all(store.session(token_hash(t)) is None for t in tokens)


def test_logout_ends_the_session(accounts: Accounts, store: Store) -> None:
    session = accounts.authenticate("王芳", PASSWORD, "10.0.0.5")
    accounts.logout(session.token, "10.0.0.5")
    assert accounts.session_user(session.token) is None
    accounts.logout(session.token, "10.0.0.5")  # twice is fine
    accounts.logout("never-a-token", "10.0.0.5")
    assert [r.action for r in store.audit_log(limit=2)] == ["logout", "login"]


def test_a_new_password_ends_the_old_sessions(accounts: Accounts, store: Store) -> None:
    session = accounts.authenticate("陈静", PASSWORD, "10.0.0.5")
    accounts.set_password(" 陈静", "新密码-new-pass", "cli:root", "local")
    assert accounts.session_user(session.token) is None
    assert login_refused(accounts, "陈静", PASSWORD) == "bad_credentials"
    assert accounts.authenticate("陈静", "新密码-new-pass", "a").user.name == "陈静"
    line = store.audit_log(limit=3)[-1]
    assert (line.action, line.target, line.detail) == (
        "password_change",
        "陈静",
        {"sessions_ended": 1},
    )
    assert refused(lambda: accounts.set_password("陈静", "short", "x", "")).code == "password_short"
    with pytest.raises(NotFound):
        accounts.set_password("nobody", "long-enough", "x", "")


def test_an_old_hash_is_renewed_on_login(store: Store, clock: Clock) -> None:
    Accounts(store, clock, CHEAP).add_user("王芳", PASSWORD, ["admin"], False, "x", "")
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    Accounts(store, clock, stronger).authenticate("王芳", PASSWORD, "a")
    rec = store.user("王芳")
    assert rec is not None and "$m=16,t=2,p=1$" in rec.password_hash
    assert Accounts(store, clock, stronger).authenticate("王芳", PASSWORD, "a")


# -- the throttle --------------------------------------------------------------------------


def test_after_five_failures_the_account_waits_longer_each_time(
    accounts: Accounts, clock: Clock
) -> None:
    for i in range(5):
        assert login_refused(accounts, "王芳", "wrong", f"10.0.0.{i}") == "bad_credentials"
    waits = []
    for _ in range(9):
        with pytest.raises(LoginRefused) as err:
            accounts.authenticate("王芳", PASSWORD, "10.0.1.1")  # even the right password
        assert err.value.code == "slow_down" and f"{err.value.retry_after} 秒" in err.value.message
        waits.append(err.value.retry_after)
        clock.advance(err.value.retry_after)
        assert login_refused(accounts, "王芳", "wrong", "10.0.1.1") == "bad_credentials"
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 300]
    clock.advance(299.5)  # the oldest failures have left the 15 minutes: three remain
    assert accounts.authenticate("王芳", PASSWORD, "10.0.1.1").user.name == "王芳"


def test_retry_after_is_whole_seconds_at_least_one(accounts: Accounts, clock: Clock) -> None:
    for _ in range(5):
        login_refused(accounts, "王芳", "wrong")
    clock.advance(1.2)
    with pytest.raises(LoginRefused) as err:
        accounts.authenticate("王芳", PASSWORD, "10.0.0.5")
    assert (err.value.code, err.value.retry_after) == ("slow_down", 1)
    clock.advance(0.79)
    with pytest.raises(LoginRefused) as err:
        accounts.authenticate("王芳", PASSWORD, "10.0.0.5")
    assert err.value.retry_after == 1


def test_the_window_slides_and_success_resets_the_account(accounts: Accounts, clock: Clock) -> None:
    for _ in range(4):
        login_refused(accounts, "王芳", "wrong", "10.0.0.1")
    accounts.authenticate("王芳", PASSWORD, "10.0.0.2")
    for _ in range(4):
        login_refused(accounts, "王芳", "wrong", "10.0.0.3")
    accounts.authenticate("王芳", PASSWORD, "10.0.0.4")  # not slowed down: the count restarted
    for _ in range(5):
        clock.advance(200)
        login_refused(accounts, "陈静", "wrong", f"10.0.2.{_}")
    assert login_refused(accounts, "陈静", PASSWORD, "10.0.3.1") == "slow_down"
    clock.advance(15 * 60 - 799)  # the first of the five is now 15 minutes old
    assert accounts.authenticate("陈静", PASSWORD, "10.0.3.1").user.name == "陈静"


def test_one_address_trying_many_names_is_slowed_down(accounts: Accounts, clock: Clock) -> None:
    for i in range(5):
        login_refused(accounts, f"guess{i}", "wrong", "192.168.1.66")
    assert login_refused(accounts, "王芳", PASSWORD, "192.168.1.66") == "slow_down"
    assert accounts.authenticate("王芳", PASSWORD, "192.168.1.10").user.name == "王芳"
    clock.advance(2)
    assert accounts.authenticate("王芳", PASSWORD, "192.168.1.66").user.name == "王芳"


def test_parallel_guesses_are_counted_before_they_are_checked(accounts: Accounts) -> None:
    codes: list[str] = []

    def guess(i: int) -> None:
        try:
            accounts.authenticate("王芳", f"guess-{i}", f"10.9.0.{i}")
        except LoginRefused as err:
            codes.append(err.code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == ["bad_credentials"] * 5 + ["slow_down"] * 15


def test_many_people_behind_one_address_log_in_at_once(accounts: Accounts) -> None:
    names = [f"店员{i}" for i in range(8)]
    for name in names:
        accounts.add_user(name, PASSWORD, ["staff"], False, "王芳", "local")
    codes: list[str] = []

    def login(name: str) -> None:
        try:
            accounts.authenticate(name, PASSWORD, "192.168.1.1")  # the store's Wi-Fi
            codes.append("ok")
        except LoginRefused as err:
            codes.append(err.code)

    threads = [threading.Thread(target=login, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == ["ok"] * 8


def test_the_throttle_stays_small_under_a_flood() -> None:
    throttle = Throttle()
    rng = random.Random(1)
    for i in range(3 * MAX_KEYS):
        throttle.fail(f"name-{rng.random()}", T0 + i / 100)
        throttle.fail("the-attacker", T0 + i / 100)
    assert len(throttle) == MAX_KEYS
    assert throttle.wait("the-attacker", T0 + 300) > 0  # the busiest key is kept
    assert throttle.wait("name-never-seen", T0) == 0
    assert throttle.wait("the-attacker", T0 + 3 * MAX_KEYS / 100 + 900) == 0
    assert len(throttle) == MAX_KEYS - 1  # an expired key is pruned when looked at


def test_huge_names_do_not_make_huge_keys(accounts: Accounts) -> None:
    for i in range(3):
        login_refused(accounts, "x" * 100_000 + str(i), "wrong", "a" * 100_000)
    assert all(len(k) <= 100 for k in accounts._names._failures)
    assert all(len(k) <= 100 for k in accounts._addresses._failures)


# -- first run -----------------------------------------------------------------------------


def test_setup_creates_the_first_admin_once(store: Store, clock: Clock) -> None:
    acc = Accounts(store, clock, CHEAP)
    older = acc.setup_token()
    token = acc.setup_token()
    assert older and token and older != token
    with pytest.raises(Forbidden) as err:
        acc.setup(older, "王芳", PASSWORD, "10.0.0.5")  # replaced by the newer one
    assert err.value.code == "setup_token"
    assert refused(lambda: acc.setup(token, "王芳", "short", "")).code == "password_short"
    session = acc.setup(token, " 王芳 ", PASSWORD, "10.0.0.5")  # the token survived the refusal
    assert session.user.name == "王芳" and session.user.roles == SETUP_ROLES
    assert not session.user.trained
    assert acc.session_user(session.token) is not None
    with pytest.raises(Forbidden) as err:
        acc.setup(token, "赵刚", PASSWORD, "10.0.0.5")
    assert err.value.code == "setup_closed"
    assert acc.setup_token() is None
    assert store.audit_log(limit=1)[0].action == "setup"


def test_a_spent_token_does_not_work_again(store: Store, clock: Clock) -> None:
    acc = Accounts(store, clock, CHEAP)
    token = acc.setup_token()
    assert token is not None
    with pytest.raises(Forbidden):
        acc.setup("", "王芳", PASSWORD, "")
    acc.setup(token, "王芳", PASSWORD, "")
    store.set_disabled(1, True)  # no enabled admin any more: setup reopens, with a new token
    with pytest.raises(Forbidden) as err:
        acc.setup(token, "赵刚", PASSWORD, "")
    assert err.value.code == "setup_token"


def test_no_setup_token_once_an_admin_exists(accounts: Accounts) -> None:
    assert accounts.setup_token() is None
    with pytest.raises(Forbidden) as err:
        accounts.setup("anything", "x", PASSWORD, "")
    assert err.value.code == "setup_closed"


# -- secrets -------------------------------------------------------------------------------


def test_no_password_token_or_hash_is_ever_written_down(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "mall-pa.db"
    secrets_seen: list[str] = ["wrong-password-xyz", "新密码-second-pass", PASSWORD]
    with Store(path) as store:
        acc = Accounts(store, clock, CHEAP)
        setup = acc.setup_token()
        assert setup is not None
        secrets_seen.append(setup)
        first = acc.setup(setup, "王芳", PASSWORD, "10.0.0.5")
        acc.add_user("陈静", "新密码-second-pass", ["announcer"], True, "王芳", "10.0.0.5")
        login = acc.authenticate("陈静", "新密码-second-pass", "10.0.0.6")
        login_refused(acc, "陈静", "wrong-password-xyz")
        login_refused(acc, PASSWORD, PASSWORD)  # the password typed in the name box
        acc.set_password("陈静", "third-password-abc", "王芳", "10.0.0.5")
        secrets_seen += ["third-password-abc", first.token, login.token]
        acc.logout(first.token, "10.0.0.5")
        hashes = [u.password_hash for u in store.users()]
        log = store.audit_log()
        assert {r.action for r in log} >= {
            "setup", "user_add", "login", "login_failed", "password_change", "logout",
        }  # fmt: skip
    for secret in secrets_seen:
        assert all(secret not in str(r) for r in log)
    for hashed in hashes:
        assert all(hashed not in str(r) for r in log)
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    for secret in secrets_seen:
        assert secret.encode() not in data


# -- properties ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Accounts]:
    """One store for every example of the property below."""
    with Store(tmp_path_factory.mktemp("fuzz") / "mall-pa.db") as store:
        yield Accounts(store, Clock(), CHEAP)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(max_size=50),
    password=st.text(max_size=220),
    roles=st.lists(st.sampled_from([r.value for r in Role]) | st.text(max_size=8), max_size=3),
)
def test_validation_only_ever_refuses(
    fuzz_accounts: Accounts, name: str, password: str, roles: list[str]
) -> None:
    acc = fuzz_accounts
    try:
        user = acc.add_user(name, password, roles, False, "fuzz", "")
    except Refused as err:
        assert err.code and err.message and err.field in ("name", "password", "roles")
    else:
        assert 1 <= len(user.name) <= 40 and user.roles
    try:
        acc.authenticate(name, password, "fuzz")
    except LoginRefused as err:
        assert err.code in ("bad_credentials", "slow_down")
