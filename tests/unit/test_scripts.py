"""load_scripts: every mistake of every script file is reported together, in plain words."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import numpy as np
import pytest

from daemon.catalog.problems import InputError, Problem
from daemon.catalog.scripts import load_scripts
from daemon.model import ScriptKind, Track
from daemon.speech.audio import Audio

FIXED = """\
id = "welcome"
kind = "fixed"
title = "开门欢迎词"
text = "欢迎光临"
slots = ["10:05", "15:30"]
"""

CAMPAIGN = """\
id = "sale"
kind = "campaign"
title = "冬季特卖"
text = "冬季特卖火热进行中"
every_songs = 4
"""

ZONES = ["一楼", "二楼"]
DAYPARTS = ["daytime", "evening"]
APPROVAL = "approval (B6) records who approved the script and when"


def probe(path: Path) -> Track:
    """Files whose name starts with "ok" play for 3 seconds; anything else is missing."""
    if path.name.startswith("ok"):
        return Track(path, path.stem, 3.0)
    return Track(path, path.stem, None, "no such file")


def library(tmp_path: Path, *texts: str) -> Path:
    folder = tmp_path / "scripts"
    folder.mkdir(parents=True)
    for i, text in enumerate(texts):
        (folder / f"s{i}.toml").write_text(text, encoding="utf-8")
    return folder


def problems_of(tmp_path: Path, *texts: str) -> list[Problem]:
    folder = library(tmp_path, *texts)
    with pytest.raises(InputError) as caught:
        load_scripts(folder, probe, ZONES, DAYPARTS)
    return list(caught.value.problems)


def one(tmp_path: Path, text: str) -> tuple[str, str, str, str]:
    """(where, expected, found, hint) of the only problem of a single script file."""
    [problem] = problems_of(tmp_path, text)
    assert problem.file == tmp_path / "scripts" / "s0.toml"
    return problem.where, problem.expected, problem.found, problem.hint


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_good_scripts_load(tmp_path: Path) -> None:
    approved = 'approved_by = "企划部 王芳"\napproved_at = 2026-11-01\nzones = ["一楼"]\n'
    campaign = CAMPAIGN + 'valid_from = 2026-11-01\nweekdays = ["sat", 7]\ndayparts = ["evening"]\n'
    fixed, sale = load_scripts(
        library(tmp_path, FIXED + approved, campaign), probe, ZONES, DAYPARTS
    )
    assert (fixed.id, fixed.kind, fixed.slots) == (
        "welcome",
        ScriptKind.FIXED,
        (time(10, 5), time(15, 30)),
    )
    assert (fixed.approved, fixed.approved_at, fixed.zones) == (True, date(2026, 11, 1), ("一楼",))
    assert (sale.kind, sale.every_songs, sale.weekdays, sale.dayparts) == (
        ScriptKind.CAMPAIGN, 4, frozenset({6, 7}), ("evening",)
    )  # fmt: skip
    assert sale.approved is False


def test_recorded_audio_without_text(tmp_path: Path) -> None:
    [script] = load_scripts(
        library(
            tmp_path, edit(FIXED, 'text = "欢迎光临"', 'audio = "ok.mp3"\nrecorded_by = "陈静"')
        ),
        probe,
    )
    assert script.audio == Track(tmp_path / "scripts" / "ok.mp3", "ok", 3.0)
    assert (script.text, script.recorded_by) == ("", "陈静")


def test_a_recording_names_the_announcer_who_made_it(tmp_path: Path) -> None:
    assert one(tmp_path, edit(FIXED, 'text = "欢迎光临"', 'audio = "ok.mp3"')) == (
        "recorded_by",
        "the trained announcer who recorded it (B7)",
        "nothing (the key is missing)",
        'add recorded_by = "服务台 陈静" (only trained announcers may record)',
    )


def test_missing_kind(tmp_path: Path) -> None:
    assert one(tmp_path, edit(FIXED, 'kind = "fixed"\n', "")) == (
        "kind",
        '"fixed" or "campaign" or "emergency" or "all-clear"',
        "nothing (the key is missing)",
        'add kind = "fixed"',
    )


def test_unknown_kind_suggests_the_nearest(tmp_path: Path) -> None:
    assert one(tmp_path, edit(FIXED, '"fixed"', '"fix"')) == (
        "kind",
        '"fixed" or "campaign" or "emergency" or "all-clear"',
        '"fix"',
        'did you mean "fixed"?',
    )


def test_unknown_kind_still_reports_unknown_keys(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, edit(FIXED, '"fixed"', '"notice"') + "tilte = 1\n")
    assert [(p.where, p.hint) for p in problems] == [
        ("kind", ""),
        ("tilte", 'did you mean "title"?'),
    ]


def test_fixed_without_slots(tmp_path: Path) -> None:
    expected = ('slots', 'one or more times, like slots = ["10:30", "15:30"]', "none",
                "a fixed script airs at its slot times (B4)")  # fmt: skip
    assert one(tmp_path, edit(FIXED, 'slots = ["10:05", "15:30"]\n', "")) == expected
    assert one(tmp_path / "b", edit(FIXED, '["10:05", "15:30"]', "[]")) == expected


def test_bad_slot(tmp_path: Path) -> None:
    assert one(tmp_path, edit(FIXED, '"15:30"', '"9:75"')) == (
        "slots",
        'a 24-hour time like "10:30"',
        '"9:75"',
        "",
    )


REPEATED = "remove the repeated time: a fixed script airs once at each of its slots (B4)"


def test_a_slot_listed_twice(tmp_path: Path) -> None:
    assert one(tmp_path, edit(FIXED, '["10:05", "15:30"]', '["10:05", "15:30", "10:05"]')) == (
        "slots",
        "each time once",
        '"10:05" twice',
        REPEATED,
    )


def test_the_same_slot_written_two_ways(tmp_path: Path) -> None:
    assert one(tmp_path, edit(FIXED, '["10:05", "15:30"]', '["10:05", "15:30:00", "15:30"]')) == (
        "slots",
        "each time once",
        '"15:30:00" and "15:30", one time',
        REPEATED,
    )


def test_slot_without_quotes(tmp_path: Path) -> None:
    assert one(tmp_path, edit(FIXED, '"15:30"', "1530")) == (
        "slots",
        'a list of times like ["10:30", "15:30"]',
        "the number 1530 in the list",
        "put each in quotes",
    )


def test_campaign_with_both_frequencies(tmp_path: Path) -> None:
    assert one(tmp_path, CAMPAIGN + "every_minutes = 30\n") == (
        "every_songs",
        "exactly one of every_songs or every_minutes",
        "both",
        "remove one of them",
    )


def test_campaign_with_no_frequency(tmp_path: Path) -> None:
    assert one(tmp_path, edit(CAMPAIGN, "every_songs = 4\n", "")) == (
        "every_songs",
        "exactly one of every_songs or every_minutes",
        "neither",
        "say how often the campaign airs (B5)",
    )


def test_valid_until_before_valid_from(tmp_path: Path) -> None:
    assert one(tmp_path, CAMPAIGN + "valid_from = 2026-12-01\nvalid_until = 2026-11-30\n") == (
        "valid_until",
        "a date on or after valid_from (2026-12-01)",
        "2026-11-30",
        "",
    )


def test_bad_date(tmp_path: Path) -> None:
    assert one(tmp_path, CAMPAIGN + 'valid_until = "2026-13-01"\n') == (
        "valid_until",
        "a date like 2026-11-23",
        '"2026-13-01"',
        "",
    )


def test_bad_weekdays(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, CAMPAIGN + 'weekdays = ["sat", "funday", 8]\n')
    expected = 'weekdays as 1-7 (Monday = 1) or names like "sat"'
    assert [(p.where, p.expected, p.found) for p in problems] == [
        ("weekdays", expected, '"funday"'),
        ("weekdays", expected, "the number 8"),
    ]


def test_weekdays_not_a_list(tmp_path: Path) -> None:
    assert one(tmp_path, CAMPAIGN + 'weekdays = "sat"\n') == (
        "weekdays",
        'a list like ["sat", "sun"]',
        '"sat"',
        "",
    )


def test_unknown_daypart_name(tmp_path: Path) -> None:
    assert one(tmp_path, CAMPAIGN + 'dayparts = ["evening", "lunch"]\n') == (
        "dayparts",
        'daypart names (daytime, evening) or windows like "10:00-14:00"',
        '"lunch"',
        "",
    )


def test_key_of_another_kind(tmp_path: Path) -> None:
    assert one(tmp_path, CAMPAIGN + 'slots = ["10:30"]\n') == (
        "slots",
        "only keys a campaign script uses",
        '"slots"',
        "slots belongs to another kind of script; remove it or change kind",
    )


def test_misspelt_key(tmp_path: Path) -> None:
    assert one(tmp_path, CAMPAIGN + "max_per_dya = 3\n") == (
        "max_per_dya",
        "a known key",
        '"max_per_dya"',
        'did you mean "max_per_day"?',
    )


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, FIXED, edit(CAMPAIGN, '"sale"', '"welcome"'))
    assert problems == [
        Problem(
            tmp_path / "scripts" / "s1.toml",
            "id",
            "an id no other script uses",
            '"welcome", also used by s0.toml',
            "give each script its own id",
        )
    ]


def test_approved_by_without_approved_at(tmp_path: Path) -> None:
    assert one(tmp_path, FIXED + 'approved_by = "企划部 王芳"\n') == (
        "approved_at",
        "approved_by and approved_at together",
        "approved_by without approved_at",
        APPROVAL,
    )


def test_approved_at_without_approved_by(tmp_path: Path) -> None:
    assert one(tmp_path, FIXED + "approved_at = 2026-11-01\n") == (
        "approved_by",
        "approved_by and approved_at together",
        "approved_at without approved_by",
        APPROVAL,
    )


def test_zone_not_in_config(tmp_path: Path) -> None:
    assert one(tmp_path, FIXED + 'zones = ["一楼", "三楼"]\n') == (
        "zones",
        "zones from the config (一楼, 二楼)",
        '"三楼"',
        "",
    )


def test_missing_audio_file(tmp_path: Path) -> None:
    missing = tmp_path / "scripts" / "voice.mp3"
    assert one(tmp_path, FIXED + 'audio = "voice.mp3"\nrecorded_by = "陈静"\n') == (
        "audio",
        "a playable recording (mp3, ogg, flac, wav, m4a, webm, ...)",
        f"{missing}: 读不到文件 {missing}:请确认文件存在、是录音文件且有读取权限。",
        "record it again or remove the audio key",
    )


def test_unplayable_audio_is_refused_with_the_reason(tmp_path: Path) -> None:
    folder = library(tmp_path, FIXED + 'audio = "voice.mp3"\nrecorded_by = "陈静"\n')
    (folder / "voice.mp3").write_bytes(b"ID3 but nothing else")
    with pytest.raises(InputError) as caught:
        load_scripts(folder, lambda p: Track(p, p.stem, None), ZONES, DAYPARTS)
    assert "不是能识别的音频文件" in caught.value.problems[0].found


def test_a_phone_recording_is_kept_for_conversion_with_who_recorded_it(tmp_path: Path) -> None:
    folder = library(tmp_path, FIXED + 'audio = "voice.m4a"\nrecorded_by = "服务台 陈静"\n')
    tone = (np.sin(np.arange(48_000) / 48_000 * 2 * np.pi * 330) * 0.3).astype(np.float32)
    Audio(tone).write_wav(folder / "voice.m4a")  # a WAV named .m4a: FFmpeg goes by content
    [script] = load_scripts(folder, lambda p: Track(p, p.stem, None), ZONES, DAYPARTS)
    assert script.audio is None and script.recording == folder / "voice.m4a"
    assert script.recorded_by == "服务台 陈静"


def test_no_text_and_no_audio(tmp_path: Path) -> None:
    assert one(tmp_path, edit(FIXED, 'text = "欢迎光临"\n', "")) == (
        "text",
        "the text to read, or an audio recording",
        "nothing (the key is missing)",
        'add text = "..." or audio = "recording.mp3"',
    )


def test_toml_error_in_one_file_and_problems_in_others_all_reported(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        FIXED,
        'id = "broken\nkind = "fixed"\n',
        edit(CAMPAIGN, "every_songs = 4\n", ""),
        edit(FIXED, '"welcome"', '"w2"') + 'zones = ["屋顶"]\n',
    )
    folder = tmp_path / "scripts"
    assert [(p.file, p.where, p.expected, p.found) for p in problems] == [
        (folder / "s1.toml", "line 1, column 13", "valid TOML", "Illegal character '\\n'"),
        (folder / "s2.toml", "every_songs", "exactly one of every_songs or every_minutes",
         "neither"),
        (folder / "s3.toml", "zones", "zones from the config (一楼, 二楼)", '"屋顶"'),
    ]  # fmt: skip
    assert problems[0].hint == "a text is missing its closing quote"


def test_missing_library_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_scripts(tmp_path / "nope", probe)
    assert caught.value.problems == (
        Problem(
            tmp_path / "nope",
            "",
            "the scripts library folder",
            "no such folder",
            "check [library] scripts in the config",
        ),
    )
