"""daemon.tls: the self-signed certificate is made once, reused, replaced, and works for HTTPS."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import socket
import socketserver
import ssl
import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from daemon import tls
from daemon.tls import Certificate, ensure_self_signed, local_addresses, machine_hosts

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
HOSTS = ["pa.example", "192.168.1.20", "fd12::20"]


def load(cert: Certificate) -> x509.Certificate:
    return x509.load_pem_x509_certificate(cert.cert_path.read_bytes())


def mtimes(cert: Certificate) -> tuple[int, int]:
    return cert.cert_path.stat().st_mtime_ns, cert.key_path.stat().st_mtime_ns


def test_made_certificate(tmp_path: Path) -> None:
    cert = ensure_self_signed(tmp_path / "state", HOSTS, NOW)
    assert cert.cert_path == tmp_path / "state" / "tls" / "mall-pa.crt"
    assert cert.key_path == tmp_path / "state" / "tls" / "mall-pa.key"
    ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert.cert_path, cert.key_path)
    assert stat.S_IMODE(cert.key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cert.cert_path.parent.stat().st_mode) == 0o700
    assert cert.hosts == ("localhost", "127.0.0.1", "::1", *HOSTS)

    x = load(cert)
    san = x.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost", "pa.example"]
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == [
        "127.0.0.1",
        "::1",
        "192.168.1.20",
        "fd12::20",
    ]
    der = x.public_bytes(serialization.Encoding.DER)
    assert cert.fingerprint_sha256 == hashlib.sha256(der).digest().hex(":").upper()
    assert len(cert.fingerprint_sha256) == 32 * 3 - 1
    assert x.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    eku = x.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    public = x.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == "secp256r1"
    cn = x.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert cn == f"mall-pa {socket.gethostname()}"[:64]
    assert x.not_valid_before_utc <= NOW < cert.not_after == x.not_valid_after_utc
    assert x.not_valid_after_utc - x.not_valid_before_utc < timedelta(days=825)  # iOS
    assert x.not_valid_after_utc - NOW > timedelta(days=820)


def test_second_call_reuses_the_files(tmp_path: Path) -> None:
    first = ensure_self_signed(tmp_path, HOSTS, NOW)
    before = mtimes(first)
    again = ensure_self_signed(tmp_path, HOSTS, NOW + timedelta(days=100))
    assert again == first
    assert mtimes(again) == before
    # A host that went away (a Wi-Fi link down) keeps the certificate that names it.
    assert ensure_self_signed(tmp_path, HOSTS[:1], NOW) == first


def test_new_host_makes_a_new_certificate(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = ensure_self_signed(tmp_path, HOSTS, NOW)
    with caplog.at_level(logging.WARNING, logger="daemon.tls"):
        moved = ensure_self_signed(tmp_path, [*HOSTS, "192.168.1.77"], NOW)
    assert moved.fingerprint_sha256 != first.fingerprint_sha256
    assert "192.168.1.77" in moved.hosts
    assert "does not name 192.168.1.77" in caplog.text and "must install this one" in caplog.text


def test_renewed_thirty_days_before_the_end(tmp_path: Path) -> None:
    first = ensure_self_signed(tmp_path, HOSTS, NOW)
    renew_at = first.not_after - timedelta(days=30)
    assert ensure_self_signed(tmp_path, HOSTS, renew_at - timedelta(seconds=1)) == first
    renewed = ensure_self_signed(tmp_path, HOSTS, renew_at)
    assert renewed.fingerprint_sha256 != first.fingerprint_sha256
    assert renewed.not_after > first.not_after
    # Made while the clock was days ahead: not yet valid once the clock is right.
    early = ensure_self_signed(tmp_path, HOSTS, NOW - timedelta(days=2))
    assert early.fingerprint_sha256 != renewed.fingerprint_sha256


@pytest.mark.parametrize("damage", ["cert", "key", "other key", "no cert", "no key", "no san"])
def test_damaged_files_are_replaced(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    first = ensure_self_signed(tmp_path, HOSTS, NOW)
    if damage == "cert":
        first.cert_path.write_bytes(first.cert_path.read_bytes()[:200])
    elif damage == "key":
        first.key_path.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n")
    elif damage == "other key":
        other = ensure_self_signed(tmp_path / "other", HOSTS, NOW)
        first.key_path.write_bytes(other.key_path.read_bytes())
    elif damage == "no cert":
        first.cert_path.unlink()
    elif damage == "no key":
        first.key_path.unlink()
    else:
        key = serialization.load_pem_private_key(first.key_path.read_bytes(), None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        bare = x509.CertificateBuilder().subject_name(load(first).subject)
        bare = bare.issuer_name(load(first).subject).public_key(key.public_key())
        bare = bare.serial_number(1).not_valid_before(NOW).not_valid_after(NOW + timedelta(1000))
        pem = bare.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
        first.cert_path.write_bytes(pem)
    with caplog.at_level(logging.WARNING, logger="daemon.tls"):
        new = ensure_self_signed(tmp_path, HOSTS, NOW)
    assert new.fingerprint_sha256 != first.fingerprint_sha256
    assert "damaged" in caplog.text
    ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(new.cert_path, new.key_path)
    assert ensure_self_signed(tmp_path, HOSTS, NOW) == new


def test_loose_modes_are_tightened(tmp_path: Path) -> None:
    first = ensure_self_signed(tmp_path, HOSTS, NOW)
    first.key_path.chmod(0o644)
    first.key_path.parent.chmod(0o755)
    assert ensure_self_signed(tmp_path, HOSTS, NOW) == first
    assert stat.S_IMODE(first.key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(first.key_path.parent.stat().st_mode) == 0o700


def test_bad_arguments(tmp_path: Path) -> None:
    for host in ("desk pc", "", "fe80::1%eth0", "-x.example", "a" * 64 + ".example"):
        with pytest.raises(ValueError, match="TLS host"):
            ensure_self_signed(tmp_path, [host], NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        ensure_self_signed(tmp_path, HOSTS, datetime(2026, 11, 23))
    # Normalised: case, a trailing dot, a long IPv6 form, duplicates.
    cert = ensure_self_signed(tmp_path, ["PA.Example.", "fd12:0::20", "pa.example"], NOW)
    assert cert.hosts == ("localhost", "127.0.0.1", "::1", "pa.example", "fd12::20")


FIB_TRIE = """\
Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 127.0.0.0/8 2 0 2
        +-- 127.0.0.0/31 1 0 0
           |-- 127.0.0.0
              /8 host LOCAL
           |-- 127.0.0.1
              /32 host LOCAL
     +-- 192.168.1.0/24 2 0 2
           |-- 192.168.1.0
              /24 link UNICAST
           |-- 192.168.1.20
              /32 host LOCAL
        |-- 192.168.1.255
           /32 link BROADCAST
     |-- 10.8.0.5
        /32 host LOCAL
     |-- 169.254.7.7
        /32 host LOCAL
Local:
     |-- 192.168.1.20
        /32 host LOCAL
"""
IF_INET6 = """\
00000000000000000000000000000001 01 80 10 80       lo
fe800000000000000000000000000020 02 40 20 80     eth0
fd120000000000000000000000000020 02 40 00 00     eth0
fd120000000000000000000000000021 02 40 00 20     eth0
24080000000000000000000000000020 02 40 00 00     eth0
24080000000000000000000000000021 02 40 00 01     eth0
20010db8000000000000000000000080 02 40 00 80     eth0
garbage
"""


def test_local_addresses_from_the_kernel_tables(tmp_path: Path) -> None:
    (tmp_path / "fib_trie").write_text(FIB_TRIE)
    (tmp_path / "if_inet6").write_text(IF_INET6)
    # Kept: LAN IPv4, a VPN's, unique local IPv6, static global IPv6. Left out: loopback,
    # link-local, a deprecated ULA, SLAAC and temporary global IPv6.
    assert local_addresses(tmp_path) == ["192.168.1.20", "10.8.0.5", "fd12::20", "2001:db8::80"]
    assert local_addresses(tmp_path / "missing") == []
    found = local_addresses()  # this machine's: whatever they are, well-formed and no loopback
    assert all(a not in ("127.0.0.1", "::1") and not a.startswith("fe80") for a in found)


def test_machine_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "gethostname", lambda: "Desk-PC.mall.lan")
    monkeypatch.setattr(tls, "local_addresses", lambda: ["192.168.1.20"])
    assert machine_hosts() == [
        "localhost",
        "127.0.0.1",
        "::1",
        "desk-pc.mall.lan",
        "desk-pc.local",
        "192.168.1.20",
    ]
    monkeypatch.setattr(socket, "gethostname", lambda: "localhost")
    assert machine_hosts() == ["localhost", "127.0.0.1", "::1", "192.168.1.20"]
    monkeypatch.setattr(socket, "gethostname", lambda: "收银台 1")  # cannot be certified
    assert machine_hosts() == ["localhost", "127.0.0.1", "::1", "192.168.1.20"]


@contextlib.contextmanager
def https_server(cert_file: Path, key_file: Path) -> Iterator[int]:
    """A tiny TLS echo server on 127.0.0.1 (a port of its own), serving in a thread."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)

    class Echo(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            self.wfile.write(b"mall-pa " + self.rfile.readline())

    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Echo) as server:
        server.daemon_threads = True
        server.socket = context.wrap_socket(server.socket, server_side=True)
        thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
        thread.start()
        try:
            yield server.server_address[1]
        finally:
            server.shutdown()
            thread.join()


def ask(trusted: Path, port: int, server_hostname: str) -> bytes:
    """One HTTPS-like exchange trusting only `trusted`, checking the host name."""
    client = ssl.create_default_context(cafile=str(trusted))
    client.verify_flags |= ssl.VERIFY_X509_STRICT
    assert client.check_hostname and client.verify_mode == ssl.CERT_REQUIRED
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        client.wrap_socket(raw, server_hostname=server_hostname) as conn,
    ):
        conn.sendall(b"ping\n")
        return conn.makefile("rb").readline()


def test_https_handshake_over_loopback(tmp_path: Path) -> None:
    cert = ensure_self_signed(tmp_path, HOSTS)
    with https_server(cert.cert_path, cert.key_path) as port:
        for name in ("localhost", "127.0.0.1", "pa.example", "192.168.1.20"):
            assert ask(cert.cert_path, port, name) == b"mall-pa ping\n"
        with pytest.raises(ssl.SSLCertVerificationError, match="mismatch"):
            ask(cert.cert_path, port, "other.example")


def issue(by: Certificate, host: str, folder: Path) -> tuple[Path, Path]:
    """A leaf for `host` signed with the service's key (as a thief of the key would)."""
    ca_key = serialization.load_pem_private_key(by.key_path.read_bytes(), None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(load(by).subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir()
    chain, key_file = folder / "chain.pem", folder / "leaf.key"
    chain.write_bytes(leaf.public_bytes(serialization.Encoding.PEM) + by.cert_path.read_bytes())
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return chain, key_file


def test_a_stolen_key_cannot_vouch_for_other_sites(tmp_path: Path) -> None:
    cert = ensure_self_signed(tmp_path, HOSTS)
    # Within the name constraints a leaf verifies (the check below is not failing for
    # another reason); outside them the phone refuses it.
    with https_server(*issue(cert, "pa.example", tmp_path / "inside")) as port:
        assert ask(cert.cert_path, port, "pa.example") == b"mall-pa ping\n"
    with (
        https_server(*issue(cert, "bank.example", tmp_path / "outside")) as port,
        pytest.raises(ssl.SSLCertVerificationError, match="permitted subtree violation"),
    ):
        ask(cert.cert_path, port, "bank.example")
