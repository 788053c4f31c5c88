"""The switchboard's book: what may be written in a message or a complaint, a complaint's
moves and deadlines (pure), and how the store keeps them (once, read once, moved once)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daemon.catalog.config import load_config
from daemon.store import Store
from daemon.switchboard.book import (
    LIMITS,
    MOVES,
    BadField,
    ComplaintState,
    Deadlines,
    Standing,
    check_field,
    standing,
)
from tests.unit.test_config import GOOD, problems_of
from tests.unit.test_config import write as write_config

HOUR = 3600.0
DUE, LIMIT = 24 * HOUR, 48 * HOUR


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("caller", "", "请填写来电人"),
        ("caller", "   ", "请填写来电人"),
        ("text", "x" * 501, "留言内容最多 500 个字,现在有 501 个"),
        ("caller", "王\x07先生", "控制字符"),
        ("caller", "王\n先生", "控制字符"),  # a line break only in the long texts
        ("number", "138-abc", "电话只能有数字"),
        ("what", "\ud800", "控制字符"),  # a lone surrogate
    ],
)
def test_a_bad_field_is_named_and_says_what_to_do(field: str, value: str, says: str) -> None:
    with pytest.raises(BadField) as refused:
        check_field(field, value)
    assert refused.value.field == field
    assert says in refused.value.message


def test_good_fields_come_back_trimmed() -> None:
    assert check_field("caller", "  王先生 ") == "王先生"
    assert check_field("number", "") == ""  # optional
    assert check_field("number", "+86 (571) 8888-8888") == "+86 (571) 8888-8888"
    assert check_field("what", "第一行\n第二行\t完") == "第一行\n第二行\t完"


@given(st.sampled_from(sorted(LIMITS)), st.text(max_size=2100))
def test_a_field_is_either_refused_or_within_its_limit(field: str, value: str) -> None:
    try:
        kept = check_field(field, value)
    except BadField as bad:
        assert bad.field == field and bad.message
    else:
        assert kept == value.strip() and len(kept) <= LIMITS[field]
        assert kept or field in ("number", "contact")


def test_the_moves_go_forward_or_back_to_in_progress() -> None:
    assert ComplaintState.NEW not in set().union(*MOVES.values())  # never back to new
    assert MOVES[ComplaintState.CLOSED] == {ComplaintState.IN_PROGRESS}  # reopened
    for state, targets in MOVES.items():
        assert state not in targets


@pytest.mark.parametrize(
    ("state", "at", "stands", "late_by"),
    [
        (ComplaintState.NEW, DUE - 1, Standing.ON_TIME, 0),
        (ComplaintState.NEW, DUE, Standing.OVERDUE, 0),
        (ComplaintState.IN_PROGRESS, DUE + HOUR, Standing.OVERDUE, HOUR),
        (ComplaintState.IN_PROGRESS, LIMIT, Standing.LATE, DUE),
        (ComplaintState.ANSWERED, LIMIT + HOUR, Standing.DONE, 0),
        (ComplaintState.CLOSED, LIMIT + HOUR, Standing.DONE, 0),
    ],
)
def test_where_a_complaint_stands(
    state: ComplaintState, at: float, stands: Standing, late_by: float
) -> None:
    assert standing(state, DUE, LIMIT, at) == (stands, late_by)


def test_deadlines_must_be_in_order() -> None:
    assert Deadlines() == Deadlines(24, 48)
    for answer, limit in [(0, 48), (49, 48), (24, 721)]:
        with pytest.raises(ValueError):
            Deadlines(answer, limit)


# -- the store ---------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "mall-pa.db")


TO = ("zhangsan", "张三", "8012")


def test_a_message_taken_twice_in_two_minutes_is_kept_once(store: Store) -> None:
    first, created = store.add_message(1000.0, "desk", TO, "王先生", "138", "请回电")
    again, created_again = store.add_message(1100.0, "desk", TO, "王先生", "138", "请回电")
    later, created_later = store.add_message(1121.0, "desk", TO, "王先生", "138", "请回电")
    assert created and not created_again and created_later
    assert again == first and later.id != first.id


def test_a_message_is_shown_to_its_person_until_read_and_read_once(store: Store) -> None:
    message, _ = store.add_message(1000.0, "desk", TO, "王先生", "", "请回电")
    other, _ = store.add_message(1000.0, "desk", ("lisi", "李四", "8013"), "赵女士", "", "到了")
    assert [m.id for m in store.messages(1e12, ("张三",))] == [message.id]  # unread: shown
    assert [m.id for m in store.messages(1e12, ("zhangsan",))] == [message.id]  # by its id too
    assert store.mark_read(message.id, ("李四",), 2000.0, "李四") is None  # not theirs
    read = store.mark_read(message.id, ("张三",), 2000.0, "张三")
    assert read is not None and read.read_at == 2000.0
    again = store.mark_read(message.id, ("张三",), 3000.0, "张三")
    assert again is not None and again.read_at == 2000.0  # the first reading stays
    assert store.messages(1e12, ("张三",)) == []  # read and older than `since`
    assert [m.id for m in store.messages(0.0)] == [other.id, message.id]  # newest first


def test_complaints_list_open_first_the_most_overdue_first(store: Store) -> None:
    fields = ("李女士", "139", "试衣间太脏", "客服部")
    a, _ = store.add_complaint(1000.0, "desk", fields, 1000 + DUE, 1000 + LIMIT)
    b, _ = store.add_complaint(500.0, "desk", (*fields[:3], "保安部"), 500 + DUE, 500 + LIMIT)
    c, _ = store.add_complaint(
        200.0, "desk", ("周先生", "", "停车难", "客服部"), 200 + DUE, 200 + LIMIT
    )
    assert store.add_note(c.id, 300.0, "head", "已答复", ("new", "answered")) is not None
    assert [x.id for x in store.complaints()] == [b.id, a.id, c.id]
    assert [x.id for x in store.complaints(("客服部",), open_only=True)] == [a.id]
    assert [x.id for x in store.complaints(state="answered")] == [c.id]
    assert store.complaints(()) == []
    assert [n.text for n in store.notes([c.id])[c.id]] == ["已答复"]


def test_two_people_moving_a_complaint_at_once_move_it_once(store: Store) -> None:
    complaint, _ = store.add_complaint(0.0, "desk", ("李女士", "", "太吵", "客服部"), DUE, LIMIT)
    results: list[object] = []
    start = threading.Barrier(2)

    def move(who: str) -> None:
        start.wait()
        results.append(store.add_note(complaint.id, 10.0, who, "接手", ("new", "in_progress")))

    threads = [threading.Thread(target=move, args=(w,)) for w in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r is None for r in results) == [False, True]
    assert len(store.notes([complaint.id])[complaint.id]) == 1  # the loser wrote nothing


# -- the config --------------------------------------------------------------------------------


def test_the_config_sets_the_deadlines(tmp_path: Path) -> None:
    text = GOOD + "\n[switchboard]\ncomplaint_answer_hours = 12\ncomplaint_limit_hours = 36\n"
    assert load_config(write_config(tmp_path, text)).deadlines == Deadlines(12, 36)
    assert load_config(write_config(tmp_path, GOOD)).deadlines == Deadlines(24, 48)  # S8


@pytest.mark.parametrize(
    ("lines", "where", "found"),
    [
        (
            "complaint_answer_hours = 30\ncomplaint_limit_hours = 20",
            "complaint_limit_hours",
            "the number 20",
        ),
        ("complaint_answer_hours = 0", "complaint_answer_hours", "the number 0"),
        ("complaint_limit_hours = nan", "complaint_limit_hours", "the number nan"),
        ('complaint_limit_hours = "48h"', "complaint_limit_hours", '"48h"'),
    ],
)
def test_bad_deadlines_are_named(tmp_path: Path, lines: str, where: str, found: str) -> None:
    [problem] = problems_of(write_config(tmp_path, GOOD + f"\n[switchboard]\n{lines}\n"))
    assert problem.where == f"switchboard.{where}"
    assert problem.found == found
