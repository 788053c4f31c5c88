"""The `[breaks]` keys of the slot window and the calm after an emergency, validated.

`breaks.fixed_early_seconds`: how long before its time a fixed slot may air when a song
boundary falls in that window (B4: "within the prescribed time"), 0 (never early) to
`MAX_EARLY_SECONDS`; left out, `DEFAULT_EARLY_SECONDS`.
`breaks.calm_after_emergency_minutes`: for how long after an emergency's clear no campaign
airs, 0 to `MAX_CALM_MINUTES`; left out, `DEFAULT_CALM_MINUTES`. A bad value is a problem
naming the key, what was expected and what was found; the default is used meanwhile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from daemon.catalog.fields import Fields, describe

__all__ = [
    "DEFAULT_CALM_MINUTES",
    "DEFAULT_EARLY_SECONDS",
    "KEYS",
    "MAX_CALM_MINUTES",
    "MAX_EARLY_SECONDS",
    "Window",
    "window",
]

KEYS = ("fixed_early_seconds", "calm_after_emergency_minutes")
DEFAULT_EARLY_SECONDS = 60.0
MAX_EARLY_SECONDS = 300.0  # five minutes early is no longer "the prescribed time"
DEFAULT_CALM_MINUTES = 10.0
MAX_CALM_MINUTES = 120.0


@dataclass(frozen=True, slots=True)
class Window:
    """The two settings, in seconds."""

    early_seconds: float = DEFAULT_EARLY_SECONDS
    calm_seconds: float = DEFAULT_CALM_MINUTES * 60.0


def window(breaks: Fields) -> Window:
    """The slot window and the calm of `[breaks]`; problems go to `breaks`'s list."""
    early = _bounded(
        breaks, KEYS[0], MAX_EARLY_SECONDS, DEFAULT_EARLY_SECONDS, "seconds; 0: never early"
    )
    calm = _bounded(
        breaks, KEYS[1], MAX_CALM_MINUTES, DEFAULT_CALM_MINUTES, "minutes; 0: campaigns at once"
    )
    return Window(early, calm * 60.0)


def _bounded(fields: Fields, key: str, high: float, default: float, unit: str) -> float:
    if key not in fields.table:
        return default
    value = fields.table[key]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= high
    ):
        fields.problem(
            key,
            f"a number from 0 to {high:g}",
            describe(value),
            f"{unit}; leave it out for the default, {default:g}",
        )
        return default
    return float(value)
