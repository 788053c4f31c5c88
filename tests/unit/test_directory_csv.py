"""The directory as CSV: UTF-8, UTF-8 with BOM and GBK files, bad rows reported, round trip."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.catalog.problems import Problem
from daemon.switchboard.directory import (
    LANGUAGE_NAMES,
    DutyWindow,
    Person,
    parse_hours,
)
from daemon.switchboard.directory_csv import (
    MAX_BYTES,
    MAX_ROWS,
    read_directory_csv,
    write_directory_csv,
)

GOOD = """姓名,分机,部门,职责,语言,值班时间,仅内部,备注
单田芳,801,客服部,开票、停车,英语、日语,周一至周五 09:00-18:00;周六 10:00-16:00,否,总台
张三,８０２,保安部,停车/巡逻 失物招领,English，ja,mon-fri 22:00-06:00,是,
李四,803,,,,,,
"""


def read(text: str, encoding: str = "utf-8") -> tuple[list[Person], list[Problem]]:
    return read_directory_csv(text.encode(encoding), "directory.csv")


def wheres(problems: list[Problem]) -> list[str]:
    return [p.where for p in problems]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_a_good_file_in_each_encoding(encoding: str) -> None:
    people, problems = read(GOOD, encoding)
    assert problems == []
    assert [p.name for p in people] == ["单田芳", "张三", "李四"]
    shan, zhang, li = people
    assert shan.extension == "801"
    assert shan.department == "客服部"
    assert shan.duties == ("开票", "停车")
    assert shan.languages == ("en", "ja")
    assert shan.hours == (
        DutyWindow(frozenset({1, 2, 3, 4, 5}), 540, 1080),
        DutyWindow(frozenset({6}), 600, 960),
    )
    assert shan.internal is False
    assert shan.note == "总台"
    assert zhang.extension == "802"  # full-width digits, as typed on a Chinese IME
    assert zhang.duties == ("停车", "巡逻", "失物招领")
    assert zhang.languages == ("en", "ja")
    assert zhang.internal is True
    assert (li.department, li.duties, li.languages, li.hours, li.note) == ("", (), (), (), "")


def test_english_headers_in_any_order_and_case() -> None:
    text = "Extension,NAME,Languages,Hours,Internal,Notes,Department,Duties\n801,张三,en,,no,,,\n"
    people, problems = read(text)
    assert problems == []
    assert (people[0].name, people[0].extension, people[0].languages) == ("张三", "801", ("en",))


def test_a_tab_separated_unicode_text_file() -> None:
    text = "姓名\t分机\t职责\n张三\t801\t开票,停车\n"
    people, problems = read(text, "utf-16")
    assert problems == []
    assert people[0].duties == ("开票", "停车")


def test_ids_are_kept_or_made_from_name_and_extension() -> None:
    people, _ = read("编号,姓名,分机\nzs-1,张三,801\n,李四,802\n")
    assert people[0].id == "zs-1"
    assert people[1].id.startswith("p-")
    again, _ = read("姓名,分机\n王五,803\n李四,802\n")
    assert again[1].id == people[1].id  # the same at every import


def test_each_bad_row_is_reported_with_row_and_column_and_good_rows_kept() -> None:
    text = (
        "姓名,分机,部门,职责,语言,值班时间,仅内部,备注\n"
        "张三,801,,,,,,\n"  # row 2: good
        "李四,80x,,,,,,\n"  # row 3: extension
        "王五,803,,,火星语,,,\n"  # row 4: language
        "赵六,804,,,,周八 09:00-18:00,,\n"  # row 5: hours
        "钱七,805,,,,,也许,\n"  # row 6: internal
        ",806,,,,,,\n"  # row 7: no name
        "孙八,807,,,,,,=1+1\n"  # row 8: a formula
        "\n"  # row 9: empty, skipped
        '"周九",808,,,,,,"两行\n备注"\n'  # row 10: good, its note on one line
        "吴十,8091,客服部,,,,,\n"  # row 11: good
    )
    people, problems = read(text)
    assert [p.name for p in people] == ["张三", "周九", "吴十"]
    assert people[1].note == "两行 备注"
    assert wheres(problems) == [
        "row 3, column 分机",
        "row 4, column 语言",
        "row 5, column 值班时间",
        "row 6, column 仅内部",
        "row 7, column 姓名",
        "row 8, column 备注",
    ]
    for problem in problems:
        assert problem.file == Path("directory.csv")
        assert problem.expected and problem.found
    assert '"80x"' in problems[0].found
    assert '"火星语"' in problems[1].found
    assert "周八" in problems[2].found
    assert problems[2].hint  # what to do
    assert str(problems[0]).startswith("directory.csv: row 3, column 分机: expected")


def test_a_row_with_several_bad_cells_reports_each() -> None:
    _, problems = read("姓名,分机,语言\n" + "张" * 21 + ",1,xyz1\n")
    assert wheres(problems) == ["row 2, column 姓名", "row 2, column 分机", "row 2, column 语言"]


def test_shared_extensions_are_fine_but_a_person_twice_is_not() -> None:
    text = "姓名,分机\n张三,801\n李四,801\n张三,801\n"
    people, problems = read(text)
    assert [p.name for p in people] == ["张三", "李四"]
    assert wheres(problems) == ["row 4"]
    assert "row 2" in problems[0].found


def test_an_id_twice_is_reported() -> None:
    people, problems = read("编号,姓名,分机\na,张三,801\na,李四,802\n")
    assert [p.name for p in people] == ["张三"]
    assert wheres(problems) == ["row 3"]


def test_an_unknown_column_is_reported_and_the_rest_read() -> None:
    people, problems = read("姓名,分机,颜色,,\n张三,801,红,,\n")
    assert [p.name for p in people] == ["张三"]
    assert wheres(problems) == ["row 1, column C"]
    assert '"颜色"' in problems[0].found


@pytest.mark.parametrize("header", ["姓名,部门", "分机,部门", "部门", "员工通讯录"])
def test_a_missing_required_column_reads_nobody(header: str) -> None:
    people, problems = read(f"{header}\n张三,801\n")
    assert people == []
    assert problems[-1].where == "row 1"
    assert "姓名" in problems[-1].expected and "分机" in problems[-1].expected


def test_a_column_named_twice_reads_nobody() -> None:
    people, problems = read("姓名,分机,name\n张三,801,李四\n")
    assert people == []
    assert wheres(problems) == ["row 1, column C"]


def test_an_empty_file_and_a_header_only_file() -> None:
    assert read("") == ([], [Problem(Path("directory.csv"), "", "a header row (姓名, 分机, ...)",
                                     "an empty file")])  # fmt: skip
    assert read("姓名,分机\n") == ([], [])


def test_an_undecodable_file_is_one_clear_problem() -> None:
    people, problems = read_directory_csv(b"\xff\xd8\xff\xe0 a jpeg \x81\xff", "photo.csv")
    assert people == []
    assert len(problems) == 1
    assert "UTF-8 or GBK" in problems[0].expected
    assert "CSV UTF-8" in problems[0].hint


def test_too_large_a_file_is_not_read() -> None:
    people, problems = read_directory_csv(b"x" * (MAX_BYTES + 1), "big.csv")
    assert people == []
    assert "MB" in problems[0].expected


def test_rows_beyond_the_bound_are_reported_not_read() -> None:
    rows = "".join(f"人{n},{1000 + n}\n" for n in range(MAX_ROWS + 5))
    people, problems = read("姓名,分机\n" + rows)
    assert len(people) == MAX_ROWS
    assert wheres(problems) == [f"row {MAX_ROWS + 2}"]


def test_written_files_are_utf8_with_bom_and_chinese_headers() -> None:
    people, _ = read(GOOD)
    data = write_directory_csv(people)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "姓名,分机,部门,职责,语言,值班时间,仅内部,备注,编号"
    assert "\r\n" in text
    assert "英语、日语" in text
    assert "周一至周五 09:00-18:00;周六 10:00-16:00" in text
    assert read_directory_csv(data, "again.csv") == (people, [])


def test_every_language_name_written_reads_back_as_its_code() -> None:
    codes = list(LANGUAGE_NAMES)
    people = [
        Person(f"p-{n}", "张三", f"80{n}", languages=tuple(codes[n : n + 9]))
        for n in range(0, len(codes), 9)
    ]
    assert read_directory_csv(write_directory_csv(people), "x.csv") == (people, [])


# --- properties --------------------------------------------------------------------------

HAN = "张王李赵单曾区乐长重行开票停车失物招领客服部总台巡逻"
text_chars = st.sampled_from([*HAN, "a", "Z", "0", " ", "·", '"', ",", "\u3000", "'", "—", "é"])


def trimmed(max_size: int, *, min_size: int = 0) -> st.SearchStrategy[str]:
    return (
        st.text(text_chars, min_size=min_size, max_size=max_size)
        .map(str.strip)
        .filter(lambda t: len(t) >= min_size and not t.startswith(("=", "+", "-", "@")))
    )


duty = st.text(st.sampled_from([*HAN, "a", "9", "'", '"']), min_size=1, max_size=20)
window = (
    st.tuples(
        st.frozensets(st.integers(1, 7), min_size=1), st.integers(0, 1439), st.integers(1, 1440)
    )
    .filter(lambda t: t[1] != t[2])
    .map(lambda t: DutyWindow(*t))
)


@st.composite
def people(draw: st.DrawFn) -> list[Person]:
    count = draw(st.integers(0, 8))
    out: list[Person] = []
    seen: set[tuple[str, str]] = set()
    for n in range(count):
        name = draw(trimmed(20, min_size=1))
        extension = draw(st.text("0123456789", min_size=2, max_size=8))
        if (name, extension) in seen:
            continue
        seen.add((name, extension))
        out.append(
            Person(
                id=draw(st.sampled_from([f"p-{n}", f"staff.{n}", f"X_{n}"])),
                name=name,
                extension=extension,
                department=draw(trimmed(40)),
                duties=tuple(draw(st.lists(duty, max_size=5, unique=True))),
                languages=tuple(
                    draw(
                        st.lists(
                            st.sampled_from([*LANGUAGE_NAMES, "xh", "tlh"]), max_size=4, unique=True
                        )
                    )
                ),
                hours=tuple(draw(st.lists(window, max_size=3))),
                internal=draw(st.booleans()),
                note=draw(trimmed(60)),
            )
        )
    return out


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(people())
def test_any_valid_people_survive_write_then_read(group: list[Person]) -> None:
    assert read_directory_csv(write_directory_csv(group), "x.csv") == (group, [])


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_problems_never_a_traceback(data: bytes) -> None:
    found, problems = read_directory_csv(data, "x.csv")
    assert all(isinstance(p, Person) for p in found)
    assert all(isinstance(p, Problem) and p.where is not None for p in problems)


@settings(max_examples=300)
@given(st.lists(st.lists(st.text(max_size=30), max_size=10), max_size=10))
def test_arbitrary_cells_under_a_good_header_never_raise(rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(
        [["姓名", "分机", "部门", "职责", "语言", "值班时间", "仅内部", "备注"]]
    )
    csv.writer(out).writerows(rows)
    found, problems = read_directory_csv(out.getvalue().encode(), "x.csv")
    assert len(found) <= len(rows)
    for problem in problems:
        assert problem.where.startswith("row ")


def test_hours_text_written_is_what_parse_hours_reads() -> None:
    (person,), _ = read("姓名,分机,值班时间\n张三,801,每天 22:00-06:00\n")
    assert person.hours == parse_hours("daily 22:00-06:00")
