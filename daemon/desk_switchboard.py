"""The desk's switchboard reference: the greeting (S1) and the staff directory (S2, S5).

The directory lives in the store as the CSV file an admin last imported (both ways exact:
`daemon.switchboard.directory_csv`); the search index is built from it once and again after
each import. An import with any bad row takes nothing: the report names every row, column,
what was expected and what was found, and the directory stays as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from datetime import time as dt_time
from pathlib import Path
from zoneinfo import ZoneInfo

from daemon.store import Store
from daemon.switchboard.book import Deadlines
from daemon.switchboard.directory import Directory, Match, format_hours
from daemon.switchboard.directory_csv import read_directory_csv, write_directory_csv
from daemon.switchboard.greeting import greeting
from daemon.switchboard.people import LANGUAGE_NAMES
from daemon.switchboard.phrases import LINES, phrase_for
from daemon.views import (
    BadFile,
    DirectoryEntryView,
    ForeignCallView,
    GreetingView,
    NotFound,
    ProblemView,
    ReferenceView,
    Refused,
    User,
)

__all__ = ["SwitchboardDesk", "entry_view"]

MAX_RESULTS = 50


class SwitchboardDesk:
    def __init__(
        self,
        store: Store,
        store_name: str,
        morning_until: dt_time,
        deadlines: Deadlines,
        clock: Callable[[], float],
        zone: Callable[[], ZoneInfo],
    ) -> None:
        self.store, self._name, self._morning_until = store, store_name, morning_until
        self._deadlines, self._clock, self._zone = deadlines, clock, zone
        self._lock = threading.Lock()
        self._directory: Directory | None = None  # built on first use, from the store

    def greeting(self, at: datetime | None = None) -> GreetingView:
        """S1: the phrase to answer an outside call with at `at` (default: now)."""
        zone = self._zone()
        when = datetime.fromtimestamp(self._clock(), zone) if at is None else at
        said = greeting(when, self._name, self._morning_until, zone)
        return GreetingView(said.text, said.morning, said.changes_at.isoformat(timespec="seconds"))

    def directory(self, user: User, query: str, limit: int = 20) -> list[DirectoryEntryView]:
        """People for `query` (name, pinyin or initials, extension, department, duty,
        language), the best first, on duty before off duty at equal rank."""
        now = datetime.fromtimestamp(self._clock(), self._zone())
        found = self.index().search(query, now, min(limit, MAX_RESULTS), include_internal=True)
        return [entry_view(m) for m in found]

    def foreign_call(self, user: User, language: str) -> ForeignCallView:
        """S5: the phrase for `language` and who speaks it, on duty first."""
        said = phrase_for(language)
        if said is None:
            known = "、".join(names[0] for code, names in LANGUAGE_NAMES.items() if code != "zh")
            raise NotFound("no_language", f"不认识「{language}」这种语言(可选:{known})。")
        now = datetime.fromtimestamp(self._clock(), self._zone())
        found = self.index().speakers(said.code, now, include_internal=True)
        speakers = tuple(entry_view(m) for m in found[:MAX_RESULTS])
        return ForeignCallView(said.code, said.language, said.english, said.native, speakers)

    def reference(self) -> ReferenceView:
        """The operator's lines (S2, S3, S8, business secrets), the departments, the
        languages a caller may speak, the complaint deadlines."""
        hours = f"{self._deadlines.answer_hours:g}"
        lines = {key: text.replace("{hours}", hours) for key, text in LINES.items()}
        languages = tuple((c, n[0]) for c, n in LANGUAGE_NAMES.items() if c not in ("zh", "csl"))
        deadlines, index = self._deadlines, self.index()
        return ReferenceView(lines, index.departments(), languages, deadlines.answer_hours,
                             deadlines.limit_hours, len(index))  # fmt: skip

    def import_directory(self, user: User, data: bytes, address: str) -> int:
        """Replace the directory with the CSV `data`; how many people it holds. BadFile
        (nothing taken) when any row is wrong."""
        people, problems = read_directory_csv(data, "directory.csv")
        if problems:
            raise BadFile(
                "bad_rows",
                f"通讯录文件有 {len(problems)} 处错误,没有导入任何内容;请按提示改正后重新导入。",
                tuple(ProblemView(p.where, p.expected, p.found, p.hint) for p in problems),
            )
        if not people:
            raise Refused("empty_directory", "通讯录文件里没有人员:没有导入。", "body")
        directory = Directory(people)
        now = self._clock()
        with self._lock:
            self.store.set_directory_csv(write_directory_csv(people), now, user.name)
            self._directory = directory
        self.store.audit(now, user.name, address, "directory_import", "", {"people": len(people)})
        return len(people)

    def export_directory(self, user: User, address: str) -> bytes:
        """The directory as a CSV file (UTF-8 with BOM, as Excel on a Chinese PC opens it)."""
        self.store.audit(self._clock(), user.name, address, "directory_export", "")
        return write_directory_csv(self.index().people)

    def seed(self, path: Path) -> tuple[bool, str]:
        """Import the directory file `path` if the store holds none yet (a first start, or
        the example store): (whether it was taken, what happened for the service's log; ""
        when the store had one). A bad file is named and left out: the service runs on with
        an empty directory."""
        if self.store.directory_csv() is not None:
            return True, ""
        try:
            data = path.read_bytes()
        except OSError as err:
            why = err.strerror or err
            return False, f"directory {path}: cannot read it ({why}); the directory stays empty"
        people, problems = read_directory_csv(data, str(path))
        if problems or not people:
            shown = "; ".join(str(p) for p in problems[:5]) or f"{path}: no one in it"
            more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
            return False, f"directory not imported: {shown}{more}; the directory stays empty"
        with self._lock:
            self.store.set_directory_csv(write_directory_csv(people), self._clock(), "config")
            self._directory = Directory(people)
        return True, f"directory {path}: {len(people)} people imported (the store had none yet)"

    def index(self) -> Directory:
        """The directory as last imported (read from the store on first use)."""
        with self._lock:
            if self._directory is None:
                data = self.store.directory_csv()
                people = read_directory_csv(data, "directory.csv")[0] if data else []
                self._directory = Directory(people)
            return self._directory


def entry_view(match: Match) -> DirectoryEntryView:
    """A match as the API shows it."""
    p = match.person
    return DirectoryEntryView(
        p.id, p.name, p.extension, p.department, p.duties, p.languages,
        format_hours(p.hours), match.on_duty, p.internal, p.note, match.why, match.matched,
    )  # fmt: skip
