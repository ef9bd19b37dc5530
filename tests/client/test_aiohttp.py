"""easyink_ext._aiohttp: the exception map, the settings it honours or refuses, lazy import, TLS.

What both backends must do the same way over a socket is in test_backends.py; this module
checks what is specific to the aiohttp transport.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from easyink_client.api.signing_session_drafts import create_draft
from easyink_client.models import CreateDraftRequest
from easyink_ext import APIConnectionError, EasyInk, OutcomeUnknownError
from easyink_ext._client import aiohttp_transport

from ..conftest import DRAFT_ID, TOKEN, pool_of

aiohttp = pytest.importorskip("aiohttp")

from easyink_ext._aiohttp import AiohttpTransport, _Slots, map_aiohttp_error  # noqa: E402

_KEY = SimpleNamespace(host="127.0.0.1", port=9, ssl=True)
_INFO = SimpleNamespace(real_url="http://127.0.0.1:9/x")


def _connector_error() -> Exception:
    return aiohttp.ClientConnectorError(_KEY, ConnectionRefusedError(111, "refused"))


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (aiohttp.ConnectionTimeoutError("connect"), httpx.ConnectTimeout),
        (_connector_error(), httpx.ConnectError),
        (
            aiohttp.ClientConnectorDNSError(_KEY, OSError(-2, "Name or service not known")),
            httpx.ConnectError,
        ),
        (
            aiohttp.ClientProxyConnectionError(_KEY, ConnectionRefusedError(111, "refused")),
            httpx.ConnectError,
        ),
        (aiohttp.ClientHttpProxyError(_INFO, (), status=407), httpx.ProxyError),
        (aiohttp.NonHttpUrlClientError("ftp://x"), httpx.UnsupportedProtocol),
        (aiohttp.InvalidUrlClientError("http://"), httpx.UnsupportedProtocol),
        (aiohttp.SocketTimeoutError("read"), httpx.ReadTimeout),
        (aiohttp.ServerTimeoutError("read"), httpx.ReadTimeout),
        (asyncio.TimeoutError(), httpx.ReadTimeout),
        (aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
        (
            aiohttp.ClientPayloadError("Response payload is not completed"),
            httpx.RemoteProtocolError,
        ),
        (aiohttp.ClientResponseError(_INFO, (), status=400), httpx.RemoteProtocolError),
        (aiohttp.ClientConnectionResetError("Cannot write to closing transport"), httpx.WriteError),
        (aiohttp.ClientOSError(104, "Connection reset by peer"), httpx.ReadError),
        (aiohttp.ClientConnectionError("other"), httpx.ReadError),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else "",
)
def test_every_aiohttp_failure_maps_to_the_precise_httpx_error(
    failure: BaseException, expected: type[httpx.TransportError]
) -> None:
    mapped = map_aiohttp_error(failure)
    assert type(mapped) is expected


def test_never_sent_failures_are_exactly_the_connection_ones() -> None:
    """Only failures before the request left may be mapped to what a POST is retried after."""
    never_sent = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
    after_sending = [
        aiohttp.ServerDisconnectedError(),
        aiohttp.ClientPayloadError("cut"),
        aiohttp.SocketTimeoutError("read"),
        aiohttp.ClientOSError(32, "Broken pipe"),
        aiohttp.ClientConnectionResetError("reset"),
    ]
    for failure in after_sending:
        assert not isinstance(map_aiohttp_error(failure), never_sent), failure
    assert map_aiohttp_error(ValueError("not aiohttp")) is None


# --- the connection limit ----------------------------------------------------------------


async def _waiting(slots: _Slots) -> asyncio.Task[None]:
    task = asyncio.ensure_future(slots.acquire(None))
    await asyncio.sleep(0)  # now queued behind the slot in use
    assert not task.done()
    return task


@pytest.mark.parametrize("order", ["cancel-then-release", "release-then-cancel"])
async def test_a_cancelled_waiter_never_loses_a_slot(order: str) -> None:
    slots = _Slots(1)
    await slots.acquire(None)
    waiter = await _waiting(slots)
    # Both orders within one loop iteration: the waiter has not run in between.
    if order == "cancel-then-release":
        waiter.cancel()
        slots.release()
    else:
        slots.release()  # hands the slot to the waiter...
        waiter.cancel()  # ...which is cancelled before it could use it
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert slots._free == 1 and not slots._waiters
    await slots.acquire(0.01)  # the slot is really free


async def test_waiters_get_slots_in_order_and_time_out_as_pool_timeout() -> None:
    slots = _Slots(1)
    await slots.acquire(None)
    first, second = await _waiting(slots), await _waiting(slots)
    slots.release()
    await first
    assert not second.done()
    with pytest.raises(httpx.PoolTimeout):
        await slots.acquire(0.01)
    slots.release()
    await second
    assert slots._free == 0 and not slots._waiters


# --- settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"http2": True}, "HTTP/1.1 only"),
        ({"retries": 2}, "max_retries"),
        ({"socket_options": [(1, 2, 3)]}, "socket_options"),
        ({"proxy": "socks5://127.0.0.1:1080"}, "socks5"),
    ],
)
def test_settings_aiohttp_cannot_honour_fail_clearly(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AiohttpTransport(**options)


async def test_backend_option_checks() -> None:
    with pytest.raises(ValueError, match="backend must be one of"):
        EasyInk(token=TOKEN, backend="requests")
    with pytest.raises(ValueError, match="pool_shards"):
        EasyInk(token=TOKEN, backend="aiohttp", pool_shards=4)
    with pytest.raises(ValueError, match="not allowed with transport"):
        EasyInk(token=TOKEN, backend="aiohttp", transport=httpx.MockTransport(lambda r: r))
    limits = httpx.Limits(max_connections=7, max_keepalive_connections=7, keepalive_expiry=3.0)
    async with EasyInk(token=TOKEN, backend="aiohttp", limits=limits) as ei:
        inner = pool_of(ei)
        assert isinstance(inner, AiohttpTransport) and inner.limits == limits
        assert ei.backend == "aiohttp" and ei.with_options(max_retries=0).backend == "aiohttp"
    async with EasyInk(token=TOKEN) as default:
        assert default.backend == "httpx"


def test_the_session_needs_a_running_asyncio_loop() -> None:
    with pytest.raises(RuntimeError, match="asyncio"):
        AiohttpTransport()._open_session()


async def test_session_is_lazy_turns_off_hidden_replays_and_closes() -> None:
    transport = AiohttpTransport()
    assert transport._session is None  # created on the first request, inside the loop
    session = transport._open_session()
    assert session._retry_connection is False
    await transport.aclose()
    assert session.closed and transport._session is None
    with pytest.raises(RuntimeError, match="closed"):
        transport._open_session()


def test_import_easyink_ext_does_not_import_aiohttp() -> None:
    code = (
        "import sys, easyink_ext, easyink_ext.cli.app\n"
        "from easyink_ext import *\n"
        "easyink_ext.EasyInk(token='t')\n"
        "easyink_ext.EasyInkSync(token='t')\n"
        "assert 'aiohttp' not in sys.modules, 'aiohttp imported'\n"
        "easyink_ext.EasyInk(token='t', backend='aiohttp')\n"
        "assert 'aiohttp' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_missing_aiohttp_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "aiohttp", None)
    monkeypatch.delitem(sys.modules, "easyink_ext._aiohttp")
    with pytest.raises(ImportError, match=r"easyink\[aiohttp\]"):
        EasyInk(token=TOKEN, backend="aiohttp")


# --- TLS: verify honoured on both backends -------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A self-signed certificate for 127.0.0.1 (cert file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "easyink test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    yield cert_file, key_file


@pytest.fixture
async def tls_url(certificate: tuple[Path, Path]) -> AsyncIterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            body = f'"{DRAFT_ID}"'.encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    try:
        yield f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()


async def test_tls_verification_is_honoured(
    tls_url: str, certificate: tuple[Path, Path], backend: str
) -> None:
    # An untrusted certificate fails before anything is sent: never ambiguous, even for a POST.
    async with EasyInk(base_url=tls_url, token=TOKEN, backend=backend, backoff_max=0.0) as ei:
        with pytest.raises(APIConnectionError) as info:
            await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject="tls"))
    assert not isinstance(info.value, OutcomeUnknownError)
    assert "ConnectError" in str(info.value)

    trusted = ssl.create_default_context(cafile=str(certificate[0]))
    transport = (
        httpx.AsyncHTTPTransport(verify=trusted)
        if backend == "httpx"
        else aiohttp_transport(verify=trusted)
    )
    async with EasyInk(base_url=tls_url, token=TOKEN, transport=transport) as ei:
        created = await create_draft.asyncio(
            client=ei.client, body=CreateDraftRequest(subject="tls")
        )
    assert str(created) == DRAFT_ID
