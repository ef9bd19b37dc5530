"""Suite-wide fixtures: the loopback-only network guard, and the ``backend`` parametrisation.

Guard: tests talk to 127.0.0.1 / ::1 only, never to another address. It patches the socket
module, which both backends go through: httpcore's sockets, and aiohttp's (the asyncio event
loop resolves with ``socket.getaddrinfo`` and connects with ``socket.connect``; aiodns, which
would resolve without it, is not installed). tests/test_network_guard.py proves both.

``backend``: tests that take it run once per ``EasyInk(backend=...)``; the aiohttp run is
skipped when aiohttp is not installed, except with ``EASYINK_REQUIRE_BACKENDS=1`` (set by
``.ci/run``, where the ``dev`` extra installs it), so CI cannot pass without running both.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest

BACKENDS = ("httpx", "aiohttp")
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


def _is_local(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


class NonLocalNetworkAccess(RuntimeError):
    """A test tried to reach an address that is not on this machine's loopback."""


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Iterator[None]:
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def _check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise NonLocalNetworkAccess(f"tests may only connect to loopback, not {address[0]!r}")

    def connect(self: socket.socket, address: Any) -> None:
        _check(self, address)
        original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check(self, address)
        return original_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_local(host):
            raise NonLocalNetworkAccess(f"tests may only resolve loopback names, not {host!r}")
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = original_connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = original_getaddrinfo


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each backend of ``EasyInk(backend=...)`` in turn."""
    name: str = request.param
    if name == "aiohttp" and os.environ.get("EASYINK_REQUIRE_BACKENDS") != "1":
        pytest.importorskip("aiohttp")  # CI sets the variable: a missing aiohttp fails there
    return name
