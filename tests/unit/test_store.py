"""The SQLite store: every record round-trips, the schema migrates, and failures are StoreErrors."""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.model import AsRunEntry, ItemKind, Source
from daemon.store import (
    DuplicatePage,
    DuplicateUser,
    PageRecord,
    SessionRecord,
    Store,
    StoreError,
)
from daemon.store import db as store_db

T0 = 1_795_000_000.0  # 2026-11-18, a Unix instant


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "state" / "mall-pa.db") as s:
        yield s


def page(id: str = "p1", **changes: object) -> PageRecord:
    rec = PageRecord(
        id=id,
        day="2026-11-23",
        kind="customer",
        text="来宾张先生,请听到广播后到一楼服务台。",
        urgent=False,
        duration=8.5,
        requested_at=T0,
        requested_by="李娜",
        user_id=None,
        request={"kind": "customer", "name": "张", "honorific": "先生", "place": "一楼服务台"},
        audio="/state/speech-cache/ab12.wav",
        recorded_by="",
        idempotency_key=None,
        state="queued",
        updated_at=T0,
    )
    return replace(rec, **changes)  # type: ignore[arg-type]


def entry(start: float, **changes: object) -> AsRunEntry:
    base = AsRunEntry(start, start + 180.0, ItemKind.MUSIC, Source.PLAYLIST, "/music/a.ogg", "A")
    return replace(base, **changes)  # type: ignore[arg-type]


# -- opening -------------------------------------------------------------------------------


def test_a_new_file_gets_its_folders_the_schema_and_the_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "mall-pa.db"
    with Store(path) as store:
        assert path.exists() and store.schema_version() == len(store_db.MIGRATIONS)
        with store._read() as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert {"pages_day", "pages_state", "asrun_day", "audit_at"} <= indexes


def test_everything_survives_closing_and_opening_again(tmp_path: Path) -> None:
    path = tmp_path / "mall-pa.db"
    with Store(path) as store:
        store.add_page(page())
        store.emergency_started("fire", "火警疏散", T0, "王")
        store.heartbeat(T0 + 5)
    with Store(path) as store:
        assert store.page("p1") == page()
        assert store.active_emergencies() != [] and store.last_heartbeat() == T0 + 5


def test_two_stores_on_one_file_see_each_others_writes(tmp_path: Path) -> None:
    """The daemon and `mall-pa user` open the same file at once."""
    with Store(tmp_path / "x.db") as daemon, Store(tmp_path / "x.db") as cli:
        cli.add_user("王芳", "$argon2id$h", {"admin"}, False, T0)
        assert daemon.any_admin()
        daemon.add_page(page())
        assert cli.pages() == [page()]


def test_an_empty_file_or_a_version_0_database_is_migrated(tmp_path: Path) -> None:
    (tmp_path / "empty.db").write_bytes(b"")
    sqlite3.connect(tmp_path / "v0.db").execute("PRAGMA user_version = 0").connection.close()
    for name in ("empty.db", "v0.db"):
        with Store(tmp_path / name) as store:
            assert store.schema_version() == len(store_db.MIGRATIONS)
            store.add_page(page())


def test_a_file_of_schema_1_gets_the_directory_table(tmp_path: Path) -> None:
    path = tmp_path / "mall-pa.db"
    conn = sqlite3.connect(path)
    conn.executescript(store_db.MIGRATIONS[0] + "PRAGMA user_version = 1;")
    conn.close()
    with Store(path) as store:  # opened by this mall-pa: migrated to today's schema
        assert store.schema_version() == len(store_db.MIGRATIONS)
        assert store.directory_csv() is None
        store.set_directory_csv(b"a,b\n", T0, "root")
        store.set_directory_csv(b"c,d\n", T0 + 1, "root")  # replaced whole
        assert store.directory_csv() == b"c,d\n"


def test_migrations_apply_in_order_each_in_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mall-pa.db"
    with Store(path) as store:  # an "old" file: today's schema, with data
        store.add_page(page())
    first = list(store_db.MIGRATIONS)
    broken = "ALTER TABLE pages ADD COLUMN note TEXT; CREATE TABLE pages (x);"
    monkeypatch.setattr(store_db, "MIGRATIONS", [*first, broken])
    n = len(first)
    with pytest.raises(StoreError, match=rf"from schema {n} to {n + 1} .*already exists"):
        Store(path)
    good = ["ALTER TABLE pages ADD COLUMN note TEXT NOT NULL DEFAULT '';", "CREATE TABLE t (x);"]
    monkeypatch.setattr(store_db, "MIGRATIONS", [*first, *good])
    with Store(path) as store:
        assert store.schema_version() == len(first) + 2
        assert store.page("p1") == page()  # the half-applied broken one left no column behind


def test_a_file_from_a_newer_mall_pa_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mall-pa.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    known = len(store_db.MIGRATIONS)
    with pytest.raises(StoreError) as err:
        Store(path)
    assert str(err.value) == (
        f"{path} was written by a newer mall-pa (schema 7, this one knows {known}): "
        "upgrade mall-pa, or move the file away to start afresh"
    )


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mall-pa.db"
    path.write_text("store_name = 欧洲村\n" * 100, encoding="utf-8")
    with pytest.raises(StoreError, match=r"is not an SQLite database.*move the file away"):
        Store(path)
    assert path.read_text(encoding="utf-8").startswith("store_name")  # left as it was


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mall-pa.db"
    sqlite3.connect(path).execute("CREATE TABLE songs (x)").connection.close()
    with pytest.raises(StoreError, match=r"not mall-pa's \(it has 1 objects"):
        Store(path)


def test_a_path_that_cannot_be_opened_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreError, match=r"dir.db cannot be opened .*SQLite says"):
        Store(tmp_path / "dir.db")
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreError, match=r"cannot create its folder"):
        Store(tmp_path / "file" / "mall-pa.db")


def test_a_closed_store_says_so(store: Store) -> None:
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.pages()


def test_checkpoint_empties_the_write_ahead_log(store: Store) -> None:
    for i in range(20):
        store.add_page(page(f"p{i}"))
    wal = store.path.with_name(store.path.name + "-wal")
    assert wal.stat().st_size > 0
    store.checkpoint()
    assert wal.stat().st_size == 0 and len(store.pages()) == 20


# -- pages ---------------------------------------------------------------------------------


def test_a_page_round_trips_and_filters(store: Store) -> None:
    user = store.add_user("李娜", "h", {"staff"}, False, T0)
    a = page("a", requested_at=T0 + 2, user_id=user.id, idempotency_key="k1", urgent=True)
    b = page("b", requested_at=T0 + 1, day="2026-11-24", state="aired", reason="")
    c = page("c", requested_at=T0 + 2, user_id=user.id, recorded_by="陈静")
    for rec in (a, b, c):
        store.add_page(rec)
    assert store.page("a") == a and store.page("nope") is None
    assert store.pages() == [b, a, c]  # requested_at, then id
    assert store.pages(day="2026-11-23") == [a, c]
    assert store.pages(state="aired") == [b]
    assert store.pages(user_id=user.id, day="2026-11-23", state="queued") == [a, c]
    assert store.page_by_key(user.id, "k1") == a and store.page_by_key(None, "k1") is None


def test_duplicate_ids_and_idempotency_keys_are_refused(store: Store) -> None:
    one = store.add_user("一", "h", {"staff"}, False, T0)
    two = store.add_user("二", "h", {"staff"}, False, T0)
    store.add_page(page("a", user_id=one.id, idempotency_key="k"))
    with pytest.raises(DuplicatePage):
        store.add_page(page("a"))
    with pytest.raises(DuplicatePage):
        store.add_page(page("b", user_id=one.id, idempotency_key="k"))
    store.add_page(page("c", user_id=two.id, idempotency_key="k"))  # another person's key
    store.add_page(page("d", user_id=one.id))  # no key: no clash
    store.add_page(page("e", user_id=one.id))
    assert [p.id for p in store.pages()] == ["a", "c", "d", "e"]
    with pytest.raises(KeyError):
        store.add_page(page("f", user_id=999))
    with pytest.raises(ValueError, match="unknown page state"):
        store.add_page(page("g", state="lost"))


def test_state_changes_are_kept_as_events(store: Store) -> None:
    store.add_page(page())
    store.set_page_state("p1", "on_air", T0 + 10)
    store.set_page_state("p1", "skipped", T0 + 12, "录音文件坏了")
    assert store.page_events("p1") == [
        (T0, "queued", ""),
        (T0 + 10, "on_air", ""),
        (T0 + 12, "skipped", "录音文件坏了"),
    ]
    got = store.page("p1")
    assert got is not None and (got.state, got.updated_at, got.reason) == (
        "skipped",
        T0 + 12,
        "录音文件坏了",
    )
    with pytest.raises(KeyError):
        store.set_page_state("nope", "aired", T0)
    with pytest.raises(ValueError):
        store.set_page_state("p1", "played", T0)
    assert len(store.page_events("p1")) == 3 and store.page_events("nope") == []


def test_a_recording_replaces_the_audio(store: Store) -> None:
    store.add_page(page())
    store.set_page_audio("p1", "/state/recordings/p1.wav", 11.25, "陈静")
    got = store.page("p1")
    assert got == replace(page(), audio="/state/recordings/p1.wav", duration=11.25,
                          recorded_by="陈静")  # fmt: skip
    with pytest.raises(KeyError):
        store.set_page_audio("nope", "x", 1.0, "")


def test_recent_page_finds_a_double_tap_but_not_a_cancelled_one(store: Store) -> None:
    u = store.add_user("李娜", "h", {"staff"}, False, T0).id
    store.add_page(page("a", user_id=u, requested_at=T0))
    store.add_page(page("b", user_id=u, requested_at=T0 + 30))
    store.add_page(page("c", user_id=u, requested_at=T0 + 60, state="cancelled"))
    store.add_page(page("d", user_id=u, requested_at=T0 + 70, text="另一句"))
    store.add_page(page("e", requested_at=T0 + 80))  # nobody's
    text = page().text
    found = store.recent_page(u, text, T0)
    assert found is not None and found.id == "b"
    found = store.recent_page(u, text, T0 + 30)
    assert found is not None and found.id == "b"
    assert store.recent_page(u, text, T0 + 31) is None
    assert store.recent_page(u, text[:-1], T0) is None
    found = store.recent_page(None, text, T0)
    assert found is not None and found.id == "e"
    assert store.pages_since(u, T0) == 4 and store.pages_since(u, T0 + 31) == 2
    assert store.pages_since(u + 1, T0) == 0


def test_unfinished_pages_are_queued_or_on_air_on_any_day(store: Store) -> None:
    for i, state in enumerate(["queued", "on_air", "aired", "cancelled", "skipped", "queued"]):
        store.add_page(page(f"p{i}", state=state, day=f"2026-11-2{i}", requested_at=T0 - i))
    assert [p.id for p in store.unfinished_pages()] == ["p5", "p1", "p0"]


# -- emergencies ---------------------------------------------------------------------------


def test_emergencies_start_and_clear_one_by_one(store: Store) -> None:
    assert store.active_emergencies() == [] and store.emergency_cleared("fire", T0, "王") is None
    first = store.emergency_started("fire", "火警疏散", T0, "王芳")
    second = store.emergency_started("quake", "地震", T0 + 5, "陈静")
    assert store.active_emergencies() == [first, second] and first.id < second.id
    assert store.emergency_cleared("flood", T0 + 30, "王芳") is None  # not active: nothing
    cleared = store.emergency_cleared("quake", T0 + 60, "王芳")
    assert cleared == replace(second, cleared_at=T0 + 60, cleared_by="王芳")
    assert store.active_emergencies() == [first]
    first_cleared = store.emergency_cleared("fire", T0 + 61, "陈静")
    assert first_cleared == replace(first, cleared_at=T0 + 61, cleared_by="陈静")
    assert store.active_emergencies() == [] and store.emergency_cleared("fire", T0, "x") is None
    assert store.emergencies(T0) == [first_cleared, cleared]
    store.emergency_started("fire", "火警疏散", T0 + 100, "王芳")
    assert [e.started_at for e in store.emergencies(T0 + 62)] == [T0 + 100]
    assert [e.started_at for e in store.emergencies(T0 + 30)] == [T0, T0 + 5, T0 + 100]


# -- as-run --------------------------------------------------------------------------------


def test_an_item_on_air_is_open_until_it_ends(store: Store) -> None:
    day = "2026-11-23"
    song = entry(T0, zones=("一楼", "二楼"), requested_at=T0 - 3, due_at=T0 - 1)
    row = store.asrun_started(day, song)
    assert store.asrun(day) == []
    assert store.open_asrun() == [(row, day, replace(song, end=T0))]
    store.asrun_ended(row, T0 + 100, interrupted=True, reason="emergency")
    assert store.open_asrun() == []
    assert store.asrun(day) == [replace(song, end=T0 + 100, interrupted=True, reason="emergency")]
    store.asrun_ended(row, T0 + 101)  # an empty reason keeps the one there
    assert store.asrun(day)[0].reason == "emergency" and store.asrun(day)[0].end == T0 + 101
    with pytest.raises(KeyError):
        store.asrun_ended(row + 1, T0)


def test_the_log_is_ordered_by_start_then_row(store: Store) -> None:
    day = "2026-11-23"
    skipped = entry(T0 + 10, end=T0 + 10, kind=ItemKind.SKIPPED, reason="file missing")
    a = store.asrun_add(day, entry(T0 + 10, ref="a"))
    b = store.asrun_add(day, skipped)
    store.asrun_add(day, entry(T0))
    store.asrun_add("2026-11-24", entry(T0 + 86400))
    assert a < b
    assert [(e.start, e.ref) for e in store.asrun(day)] == [
        (T0, "/music/a.ogg"),
        (T0 + 10, "a"),
        (T0 + 10, "/music/a.ogg"),
    ]
    assert store.asrun(day)[2] == skipped and len(store.asrun("2026-11-24")) == 1


def test_the_heartbeat_keeps_the_latest_instant(store: Store) -> None:
    assert store.last_heartbeat() is None
    for at in (T0, T0 + 1, T0 + 2.5):
        store.heartbeat(at)
    assert store.last_heartbeat() == T0 + 2.5
    with store._read() as conn:
        assert conn.execute("SELECT count(*) FROM heartbeat").fetchone()[0] == 1


# -- users, sessions, audit ----------------------------------------------------------------


def test_users_round_trip(store: Store) -> None:
    wang = store.add_user("王芳", "hash1", {"admin", "supervisor"}, False, T0)
    chen = store.add_user("陈静", "hash2", {"announcer"}, True, T0 + 1)
    assert store.user("王芳") == wang and store.user_by_id(chen.id) == chen
    assert store.user("nobody") is None and store.user_by_id(999) is None
    assert wang.roles == frozenset({"admin", "supervisor"}) and not wang.disabled
    assert store.users() == sorted([wang, chen], key=lambda u: u.name)
    with pytest.raises(DuplicateUser):
        store.add_user("王芳", "h", {"staff"}, False, T0)
    store.set_password(chen.id, "hash3")
    store.set_roles(chen.id, {"staff", "announcer"}, False)
    store.set_disabled(chen.id, True)
    assert store.user_by_id(chen.id) == replace(
        chen, password_hash="hash3", roles=frozenset({"staff", "announcer"}), trained=False,
        disabled=True,
    )  # fmt: skip
    with pytest.raises(KeyError):
        store.set_password(999, "x")
    with pytest.raises(KeyError):
        store.set_disabled(999, True)
    with pytest.raises(KeyError):
        store.set_roles(999, {"staff"}, False)


def test_any_admin_counts_enabled_admins_only(store: Store) -> None:
    assert not store.any_admin()
    store.add_user("staff", "h", {"staff", "supervisor"}, False, T0)
    assert not store.any_admin()
    boss = store.add_user("boss", "h", {"admin"}, False, T0)
    assert store.any_admin()
    store.set_disabled(boss.id, True)
    assert not store.any_admin()


def test_sessions_are_added_found_and_ended(store: Store) -> None:
    u = store.add_user("王芳", "h", {"admin"}, False, T0).id
    other = store.add_user("陈静", "h", {"staff"}, False, T0).id
    recs = [
        SessionRecord("t1", u, "c1", T0, T0 + 100, "10.0.0.5"),
        SessionRecord("t2", u, "c2", T0, T0 + 200, "10.0.0.6"),
        SessionRecord("t3", other, "c3", T0, T0 + 300, "10.0.0.7"),
    ]
    for rec in recs:
        store.add_session(rec)
    assert store.session("t2") == recs[1] and store.session("nope") is None
    assert store.prune_sessions(T0 + 100) == 1 and store.session("t1") is None
    assert store.delete_sessions_of(u) == 1 and store.session("t2") is None
    assert store.delete_session("t3") and not store.delete_session("t3")
    with pytest.raises(KeyError):
        store.add_session(SessionRecord("t4", 999, "c", T0, T0, ""))


def test_the_audit_log_is_append_only_newest_first(store: Store) -> None:
    store.audit(T0, "王芳", "10.0.0.5", "login", "王芳")
    store.audit(T0 + 1, "王芳", "10.0.0.5", "user_add", "陈静", {"roles": ["announcer"]})
    store.audit(T0 + 1, "cli:root", "local", "user_disable", "陈静")
    log = store.audit_log()
    assert [r.action for r in log] == ["user_disable", "user_add", "login"]
    assert log[1].detail == {"roles": ["announcer"]} and log[2].detail == {}
    assert (log[2].at, log[2].actor, log[2].address, log[2].target) == (
        T0,
        "王芳",
        "10.0.0.5",
        "王芳",
    )
    assert [r.action for r in store.audit_log(since=T0 + 1, limit=1)] == ["user_disable"]
    with store._read() as conn:
        for sql in ("DELETE FROM audit", "UPDATE audit SET actor = 'x'"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
    assert len(store.audit_log()) == 3


# -- threads and properties ----------------------------------------------------------------


def test_threads_add_and_read_at_once(store: Store) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(40):
                store.add_page(page(f"t{n}-{i}", requested_at=T0 + i))
                store.set_page_state(f"t{n}-{i}", "on_air", T0 + i + 1)
                store.asrun_add("2026-11-23", entry(T0 + i, ref=f"t{n}-{i}"))
                assert len(store.pages(day="2026-11-23")) >= i + 1
                store.audit(T0, f"t{n}", "local", "page")
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.pages()) == 240 and len(store.asrun("2026-11-23")) == 240
    assert all(p.state == "on_air" for p in store.pages())
    assert len(store.audit_log(limit=1000)) == 240


_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
_FLOAT = st.floats(allow_nan=False, allow_infinity=False)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _FLOAT | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)
_PAGES = st.builds(
    PageRecord,
    id=_TEXT,
    day=_TEXT,
    kind=_TEXT,
    text=_TEXT,
    urgent=st.booleans(),
    duration=_FLOAT,
    requested_at=_FLOAT,
    requested_by=_TEXT,
    user_id=st.none(),
    request=st.dictionaries(_TEXT, _JSON, max_size=5),
    audio=_TEXT,
    recorded_by=_TEXT,
    idempotency_key=st.none() | _TEXT,
    state=st.sampled_from(["queued", "on_air", "aired", "cancelled", "skipped"]),
    updated_at=_FLOAT,
    reason=_TEXT,
)


def test_page_records_round_trip(tmp_path: Path) -> None:
    counter = itertools.count()
    with Store(tmp_path / "mall-pa.db") as store:
        user = store.add_user("李娜", "h", {"staff"}, False, T0).id

        @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(_PAGES, st.booleans())
        def check(rec: PageRecord, owned: bool) -> None:
            n = next(counter)
            key = None if rec.idempotency_key is None else f"{rec.idempotency_key}#{n}"
            rec = replace(rec, id=f"{rec.id}#{n}", user_id=user if owned else None,
                          idempotency_key=key)  # fmt: skip
            store.add_page(rec)
            assert store.page(rec.id) == rec
            assert rec in store.pages(day=rec.day, state=rec.state)

        check()
