"""read_playlist: encodings, line ends, EXTINF titles, path forms, and the errors people make."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.catalog.playlists import PlaylistEntry, read_playlist
from daemon.catalog.problems import InputError, Problem

URL_HINT = "mall-pa plays local files only; download the file and list its path"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_extended_m3u_titles_comments_and_blank_lines(tmp_path: Path) -> None:
    playlist = write(
        tmp_path / "morning.m3u8",
        "#EXTM3U\n"
        "#PLAYLIST:Morning\n"
        "\n"
        "#EXTINF:183,Artist - Song One\n"
        "#EXTGRP:pop\n"
        "songs/one.mp3\n"
        "# a plain comment\n"
        "two.flac\n"
        "#EXTINF:-1,\n"
        "three.ogg\n",
    )
    entries, problems = read_playlist(playlist)
    assert entries == [
        PlaylistEntry(tmp_path / "songs" / "one.mp3", "Artist - Song One", 6, "Artist"),
        PlaylistEntry(tmp_path / "two.flac", "two", 8),
        PlaylistEntry(tmp_path / "three.ogg", "three", 10),
    ]
    assert problems == []


def test_plain_m3u_without_header(tmp_path: Path) -> None:
    playlist = write(tmp_path / "list.m3u", "a.wav\nb.wav")
    entries, _ = read_playlist(playlist)
    assert [(e.path.name, e.title, e.line) for e in entries] == [
        ("a.wav", "a", 1),
        ("b.wav", "b", 2),
    ]


def test_utf8_bom_and_crlf(tmp_path: Path) -> None:
    playlist = tmp_path / "bom.m3u8"
    playlist.write_bytes(b"\xef\xbb\xbfa.mp3\r\n\r\n#EXTINF:10,Bee\r\nb.mp3\r\n")
    entries, problems = read_playlist(playlist)
    assert entries == [
        PlaylistEntry(tmp_path / "a.mp3", "a", 1),
        PlaylistEntry(tmp_path / "b.mp3", "Bee", 4),
    ]
    assert problems == []


def test_surrounding_whitespace_is_trimmed(tmp_path: Path) -> None:
    playlist = write(tmp_path / "ws.m3u", "  #EXTINF:5,  Spaced Title \t\n\t a b.mp3  \n")
    entries, _ = read_playlist(playlist)
    assert entries == [PlaylistEntry(tmp_path / "a b.mp3", "Spaced Title", 2)]


def test_old_mac_cr_line_ends(tmp_path: Path) -> None:
    playlist = tmp_path / "cr.m3u"
    playlist.write_bytes(b"#EXTM3U\ra.mp3\rb.mp3\r")
    entries, _ = read_playlist(playlist)
    assert [(e.path.name, e.line) for e in entries] == [("a.mp3", 2), ("b.mp3", 3)]


def test_gbk_encoded_m3u_with_chinese_names(tmp_path: Path) -> None:
    playlist = write(
        tmp_path / "中文歌单.m3u",
        "#EXTM3U\r\n#EXTINF:269,周杰伦 - 晴天\r\n华语\\晴天.mp3\r\n月亮代表我的心.mp3\r\n",
        encoding="gbk",
    )
    with pytest.raises(UnicodeDecodeError):
        playlist.read_bytes().decode("utf-8")  # the fixture really is not UTF-8
    entries, problems = read_playlist(playlist)
    assert entries == [
        PlaylistEntry(tmp_path / "华语" / "晴天.mp3", "周杰伦 - 晴天", 3, "周杰伦"),
        PlaylistEntry(tmp_path / "月亮代表我的心.mp3", "月亮代表我的心", 4),
    ]
    assert problems == []


def test_utf8_chinese_names(tmp_path: Path) -> None:
    playlist = write(tmp_path / "歌单.m3u8", "#EXTINF:1,甜蜜蜜\n邓丽君/甜蜜蜜.flac\n")
    entries, _ = read_playlist(playlist)
    assert entries == [PlaylistEntry(tmp_path / "邓丽君" / "甜蜜蜜.flac", "甜蜜蜜", 2)]


def test_utf16_with_bom(tmp_path: Path) -> None:
    playlist = write(tmp_path / "notepad.m3u", "\ufeff#EXTM3U\r\n夜来香.wav\r\n", "utf-16-le")
    entries, _ = read_playlist(playlist)
    assert entries == [PlaylistEntry(tmp_path / "夜来香.wav", "夜来香", 2)]


def test_absolute_relative_backslash_and_parent_paths(tmp_path: Path) -> None:
    folder = tmp_path / "lists"
    folder.mkdir()
    elsewhere = tmp_path / "music" / "abs.wav"
    playlist = write(
        folder / "mix.m3u",
        f"{elsewhere}\nsub\\dir\\back.wav\n..\\music\\up.wav\n./here.wav\n",
    )
    entries, _ = read_playlist(playlist)
    assert [e.path for e in entries] == [
        elsewhere,
        folder / "sub" / "dir" / "back.wav",
        tmp_path / "music" / "up.wav",
        folder / "here.wav",
    ]
    assert [e.title for e in entries] == ["abs", "back", "up", "here"]


def test_relative_playlist_path_gives_absolute_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "p.m3u", "a.wav\n")
    monkeypatch.chdir(tmp_path)
    entries, _ = read_playlist(Path("p.m3u"))
    assert entries[0].path == tmp_path / "a.wav"
    assert entries[0].path.is_absolute()


def test_file_urls_are_percent_decoded(tmp_path: Path) -> None:
    song = tmp_path / "我的 歌.wav"
    assert "%" in song.as_uri()
    playlist = write(
        tmp_path / "urls.m3u8",
        f"{song.as_uri()}\nfile://localhost{tmp_path.as_posix()}/a%20b.mp3\n",
    )
    entries, problems = read_playlist(playlist)
    assert entries == [
        PlaylistEntry(song, "我的 歌", 1),
        PlaylistEntry(tmp_path / "a b.mp3", "a b", 2),
    ]
    assert problems == []


def test_url_lines_are_problems_with_line_numbers(tmp_path: Path) -> None:
    playlist = write(
        tmp_path / "web.m3u",
        "#EXTM3U\n"
        "#EXTINF:-1,Radio\n"
        "http://radio.example/stream\n"
        "local.mp3\n"
        "HTTPS://example.com/a.mp3\n",
    )
    entries, problems = read_playlist(playlist)
    assert entries == [PlaylistEntry(tmp_path / "local.mp3", "local", 4)]
    assert problems == [
        Problem(playlist, "line 3", "a file path", "a URL (http://radio.example/stream)", URL_HINT),
        Problem(playlist, "line 5", "a file path", "a URL (HTTPS://example.com/a.mp3)", URL_HINT),
    ]


def test_missing_files_are_still_listed(tmp_path: Path) -> None:
    playlist = write(tmp_path / "p.m3u", "does-not-exist.mp3\n")
    entries, problems = read_playlist(playlist)
    assert entries == [PlaylistEntry(tmp_path / "does-not-exist.mp3", "does-not-exist", 1)]
    assert not entries[0].path.exists()
    assert problems == []


def test_extinf_attributes_with_commas_in_quotes(tmp_path: Path) -> None:
    playlist = write(
        tmp_path / "attrs.m3u8",
        '#EXTINF:-1 group-title="Pop, Rock" logo="x.png",Real Title, with comma\nx.mp3\n',
    )
    entries, _ = read_playlist(playlist)
    assert entries[0].title == "Real Title, with comma"


def test_missing_playlist_raises_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.m3u"
    with pytest.raises(InputError) as caught:
        read_playlist(missing)
    assert len(caught.value.problems) == 1
    problem = caught.value.problems[0]
    assert problem.file == missing
    assert problem.where == ""
    assert problem.found == "no file at this path"
    assert str(caught.value).startswith(f"{missing}: expected a playlist file")


def test_folder_instead_of_playlist_raises(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_playlist(tmp_path)
    assert caught.value.problems[0].found == "a folder"
    assert str(tmp_path) in str(caught.value)


def test_empty_playlist_raises(tmp_path: Path) -> None:
    playlist = write(tmp_path / "empty.m3u8", "#EXTM3U\n\n# nothing yet\n")
    with pytest.raises(InputError) as caught:
        read_playlist(playlist)
    [problem] = caught.value.problems
    assert (problem.file, problem.expected, problem.found) == (
        playlist,
        "at least one track",
        "none",
    )
    assert str(caught.value).startswith(f"{playlist}: expected at least one track, found none")


def test_zero_byte_playlist_raises(tmp_path: Path) -> None:
    playlist = tmp_path / "zero.m3u"
    playlist.write_bytes(b"")
    with pytest.raises(InputError) as caught:
        read_playlist(playlist)
    assert caught.value.problems[0].found == "none"


def test_only_urls_raises_with_every_problem(tmp_path: Path) -> None:
    playlist = write(tmp_path / "web.m3u", "http://a.example/1.mp3\n")
    with pytest.raises(InputError) as caught:
        read_playlist(playlist)
    assert [(p.where, p.expected) for p in caught.value.problems] == [
        ("line 1", "a file path"),
        ("", "at least one track"),
    ]


def test_undecodable_bytes_raise_naming_the_file(tmp_path: Path) -> None:
    playlist = tmp_path / "broken.m3u"
    playlist.write_bytes(b"a.mp3\n\xff\xff\x80\n")
    with pytest.raises(InputError) as caught:
        read_playlist(playlist)
    [problem] = caught.value.problems
    assert problem.file == playlist
    assert problem.expected == "a text playlist in UTF-8 or GB18030/GBK"
    assert "offset 6" in problem.found
    assert str(playlist) in str(caught.value)
    assert "UTF-8" in problem.hint


def test_binary_file_is_not_a_playlist(tmp_path: Path) -> None:
    playlist = tmp_path / "song.m3u"
    playlist.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt ")
    with pytest.raises(InputError) as caught:
        read_playlist(playlist)
    assert caught.value.problems[0].found.startswith("binary data")
