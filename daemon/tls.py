"""The service's own certificate for HTTPS on the store's LAN (phones need HTTPS for the mic).

`ensure_self_signed(folder)` keeps one self-signed certificate and its key in `folder/tls/`
(`mall-pa.crt`, `mall-pa.key`). Staff phones install it once as a CA (it has CA=true for
that) and then trust the service at every name it was made for. Contract:

- The certificate names every host of `hosts` (default: `machine_hosts()`, this machine's
  names and LAN addresses) plus always `localhost`, `127.0.0.1` and `::1`.
- It is reused unchanged (same fingerprint, files untouched: phones keep trusting it) while
  both files load, belong together, name every current host and expire more than 30 days
  from `now`. Otherwise a new one is made, and every phone must trust the new one: a
  changed LAN address (give the desk PC a fixed address or a DHCP reservation), a renamed
  machine, a certificate near its end or not yet valid (made while the clock was wrong), or
  a damaged file. Replacing one is logged as a warning with the new fingerprint.
- EC P-256, SHA-256, valid 825 days less a second (Apple's limit for TLS server certificates,
  user-installed roots included), serverAuth, and name constraints limited to its own hosts:
  were the key ever stolen, it could not vouch for any other site to a phone that trusts it.
- `folder/tls` is made mode 0700; the key is written 0600, atomically (temp file, fsync,
  rename), key before certificate, so a crash leaves a mismatch that the next start replaces.
- `local_addresses()` reads the kernel's tables (`/proc/net`): no network traffic, and an
  empty list rather than an error where nothing can be read.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import re
import socket
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["Certificate", "ensure_self_signed", "local_addresses", "machine_hosts"]

log = logging.getLogger(__name__)

LIFETIME = timedelta(days=825)  # the longest iOS accepts (support.apple.com/HT210176)
RENEW_BEFORE = timedelta(days=30)
LOOPBACK = ("localhost", "127.0.0.1", "::1")

_ULA = ipaddress.ip_network("fc00::/7")
_IFA_F_TEMPORARY, _IFA_F_DADFAILED, _IFA_F_DEPRECATED, _IFA_F_PERMANENT = 0x01, 0x08, 0x20, 0x80
_DNS = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)(\.(?!-)[a-z0-9_-]{1,63}(?<!-))*")


@dataclass(frozen=True)
class Certificate:
    """The certificate on disk: its files, SHA-256 fingerprint ("AB:CD:..."), names, end."""

    cert_path: Path
    key_path: Path
    fingerprint_sha256: str
    hosts: tuple[str, ...]
    not_after: datetime


def local_addresses(proc_net: Path = Path("/proc/net")) -> list[str]:
    """This machine's own IPv4 and IPv6 addresses, IPv4 first, from the kernel's tables.

    Left out: loopback, link-local, and IPv6 addresses that change by themselves: temporary
    (privacy) ones, and global ones the router hands out (SLAAC, DHCPv6), which follow the
    ISP's prefix, which many ISPs change often (each change would need a new certificate).
    Unique local (fc00::/7) and statically configured global IPv6 addresses are kept."""
    return list(dict.fromkeys([*_ipv4(proc_net / "fib_trie"), *_ipv6(proc_net / "if_inet6")]))


def _read(path: Path) -> str:
    with contextlib.suppress(OSError):
        return path.read_text(encoding="ascii", errors="replace")
    return ""


def _ipv4(fib_trie: Path) -> list[str]:
    # A leaf line "|-- 192.0.2.2" is followed by its routes; "/32 host LOCAL" is an own address.
    found, leaf = [], None
    for line in _read(fib_trie).splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] == "|--":
            leaf = words[1]
        elif words[:3] == ["/32", "host", "LOCAL"] and leaf is not None:
            try:
                ip = ipaddress.IPv4Address(leaf)
            except ValueError:
                continue
            if not (ip.is_loopback or ip.is_link_local or ip.is_unspecified):
                found.append(str(ip))
    return found


def _ipv6(if_inet6: Path) -> list[str]:
    # "fd000000000000000000000000000002 04 40 00 82 eth0": address, index, prefix, scope, flags.
    found = []
    for line in _read(if_inet6).splitlines():
        words = line.split()
        try:
            ip = ipaddress.IPv6Address(bytes.fromhex(words[0]))
            scope, flags = int(words[3], 16), int(words[4], 16)
        except (IndexError, ValueError):
            continue
        if scope != 0 or flags & (_IFA_F_TEMPORARY | _IFA_F_DADFAILED | _IFA_F_DEPRECATED):
            continue
        if ip in _ULA or flags & _IFA_F_PERMANENT:
            found.append(str(ip))
    return found


def _normal(host: str) -> str:
    """A host as the certificate names it: an IP address in canonical form, or a lower-case
    ASCII DNS name. Raises ValueError naming the host otherwise."""
    text = host.strip().rstrip(".")
    ip = _ip(text)
    if ip is not None and "%" not in text:  # an IPv6 zone ("%eth0") cannot be certified
        return str(ip)
    try:
        name = text.lower().encode("idna").decode("ascii")
    except UnicodeError:
        name = ""
    if not _DNS.fullmatch(name) or len(name) > 253:
        raise ValueError(f"TLS host {host!r} is neither a host name nor an IP address")
    return name


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def machine_hosts() -> list[str]:
    """The loopback names, this machine's host name and its ".local" (mDNS) name, and
    `local_addresses()`. A host name that cannot be certified is left out."""
    names = []
    name = socket.gethostname()
    for candidate in (name, name.split(".")[0] + ".local"):
        with contextlib.suppress(ValueError):
            if not (normal := _normal(candidate)).startswith("localhost"):
                names.append(normal)
    return list(dict.fromkeys([*LOOPBACK, *names, *local_addresses()]))


def _wanted(hosts: Sequence[str] | None) -> tuple[str, ...]:
    if hosts is None:
        return tuple(machine_hosts())
    return tuple(dict.fromkeys([*LOOPBACK, *map(_normal, hosts)]))


def _describe(cert: x509.Certificate, cert_path: Path, key_path: Path) -> Certificate:
    fingerprint = cert.fingerprint(hashes.SHA256()).hex(":").upper()
    return Certificate(cert_path, key_path, fingerprint, _names(cert), cert.not_valid_after_utc)


def _names(cert: x509.Certificate) -> tuple[str, ...]:
    """The certificate's subject alternative names; x509.ExtensionNotFound if it has none."""
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return tuple(str(n.value) for n in names if isinstance(n, x509.IPAddress | x509.DNSName))


class _DamagedError(Exception):
    pass


def _existing(cert_path: Path, key_path: Path) -> x509.Certificate | None:
    """The certificate on disk if it and its key load and belong together; None if neither
    file exists; `_DamagedError` saying what is wrong otherwise."""
    if not cert_path.exists() and not key_path.exists():
        return None
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        _names(cert)
    except (OSError, ValueError, TypeError, x509.ExtensionNotFound) as error:
        raise _DamagedError(str(error) or type(error).__name__) from error
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*spki) != cert.public_key().public_bytes(*spki):
        raise _DamagedError("the key does not belong to the certificate")
    return cert


def _write(path: Path, data: bytes, mode: int) -> None:
    """Replace `path` with `data` atomically: a temp file beside it, fsync, rename, and
    fsync the folder (best effort: not every file system can) so the rename lasts too."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    with contextlib.suppress(OSError):
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _make(hosts: tuple[str, ...], now: datetime) -> tuple[bytes, bytes]:
    """A new key and self-signed certificate for `hosts`, as PEM (key, certificate)."""
    key = ec.generate_private_key(ec.SECP256R1())
    common_name = f"mall-pa {socket.gethostname()}"[:64]
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    ips = {h: ip for h in hosts if (ip := _ip(h)) is not None}
    sans = [x509.IPAddress(ips[h]) if h in ips else x509.DNSName(h) for h in hosts]
    permitted = [
        x509.IPAddress(ipaddress.ip_network(ips[h])) if h in ips else x509.DNSName(h) for h in hosts
    ]
    start = now.astimezone(UTC).replace(microsecond=0) - timedelta(hours=1)  # phones' clock skew
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + LIFETIME - timedelta(seconds=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        # digital_signature (TLS) and key_cert_sign (a CA) only
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, *[False] * 3), True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.NameConstraints(permitted, None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem, pkcs8 = serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8
    return key.private_bytes(pem, pkcs8, serialization.NoEncryption()), cert.public_bytes(pem)


def ensure_self_signed(
    folder: Path, hosts: Sequence[str] | None = None, now: datetime | None = None
) -> Certificate:
    """The service's certificate in `folder/tls/`, made once and reused (module contract).

    `hosts`: the names and addresses to certify besides the loopback ones (default: this
    machine's, `machine_hosts()`); ValueError for one that is not a host name or address.
    `now` must be timezone-aware (default: the current time).
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        raise ValueError("ensure_self_signed: now must be timezone-aware")
    wanted = _wanted(hosts)
    tls = Path(folder) / "tls"
    tls.mkdir(mode=0o700, parents=True, exist_ok=True)
    if tls.stat().st_mode & 0o077:
        tls.chmod(0o700)
    cert_path, key_path = tls / "mall-pa.crt", tls / "mall-pa.key"

    first = not cert_path.exists() and not key_path.exists()
    reason = "none yet"
    try:
        old = _existing(cert_path, key_path)
    except _DamagedError as error:
        old, reason = None, f"the old one is damaged: {error}"
    if old is not None:
        missing = [h for h in wanted if h not in _names(old)]
        if old.not_valid_after_utc - RENEW_BEFORE <= now:
            reason = f"the old one ends {old.not_valid_after_utc:%Y-%m-%d}"
        elif old.not_valid_before_utc > now:  # made while the clock was wrong
            reason = f"the old one starts only {old.not_valid_before_utc:%Y-%m-%d}"
        elif missing:
            reason = f"the old one does not name {', '.join(missing)}"
        else:
            if key_path.stat().st_mode & 0o077:
                key_path.chmod(0o600)
            return _describe(old, cert_path, key_path)

    key_pem, cert_pem = _make(wanted, now)
    _write(key_path, key_pem, 0o600)
    _write(cert_path, cert_pem, 0o644)
    made = _describe(x509.load_pem_x509_certificate(cert_pem), cert_path, key_path)
    log.log(
        logging.INFO if first else logging.WARNING,
        "TLS: made a new certificate %s (%s) for %s, SHA-256 %s%s",
        cert_path,
        reason,
        ", ".join(made.hosts),
        made.fingerprint_sha256,
        "" if first else "; phones that trusted the old one must install this one",
    )
    return made
