"""An httpx transport that sends over aiohttp: ``EasyInk(backend="aiohttp")``.

Everything above the transport (the generated client, retries, auth, typed errors, downloads)
is unchanged: :class:`AiohttpTransport` is an ``httpx.AsyncBaseTransport`` whose requests go
through one ``aiohttp.ClientSession``. It exists for CPU: aiohttp parses HTTP in C and its
connection pool hands out connections in O(1); the transport itself costs about what a bare
``aiohttp.ClientSession`` does, and a busy client spends markedly less CPU per call than over
httpcore (``BENCHMARKS.md``). It needs asyncio (not trio) and ``pip install
'easyink[aiohttp]'``; ``import easyink_ext`` does not import aiohttp.

**Failures keep the retry policy's distinction** (:mod:`easyink_ext._retry`): a POST is
replayed only when its bytes provably never left. aiohttp's exceptions are mapped to httpx's:

============================================  ==========================  ==================
aiohttp                                       httpx                       request sent?
============================================  ==========================  ==================
waiting for a free connection (``pool``)      ``PoolTimeout``             never
``ConnectionTimeoutError`` (DNS+TCP+TLS)      ``ConnectTimeout``          never
``ClientConnectorError`` (refused, DNS, TLS,  ``ConnectError``            never
proxy unreachable)
``ClientHttpProxyError`` (CONNECT refused)    ``ProxyError``              never
``SocketTimeoutError`` / ``ServerTimeoutError``  ``ReadTimeout``          maybe
``ServerDisconnectedError``                   ``RemoteProtocolError``     maybe
``ClientPayloadError`` (body cut short)       ``RemoteProtocolError``     maybe
``ClientResponseError`` (malformed answer)    ``RemoteProtocolError``     maybe
``ClientConnectionResetError``                ``WriteError``              maybe
``ClientOSError`` and any other client error  ``ReadError``               maybe
``InvalidURL`` / non-HTTP URL                 ``UnsupportedProtocol``     never (not retried)
============================================  ==========================  ==================

``ServerDisconnectedError`` is also what a stale keep-alive connection gives, where the
request may or may not have been read: it stays "maybe" (httpcore reports the same case as
``RemoteProtocolError`` too). To make that case as rare as with httpcore, a pooled connection
whose socket is already readable (the server closed it while it was idle, and the event loop has
not processed that yet) is closed instead of reused, as httpcore does. aiohttp's own silent
replay of idempotent requests after such a failure is turned off, so every attempt is one the
retry policy decided and counted.

**Settings.** The keywords of ``httpx.AsyncHTTPTransport`` that aiohttp can honour are
honoured: ``verify``, ``cert``, ``trust_env`` (for the TLS context), ``limits``
(``max_connections`` bounds requests in flight, waiting up to the ``pool`` timeout;
``keepalive_expiry`` is aiohttp's keep-alive timeout; every idle connection may stay alive, as
with ``easyink_ext._pool.DEFAULT_LIMITS``), ``proxy`` (an ``http://`` or ``https://`` proxy,
as a URL or ``httpx.Proxy`` with auth and headers), ``uds`` and ``local_address``. The others
raise ``ValueError`` at construction: ``http2=True``, ``retries`` > 0 (use ``max_retries``),
``socket_options`` and SOCKS proxies. Timeouts: ``connect`` bounds DNS + TCP + TLS, ``read``
each wait for data (the answer's head, then every body chunk), ``pool`` the wait for a free
connection; aiohttp has no separate ``write`` timeout.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import select
import ssl
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import aiohttp
import httpx
from aiohttp.client_reqrep import ConnectionKey
from aiohttp.connector import Connection
from aiohttp.tracing import Trace
from yarl import URL

from ._limits import BufferableStream, fill_up_to
from ._pool import DEFAULT_LIMITS

__all__ = ["AiohttpTransport", "map_aiohttp_error"]

_HTTP11 = {"http_version": b"HTTP/1.1"}
_NO_CONTENT_TYPE = ("Content-Type",)
_NEEDS_ASYNCIO = "the aiohttp backend runs on asyncio only (not trio): use backend='httpx'"


def map_aiohttp_error(exc: BaseException) -> httpx.TransportError | None:
    """The httpx exception for an aiohttp failure (see the module table), or None."""
    message = str(exc) or type(exc).__name__
    # Order matters: the specific classes are subclasses of the general ones below them.
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message)
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        return httpx.ProxyError(message)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message)
    if isinstance(exc, (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError)):
        return httpx.UnsupportedProtocol(message)
    if isinstance(exc, (aiohttp.ServerTimeoutError, asyncio.TimeoutError)):
        return httpx.ReadTimeout(message)
    if isinstance(
        exc,
        (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, aiohttp.ClientResponseError),
    ):
        return httpx.RemoteProtocolError(message)
    if isinstance(exc, aiohttp.ClientConnectionResetError):
        return httpx.WriteError(message)
    if isinstance(exc, aiohttp.ClientError):
        return httpx.ReadError(message)
    return None


def _mapped(exc: aiohttp.ClientError | asyncio.TimeoutError) -> BaseException:
    """The httpx exception to raise for an aiohttp failure (see the module table)."""
    mapped = map_aiohttp_error(exc)
    return exc if mapped is None else mapped  # pragma: no branch - every ClientError maps


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    """Raise aiohttp's failures as the httpx exceptions of the module table."""
    try:
        yield
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        raise _mapped(exc) from exc


class _Slots:
    """At most ``limit`` requests in flight (httpx's ``max_connections``), FIFO waiting.

    A plain counter on the fast path (no await, no timer); a future per waiter otherwise.
    """

    def __init__(self, limit: int | None) -> None:
        self._free = limit
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    def try_take(self) -> bool:
        """Take a slot without waiting, if one is free and nobody waits for one."""
        if self._free is None:
            return True
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return True
        return False

    async def acquire(self, wait_limit: float | None) -> None:
        """Take a slot, waiting up to ``wait_limit`` seconds (``PoolTimeout`` after that)."""
        if self.try_take():
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        timer = loop.call_later(wait_limit, _time_out, waiter) if wait_limit is not None else None
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self.release()  # handed a slot while being cancelled: pass it on
            else:
                waiter.cancel()
                with contextlib.suppress(ValueError):  # release() may have dropped it already
                    self._waiters.remove(waiter)
            raise
        finally:
            if timer is not None:
                timer.cancel()

    def release(self) -> None:
        if self._free is None:
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1


def _time_out(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(httpx.PoolTimeout("timed out waiting for a free connection"))


def _peer_has_spoken(protocol: Any) -> bool:
    """True when an idle pooled connection's socket is readable: the server closed it (or sent
    bytes nobody asked for) and the event loop has not noticed yet. httpcore checks the same
    before reusing a connection (``has_expired``); aiohttp only asks the loop's view."""
    transport = getattr(protocol, "transport", None)
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is None:
        return False
    try:
        fd = sock.fileno()
        if fd < 0:
            return True
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):
        return True


class _CheckedReuse(aiohttp.BaseConnector):
    """Never hands out a pooled connection the server has already closed.

    Otherwise a request reusing it right after the server closed it (a keep-alive timeout,
    or a server that closes after each answer without ``Connection: close``) fails as
    "disconnected after sending": a POST then raises ``OutcomeUnknownConnectionError`` for a
    request the server never saw, where the httpx backend would have opened a new connection.
    """

    async def _get(self, key: ConnectionKey, traces: list[Trace]) -> Connection | None:
        while True:
            connection = await super()._get(key, traces)
            if connection is None or not _peer_has_spoken(connection.protocol):
                return connection
            connection.close()  # and try the next pooled one (or open a new connection)


class _TCPConnector(_CheckedReuse, aiohttp.TCPConnector):
    pass


class _UnixConnector(_CheckedReuse, aiohttp.UnixConnector):
    pass


class _ResponseStream(BufferableStream):
    """An aiohttp answer's body, chunk by chunk as it arrives; closing frees the connection."""

    def __init__(self, response: aiohttp.ClientResponse, slots: _Slots) -> None:
        self._response = response
        self._slots = slots
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for chunk in self._response.content.iter_any():
                yield chunk

    async def read_up_to(self, cap: int) -> tuple[bytes, bool]:
        """The whole body in one read when its announced length fits ``cap``."""
        response = self._response
        try:
            length = response.content_length
            if length is not None and length <= cap:
                return await response.read(), True
            buffer = bytearray()
            complete = await fill_up_to(buffer, response.content.iter_any(), cap)
            return bytes(buffer), complete
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise _mapped(exc) from exc

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            # Returns the connection to the pool when the body was read to the end,
            # closes it otherwise (an unread remainder would corrupt the next answer).
            self._response.release()
            self._slots.release()


def _proxy_settings(
    proxy: str | httpx.URL | httpx.Proxy | None,
) -> tuple[str | None, dict[str, str] | None]:
    """The proxy URL and the headers for it (``Proxy-Authorization`` from its credentials)."""
    if proxy is None:
        return None, None
    if not isinstance(proxy, httpx.Proxy):
        proxy = httpx.Proxy(proxy)
    if proxy.url.scheme not in ("http", "https"):
        raise ValueError(
            f"the aiohttp backend supports http:// and https:// proxies, not {proxy.url.scheme}://"
        )
    headers = dict(proxy.headers)
    if proxy.auth:
        credentials = f"{proxy.auth[0]}:{proxy.auth[1]}".encode()
        headers["Proxy-Authorization"] = "Basic " + base64.b64encode(credentials).decode()
    return str(proxy.url), headers or None


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An ``httpx.AsyncBaseTransport`` sending through one ``aiohttp.ClientSession``.

    Takes ``httpx.AsyncHTTPTransport``'s keywords (see the module docstring for what is
    honoured). The session is created on the first request, inside the running event loop,
    and closed by :meth:`aclose`.
    """

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | str | bool = True,
        cert: Any = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits = DEFAULT_LIMITS,
        proxy: str | httpx.URL | httpx.Proxy | None = None,
        uds: str | None = None,
        local_address: str | None = None,
        retries: int = 0,
        socket_options: Iterable[Any] | None = None,
    ) -> None:
        if http2 or not http1:
            raise ValueError("the aiohttp backend speaks HTTP/1.1 only: use backend='httpx'")
        if retries:
            raise ValueError(
                "retries (connection retries of httpcore) is not available with the aiohttp "
                "backend; EasyInk's max_retries already retries failed connections"
            )
        if socket_options:
            raise ValueError("socket_options is not available with the aiohttp backend")
        self._proxy, self._proxy_headers = _proxy_settings(proxy)
        self._ssl = httpx.create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)
        self.limits = limits
        self._uds = uds
        self._local_address = local_address
        self._slots = _Slots(limits.max_connections)
        self._timeouts: dict[tuple[Any, ...], aiohttp.ClientTimeout] = {}
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    def _open_session(self) -> aiohttp.ClientSession:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(_NEEDS_ASYNCIO) from None
        if self._closed:
            raise RuntimeError("this AiohttpTransport is closed")
        limit = self.limits.max_connections or 0
        keepalive = self.limits.keepalive_expiry
        connector: aiohttp.BaseConnector
        if self._uds is not None:
            connector = _UnixConnector(path=self._uds, limit=limit, keepalive_timeout=keepalive)
        else:
            connector = _TCPConnector(
                limit=limit,
                limit_per_host=0,
                keepalive_timeout=keepalive,
                ssl=self._ssl,
                local_addr=(self._local_address, 0) if self._local_address else None,
            )
        session = aiohttp.ClientSession(
            connector=connector,
            # The answer is decoded by httpx.
            auto_decompress=False,
            trust_env=False,
        )
        # aiohttp replays an idempotent request once, invisibly, when its connection fails;
        # every attempt must be one EasyInk's retry policy decided (and counted in its budget).
        session._retry_connection = False
        self._session = session
        return session

    def _timeout(self, timeouts: dict[str, float | None]) -> aiohttp.ClientTimeout:
        key = (timeouts.get("connect"), timeouts.get("read"))
        timeout = self._timeouts.get(key)
        if timeout is None:
            connect, read = key
            timeout = aiohttp.ClientTimeout(connect=connect, sock_connect=connect, sock_read=read)
            if len(self._timeouts) < 64:
                self._timeouts[key] = timeout
        return timeout

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._session or self._open_session()
        timeouts = request.extensions.get("timeout", {})
        if not self._slots.try_take():  # the fast path without a coroutine for acquire()
            await self._slots.acquire(timeouts.get("pool"))
        try:
            response = await self._send(session, request, timeouts)
        except BaseException:
            self._slots.release()
            raise
        extensions = dict(_HTTP11)
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("ascii", "replace")
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_ResponseStream(response, self._slots),
            request=request,
            extensions=extensions,
        )

    async def _send(
        self,
        session: aiohttp.ClientSession,
        request: httpx.Request,
        timeouts: dict[str, float | None],
    ) -> aiohttp.ClientResponse:
        headers = request.headers.multi_items()
        data: Any
        try:
            data = request.content or None
        except httpx.RequestNotRead:  # a streaming body (multipart upload): stream it
            data = _body(request.stream)
            headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
        # httpx already set every header aiohttp would add (Accept, Accept-Encoding, User-Agent)
        # except, on purpose, a Content-Type for a request without one: aiohttp must not add
        # its "application/octet-stream" either (telling it so costs CPU: only when needed).
        skip = None if any(k == "content-type" for k, _ in headers) else _NO_CONTENT_TYPE
        proxy_headers = self._proxy_headers
        if proxy_headers and request.url.scheme == "http":
            # A plain-HTTP request goes to the proxy as is (no CONNECT): its headers carry them.
            headers = [*headers, *proxy_headers.items()]
            proxy_headers = None
        try:  # not _as_httpx_errors(): a context manager per request costs measurable CPU
            return await session.request(
                request.method,
                URL(str(request.url), encoded=True),
                headers=headers,
                data=data,
                allow_redirects=False,
                timeout=self._timeout(timeouts),
                server_hostname=request.extensions.get("sni_hostname"),
                proxy=self._proxy,
                proxy_headers=proxy_headers,
                skip_auto_headers=skip,
            )
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise _mapped(exc) from exc

    async def aclose(self) -> None:
        """Close the session and its connections (idempotent)."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def __repr__(self) -> str:
        return f"AiohttpTransport(limits={self.limits!r}, proxy={self._proxy is not None})"


async def _body(stream: Any) -> AsyncIterator[bytes]:
    async for chunk in stream:
        yield chunk
