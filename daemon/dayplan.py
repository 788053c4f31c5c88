"""One business day's plan, built before opening from the catalog (B3). Pure given the catalog.

`build_day_plan(catalog, day)` resolves every wall-clock rule of that date (opening and
closing, dayparts, fixed slots, campaign windows) to instants in the store's time zone,
keeps only scripts approved on or before that date (B6: `daemon.approval`), and returns the
plan with notes for the desk: slots that fall outside business hours, scripts that will not
air and why. Emergency presets are approved scripts whatever their date (an evacuation
order must be able to air); `mall-pa check` names a wrong date on them. Their speech starts
at its first sound (no breath before it: an emergency is heard at once). A preset's
all-clear script airs after its clear if it is approved for the day (`plan.all_clears`).
The alert tone is the config's, or the default one (`daemon.speech.tone`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from daemon import approval
from daemon.catalog.load import Catalog
from daemon.catalog.media import MediaCache
from daemon.model import (
    FALLBACK,
    Campaign,
    Daypart,
    DayPlan,
    FixedSlot,
    Instant,
    Script,
    ScriptKind,
    Track,
)  # fmt: skip
from daemon.recurrence import local_instant, parse_window
from daemon.speech.cache import wav_seconds
from daemon.speech.recording import MAX_SECONDS, RecordingRefused
from daemon.speech.speaker import Speaker
from daemon.speech.tone import TITLE as DEFAULT_ALERT
from daemon.speech.tone import default_alert

__all__ = ["Unfit", "build_day_plan", "emergency_presets", "on_air", "script_duration"]


def on_air(
    script: Script, speaker: Speaker, media: MediaCache | None = None, *, lead: bool = True
) -> Script:
    """The script with `audio` set to what airs: the announcer's recording if there is one
    (B7), else its text rendered by the speaker. With `media`, the rendering is measured
    now, so that the audio thread never decodes it when it airs. Without `lead`, what airs
    starts at its first sound: a playable recording too is rendered again, trimmed."""
    if script.audio is not None and script.audio.playable:
        if lead:
            return script
        try:
            rendered = speaker.recorded_file(script.audio.path, script.title, lead=False)
        except RecordingRefused:  # too long for a page, say: it airs as it is
            return script
    elif script.recording is not None:
        rendered = speaker.recorded_file(script.recording, script.title, lead=lead)
    else:
        rendered = speaker.say(script.text, lead=lead)
    if media is not None:
        media.analysis(rendered.path)
    return replace(script, audio=Track(rendered.path, script.title, rendered.duration))


class Unfit(str):
    """A note of `build_day_plan` that `check` reports as a failure: a script that will not
    air for a fault of its own."""


def _too_long(script: Script, recorded: bool) -> str:
    spoken = "its recording" if recorded else "its text spoken"
    return (
        f"{script.id}: {spoken} lasts {script_duration(script):.0f} s, over the "
        f"{MAX_SECONDS:.0f} s an announcement may last; it will not air: shorten it"
    )


def script_duration(script: Script) -> float:
    """Seconds on air of a script that has been through `on_air`."""
    if script.audio is None or script.audio.duration is None:
        raise ValueError(f"{script.id}: no audio to air; pass it through on_air first")
    return script.audio.duration


def emergency_presets(catalog: Catalog, speaker: Speaker) -> dict[str, Script]:
    """Approved emergency scripts by id, ready to air: the ones an emergency call may name."""
    return {
        s.id: on_air(s, speaker, catalog.media, lead=False)
        for s in catalog.scripts
        if s.kind is ScriptKind.EMERGENCY and s.approved
    }


def build_day_plan(catalog: Catalog, day: date, speaker: Speaker) -> tuple[DayPlan, list[str]]:
    """The plan of `day`; every approved script's speech is rendered (or found in the cache)."""
    config = catalog.config
    zone = config.store.timezone

    def at(clock: time) -> Instant:
        return local_instant(day, clock, zone)

    opening, closing = at(config.store.opening), at(config.store.closing)
    notes: list[str] = []
    dayparts = tuple(
        Daypart(
            at(p.start), at(p.end), p.name, p.playlist, catalog.playlists[p.playlist], p.shuffle
        )
        for p in sorted(config.dayparts, key=lambda p: p.start)
    )
    windows_by_name = {p.name: (p.start, p.end) for p in dayparts}
    fixed: list[FixedSlot] = []
    campaigns: list[Campaign] = []
    clears: dict[str, Script] = {}
    for script in catalog.scripts:
        if not script.approved:
            notes.append(f"{script.id}: not approved by planning (B6), will not air")
            continue
        if script.kind is not ScriptKind.EMERGENCY and approval.approved_later(script, day):
            notes.append(approval.note(script, day))
            continue
        if script.kind is not ScriptKind.EMERGENCY:
            recorded = script.audio is not None or script.recording is not None
            script = on_air(script, speaker, catalog.media)
            if script.kind is not ScriptKind.ALL_CLEAR and script_duration(script) > MAX_SECONDS:
                notes.append(Unfit(_too_long(script, recorded)))
                continue
        if script.kind is ScriptKind.FIXED:
            for slot in script.slots:
                due = at(slot)
                if opening <= due < closing:
                    fixed.append(FixedSlot(due, script, script_duration(script)))
                else:
                    notes.append(
                        f"{script.id}: slot {slot:%H:%M} is outside business hours, it will not air"
                    )
        elif script.kind is ScriptKind.CAMPAIGN:
            reason = _not_today(script, day)
            if reason:
                notes.append(f"{script.id}: {reason}")
                continue
            windows = _campaign_windows(script, windows_by_name, day, zone, opening, closing)
            campaigns.append(Campaign(script, windows, script_duration(script)))
        elif script.kind is ScriptKind.ALL_CLEAR:
            clears[script.id] = script
    plan = DayPlan(
        day=day,
        zone=zone,
        day_start=local_instant(day, time(0), zone),
        day_end=local_instant(day + timedelta(days=1), time(0), zone),
        opening=opening,
        closing=closing,
        dayparts=dayparts,
        intro=catalog.intro,
        outro=catalog.outro,
        fixed=tuple(sorted(fixed, key=lambda s: (s.due, s.script.order, s.script.id))),
        campaigns=tuple(campaigns),
        opening_song=catalog.opening_song,
        closing_song=catalog.closing_song,
        alert=_default_alert(catalog, speaker) if config.breaks.alert is None else catalog.alert,
        all_clears=_all_clears(catalog, clears, notes),
        max_announcements=config.breaks.max_announcements,
        urgent_max_wait=config.breaks.urgent_max_wait_seconds,
        urgent_fade=config.breaks.urgent_fade_seconds,
        emergency_fade=config.breaks.emergency_fade_seconds,
        fixed_early=config.breaks.window.early_seconds,
        calm_after_emergency=config.breaks.window.calm_seconds,
        campaign_min_gap=config.breaks.campaign_min_gap_minutes * 60.0,
        seed=int(day.strftime("%Y%m%d")),
        separation=config.separation,
        fallback=_fallback(catalog, opening, closing),
    )
    return plan, notes


def _fallback(catalog: Catalog, opening: Instant, closing: Instant) -> Daypart | None:
    """music.fallback as a shuffled daypart of the business day, if the config names one."""
    path = catalog.config.fallback
    if path is None:
        return None
    return Daypart(opening, closing, FALLBACK, path, catalog.playlists[path], True)


def _default_alert(catalog: Catalog, speaker: Speaker) -> Track:
    """The default alert tone (the config names none), measured like every sting."""
    path = default_alert(speaker.cache)
    catalog.media.analysis(path)
    return Track(path, DEFAULT_ALERT, wav_seconds(path))


def _all_clears(
    catalog: Catalog, clears: dict[str, Script], notes: list[str]
) -> tuple[tuple[str, Script], ...]:
    """(preset id, its all-clear ready to air) for each approved preset that names one."""
    pairs = []
    for preset in catalog.scripts:
        named = preset.kind is ScriptKind.EMERGENCY and preset.approved and preset.clear_script
        if not named:
            continue
        clear = clears.get(preset.clear_script)
        if clear is None:
            notes.append(
                f"{preset.id}: its all-clear {preset.clear_script} will not air today "
                "(not approved for the day): after a clear the music comes back without it"
            )
            continue
        pairs.append((preset.id, clear))
    return tuple(pairs)


def _not_today(script: Script, day: date) -> str:
    if script.valid_from and day < script.valid_from:
        return f"campaign starts on {script.valid_from}"
    if script.valid_until and day > script.valid_until:
        return f"campaign ended on {script.valid_until}"
    if script.weekdays and day.isoweekday() not in script.weekdays:
        return "campaign does not run on this weekday"
    return ""


def _campaign_windows(
    script: Script,
    named: dict[str, tuple[Instant, Instant]],
    day: date,
    zone: ZoneInfo,
    opening: Instant,
    closing: Instant,
) -> tuple[tuple[Instant, Instant], ...]:
    """The campaign's dayparts as instants, clipped to business hours; all day if none."""
    if not script.dayparts:
        return ((opening, closing),)
    windows = []
    for part in script.dayparts:
        if part in named:
            start, end = named[part]
        else:
            clocks = parse_window(part)
            assert clocks is not None  # the scripts loader refused anything else
            start, end = (local_instant(day, c, zone) for c in clocks)
        if max(start, opening) < min(end, closing):
            windows.append((max(start, opening), min(end, closing)))
    return tuple(sorted(windows))
