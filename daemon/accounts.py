"""Accounts (B15): passwords, sessions, the login throttle and the first run's setup token.

Contracts:

- Passwords are hashed with argon2id (`argon2id()` unless a hasher is given), one at a time,
  after NFKC normalisation (a phone's full-width digits are the desk's digits); a hash that
  `needs_rehash` is replaced on the next successful login.
- A session token is `secrets.token_urlsafe(32)`, stored only as its SHA-256 hex; it comes
  with a CSRF token and lasts `session_hours`.
- Failed logins are counted per account name and per address (`daemon.throttle`); within
  a back-off an attempt is refused unchecked, with `retry_after`.
- Every change and every login, logout and failed login is written to the audit log; no
  password, token or hash is ever written there.
- Errors are `daemon.views` errors: Refused (a bad name, password or role), LoginRefused,
  Forbidden (setup), NotFound (no such user). Messages are Chinese, codes English.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from daemon.store import DuplicateUser, SessionRecord, Store, UserRecord
from daemon.throttle import Throttle
from daemon.views import Forbidden, LoginRefused, NotFound, Refused, Role, SessionView, User

__all__ = ["SETUP_ROLES", "Accounts", "argon2id", "normalize_name", "token_hash"]


def argon2id() -> PasswordHasher:
    """OWASP's argon2id parameters (19 MiB, 2 passes): slow to guess, and light enough that
    the desk PC keeps its memory for the audio (argon2-cffi's default takes 64 MiB a hash)."""
    return PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


SETUP_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})
_ROLE_VALUES = frozenset(r.value for r in Role)
_ROLE_NAMES = "、".join(r.value for r in Role)
_KEY_CHARS = 100  # throttle keys are cut to this length: a flood of huge names stays small


def normalize_name(name: str) -> str:
    """A user name as stored and looked up: NFKC, surrounding white space removed."""
    return unicodedata.normalize("NFKC", name).strip()


def token_hash(token: str) -> str:
    """The SHA-256 hex under which a session token is stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _unprintable(text: str) -> bool:
    return any(unicodedata.category(c)[0] == "C" or c in "\u2028\u2029" for c in text)


def _valid_name(name: str) -> str:
    name = normalize_name(name)
    if not name:
        raise Refused("name_empty", "请填写用户名", "name")
    if len(name) > 40:
        raise Refused("name_long", f"用户名最多 40 个字符(现在 {len(name)} 个)", "name")
    if _unprintable(name):
        raise Refused("name_characters", "用户名里不能有控制字符或不可见字符", "name")
    return name


def _valid_password(password: str) -> str:
    password = unicodedata.normalize("NFKC", password)
    if len(password) < 8:
        raise Refused("password_short", "密码至少 8 个字符", "password")
    if len(password) > 200:
        raise Refused("password_long", "密码最多 200 个字符", "password")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in password):
        raise Refused("password_characters", "密码里不能有控制字符", "password")
    return password


def _valid_roles(roles: Iterable[str]) -> frozenset[Role]:
    given = [str(r) for r in roles]
    for role in given:
        if role not in _ROLE_VALUES:
            raise Refused("unknown_role", f"没有「{role}」这个角色:可选 {_ROLE_NAMES}", "roles")
    if not given:
        raise Refused("no_role", f"至少给一个角色:{_ROLE_NAMES}", "roles")
    return frozenset(Role(r) for r in given)


def _view(rec: UserRecord) -> User:
    roles = frozenset(Role(r) for r in rec.roles if r in _ROLE_VALUES)
    return User(rec.id, rec.name, roles, rec.trained, rec.disabled)


class Accounts:
    """Users, logins and sessions on top of the store. Safe to call from any thread."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], float] = time.time,
        hasher: PasswordHasher | None = None,
        session_hours: float = 12.0,
    ) -> None:
        self._store, self._clock = store, clock
        self._hasher = hasher or argon2id()
        self._hashing = threading.Lock()  # one hash at a time: a login flood costs one's memory
        self._session_seconds = session_hours * 3600.0
        self._lock = threading.Lock()
        self._names, self._addresses = Throttle(), Throttle()
        self._dummy: str | None = None  # verified against for unknown names (same timing)
        self._setup_hash: str | None = None

    # -- users -------------------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        password: str,
        roles: Iterable[str],
        trained: bool,
        actor: str,
        address: str,
    ) -> User:
        """Create an enabled user. Raises Refused (bad name/password/roles, `name_taken`)."""
        rec = self._create(name, password, _valid_roles(roles), trained)
        detail: dict[str, object] = {"roles": sorted(rec.roles), "trained": trained}
        self._store.audit(rec.created_at, actor, address, "user_add", rec.name, detail)
        return _view(rec)

    def users(self) -> list[User]:
        """Every user, disabled ones too, by name."""
        return [_view(r) for r in self._store.users()]

    def set_password(self, name: str, password: str, actor: str, address: str) -> None:
        """Change a password and end that user's sessions. Raises Refused, NotFound."""
        password = _valid_password(password)
        rec = self._existing(name)
        self._store.set_password(rec.id, self._hash(password))
        ended = self._store.delete_sessions_of(rec.id)
        detail: dict[str, object] = {"sessions_ended": ended}
        self._store.audit(self._clock(), actor, address, "password_change", rec.name, detail)

    def disable(self, name: str, actor: str, address: str) -> None:
        """Disable a user and end their sessions. Raises NotFound, and Refused
        (`last_admin`) for the last enabled admin: that would reopen the first-run setup."""
        rec = self._existing(name)
        if Role.ADMIN in rec.roles and not rec.disabled:
            admins = [u for u in self._store.users() if Role.ADMIN in u.roles and not u.disabled]
            if len(admins) == 1:
                raise Refused(
                    "last_admin", "这是最后一个管理员:先给另一个人管理员角色,再停用这个账号"
                )
        self._store.set_disabled(rec.id, True)
        ended = self._store.delete_sessions_of(rec.id)
        detail: dict[str, object] = {"sessions_ended": ended}
        self._store.audit(self._clock(), actor, address, "user_disable", rec.name, detail)

    def _existing(self, name: str) -> UserRecord:
        rec = self._store.user(normalize_name(name))
        if rec is None:
            raise NotFound("no_user", f"没有叫「{normalize_name(name)}」的用户")
        return rec

    # -- logins ------------------------------------------------------------------------------

    def authenticate(self, name: str, password: str, address: str) -> SessionView:
        """Log in. Raises LoginRefused: `bad_credentials` (the same for a wrong name or a
        wrong password), `disabled`, or `slow_down` with `retry_after` seconds."""
        now, name = self._clock(), normalize_name(name)
        name_key, address_key = name[:_KEY_CHARS], address[:_KEY_CHARS]
        with self._lock:
            wait = max(self._names.wait(name_key, now), self._addresses.wait(address_key, now))
            if wait <= 0:  # counted before the check, so that parallel guesses at one account
                self._names.fail(name_key, now)  # see each other; an address (many people
                # behind one Wi-Fi, logging in at once) counts only the failures it has made
        if wait > 0:
            retry = max(1, math.ceil(wait))
            self._store.audit(now, "", address, "login_failed", "", {"reason": "throttled"})
            raise LoginRefused("slow_down", f"尝试次数太多,请 {retry} 秒后再试", retry)
        rec = self._store.user(name)
        if rec is None or not self._verify(rec.password_hash, password):
            if rec is None:
                self._verify(self._dummy_hash(), password)
            # an unknown name is not written down: it may be a password typed in the wrong box
            reason = "unknown_name" if rec is None else "bad_password"
            actor = "" if rec is None else rec.name
            with self._lock:
                self._addresses.fail(address_key, now)
            self._store.audit(now, actor, address, "login_failed", actor, {"reason": reason})
            raise LoginRefused("bad_credentials", "用户名或密码不对")
        with self._lock:  # the right password: not a failure after all
            self._names.undo(name_key, now)
            if not rec.disabled:
                self._names.reset(name_key)
        if rec.disabled:
            self._store.audit(now, rec.name, address, "login_failed", rec.name,
                              {"reason": "disabled"})  # fmt: skip
            raise LoginRefused("disabled", "这个账号已停用,请找管理员")
        if self._hasher.check_needs_rehash(rec.password_hash):
            self._store.set_password(rec.id, self._hash(_secret(password)))
        session = self._open_session(rec, address, now)
        self._store.audit(now, rec.name, address, "login", rec.name)
        return session

    def session_user(self, token: str) -> tuple[User, str] | None:
        """(the user, the CSRF token) of a live session; None when the token is unknown,
        expired (the session is deleted) or its user disabled."""
        digest = token_hash(token)
        rec = self._store.session(digest)
        if rec is None:
            return None
        if rec.expires_at <= self._clock():
            self._store.delete_session(digest)
            return None
        user = self._store.user_by_id(rec.user_id)
        if user is None or user.disabled:
            return None
        return _view(user), rec.csrf

    def logout(self, token: str, address: str) -> None:
        """End the session (an unknown token is not an error)."""
        digest = token_hash(token)
        rec = self._store.session(digest)
        if rec is None or not self._store.delete_session(digest):
            return
        user = self._store.user_by_id(rec.user_id)
        who = user.name if user else str(rec.user_id)
        self._store.audit(self._clock(), who, address, "logout", who)

    def prune_sessions(self) -> int:
        """Delete expired sessions (upkeep); how many."""
        return self._store.prune_sessions(self._clock())

    # -- first run ---------------------------------------------------------------------------

    def setup_token(self) -> str | None:
        """While no enabled admin exists, a fresh one-time token (it replaces any earlier
        one; only its hash is kept); None once an admin exists."""
        if self._store.any_admin():
            return None
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._setup_hash = token_hash(token)
        return token

    def setup(self, token: str, name: str, password: str, address: str) -> SessionView:
        """Create the first admin and log them in; the token is spent.

        The first person at the desk gets the roles admin and supervisor (`SETUP_ROLES`),
        not trained (B7: that mark is given deliberately). Raises Forbidden `setup_closed`
        (an admin exists) or `setup_token` (wrong or spent), Refused (bad name or password;
        the token stays good)."""
        if self._store.any_admin():
            raise Forbidden("setup_closed", "已经有管理员了:请用账号登录")
        with self._lock:
            expected, self._setup_hash = self._setup_hash, None
            if expected is None or not hmac.compare_digest(expected, token_hash(token)):
                self._setup_hash = expected
                raise Forbidden("setup_token", "设置口令不对或已用过:请看服务日志里最新的口令")
        try:
            rec = self._create(name, password, SETUP_ROLES, False)
        except Refused:
            with self._lock:
                self._setup_hash = self._setup_hash or expected
            raise
        detail: dict[str, object] = {"roles": sorted(SETUP_ROLES)}
        self._store.audit(rec.created_at, rec.name, address, "setup", rec.name, detail)
        return self._open_session(rec, address, rec.created_at)

    # -- internals ---------------------------------------------------------------------------

    def _create(
        self, name: str, password: str, roles: frozenset[Role], trained: bool
    ) -> UserRecord:
        name, password = _valid_name(name), _valid_password(password)
        try:
            return self._store.add_user(name, self._hash(password), roles, trained, self._clock())
        except DuplicateUser:
            raise Refused("name_taken", f"已经有叫「{name}」的用户了,请换个名字", "name") from None

    def _open_session(self, rec: UserRecord, address: str, now: float) -> SessionView:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        expires = now + self._session_seconds
        record = SessionRecord(token_hash(token), rec.id, csrf, now, expires, address)
        self._store.add_session(record)
        iso = datetime.fromtimestamp(expires, UTC).isoformat(timespec="seconds")
        return SessionView(token, csrf, _view(rec), iso)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            with self._hashing:
                return self._hasher.verify(password_hash, _secret(password))
        except (VerificationError, InvalidHashError):
            return False

    def _hash(self, password: str) -> str:
        with self._hashing:
            return self._hasher.hash(password)

    def _dummy_hash(self) -> str:
        if self._dummy is None:  # two threads may both make one: harmless
            self._dummy = self._hash(secrets.token_urlsafe(16))
        return self._dummy


def _secret(password: str) -> str:
    """The password as hashed (NFKC); lone surrogates (no valid password has one) escaped."""
    text = unicodedata.normalize("NFKC", password)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
