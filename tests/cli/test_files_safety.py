"""Files are never clobbered and never block (issue 12, item 7): outputs go through a
temporary file and replace only a regular file; loaders open only regular files; `.TOML`
is read; a truncated file is named by `check`."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_cli_errors import FIRE, run

DAY = ["--date", "2026-11-23"]
WINDOW = ["--from", "10:00", "--to", "10:00:20"]


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def symlink(path: Path) -> Path:
    target = path.with_name("precious.txt")
    target.write_text("keep me", encoding="utf-8")
    path.symlink_to(target)
    return path


def folder(path: Path) -> Path:
    path.mkdir()
    return path


def device(path: Path) -> Path:
    if os.geteuid() != 0:
        pytest.skip("only root may make a device node")
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # a null device, in tmp
    return path


@pytest.mark.parametrize(
    ("make", "what"),
    [(fifo, "a FIFO (named pipe)"), (symlink, "a symbolic link"), (folder, "a folder"),
     (device, "a device")],
)  # fmt: skip
def test_render_refuses_to_write_over_anything_but_a_regular_file(
    store: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], Path], what: str
) -> None:
    out = make(store.parent / "preview.wav")
    before = os.lstat(out)
    status, _, err = run(capsys, "render", "--config", str(store), *DAY, *WINDOW, "--out", str(out))
    assert status == 2
    assert f"cannot write {out}: {what}: mall-pa writes only new or regular files" in err
    after = os.lstat(out)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert not list(out.parent.glob(".preview.wav.*"))  # no temporary file left behind
    if what == "a symbolic link":
        assert (store.parent / "precious.txt").read_text(encoding="utf-8") == "keep me"


def test_render_replaces_a_regular_file_whole(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = store.parent / "preview.wav"
    out.write_bytes(b"old")
    status, _, _ = run(capsys, "render", "--config", str(store), *DAY, *WINDOW, "--out", str(out))
    assert status == 0 and out.read_bytes()[:4] == b"RIFF"
    assert Path(f"{out}.timeline.jsonl").is_file()


def test_speak_refuses_a_fifo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = fifo(tmp_path / "speech.wav")
    status, _, err = run(capsys, "speak", "欢迎光临", "--out", str(out))
    assert status == 2 and "a FIFO (named pipe): mall-pa writes only new or regular" in err


def test_a_fifo_named_toml_in_the_scripts_folder_is_named_not_waited_for(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipe = fifo(store.parent / "scripts" / "pipe.toml")
    status, _, err = run(capsys, "simulate", "--config", str(store), *DAY)
    assert status == 2
    assert f"{pipe.name}: expected a script file that can be read, found a FIFO" in err


def test_a_script_named_in_capitals_is_read(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (store.parent / "scripts" / "fire.toml").rename(store.parent / "scripts" / "FIRE.TOML")
    assert (store.parent / "scripts" / "FIRE.TOML").read_text(encoding="utf-8") == FIRE
    status, out, _ = run(capsys, "check", "--config", str(store), *DAY)
    assert status == 0 and "1 emergency presets" in out


def test_check_names_a_truncated_file(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    song = store.parent / "music" / "a.wav"
    data = song.read_bytes()
    song.write_bytes(data[: len(data) // 2])  # a copy cut short: the header promises more
    status, out, _ = run(capsys, "check", "--config", str(store), *DAY)
    assert status == 1
    assert f"FAIL: playlist morning.m3u8: track {song}: truncated: its header promises" in out
