"""What `mall-pa check` says of separation: the lists too short for the settings. Pure.

`notes(plan)` names, for each shuffle daypart whose list cannot keep `music.separation_songs`
or `music.artist_separation_songs`, the daypart, the setting, the playable count and what
the engine keeps instead; and where the closing song's file is also in a playlist, how long
before the closing song it is held back. Sequential dayparts play in their own order and
are not named (separation only passes over a song another source has just aired).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from daemon.model import DayPlan, Track
from daemon.music import hold_seconds
from daemon.separation import Rules, artist_key

__all__ = ["notes"]


def notes(plan: DayPlan) -> list[str]:
    """Notes for the desk; empty when every shuffle list keeps the settings."""
    found: list[str] = []
    setting = plan.separation
    for part in plan.dayparts:
        rules = Rules.of(part.tracks, setting)
        songs = list({str(t.path): t for t in part.tracks if t.playable}.values())
        name = f'daypart "{part.name}"'
        if part.shuffle and rules.playable == 1:
            found.append(f"{name}: shuffled, with one playable song: it airs back to back")
        elif part.shuffle and setting.songs is not None and rules.songs < setting.songs:
            found.append(
                f"{name}: song separation {setting.songs} (music.separation_songs) needs at "
                f"least {setting.songs + 1} playable songs, its list has {rules.playable}: a "
                f"song airs again after {rules.songs} others (add songs or lower the setting)"
            )
        named = any(t.artist for t in songs)  # no artist named: nothing to keep apart
        if part.shuffle and named and rules.playable > 1 and rules.artists < setting.artists:
            found.append(f"{name}: {_artists(setting.artists, songs, rules.artists)}")
        closing = plan.closing_song
        if closing is not None and closing.playable and any(t.path == closing.path for t in songs):
            minutes = hold_seconds(songs, rules) / 60
            found.append(
                f"the closing song {closing.path.name} is also in the list of {name}: it does "
                f"not air from there in the {minutes:.0f} minutes before the closing song"
            )
    return found


def _artists(setting: int, songs: Sequence[Track], kept: int) -> str:
    """Why a list keeps only `kept` of the artist separation `setting`."""
    counts = Counter(artist_key(t.artist) for t in songs if t.artist)
    head = f"artist separation {setting} (music.artist_separation_songs)"
    after = (
        "it is off here"
        if kept == 0
        else f"the same artist may air again after {kept} other song{'s' if kept > 1 else ''}"
    )
    key, most = counts.most_common(1)[0] if counts else ("", 1)
    if most > 1:
        artist = next(t.artist for t in songs if t.artist and artist_key(t.artist) == key)
        return f'{head} cannot hold: "{artist}" has {most} of its {len(songs)} songs, {after}'
    return (
        f"{head} needs {setting + 1} songs by different artists, its list has {len(songs)}: {after}"
    )
