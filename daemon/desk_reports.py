"""Proof of play at the desk (`control.reports`): per campaign and day, from the as-run log.

Who (B15): marketing (proof for the tenant a campaign was sold to), planners (what airs of
what they approved) and supervisors; anyone else: Forbidden. Reading changes nothing and is
not audited.

The range: `first` and `last` are store-local days (YYYY-MM-DD, both included; default: the
seven days to today, on the store's clock), at most `reports.MAX_DAYS` of them, from 2000 to
2099. `campaign` names one campaign (one that ever went on air, or one on today's plan: its
days show, zeros included, even before it first aired); None or "": every campaign that went
on air in the range. Anything else is Refused (422) with the field named (`from`, `to`,
`campaign`) and a message in Chinese. The counts are `daemon.reports`': plays in full, cuts by
an emergency, other cuts; nothing comes from the schedule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from daemon.recurrence import format_local
from daemon.reports import (
    MAX_DAYS,
    CampaignDay,
    CampaignTotal,
    Play,
    campaign_plays,
    daily,
    days,
    local_day,
    totals,
)
from daemon.spreadsheet import spreadsheet_csv
from daemon.store import Store
from daemon.views import (
    CampaignDayView,
    CampaignRef,
    CampaignTotalView,
    Forbidden,
    PlaysReport,
    PlayView,
    Refused,
    ReportFile,
    Role,
    User,
)

__all__ = ["DEFAULT_DAYS", "REPORT_ROLES", "ReportsDesk"]

REPORT_ROLES = frozenset({Role.MARKETING, Role.PLANNER, Role.SUPERVISOR})
"""Who sees proof of play (the API's `require` says the same: tests/api/test_authz.py)."""
DEFAULT_DAYS = 7  # the range when none is given: the week to today
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LABELS = {"from": "开始日期", "to": "结束日期"}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")
_HEADER = ["日期", "编号", "促销广播", "完整播出(次)", "被紧急广播打断(次)", "其他中断(次)",
           "播出时间", "被紧急广播打断的时间", "其他中断的时间"]  # fmt: skip


class ReportsDesk:
    """Reports over `store`'s as-run log; `clock()` now, `zone()` the store's time zone,
    `planned()` the campaigns of today's plan (id -> title)."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], float],
        zone: Callable[[], ZoneInfo],
        planned: Callable[[], Mapping[str, str]] = dict,
    ) -> None:
        self.store, self._clock, self._zone, self._planned = store, clock, zone, planned

    def campaigns(self) -> dict[str, str]:
        """Every campaign one may ask for (id -> title): on air once, or on today's plan."""
        known = dict(self._planned())
        known.update(self.store.asrun_campaigns())  # the title it aired under wins
        return dict(sorted(known.items()))

    def plays(
        self, user: User, first: str | None, last: str | None, campaign: str | None
    ) -> PlaysReport:
        """The report of the range for `campaign` (None: every one that aired in it)."""
        if not user.has(*REPORT_ROLES):
            raise Forbidden("forbidden", "播出证明只给市场部、企划部和主管看。")
        zone = self._zone()
        start, end = self._range(first, last, zone)
        known = self.campaigns()
        wanted = campaign or None
        if wanted is not None and wanted not in known:
            raise Refused("unknown_campaign", _unknown(wanted, known), "campaign")
        around = ((start - timedelta(days=1)).isoformat(), (end + timedelta(days=1)).isoformat())
        entries = self.store.campaign_asrun(*around)  # a day more each side: see reports
        plays = [
            p
            for p in campaign_plays(entries, zone, start, end)
            if wanted is None or p.campaign == wanted
        ]
        rows = daily(plays, start, end, None if wanted is None else {wanted: known[wanted]})
        return PlaysReport(
            start.isoformat(),
            end.isoformat(),
            zone.key,
            wanted,
            tuple(d.isoformat() for d in days(start, end)),
            tuple(CampaignRef(k, v) for k, v in known.items()),
            tuple(_day_view(r, zone) for r in rows),
            tuple(_total_view(t) for t in totals(rows)),
            tuple(_play_view(p, zone) for p in plays),
        )

    def export_plays(
        self, user: User, first: str | None, last: str | None, campaign: str | None
    ) -> ReportFile:
        """The report as CSV: one row per campaign per day, UTF-8 with BOM (as Excel on a
        Chinese Windows PC opens it), CRLF; a cell a spreadsheet would run as a formula
        starts with '."""
        report = self.plays(user, first, last, campaign)
        rows = [[r.date, r.campaign, r.title, r.plays, r.cut_by_emergency, r.cut_other,
                 " ".join(r.times), " ".join(r.cut_by_emergency_times),
                 " ".join(r.cut_other_times)] for r in report.rows]  # fmt: skip
        which = _SAFE_NAME.sub("", report.campaign or "")
        name = "-".join(x for x in ("plays", which, report.first, report.last) if x)
        return ReportFile(f"{name}.csv", spreadsheet_csv(_HEADER, rows))

    def _range(self, first: str | None, last: str | None, zone: ZoneInfo) -> tuple[date, date]:
        end = _day("to", last) if last else local_day(self._clock(), zone)
        start = _day("from", first) if first else end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise Refused(
                "dates_out_of_order",
                f"开始日期 {start} 晚于结束日期 {end}:请把开始日期改早,或把结束日期改晚"
                f"{'' if last else '(不填结束日期就是今天)'}。",
                "from",
            )
        if (end - start).days + 1 > MAX_DAYS:
            raise Refused(
                "range_too_long",
                f"一次最多查 {MAX_DAYS} 天:从 {start} 到 {end} 有 {(end - start).days + 1} 天,"
                "请把日期范围缩短。",
                "to",
            )
        return start, end


def _day(field: str, text: str) -> date:
    """The day `text` names (YYYY-MM-DD, 2000 to 2099), else Refused naming `field`."""
    label, shown = _LABELS[field], text[:20]
    if not _DAY.fullmatch(text):
        raise Refused("bad_date", f"{label}「{shown}」看不懂:请写成 2026-11-23 这样。", field)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Refused("bad_date", f"{label}「{shown}」不是日历上的日子:请检查月份和日。",
                      field) from None  # fmt: skip
    if not 2000 <= day.year <= 2099:
        raise Refused("bad_date", f"{label}要在 2000 年到 2099 年之间,「{shown}」不在。", field)
    return day


def _unknown(campaign: str, known: Mapping[str, str]) -> str:
    shown = campaign[:40]
    if not known:
        return f"没有编号为「{shown}」的促销广播:还没有任何促销广播播出过。"
    ids = list(known)
    listed = "、".join(ids[:10]) + ("等" if len(ids) > 10 else "")
    return f"没有编号为「{shown}」的促销广播:可选 {listed}。"


def _clock(play: Play, zone: ZoneInfo) -> str:
    return format_local(play.start, zone)[11:19]


def _day_view(r: CampaignDay, zone: ZoneInfo) -> CampaignDayView:
    return CampaignDayView(
        r.day.isoformat(), r.campaign, r.title, r.plays, len(r.cut_by_emergency), len(r.cut),
        tuple(_clock(p, zone) for p in r.aired),
        tuple(_clock(p, zone) for p in r.cut_by_emergency),
        tuple(_clock(p, zone) for p in r.cut),
    )  # fmt: skip


def _total_view(t: CampaignTotal) -> CampaignTotalView:
    return CampaignTotalView(t.campaign, t.title, t.plays, t.cut_by_emergency, t.cut, t.days_aired)


def _play_view(p: Play, zone: ZoneInfo) -> PlayView:
    return PlayView(
        p.campaign, p.title, p.day.isoformat(), format_local(p.start, zone),
        format_local(p.end, zone), round(p.end - p.start, 3), p.outcome.value, p.reason,
    )  # fmt: skip
