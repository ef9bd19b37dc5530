"""The suite-wide loopback guard of tests/conftest.py refuses anything but loopback."""

from __future__ import annotations

import socket

import httpx
import pytest

from .conftest import NonLocalNetworkAccess, check_conninfo


def test_public_address_is_refused_before_connecting() -> None:
    with socket.socket() as sock, pytest.raises(NonLocalNetworkAccess):
        sock.connect(("93.184.216.34", 443))


def test_public_name_is_not_even_resolved() -> None:
    with pytest.raises(NonLocalNetworkAccess):
        socket.getaddrinfo("api.easyink.io", 443)


async def test_httpx_to_production_is_refused() -> None:
    async with httpx.AsyncClient() as client:
        with pytest.raises(NonLocalNetworkAccess):
            await client.get("https://api.easyink.io/api/signingSessions")


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass


@pytest.mark.parametrize(
    "url",
    ["https://api.easyink.io/api/signingSessions", "http://93.184.216.34/api/signingSessions"],
)
async def test_aiohttp_backend_is_refused_too(url: str) -> None:
    """aiohttp resolves and connects through the patched socket module (asyncio's loop)."""
    pytest.importorskip("aiohttp")
    from easyink_ext import EasyInk

    async with EasyInk(token="t", backend="aiohttp", max_retries=0) as ei:
        with pytest.raises(NonLocalNetworkAccess):
            await ei.http_client.get(url)


@pytest.mark.parametrize(
    "conninfo",
    [
        "postgresql://user@db.example.com/easyink",
        "host=10.1.2.3 dbname=easyink",
        "postgresql:///easyink?host=/tmp&hostaddr=192.0.2.1",
        "host=127.0.0.1,db.example.com dbname=easyink",
    ],
)
def test_libpq_connections_off_the_machine_are_refused(conninfo: str) -> None:
    import psycopg

    with pytest.raises(NonLocalNetworkAccess):
        psycopg.connect(conninfo, connect_timeout=1)


async def test_async_libpq_connections_are_checked_too() -> None:
    import psycopg

    with pytest.raises(NonLocalNetworkAccess):
        await psycopg.AsyncConnection.connect("host=db.example.com", connect_timeout=1)


@pytest.mark.parametrize(
    "conninfo",
    ["postgresql://u@127.0.0.1:1/x", "host=/nonexistent/socket/dir dbname=x", "host=::1 port=1"],
)
def test_libpq_to_loopback_or_a_unix_socket_is_allowed(conninfo: str) -> None:
    check_conninfo(conninfo)
