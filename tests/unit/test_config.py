"""load_config: a good store loads; every mistake names file, key or line, expected, found, fix."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from daemon.catalog.config import load_config
from daemon.catalog.problems import InputError, Problem

GOOD = """\
[store]
name = "欧洲村"
timezone = "Asia/Shanghai"
opening = "10:00"
closing = "22:00"

[music]
opening_song = "music/opening.ogg"

[[music.daypart]]
name = "daytime"
start = "10:00"
end = "16:00"
playlist = "playlists/day.m3u8"

[[music.daypart]]
name = "evening"
start = "16:00"
end = "22:00"
playlist = "playlists/evening.m3u8"
order = "shuffle"

[breaks]
intro = "stings/intro.wav"
outro = "stings/outro.wav"

[library]
scripts = "scripts_library"
"""

GAP = "extend a daypart or add one for that time"
COVER = "dayparts covering business hours without gaps"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mall-pa.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_config(path)
    return list(caught.value.problems)


def bad(tmp_path: Path, old: str, new: str) -> list[Problem]:
    """The problems of GOOD with `old` replaced by `new` (which must occur once)."""
    assert GOOD.count(old) == 1, old
    return problems_of(write(tmp_path, GOOD.replace(old, new)))


def test_good_config_loads_with_paths_relative_to_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    config = load_config(write(folder, GOOD))
    assert config.store.name == "欧洲村"
    assert str(config.store.timezone) == "Asia/Shanghai"
    assert (config.store.opening, config.store.closing) == (time(10), time(22))
    assert [(d.name, d.start, d.end, d.shuffle) for d in config.dayparts] == [
        ("daytime", time(10), time(16), False),
        ("evening", time(16), time(22), True),
    ]
    assert config.dayparts[0].playlist == folder / "playlists" / "day.m3u8"
    assert config.breaks.intro == folder / "stings" / "intro.wav"
    assert config.breaks.outro == folder / "stings" / "outro.wav"
    assert config.breaks.max_announcements == 3
    assert config.breaks.alert is None
    assert config.scripts_dir == folder / "scripts_library"
    assert config.state_dir == folder / ".mall-pa"
    assert config.opening_song == folder / "music" / "opening.ogg"
    assert config.closing_song is None
    assert config.zones == ()


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('name = "欧洲村"', "name = 欧洲村"))
    assert problems_of(path) == [
        Problem(
            path,
            "line 2, column 8",
            "valid TOML",
            "Invalid value",
            'texts need double quotes: name = "..."; times too: opening = "10:00"',
        )
    ]
    with pytest.raises(InputError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path}: line 2, column 8: expected valid TOML, found Invalid value. "
        'texts need double quotes: name = "..."; times too: opening = "10:00"'
    )


def test_key_given_twice(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('opening = "10:00"', 'opening = "10:00"\nopening = "9:00"'))
    [problem] = problems_of(path)
    assert (problem.where, problem.found) == ("line 5, column 17", "Cannot overwrite a value")
    assert problem.hint == "each key and each [table] may appear only once"


def test_missing_store_name(tmp_path: Path) -> None:
    path = tmp_path / "mall-pa.toml"
    assert bad(tmp_path, 'name = "欧洲村"\n', "") == [
        Problem(path, "store.name", "text", "nothing (the key is missing)", 'add name = "..."')
    ]


def test_missing_section(tmp_path: Path) -> None:
    path = tmp_path / "mall-pa.toml"
    assert bad(tmp_path, '[library]\nscripts = "scripts_library"\n', "") == [
        Problem(path, "library", "a [library] table", "nothing (the key is missing)",
                "add a [library] section"),
        Problem(path, "library.scripts", "text", "nothing (the key is missing)",
                'add scripts = "..."'),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("zone", "hint"),
    [
        ("Mars/Olympus", "use Region/City, like Asia/Taipei"),
        ("asia/shanghai", 'did you mean "Asia/Shanghai"?'),
        ("Asia", "use Region/City, like Asia/Taipei"),  # a folder of tzdata: used to crash
    ],
)
def test_bad_timezone(tmp_path: Path, zone: str, hint: str) -> None:
    assert bad(tmp_path, '"Asia/Shanghai"', f'"{zone}"') == [
        Problem(tmp_path / "mall-pa.toml", "store.timezone",
                'an IANA time zone like "Asia/Shanghai"', f'"{zone}"', hint)
    ]  # fmt: skip


def test_opening_25_00(tmp_path: Path) -> None:
    assert bad(tmp_path, 'opening = "10:00"', 'opening = "25:00"') == [
        Problem(
            tmp_path / "mall-pa.toml", "store.opening", 'a 24-hour time like "10:30"', '"25:00"'
        )
    ]


def test_closing_before_opening(tmp_path: Path) -> None:
    assert bad(tmp_path, 'closing = "22:00"', 'closing = "09:00"') == [
        Problem(
            tmp_path / "mall-pa.toml",
            "store.closing",
            "a time after opening (10:00)",
            "09:00",
            "mall-pa does not support business days that cross midnight",
        )
    ]


def test_unknown_key_suggests_the_nearest(tmp_path: Path) -> None:
    assert bad(tmp_path, "[breaks]\n", "[breaks]\nmax_anouncements = 2\n") == [
        Problem(
            tmp_path / "mall-pa.toml",
            "breaks.max_anouncements",
            "a known key",
            '"max_anouncements"',
            'did you mean "max_announcements"?',
        )
    ]


def test_unknown_top_level_key_lists_the_known_ones(tmp_path: Path) -> None:
    [problem] = bad(tmp_path, "[library]", "[xyz]\na = 1\n[library]")
    assert (problem.where, problem.hint) == (
        "xyz",
        "known keys: store, music, breaks, library, daemon, zones, speech, paging, audio, "
        "api, hooks, switchboard",
    )


def test_order_random(tmp_path: Path) -> None:
    assert bad(tmp_path, 'order = "shuffle"', 'order = "random"') == [
        Problem(
            tmp_path / "mall-pa.toml",
            "music.daypart[1].order",
            '"sequential" or "shuffle"',
            '"random"',
        )
    ]


@pytest.mark.parametrize(
    ("old", "new", "gap"),
    [
        ('start = "16:00"', 'start = "17:00"', "16:00 and 17:00"),
        ('start = "10:00"', 'start = "11:00"', "10:00 and 11:00"),  # after opening
    ],
)
def test_daypart_gap(tmp_path: Path, old: str, new: str, gap: str) -> None:
    assert bad(tmp_path, old, new) == [
        Problem(tmp_path / "mall-pa.toml", "music.daypart", COVER, f"no music between {gap}", GAP)
    ]


def test_daypart_overlap(tmp_path: Path) -> None:
    assert bad(tmp_path, 'start = "16:00"', 'start = "15:00"') == [
        Problem(
            tmp_path / "mall-pa.toml",
            "music.daypart",
            "dayparts that do not overlap",
            '"evening" starting at 15:00, before "daytime" ends at 16:00',
            "make each daypart start where the one before it ends",
        )
    ]


def test_daypart_overlap_before_opening_is_caught(tmp_path: Path) -> None:
    text = GOOD.replace('start = "10:00"\nend = "16:00"', 'start = "08:00"\nend = "12:00"')
    text = text.replace('start = "16:00"', 'start = "09:00"')
    [problem] = problems_of(write(tmp_path, text))
    assert problem.found == '"evening" starting at 09:00, before "daytime" ends at 12:00'


def test_dayparts_stop_before_closing(tmp_path: Path) -> None:
    assert bad(tmp_path, 'end = "22:00"', 'end = "21:00"') == [
        Problem(
            tmp_path / "mall-pa.toml",
            "music.daypart",
            COVER,
            "no music between 21:00 and closing (22:00)",
            "extend the last daypart to closing time",
        )
    ]


def test_daypart_ending_before_it_starts(tmp_path: Path) -> None:
    [problem, *_] = bad(tmp_path, 'end = "16:00"', 'end = "09:00"')
    assert problem == Problem(
        tmp_path / "mall-pa.toml", "music.daypart[0].end", "a time after start (10:00)", "09:00"
    )


def test_max_announcements_zero(tmp_path: Path) -> None:
    assert bad(tmp_path, "[breaks]\n", "[breaks]\nmax_announcements = 0\n") == [
        Problem(
            tmp_path / "mall-pa.toml",
            "breaks.max_announcements",
            "a whole number from 1 to 10",
            "the number 0",
            "leave max_announcements out for the default, 3",
        )
    ]


def test_emergency_fade_of_a_second(tmp_path: Path) -> None:
    assert bad(tmp_path, "[breaks]\n", "[breaks]\nemergency_fade_seconds = 1\n") == [
        Problem(
            tmp_path / "mall-pa.toml",
            "breaks.emergency_fade_seconds",
            "a number from 0 to 0.05",
            "the number 1",
            "leave emergency_fade_seconds out for the default, 0.02",
        )
    ]


@pytest.mark.parametrize(
    ("line", "where", "expected"),
    [
        ("urgent_max_wait_seconds = nan", "urgent_max_wait_seconds", "a number from 0 to 300"),
        ("urgent_max_wait_seconds = inf", "urgent_max_wait_seconds", "a number from 0 to 300"),
        ("urgent_fade_seconds = 1e9", "urgent_fade_seconds", "a number from 0 to 10"),
        ("max_announcements = 100000", "max_announcements", "a whole number from 1 to 10"),
        ("emergency_fade_seconds = -inf", "emergency_fade_seconds", "a number from 0 to 0.05"),
    ],
)  # fmt: skip
def test_numbers_are_finite_and_bounded(
    tmp_path: Path, line: str, where: str, expected: str
) -> None:
    [problem] = bad(tmp_path, "[breaks]\n", f"[breaks]\n{line}\n")
    assert (problem.where, problem.expected) == (f"breaks.{where}", expected)


def test_several_problems_are_all_listed(tmp_path: Path) -> None:
    text = (
        GOOD.replace('name = "欧洲村"\n', "")
        .replace('"Asia/Shanghai"', '"Mars/Olympus"')
        .replace('order = "shuffle"', 'order = "random"')
        .replace("[breaks]\n", "[breaks]\nmax_announcements = 0\nemergency_fade_seconds = 1\n")
    )
    path = write(tmp_path, text)
    assert [(p.where, p.found) for p in problems_of(path)] == [
        ("store.name", "nothing (the key is missing)"),
        ("store.timezone", '"Mars/Olympus"'),
        ("music.daypart[1].order", '"random"'),
        ("breaks.max_announcements", "the number 0"),
        ("breaks.emergency_fade_seconds", "the number 1"),
    ]


def test_non_utf8_config_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "mall-pa.toml"
    path.write_bytes(GOOD.encode("gbk"))
    assert problems_of(path) == [
        Problem(
            path,
            "line 2",
            "UTF-8 text",
            "bytes that are not UTF-8 (GBK or Big5?)",
            "save the file as UTF-8 (in Notepad: File > Save As, Encoding: UTF-8)",
        )
    ]


def test_utf8_with_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "mall-pa.toml"
    path.write_bytes(GOOD.encode("utf-8-sig"))
    assert load_config(path).store.name == "欧洲村"


def test_missing_config_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    assert problems_of(path) == [
        Problem(
            path,
            "",
            "a config file",
            "no such file",
            "check the path (relative paths start at the config's folder)",
        )
    ]


def test_config_path_is_a_folder(tmp_path: Path) -> None:
    assert problems_of(tmp_path) == [
        Problem(tmp_path, "", "a config file that can be read", "a folder, not a file")
    ]
