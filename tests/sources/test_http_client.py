"""The guarded client factory: proxies ignored, redirects checked at connect, TLS verified against the
host name while the socket goes to the checked address."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from elshi.sources.errors import FetchRefused
from elshi.sources.http import AddressRefused, guarded_client
from elshi.sources.transport import GuardedTransport

from .conftest import LocalServer


class _Proxy:
    """A listening socket that counts the connections it gets (a proxy would get them all)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.hits = 0
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def drain(self) -> int:
        try:
            while True:
                conn, _ = self.sock.accept()
                self.hits += 1
                conn.close()
        except TimeoutError:
            return self.hits


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Proxy]:
    spy = _Proxy()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, spy.url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield spy
    spy.sock.close()


def test_proxy_variables_are_ignored(proxy: _Proxy, local_server: LocalServer) -> None:
    local_server.routes["/x"] = (200, {}, b"direct")
    target = local_server.base.replace("127.0.0.1", "feed.test") + "/x"
    resolver = lambda h, p: ["127.0.0.1"]  # noqa: E731
    with pytest.raises(httpx.HTTPError):  # the control: httpx's default would go through the proxy
        httpx.Client(timeout=1).get(target)
    assert proxy.drain() >= 1
    before = proxy.hits
    with guarded_client(allowed_hosts={"127.0.0.1"}, resolver=resolver) as client:
        assert client.get(target).content == b"direct"
    assert proxy.drain() == before and local_server.requests[0][0] == "/x"


def test_a_redirect_to_a_private_address_is_refused_at_connect(local_server: LocalServer) -> None:
    port = local_server.base.rsplit(":", 1)[1]
    local_server.routes["/go"] = (302, {"Location": f"http://intranet.test:{port}/secret"}, b"")
    local_server.routes["/secret"] = (200, {}, b"internal")
    names = {"public.test": ["127.0.0.1"], "intranet.test": ["10.0.0.7"]}
    with guarded_client(
        allowed_hosts={"127.0.0.1"}, resolver=lambda h, p: names[h], follow_redirects=True, hint="HINT"
    ) as client, pytest.raises(AddressRefused, match="intranet.test .*10.0.0.7.*HINT"):
        client.get(f"http://public.test:{port}/go")
    assert [path for path, _ in local_server.requests] == ["/go"]


def test_a_refusal_is_both_a_fetch_refusal_and_a_connect_error() -> None:
    with guarded_client(resolver=lambda h, p: ["169.254.169.254"]) as client:
        with pytest.raises(httpx.ConnectError) as caught:
            client.get("http://metadata.test/latest/")
    assert isinstance(caught.value, FetchRefused) and caught.value.request.url.host == "metadata.test"


def test_clients_share_the_given_tls_context_and_pool_sizing() -> None:
    context = ssl.create_default_context()
    client = guarded_client(verify=context, limits=httpx.Limits(max_connections=7))
    transport = client._transport
    assert isinstance(transport, GuardedTransport) and client.trust_env is False
    assert transport._pool._ssl_context is context and transport._pool._max_connections == 7


def test_mock_transport_stays_the_test_seam() -> None:
    mock = httpx.MockTransport(lambda r: httpx.Response(200, text="mocked"))
    with guarded_client(transport=mock) as client:
        assert client.get("http://127.0.0.1/").text == "mocked" and client.trust_env is False


def _certificate(tmp_path: Path, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for ``name``: the server's context and a client context trusting it."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    return server, ssl.create_default_context(cafile=str(cert_file))


def test_tls_verifies_the_host_name_while_connecting_to_the_checked_address(tmp_path: Path) -> None:
    server_context, client_context = _certificate(tmp_path, "feed.test")
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.headers["Host"])
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = server_context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    port = httpd.server_address[1]
    try:
        with guarded_client(
            allowed_hosts={"127.0.0.1"}, resolver=lambda h, p: ["127.0.0.1"], verify=client_context
        ) as client:
            assert client.get(f"https://feed.test:{port}/").text == "ok"
            with pytest.raises(httpx.ConnectError, match="(?i)hostname|certificate"):
                client.get(f"https://other.test:{port}/")  # same address, a name the certificate lacks
        assert seen == [f"feed.test:{port}"]
    finally:
        httpd.shutdown()
        httpd.server_close()
