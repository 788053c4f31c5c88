"""What-if events files: JSON lines of pages and emergencies read (daemon.catalog.events) and
turned into commands (daemon.what_if); every bad line is named with what to fix."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from daemon import what_if
from daemon.catalog.events import ClearLine, EmergencyLine, PageLine, read_events
from daemon.catalog.problems import InputError, Problem
from daemon.model import Clear, EmergencyCall, Page, Script, ScriptKind, Track
from daemon.recurrence import local_instant
from daemon.speech.audio import SPEECH_RATE, Audio
from daemon.speech.speaker import LEAD, PAUSE_BETWEEN_REPEATS
from daemon.speech.wording import PageRequest
from tests.conftest import default_speaker

DAY = date(2026, 11, 23)
ZONE = ZoneInfo("Asia/Shanghai")
FIRE = Script("fire", ScriptKind.EMERGENCY, "火警", "请撤离", Path("/lib/fire.toml"),
              Track(Path("/lib/fire.wav"), "火警", 12.5),
              approved_by="安全部", approved_at=date(2026, 10, 1))  # fmt: skip
POWER = Script("power", ScriptKind.EMERGENCY, "停电", "请稍候", Path("/lib/power.toml"),
               Track(Path("/lib/power.wav"), "停电", 8.0),
               approved_by="安全部", approved_at=date(2026, 10, 1))  # fmt: skip
PRESETS = {"fire": FIRE, "power": POWER}
PAGE = '{"at": "10:15", "type": "page", "kind": "customer", "name": "张", "honorific": "先生", '
CLEAR = '{"at": "10:00", "type": "emergency_clear"}'


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SPEAKER = default_speaker()


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        what_if.commands(path, DAY, ZONE, PRESETS, SPEAKER)
    return list(caught.value.problems)


def found(tmp_path: Path, *lines: str) -> list[tuple[str, str, str, str]]:
    """(where, expected, found, hint) of every problem; all must be in events.jsonl."""
    problems = problems_of(write(tmp_path, *lines))
    assert {p.file for p in problems} == {tmp_path / "events.jsonl"}
    return [(p.where, p.expected, p.found, p.hint) for p in problems]


def at(hh: int, mm: int, ss: int = 0) -> float:
    return local_instant(DAY, time(hh, mm, ss), ZONE)


def test_commands_sorted_by_time_comments_and_blank_lines_ignored(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# what if: a fire at noon",
        '{"at": "12:05", "type": "emergency_clear"}',
        "",
        "   ",
        '{"at": "12:00:30", "type": "emergency", "script": "fire"}',
        "  # an indented comment",
        PAGE + '"place": "一楼服务台", "id": "p1"}',
    )
    commands = what_if.commands(path, DAY, ZONE, PRESETS, SPEAKER)
    assert [(c.at, c.line) for c in commands] == [
        (at(10, 15), 7),
        (at(12, 0, 30), 5),
        (at(12, 5), 2),
    ]
    page, call, clear = (c.command for c in commands)
    assert isinstance(page, Page) and isinstance(call, EmergencyCall) and isinstance(clear, Clear)
    assert (page.id, page.kind, page.urgent) == ("p1", "customer", False)
    assert page.text == "来宾张先生,请听到广播后到一楼服务台。"
    assert call.script is FIRE
    assert clear.script_id == ""  # naming none: it clears every emergency on


def test_a_clear_names_the_preset_it_clears_and_an_unknown_one_is_a_problem(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, '{"at": "12:05", "type": "emergency_clear", "script": "power"}')
    (command,) = what_if.commands(path, DAY, ZONE, PRESETS, SPEAKER)
    assert isinstance(command.command, Clear) and command.command.script_id == "power"
    problems = found(tmp_path, '{"at": "12:05", "type": "emergency_clear", "script": "flood"}')
    assert [(w, f) for w, _, f, _ in problems] == [("line 1.script", '"flood"')]
    problems = found(tmp_path, '{"at": "12:05", "type": "emergency_clear", "script": 7}')
    assert [(w, e) for w, e, _, _ in problems] == [("line 1.script", "non-empty text in quotes")]


def test_lost_child_pages_are_urgent_by_default(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '{"at": "11:00", "type": "page", "kind": "lost_child", "name": "豆豆", "place": "服务台"}',
        '{"at": "11:30", "type": "page", "kind": "lost_child", "name": "乐乐", "place": "服务台", '
        '"urgent": false}',
        PAGE + '"place": "服务台", "urgent": true}',
    )
    pages = [c.command for c in what_if.commands(path, DAY, ZONE, PRESETS, SPEAKER)]
    assert [(p.id, p.urgent) for p in pages if isinstance(p, Page)] == [
        ("page-3", True),
        ("page-1", True),
        ("page-2", False),
    ]


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    assert found(tmp_path, CLEAR, CLEAR, '{"at": "10:02", type: "page"}') == [
        (
            "line 3",
            "one JSON object per line",
            "invalid JSON (Expecting property name enclosed in double quotes at column 17)",
            'write each line as {"key": "value", ...} with double quotes',
        )
    ]


def test_a_line_that_is_not_an_object(tmp_path: Path) -> None:
    assert found(tmp_path, '["10:00", "page"]', '"emergency"') == [
        ("line 1", "a JSON object {...}", "a list of 2", ""),
        ("line 2", "a JSON object {...}", '"emergency"', ""),
    ]


def test_unknown_or_missing_type(tmp_path: Path) -> None:
    types = '"page" or "emergency" or "emergency_clear"'
    assert found(tmp_path, '{"at": "10:00", "type": "emergancy"}', '{"at": "10:00"}') == [
        ("line 1.type", types, '"emergancy"', 'did you mean "emergency"?'),
        ("line 2.type", types, "nothing (the key is missing)", 'add "type": "page"'),
    ]


def test_missing_at(tmp_path: Path) -> None:
    assert found(tmp_path, '{"type": "emergency_clear"}') == [
        (
            "line 1.at",
            'a 24-hour time like "10:30"',
            "nothing (the key is missing)",
            'add "at": "10:30"',
        )
    ]


def test_bad_at(tmp_path: Path) -> None:
    lines = (
        '{"at": "25:00", "type": "emergency_clear"}',
        '{"at": 1000, "type": "emergency_clear"}',
    )
    assert found(tmp_path, *lines) == [
        ("line 1.at", 'a 24-hour time like "10:30"', '"25:00"', ""),
        ("line 2.at", 'a 24-hour time like "10:30"', "the number 1000", ""),
    ]


def test_emergency_naming_an_unknown_script_lists_the_known_ones(tmp_path: Path) -> None:
    assert found(tmp_path, '{"at": "10:00", "type": "emergency", "script": "flood"}') == [
        (
            "line 1.script",
            "an approved emergency script (fire, power)",
            '"flood"',
            'an emergency script has kind = "emergency", approved_by and approved_at',
        )
    ]


def test_emergency_naming_an_unapproved_script(tmp_path: Path) -> None:
    path = write(tmp_path, '{"at": "10:00", "type": "emergency", "script": "power"}')
    with pytest.raises(InputError) as caught:
        # presets hold approved scripts only
        what_if.commands(path, DAY, ZONE, {"fire": FIRE}, SPEAKER)
    [problem] = caught.value.problems
    assert (problem.where, problem.expected, problem.found) == (
        "line 1.script",
        "an approved emergency script (fire)",
        '"power"',
    )


def test_page_missing_place_name_and_honorific(tmp_path: Path) -> None:
    assert found(
        tmp_path,
        '{"at": "10:00", "type": "page", "kind": "customer", "name": "张"}',
        '{"at": "10:00", "type": "page", "kind": "staff", "honorific": "小姐", "place": "总机"}',
    ) == [
        ("line 1.honorific", "a page the wording rules allow (honorific_missing)",
         "nothing (the key is missing)", "请填写称呼。"),
        ("line 2.name", "a page the wording rules allow (name_missing)",
         "nothing (the key is missing)", "请填写姓名。"),
    ]  # fmt: skip


def test_vehicle_page_needs_a_plate(tmp_path: Path) -> None:
    assert found(tmp_path, '{"at": "10:00", "type": "page", "kind": "vehicle", "place": "B2"}') == [
        ("line 1.plate", "a page the wording rules allow (plate_missing)",
         "nothing (the key is missing)", "请填写车牌号。")
    ]  # fmt: skip


def test_a_staff_page_with_a_title_is_refused_on_its_line(tmp_path: Path) -> None:
    line = (
        '{"at": "10:00", "type": "page", "kind": "staff", "name": "王经理", "honorific": "先生", '
    )
    [(where, expected, found_, hint)] = found(tmp_path, line + '"place": "总机"}')
    assert (where, expected, found_) == (
        "line 1.name",
        "a page the wording rules allow (title_or_department)",
        '"王经理"',
    )
    assert "「经理」" in hint and "B11" in hint


def test_a_page_airs_for_as_long_as_its_rendered_speech(tmp_path: Path) -> None:
    [command] = what_if.commands(
        write(tmp_path, PAGE + '"place": "一楼服务台"}'), DAY, ZONE, {}, SPEAKER
    )
    page = command.command
    assert isinstance(page, Page) and page.audio is not None
    assert page.duration == page.audio.duration
    assert page.duration > 8  # read twice
    assert page.audio.path.exists()


def test_unknown_page_kind_is_the_only_problem_reported(tmp_path: Path) -> None:
    line = '{"at": "10:00", "type": "page", "kind": "child", "name": "豆豆", "place": "服务台"}'
    assert found(tmp_path, line) == [
        (
            "line 1.kind",
            '"customer" or "staff" or "lost_child" or "vehicle"',
            '"child"',
            'did you mean "lost_child"?',
        )
    ]


def test_urgent_yes(tmp_path: Path) -> None:
    assert found(tmp_path, PAGE + '"place": "服务台", "urgent": "yes"}') == [
        ("line 1.urgent", "true or false", '"yes"', "write true or false, no quotes")
    ]


def test_unknown_key(tmp_path: Path) -> None:
    assert found(
        tmp_path,
        PAGE + '"place": "服务台", "urgnet": true}',
        '{"at": "10:00", "type": "emergency_clear", "preset": "fire"}',
    ) == [
        ("line 1.urgnet", "a known key", '"urgnet"', 'did you mean "urgent"?'),
        ("line 2.preset", "a known key", '"preset"', "known keys: at, type, script"),
    ]


def test_every_bad_line_is_reported_at_once(tmp_path: Path) -> None:
    problems = found(
        tmp_path,
        "{oops",
        CLEAR,
        '{"at": "9:99", "type": "emergency_clear"}',
        "# fine",
        '{"at": "10:00", "type": "emergency", "script": "flood"}',
    )
    assert [p[0] for p in problems] == ["line 1", "line 3.at", "line 5.script"]


def test_non_utf8_events_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes((CLEAR + "\n" + PAGE + '"place": "服务台"}\n').encode("gbk"))
    assert problems_of(path) == [
        Problem(
            path,
            "line 2",
            "UTF-8 text",
            "bytes that are not UTF-8 (GBK or Big5?)",
            "save the file as UTF-8 (in Notepad: File > Save As, Encoding: UTF-8)",
        )
    ]


def test_missing_events_file_given_as_text(tmp_path: Path) -> None:
    path = tmp_path / "nope.jsonl"
    assert problems_of(str(path)) == [  # type: ignore[arg-type]  # the CLI passes a str
        Problem(path, "", "an events file (JSON lines)", "no such file", "check the path")
    ]


def test_a_page_can_air_in_an_announcers_own_recording(tmp_path: Path) -> None:
    tone = np.sin(np.arange(2 * SPEECH_RATE) / SPEECH_RATE * 2 * np.pi * 200) * 0.2
    Audio(tone.astype(np.float32)).write_wav(tmp_path / "zhang.wav")
    line = PAGE + '"place": "一楼服务台", "recording": "zhang.wav", "recorded_by": "陈静"}'
    [command] = what_if.commands(write(tmp_path, line), DAY, ZONE, {}, SPEAKER)
    page = command.command
    assert isinstance(page, Page) and page.recorded_by == "陈静"
    assert page.text == "来宾张先生,请听到广播后到一楼服务台。"
    assert page.duration == pytest.approx(2 * 2.0 + PAUSE_BETWEEN_REPEATS + 2 * LEAD, abs=0.02)


def test_a_recording_needs_its_announcer_and_must_be_usable(tmp_path: Path) -> None:
    (tmp_path / "noise.m4a").write_bytes(b"not a recording")
    assert found(
        tmp_path,
        PAGE + '"place": "一楼服务台", "recording": "zhang.wav"}',
        PAGE + '"place": "一楼服务台", "recording": "noise.m4a", "recorded_by": "陈静"}',
    ) == [
        ("line 1.recorded_by", "the trained announcer who recorded it (B7)",
         "nothing (the key is missing)", 'add "recorded_by": ...'),
        ("line 2.recording", "a usable recording",
         f"{tmp_path / 'noise.m4a'}: 「{tmp_path / 'noise.m4a'}」不是能识别的音频文件:"
         "请上传录好的录音(如 m4a、mp3、wav、ogg、webm)。", "not_audio"),
    ]  # fmt: skip


def test_the_loader_only_loads_plain_requests(tmp_path: Path) -> None:
    staff = '{"at": "11:00", "type": "page", "kind": "staff", "name": "王经理", "place": "总机"}'
    path = write(
        tmp_path,
        PAGE + '"place": "一楼服务台", "recording": "zhang.wav", "recorded_by": "陈静"}',
        '{"at": "12:00", "type": "emergency", "script": "flood"}',
        CLEAR,
        staff,
    )
    clear, page, refused, call = read_events(path, DAY, ZONE)  # any script id, nothing rendered
    assert clear == ClearLine(at(10, 0), 3)
    assert page == PageLine(
        at(10, 15), 1, PageRequest("customer", "张", "先生", "一楼服务台"), "page-1", None,
        tmp_path / "zhang.wav", "陈静",
    )  # fmt: skip
    assert isinstance(refused, PageLine) and refused.request.name == "王经理"  # B11 is not its job
    assert call == EmergencyLine(at(12, 0), 2, "flood")
