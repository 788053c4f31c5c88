"""systemd/mall-pa.service: the directives the service relies on, and `systemd-analyze verify`.

The parse test runs everywhere. The verify test needs the `systemd-analyze` binary (Debian
package `systemd`; CI installs it) and skips without it. It verifies a copy of the unit
whose ExecStart names this venv's real `mall-pa` script (verify fails when the command is
not executable, and /opt/mall-pa does not exist here); every other directive is verified
as written. `User=mall-pa` need not exist: verify does not resolve users or groups.

What counts as a problem (`problems()`): any line of verify's output that names our unit
(the copy's path or "mall-pa.service"), and a non-zero exit with `--recursive-errors=no`
(systemd >= 250), which counts only our unit. Unknown keys and unparsable values are only
warnings ("Unknown key ..., ignoring") but are problems here. Left out as environment noise
and only printed: lines about other units that verify loads as dependencies (e.g.
"/lib/systemd/system/systemd-journald.service:45: Failed to parse system call, ignoring:
riscv_hwprobe" where libseccomp is older than the units, "tmp.mount: Failed to load
configuration") and the manager's own lines in a container whose PID 1 is not systemd
("Failed to read $container of PID 1", "System has not been booted with systemd").
Debian 12's verify prints nothing at all for this unit in such a container.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parents[2] / "systemd" / "mall-pa.service"
ANALYZE = shutil.which("systemd-analyze")
EXEC_START = "/opt/mall-pa/.venv/bin/mall-pa run --config /etc/mall-pa/mall-pa.toml"

EXPECTED = {
    "Unit": {
        "After": "sound.target network-online.target",
        "Wants": "network-online.target",
    },
    "Service": {
        "Type": "notify",
        "NotifyAccess": "main",
        "WatchdogSec": "30s",
        "Restart": "on-failure",
        "RestartSec": "2s",
        "TimeoutStopSec": "30s",
        "KillSignal": "SIGTERM",
        "ExecStart": EXEC_START,
        "User": "mall-pa",
        "Group": "mall-pa",
        "SupplementaryGroups": "audio",
        "StateDirectory": "mall-pa",
        "WorkingDirectory": "/var/lib/mall-pa",
        "UMask": "0027",
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "ProtectKernelTunables": "yes",
        "ProtectKernelModules": "yes",
        "ProtectControlGroups": "yes",
        "RestrictNamespaces": "yes",
        "LockPersonality": "yes",
        "RestrictRealtime": "no",
        "LimitRTPRIO": "20",  # the audio thread asks for SCHED_FIFO 20 (daemon/audio/realtime.py)
        "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6 AF_NETLINK",
        "DevicePolicy": "closed",
        "DeviceAllow": "char-alsa rw",
        "ReadOnlyPaths": "-/etc/mall-pa",
        "CapabilityBoundingSet": "",
        "SystemCallArchitectures": "native",
    },
    "Install": {"WantedBy": "multi-user.target"},
}
# Off on purpose: /dev/snd (PrivateDevices), ctypes/cffi callbacks (MemoryDenyWriteExecute),
# /proc/net for the certificate's addresses (ProcSubset=pid); nothing else may be writable.
ABSENT = ("PrivateDevices", "MemoryDenyWriteExecute", "ProcSubset", "ReadWritePaths")


class UnitFile(configparser.ConfigParser):
    """A unit file, near enough: keys are case-sensitive; a repeated key keeps its last value."""

    def __init__(self) -> None:
        super().__init__(strict=False, interpolation=None, empty_lines_in_values=False)

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def parse(text: str) -> UnitFile:
    unit = UnitFile()
    unit.read_string(text)
    return unit


def test_the_unit_has_the_directives_the_service_relies_on() -> None:
    unit = parse(UNIT.read_text(encoding="utf-8"))
    for section, directives in EXPECTED.items():
        for key, value in directives.items():
            assert unit.get(section, key, fallback=None) == value, f"[{section}] {key}="
    for key in ABSENT:
        assert not unit.has_option("Service", key), f"{key}= must not be set (see the comments)"


def test_the_parse_test_notices_a_removed_directive() -> None:
    text = UNIT.read_text(encoding="utf-8")
    unit = parse(re.sub(r"(?m)^WatchdogSec=.*\n", "", text).replace("Type=notify", "Type=simple"))
    assert unit.get("Service", "WatchdogSec", fallback=None) is None
    assert unit.get("Service", "Type") == "simple"


def verifiable_copy(folder: Path, text: str) -> Path:
    """The unit in `folder` with ExecStart naming this venv's `mall-pa` script."""
    script = Path(sys.executable).parent / "mall-pa"
    if not os.access(script, os.X_OK):
        pytest.skip(f"no executable {script} (pip install -e . makes it)")
    assert EXEC_START in text
    copy = folder / "mall-pa.service"  # verify wants the unit's own name
    copy.write_text(text.replace(EXEC_START.split()[0], str(script)), encoding="utf-8")
    return copy


def problems(copy: Path) -> list[str]:
    """verify's complaints about our unit (see the module docstring for what is left out)."""
    assert ANALYZE is not None
    version = subprocess.run([ANALYZE, "--version"], capture_output=True, text=True, check=True)
    number = re.match(r"systemd (\d+)", version.stdout)
    args = [ANALYZE, "verify", "--man=no"]
    if number is not None and int(number[1]) >= 250:
        args.append("--recursive-errors=no")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYSTEMD_")}
    env |= {"LC_ALL": "C", "SYSTEMD_LOG_COLOR": "0", "SYSTEMD_LOG_LOCATION": "0"}
    done = subprocess.run(
        [*args, str(copy)], capture_output=True, text=True, env=env, cwd=copy.parent, timeout=60
    )
    ours: list[str] = []
    noise: list[str] = []
    for line in (done.stdout + done.stderr).splitlines():
        (ours if str(copy) in line or "mall-pa.service" in line else noise).append(line)
    if noise:
        print("systemd-analyze verify, left out as environment noise:", *noise, sep="\n  ")
    if done.returncode != 0 and not ours:
        ours.append(f"systemd-analyze verify exited {done.returncode}")
    return ours


needs_analyze = pytest.mark.skipif(
    ANALYZE is None, reason="no systemd-analyze here (Debian: apt-get install -y systemd)"
)


@needs_analyze
def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    copy = verifiable_copy(tmp_path, UNIT.read_text(encoding="utf-8"))
    assert problems(copy) == []


@needs_analyze
def test_verify_problems_are_not_filtered_away(tmp_path: Path) -> None:
    text = UNIT.read_text(encoding="utf-8").replace(
        "WatchdogSec=30s", "WatchdogSec=30s\nWatchDogSec=30s\nRestart=sometimes"
    )
    found = "\n".join(problems(verifiable_copy(tmp_path, text)))
    assert "WatchDogSec" in found  # "Unknown key" (older systemd: "Unknown lvalue")
    assert "sometimes" in found
