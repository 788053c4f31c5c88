"""The staff directory as a CSV file, as Excel on a Chinese PC reads and writes it.

`read_directory_csv` takes the bytes of a file in UTF-8 (with or without a byte order
mark), GBK/GB18030 (Excel's "CSV (逗号分隔)" on a Chinese Windows) or UTF-16 with a byte
order mark (Excel's "Unicode 文本", tab-separated), with a header row naming the columns
in Chinese or English. It keeps every good row and reports every bad one as a `Problem`
naming the row as Excel numbers it (the header is row 1) and the column; it never raises
on what a file holds. `write_directory_csv` writes UTF-8 with a byte order mark and
Chinese headers; what it writes reads back as the same people.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from daemon.catalog.problems import Problem
from daemon.spreadsheet import FORMULA_START
from daemon.switchboard.hours import DutyWindow, format_hours, parse_hours
from daemon.switchboard.people import (
    LANGUAGE_NAMES,
    LIST_SEPARATORS,
    MAX_DEPARTMENT,
    MAX_DUTIES,
    MAX_DUTY,
    MAX_ID,
    MAX_LANGUAGES,
    MAX_NAME,
    MAX_NOTE,
    Person,
    language_code,
)

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_ROWS", "read_directory_csv", "write_directory_csv"]

MAX_BYTES = 4 * 1024 * 1024
"""The largest file read (a directory of thousands of people is a few hundred KB)."""
MAX_ROWS = 10_000
"""People read from one file at most; rows after that are reported, not read."""
MAX_COLUMNS = 50
MAX_CELL = 1000  # characters of a cell read at all (a field has its own, smaller, bound)

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "name"),
    "extension": ("分机", "分机号", "分机号码", "extension", "ext"),
    "department": ("部门", "department", "dept"),
    "duties": ("职责", "duties", "duty"),
    "languages": ("语言", "languages", "language"),
    "hours": ("值班时间", "值班", "hours"),
    "internal": ("仅内部", "内部", "internal"),
    "note": ("备注", "note", "notes"),
    "id": ("编号", "id"),
}
"""Each field and the header names it is known by; the first is the one written."""
_REQUIRED = ("name", "extension")
_HEADER = {alias.casefold(): key for key, aliases in COLUMNS.items() for alias in (key, *aliases)}
_YES = {"是", "y", "yes", "true", "1", "内部", "仅内部", "√", "✓", "x"}
_NO = {"", "否", "n", "no", "false", "0", "公开", "×"}
_SPLIT_RE = re.compile(rf"[{re.escape(LIST_SEPARATORS)}\s]+")
_SHOWN_LANGUAGE = {code: names[0] for code, names in LANGUAGE_NAMES.items()}
_SAVE_AS_UTF8 = 'save it from Excel as "CSV UTF-8 (逗号分隔)" and import it again'


def _decode(data: bytes, file: Path) -> tuple[str | None, Problem | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]
    offset: int | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding), None
        except UnicodeDecodeError as err:
            offset = err.start if offset is None else offset
    names = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16"}.get(encodings[0], "UTF-8 or GBK")
    return None, Problem(
        file,
        "",
        f"a CSV text file in {names}",
        f"bytes that are not such text (at byte {offset})",
        f"is it a CSV file? {_SAVE_AS_UTF8}",
    )


def _shown(value: str) -> str:
    text = value if len(value) <= 40 else value[:39] + "…"
    return f'"{text}"' if text else "an empty cell"


def _items(text: str) -> list[str]:
    """The items of a list cell, in order, each once."""
    return list(dict.fromkeys(item for item in _SPLIT_RE.split(text) if item))


def _column(place: int) -> str:
    """Excel's name of a column: A, B, ... Z, AA ..."""
    letters = ""
    place += 1
    while place:
        place, rest = divmod(place - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _default_id(name: str, extension: str) -> str:
    digest = hashlib.sha1(f"{name}\x1f{extension}".encode(), usedforsecurity=False)
    return f"p-{digest.hexdigest()[:10]}"


class _Row:
    """One data row's cells by field, and the problems found in it."""

    def __init__(self, file: Path, number: int, cells: dict[str, tuple[str, str]]) -> None:
        self.file, self.number, self.cells = file, number, cells
        self.problems: list[Problem] = []

    def cell(self, key: str) -> str:
        return self.cells[key][1] if key in self.cells else ""

    def bad(self, key: str | None, expected: str, found: str, hint: str = "") -> None:
        where = f"row {self.number}"
        if key is not None:
            where += f", column {self.cells[key][0] if key in self.cells else COLUMNS[key][0]}"
        self.problems.append(Problem(self.file, where, expected, found, hint))

    def text(self, key: str, longest: int, value: str | None = None) -> str:
        """The cell (or `value`, an item of it) if it is text on one line of at most
        `longest` characters, not starting as a formula would; else reported."""
        value = self.cell(key) if value is None else value
        if len(value) > longest:
            self.bad(key, f"at most {longest} characters", f"{len(value)} characters")
        elif any(unicodedata.category(ch) == "Cc" for ch in value):
            self.bad(key, "text on one line", f"{_shown(value)}, with a control character")
        elif value.startswith(FORMULA_START):
            self.bad(
                key,
                "text not starting with = + - or @",
                _shown(value),
                "a spreadsheet would take it for a formula: start with another character",
            )
        return value


def _person(row: _Row) -> Person | None:
    name = row.text("name", MAX_NAME)
    if not name:
        row.bad("name", "a name (this column must be filled in)", "an empty cell")
    extension = unicodedata.normalize("NFKC", row.cell("extension")).strip()
    if not extension.isascii() or not extension.isdigit() or not 2 <= len(extension) <= 8:
        row.bad("extension", "an extension of 2 to 8 digits (801)", _shown(row.cell("extension")))
    department = row.text("department", MAX_DEPARTMENT)
    duties = _items(row.cell("duties"))
    if len(duties) > MAX_DUTIES:
        row.bad("duties", f"at most {MAX_DUTIES} duties", f"{len(duties)}")
    for duty in duties[:MAX_DUTIES]:
        row.text("duties", MAX_DUTY, duty)
    languages: list[str] = []
    for item in _items(row.cell("languages"))[: MAX_LANGUAGES * 2]:
        code = language_code(item)
        if code is None:
            row.bad(
                "languages",
                "languages such as 英语、日语 or en, ja",
                _shown(item),
                "write the language's name or its ISO 639 code; separate them with 、",
            )
        elif code not in languages:
            languages.append(code)
    if len(languages) > MAX_LANGUAGES:
        row.bad("languages", f"at most {MAX_LANGUAGES} languages", f"{len(languages)}")
    hours: tuple[DutyWindow, ...] = ()
    try:
        hours = parse_hours(row.cell("hours"))
    except ValueError as err:
        row.bad(
            "hours",
            'duty hours such as "周一至周五 09:00-18:00;周六 10:00-16:00" or "mon-fri 09:00-18:00"',
            f"{_shown(row.cell('hours'))} (cannot read {_shown(str(err))})",
            "leave the cell empty if there are no fixed hours",
        )
    flag = unicodedata.normalize("NFKC", row.cell("internal")).strip().casefold()
    if flag not in _YES and flag not in _NO:
        row.bad("internal", "是 or 否 (yes or no), or an empty cell (否)", _shown(flag))
    note = re.sub(r"\s*(?:\r\n|\r|\n|\t)\s*", " ", row.cell("note"))
    note = row.text("note", MAX_NOTE, note)
    given_id = row.cell("id")
    if given_id and (
        len(given_id) > MAX_ID
        or not given_id.isascii()
        or not all(ch.isalnum() or ch in "._-" for ch in given_id)
        or not given_id[0].isalnum()
    ):
        row.bad("id", f"an id of 1-{MAX_ID} letters, digits, . _ or -", _shown(given_id))
    if row.problems:
        return None
    try:
        return Person(
            id=given_id or _default_id(name, extension),
            name=name,
            extension=extension,
            department=department,
            duties=tuple(duties),
            languages=tuple(languages),
            hours=hours,
            internal=flag in _YES,
            note=note,
        )
    except ValueError as err:  # a bound the checks above missed: still only a problem
        row.bad(None, "a valid entry", str(err))
        return None


def _header(
    row: list[str], file: Path, problems: list[Problem]
) -> dict[int, tuple[str, str]] | None:
    """Column place -> (field, header as written); None when the file cannot be read."""
    if len(row) > MAX_COLUMNS and any(cell.strip() for cell in row[MAX_COLUMNS:]):
        problems.append(
            Problem(
                file,
                f"row 1, column {_column(MAX_COLUMNS)}",
                f"at most {MAX_COLUMNS} columns",
                f"{len(row)} columns",
                "the columns from here on are not read",
            )
        )
    columns: dict[int, tuple[str, str]] = {}
    seen: dict[str, str] = {}
    for place, cell in enumerate(row[:MAX_COLUMNS]):
        written = cell.strip()
        if not written:
            continue
        key = _HEADER.get(unicodedata.normalize("NFKC", written).casefold().replace(" ", ""))
        if key is None:
            known = "、".join(aliases[0] for aliases in COLUMNS.values())
            problems.append(
                Problem(
                    file,
                    f"row 1, column {_column(place)}",
                    f"a column name ({known}, or in English)",
                    _shown(written),
                    "this column is not read: rename it or delete it",
                )
            )
        elif key in seen:
            problems.append(
                Problem(
                    file,
                    f"row 1, column {_column(place)}",
                    "each column once",
                    f"{_shown(written)} a second time (first as {_shown(seen[key])})",
                    "delete one of the two columns",
                )
            )
            return None
        else:
            seen[key] = written
            columns[place] = (key, written)
    missing = [COLUMNS[key][0] for key in _REQUIRED if key not in seen]
    if missing:
        problems.append(
            Problem(
                file,
                "row 1",
                f"a header row with the columns {' and '.join(COLUMNS[k][0] for k in _REQUIRED)}",
                f"no column {'、'.join(missing)}",
                "the first row names the columns: "
                + "、".join(aliases[0] for aliases in COLUMNS.values()),
            )
        )
        return None
    return columns


def read_directory_csv(data: bytes, source: str) -> tuple[list[Person], list[Problem]]:
    """The people in a CSV file's bytes, and a problem for each thing wrong in it.

    `source` names the file in the problems. Bad rows are left out, good ones kept; empty
    rows are skipped. People may share an extension; two rows with the same name and
    extension are a problem (the second is left out), as are two rows with the same id.
    A row without an id gets one made from its name and extension ("p-" and 10 hex
    digits), the same at every import. List cells (职责, 语言) are split at 、 , ， ; ；
    / and spaces; languages become ISO 639 codes; 仅内部 is 是/否 (yes/no, 1/0, empty:
    否); line breaks in a note become spaces. A missing 姓名 or 分机 column, a column
    named twice, an undecodable or oversized file: no people, one problem.
    """
    file = Path(source)
    problems: list[Problem] = []
    if len(data) > MAX_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f} MB"
        return [], [Problem(file, "", f"a file of at most {MAX_BYTES // 1024 // 1024} MB", size)]
    text, trouble = _decode(data, file)
    if text is None:
        return [], [trouble] if trouble else []
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    people: list[Person] = []
    columns: dict[int, tuple[str, str]] | None = None
    by_name: dict[tuple[str, str], int] = {}
    by_id: dict[str, int] = {}
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if columns is None:
                columns = _header(record, file, problems)
                if columns is None:
                    return [], problems
                continue
            if not any(cell.strip() for cell in record):
                continue
            if len(people) >= MAX_ROWS:
                problems.append(
                    Problem(
                        file,
                        f"row {number}",
                        f"at most {MAX_ROWS} people in one file",
                        "more rows",
                        "the rows from here on were not read: a directory holds at most "
                        f"{MAX_ROWS} people (leave out those who have left)",
                    )
                )
                break
            row = _read_row(file, number, record, columns, problems)
            person = _person(row)
            problems.extend(row.problems)
            if person is None:
                continue
            same = by_name.get((person.name, person.extension)) or by_id.get(person.id)
            if same is not None:
                problems.append(
                    Problem(
                        file,
                        f"row {number}",
                        "each person once (one row per name and extension, and per id)",
                        f"the same person as row {same}",
                        "delete one of the two rows, or merge them",
                    )
                )
                continue
            by_name[(person.name, person.extension)] = number
            by_id[person.id] = number
            people.append(person)
    except csv.Error as err:
        problems.append(
            Problem(
                file,
                f"row {number + 1}",
                "a well-formed CSV row",
                f"unreadable text ({err})",
                f"the rows from here on were not read. {_SAVE_AS_UTF8}",
            )
        )
    if columns is None:
        problems.append(Problem(file, "", "a header row (姓名, 分机, ...)", "an empty file"))
    return people, problems


def _read_row(
    file: Path,
    number: int,
    record: list[str],
    columns: dict[int, tuple[str, str]],
    problems: list[Problem],
) -> _Row:
    """The row's cells in named columns (cells elsewhere are not read)."""
    cells: dict[str, tuple[str, str]] = {}
    for place, cell in enumerate(record):
        if place in columns:
            key, written = columns[place]
            value = cell.strip()
            if len(value) > MAX_CELL:
                problems.append(
                    Problem(
                        file,
                        f"row {number}, column {written}",
                        f"at most {MAX_CELL} characters",
                        f"{len(value)} characters",
                    )
                )
                value = value[:MAX_CELL]
            cells[key] = (written, value)
        elif cell.strip() and place >= MAX_COLUMNS:
            problems.append(
                Problem(
                    file,
                    f"row {number}, column {place + 1}",
                    f"at most {MAX_COLUMNS} columns",
                    _shown(cell.strip()),
                    "this cell is not read",
                )
            )
    return _Row(file, number, cells)


def write_directory_csv(people: Iterable[Person]) -> bytes:
    """The people as a CSV file: UTF-8 with a byte order mark, Chinese headers, CRLF line
    ends (Excel on a Chinese Windows opens it as it is), in the order given."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    keys = list(COLUMNS)
    writer.writerow([COLUMNS[key][0] for key in keys])
    for person in people:
        cells = {
            "name": person.name,
            "extension": person.extension,
            "department": person.department,
            "duties": "、".join(person.duties),
            "languages": "、".join(_SHOWN_LANGUAGE.get(code, code) for code in person.languages),
            "hours": format_hours(person.hours),
            "internal": "是" if person.internal else "否",
            "note": person.note,
            "id": person.id,
        }
        writer.writerow([cells[key] for key in keys])
    return out.getvalue().encode("utf-8-sig")
