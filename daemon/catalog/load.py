"""Everything the store has on disk, loaded and measured: `load_catalog(config_path)`.

Raises `InputError` listing every problem of the config, the playlists and the scripts.
A song or sting that cannot be played is not an error here: it comes back as a `Track`
with its `problem`, is skipped on air, and is reported by `mall-pa check`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from daemon.catalog.config import Config, load_config
from daemon.catalog.media import MediaCache
from daemon.catalog.playlists import read_playlist
from daemon.catalog.problems import InputError, Problem
from daemon.catalog.scripts import load_scripts
from daemon.model import Script, Track

__all__ = ["Catalog", "load_catalog"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Catalog:
    config: Config
    playlists: dict[Path, tuple[Track, ...]]
    scripts: tuple[Script, ...]
    intro: Track
    outro: Track
    alert: Track | None
    opening_song: Track | None
    closing_song: Track | None
    notes: tuple[Problem, ...]  # problems that do not stop the day (a URL in a playlist)
    media: MediaCache  # what measured these files; render, live and check measure with it too


def load_catalog(config_path: Path, verify: bool = False) -> Catalog:
    """With `verify`, every file is decoded in full whatever the cache says (the check)."""
    config = load_config(config_path)
    cache = MediaCache(config.state_dir / "media.json", verify=verify)
    problems: list[Problem] = []
    notes: list[Problem] = []
    playlists: dict[Path, tuple[Track, ...]] = {}
    lists = [part.playlist for part in config.dayparts]
    for playlist in [*lists, config.fallback] if config.fallback else lists:
        if playlist in playlists:
            continue
        try:
            entries, line_problems = read_playlist(playlist)
        except InputError as err:
            problems.extend(err.problems)
            continue
        notes.extend(line_problems)
        playlists[playlist] = tuple(
            replace(cache.track(e.path, e.title), artist=e.artist) for e in entries
        )
    try:
        scripts = load_scripts(
            config.scripts_dir,
            cache.track,
            [z.name for z in config.zones],
            [d.name for d in config.dayparts],
        )
    except InputError as err:
        problems.extend(err.problems)
        scripts = []
    if problems:
        raise InputError(problems)

    def optional(path: Path | None) -> Track | None:
        return None if path is None else cache.track(path)

    catalog = Catalog(
        config=config,
        playlists=playlists,
        scripts=tuple(scripts),
        intro=cache.track(config.breaks.intro, "intro"),
        outro=cache.track(config.breaks.outro, "outro"),
        alert=optional(config.breaks.alert),
        opening_song=optional(config.opening_song),
        closing_song=optional(config.closing_song),
        notes=tuple(notes),
        media=cache,
    )
    try:
        cache.save()
    except OSError as err:
        log.warning("could not save the media cache %s: %s", config.state_dir, err)
    return catalog
