"""The separation settings of `[music]`, the artists a playlist names, and what `check`
says of lists too short for the settings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from daemon.catalog.config import load_config
from daemon.catalog.playlists import read_playlist
from daemon.catalog.problems import Problem
from daemon.model import Separation
from daemon.separation_notes import notes
from tests.factory import PlanSpec, make_plan
from tests.unit.test_config import GOOD, bad, write


def test_separation_settings_load_and_default(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, GOOD)).separation == Separation(None, 3)
    text = GOOD.replace(
        'opening_song = "music/opening.ogg"\n',
        'opening_song = "music/opening.ogg"\nseparation_songs = 12\nartist_separation_songs = 0\n',
    )
    assert load_config(write(tmp_path, text)).separation == Separation(12, 0)


@pytest.mark.parametrize(
    ("line", "expected", "found"),
    [
        ("separation_songs = 0", "a whole number from 1 to 5000", "the number 0"),
        ("separation_songs = 5001", "a whole number from 1 to 5000", "the number 5001"),
        ("separation_songs = 2.5", "a whole number from 1 to 5000", "the number 2.5"),
        ("separation_songs = true", "a whole number from 1 to 5000", "true (true/false)"),
        ('separation_songs = "ten"', "a whole number from 1 to 5000", '"ten"'),
        ("artist_separation_songs = -1", "a whole number from 0 to 100", "the number -1"),
        ("artist_separation_songs = 101", "a whole number from 0 to 100", "the number 101"),
    ],
)
def test_a_bad_setting_names_the_key_what_was_expected_and_found(
    tmp_path: Path, line: str, expected: str, found: str
) -> None:
    old = 'opening_song = "music/opening.ogg"\n'
    (problem,) = bad(tmp_path, old, old + line + "\n")
    key = line.split(" = ")[0]
    assert (problem.where, problem.expected, problem.found) == (f"music.{key}", expected, found)
    assert problem.hint  # what to do
    assert problem.file == tmp_path / "mall-pa.toml"


def test_a_misspelt_key_is_named_with_the_right_one(tmp_path: Path) -> None:
    old = 'opening_song = "music/opening.ogg"\n'
    (problem,) = bad(tmp_path, old, old + "seperation_songs = 4\n")
    assert problem == Problem(
        tmp_path / "mall-pa.toml",
        "music.seperation_songs",
        "a known key",
        '"seperation_songs"',
        'did you mean "separation_songs"?',
    )


def test_a_playlist_names_artists_by_extart_or_extinf(tmp_path: Path) -> None:
    playlist = tmp_path / "p.m3u8"
    playlist.write_text(
        "#EXTM3U\n"
        "#EXTINF:201,林晓 - 夜曲\nyequ.ogg\n"
        "#EXTINF:119,Neon Atrium – City Lights\ncity.ogg\n"  # an en dash
        "#EXTART:Marble Floor Quartet\n#EXTINF:222,Slow Stroll\nstroll.ogg\n"
        "#EXTINF:100,A-ha\naha.ogg\n"  # no spaced dash: no artist
        "Artist - Song.ogg\n",  # file names are never read for an artist
        encoding="utf-8",
    )
    entries, _ = read_playlist(playlist)
    assert [e.artist for e in entries] == ["林晓", "Neon Atrium", "Marble Floor Quartet", "", ""]


def test_check_notes_lists_too_short_for_the_settings() -> None:
    spec = PlanSpec(
        dayparts=[
            ("10:00", "14:00", [180.0, 200.0, 220.0], False),
            ("14:00", "22:00", [190.0, 210.0, 230.0, 250.0, 270.0, 290.0, 310.0, 330.0], True),
        ]
    )
    plan = make_plan(spec)
    evening = plan.dayparts[1]
    tracks = tuple(
        dataclasses.replace(t, artist=a) for t, a in zip(evening.tracks, "NNNLLCCM", strict=True)
    )
    plan = dataclasses.replace(
        plan,
        dayparts=(plan.dayparts[0], dataclasses.replace(evening, tracks=tracks)),
        closing_song=tracks[-1],
        separation=Separation(songs=12, artists=3),
    )
    assert notes(plan) == [
        'daypart "part1": song separation 12 (music.separation_songs) needs at least 13 '
        "playable songs, its list has 8: a song airs again after 7 others (add songs or lower "
        "the setting)",
        'daypart "part1": artist separation 3 (music.artist_separation_songs) cannot hold: "N" '
        "has 3 of its 8 songs, the same artist may air again after 1 other song",
        'the closing song p1-007.ogg is also in the list of daypart "part1": it does not air '
        "from there in the 60 minutes before the closing song",
    ]
    assert notes(make_plan()) == []  # the sequential daytime list is never named
