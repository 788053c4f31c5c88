"""B6: a script goes from marketing's draft to the library only through a planner's approval,
never the submitter's own; approval writes the library file atomically and the library loader
reads it back; every step is recorded; a bad script is refused whole, each problem named."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from daemon.catalog.scripts import load_scripts
from daemon.desk_scripts import ScriptsDesk
from daemon.model import Track
from daemon.script_workflow import DraftState, NotAllowed, Version, approve, edit, reject, submit
from daemon.store import Store
from daemon.views import BadFile, Conflict, Forbidden, Refused, Role, Unavailable, User

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEC_1 = 1_764_547_200.0  # 2025-12-01 08:00 in Shanghai
MARKETING = User(1, "周敏", frozenset({Role.MARKETING}))
PLANNER = User(2, "李强", frozenset({Role.PLANNER}))
PLANNER_2 = User(3, "王磊", frozenset({Role.PLANNER}))
BOTH = User(4, "赵丽", frozenset({Role.MARKETING, Role.PLANNER}))
CAMPAIGN: dict[str, Any] = {
    "id": "xmas-draw",
    "kind": "campaign",
    "title": "圣诞抽奖",
    "text": "圣诞期间购物满三百元即可参加抽奖。",
    "valid_from": "2025-12-01",
    "valid_until": "2025-12-25",
    "dayparts": ["evening"],
    "every_songs": 5,
    "max_per_day": 6,
    "zones": ["一楼"],
}


def scripts_desk(folder: Path, min_gap_minutes: float = 0.0) -> ScriptsDesk:
    """The scripts workflow over a store and a library in `folder`, on 2025-12-01."""
    library = folder / "scripts_library"
    library.mkdir()
    names = (("一楼", "二楼", "停车场"), ("daytime", "evening"))
    return ScriptsDesk(Store(folder / "mall-pa.db"), library, lambda: names,
                       lambda: DEC_1, lambda: SHANGHAI, min_gap_minutes)  # fmt: skip


@pytest.fixture
def desk(tmp_path: Path) -> ScriptsDesk:
    return scripts_desk(tmp_path)


def lib(desk: ScriptsDesk) -> Path:
    assert desk.library is not None
    return desk.library


def loaded(library: Path) -> dict[str, Any]:
    def no_audio(path: Path) -> Track:
        raise AssertionError(path)

    return {s.id: s for s in load_scripts(library, no_audio, ["一楼"], ["evening"])}


def test_the_rules_name_who_may_do_what() -> None:
    draft = Version(DraftState.DRAFT)
    submitted = Version(DraftState.SUBMITTED, "周敏")
    moves: list[tuple[Callable[[], object], str]] = [
        (lambda: edit(PLANNER.roles, draft), "forbidden"),
        (lambda: submit(PLANNER.roles, draft), "forbidden"),
        (lambda: approve(MARKETING.roles, "周敏", submitted), "forbidden"),
        (lambda: approve(BOTH.roles, "周敏", submitted), "own_submission"),
        (lambda: approve(PLANNER.roles, "李强", draft), "not_submitted"),
        (lambda: reject(PLANNER.roles, "李强", submitted, " "), "no_reason"),
        (lambda: edit(MARKETING.roles, Version(DraftState.RETIRED)), "retired"),
    ]
    for move, who in moves:
        with pytest.raises(NotAllowed) as refused:
            move()
        assert refused.value.code == who and refused.value.message
    assert edit(MARKETING.roles, Version(DraftState.APPROVED)) == (DraftState.DRAFT, True)
    assert edit(MARKETING.roles, submitted) == (DraftState.DRAFT, False)  # withdrawn


def test_a_campaign_goes_from_draft_to_the_library_through_a_planner(desk: ScriptsDesk) -> None:
    draft = desk.save(MARKETING, CAMPAIGN, None, "10.0.0.5")
    assert (draft.state, draft.state_name, draft.version) == ("draft", "草稿", 1)
    assert loaded(lib(desk)) == {}  # nothing airs before approval (B6)
    with pytest.raises(Conflict) as early:
        desk.approve(PLANNER, draft.id, "")
    assert early.value.code == "not_submitted"
    submitted = desk.submit(MARKETING, draft.id, "")
    with pytest.raises(Forbidden):
        desk.approve(MARKETING, submitted.id, "")  # marketing does not approve
    approved = desk.approve(PLANNER, submitted.id, "10.0.0.9")
    assert (approved.state, approved.decided_by) == ("approved", "李强")
    script = loaded(lib(desk))["xmas-draw"]
    assert (script.approved_by, str(script.approved_at)) == ("李强", "2025-12-01")
    assert (script.every_songs, script.dayparts, script.zones) == (5, ("evening",), ("一楼",))
    text = (lib(desk) / "xmas-draw.toml").read_text(encoding="utf-8")
    assert text.startswith("# 经 mall-pa 批准:第 1 版,李强,2025-12-01\n")
    assert [s.action for s in approved.history] == ["edit", "submit", "approve"]
    actions = [a.action for a in desk.store.audit_log()]
    assert actions == ["script_approve", "script_submit", "script_saved"]


def test_an_edit_of_an_approved_script_is_a_new_version_and_the_old_airs_meanwhile(
    desk: ScriptsDesk,
) -> None:
    first = desk.save(MARKETING, CAMPAIGN, None, "")
    desk.submit(MARKETING, first.id, "")
    desk.approve(PLANNER, first.id, "")
    second = desk.save(MARKETING, {**CAMPAIGN, "every_songs": 3}, first.id, "")
    assert (second.version, second.state) == (2, "draft")
    assert desk.version(MARKETING, first.id).state == "approved"
    assert loaded(lib(desk))["xmas-draw"].every_songs == 5  # the approved one still
    with pytest.raises(Conflict) as twice:  # one change of an approved version at a time
        desk.save(MARKETING, {**CAMPAIGN, "every_songs": 7}, first.id, "")
    assert twice.value.code == "newer_version" and "第 2 版" in twice.value.message
    desk.submit(MARKETING, second.id, "")
    rejected = desk.reject(PLANNER, second.id, "太频繁了,每 5 首一次就够", "")
    assert (rejected.state, rejected.reason) == ("rejected", "太频繁了,每 5 首一次就够")
    again = desk.save(MARKETING, {**CAMPAIGN, "every_songs": 4}, second.id, "")
    assert (again.id, again.state) == (second.id, "draft")  # edited in place
    desk.submit(MARKETING, second.id, "")
    desk.approve(PLANNER_2, second.id, "")
    assert desk.version(MARKETING, first.id).state == "retired"  # superseded
    assert loaded(lib(desk))["xmas-draw"].every_songs == 4
    desk.retire(PLANNER, second.id, "")
    assert loaded(lib(desk)) == {}


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"valid_until": "2025-11-30"}, "valid_until"),  # before valid_from
        ({"dayparts": ["night"]}, "dayparts"),
        ({"every_minutes": 30}, "every_songs"),  # both
        ({"text": "字" * 1001}, "text"),
        ({"zones": ["三楼"]}, "zones"),
        ({"weekdays": ["someday"]}, "weekdays"),
        ({"surprise": 1}, "surprise"),
        ({"valid_from": "2025-11-01", "valid_until": "2025-11-30"}, "valid_until"),  # ended
    ],
)
def test_a_bad_script_is_refused_whole_with_each_problem_named(
    desk: ScriptsDesk, change: dict[str, Any], where: str
) -> None:
    with pytest.raises(BadFile) as refused:
        desk.save(MARKETING, {**CAMPAIGN, **change}, None, "")
    assert where in {p.where for p in refused.value.problems}
    assert desk.store.versions() == []


def test_nobody_approves_their_own_submission(desk: ScriptsDesk) -> None:
    draft = desk.save(BOTH, CAMPAIGN, None, "")
    desk.submit(BOTH, draft.id, "")
    with pytest.raises(Forbidden) as own:
        desk.approve(BOTH, draft.id, "")
    assert own.value.code == "own_submission"
    assert desk.approve(PLANNER, draft.id, "").state == "approved"


def test_an_id_a_library_file_already_uses_is_refused(desk: ScriptsDesk) -> None:
    (lib(desk) / "by-hand.toml").write_text('id = "xmas-draw"\nkind = "campaign"\n')
    with pytest.raises(Conflict) as clash:
        desk.save(MARKETING, CAMPAIGN, None, "")
    assert clash.value.code == "id_taken"
    for bad in ({"kind": "emergency"}, {"id": "../../etc/passwd"}, {"id": "Xmas"}, {"id": 5}):
        with pytest.raises(Refused):
            desk.save(MARKETING, {**CAMPAIGN, **bad}, None, "")
    assert sorted(p.name for p in lib(desk).iterdir()) == ["by-hand.toml"]


def test_two_planners_approving_at_once_approve_once(desk: ScriptsDesk) -> None:
    draft = desk.save(MARKETING, CAMPAIGN, None, "")
    desk.submit(MARKETING, draft.id, "")
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def decide(planner: User) -> None:
        start.wait()
        try:
            desk.approve(planner, draft.id, "")
            outcomes.append("approved")
        except Conflict as lost:
            outcomes.append(lost.code)

    threads = [threading.Thread(target=decide, args=(p,)) for p in (PLANNER, PLANNER_2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) in (["approved", "moved_meanwhile"], ["approved", "not_submitted"])
    assert [s.action for s in desk.version(PLANNER, draft.id).history].count("approve") == 1


def test_a_library_that_cannot_be_written_leaves_the_script_waiting(desk: ScriptsDesk) -> None:
    draft = desk.save(MARKETING, CAMPAIGN, None, "")
    desk.submit(MARKETING, draft.id, "")
    lib(desk).rmdir()
    lib(desk).write_text("not a folder")
    with pytest.raises(Unavailable) as failed:
        desk.approve(PLANNER, draft.id, "")
    assert failed.value.code == "library_unwritable"
    assert desk.version(PLANNER, draft.id).state == "submitted"


def test_a_frequency_closer_than_the_campaign_gap_is_refused_before_it_is_stored(
    tmp_path: Path,
) -> None:
    desk = scripts_desk(tmp_path, min_gap_minutes=10)
    often = {k: v for k, v in CAMPAIGN.items() if k != "every_songs"}
    with pytest.raises(BadFile) as refused:
        desk.save(MARKETING, {**often, "every_minutes": 5}, None, "")
    [problem] = refused.value.problems
    assert (problem.where, problem.expected, problem.found) == (
        "every_minutes",
        "at least 10 (minutes)",
        "5",
    )
    assert "campaign_min_gap_minutes" in problem.hint and desk.store.versions() == []
    assert desk.save(MARKETING, {**often, "every_minutes": 10}, None, "").state == "draft"
