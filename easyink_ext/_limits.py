"""Bounds on what a server can make the client do: time per attempt, memory per answer.

* **Whole-attempt deadline**: ``timeout`` bounds each attempt as a whole (waiting for a
  connection, connecting, sending and receiving the *entire* answer), not only each read, so a
  server that trickles one byte per second cannot keep a call running. The deadline is the
  largest value of the request's httpx timeout (``EasyInk(timeout=...)`` or a view's), taken
  from the request itself, so it works the same over any inner httpx transport. An attempt
  past its deadline fails like a read timeout (retried like one, then ``APITimeoutError``).
* **Body caps**: a successful answer is read whole inside the attempt, at most
  ``max_response_bytes`` (default 16 MiB, decoded bytes; more raises
  :class:`~easyink_ext.errors.ResponseTooLargeError`); an error or redirect answer's body is read
  up to ``max_error_bytes`` (default 64 KiB) and the rest is dropped. Memory stays bounded
  whatever the server sends.
* **Streams**: requests marked with the :data:`STREAM` extension (the download helpers) get
  the head within the deadline and then a minimum transfer rate instead of a total: at least
  ``min_download_rate`` bytes per ``download_rate_window`` seconds, else the read fails like a
  read timeout (and the download resumes or restarts); ``min_download_rate=0`` turns it off.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import anyio
import httpx

from ._answers import CheckedResponse
from .errors import ResponseTooLargeError

__all__ = [
    "DEFAULT_DOWNLOAD_RATE_WINDOW",
    "DEFAULT_MAX_ERROR_BYTES",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MIN_DOWNLOAD_RATE",
    "STREAM",
    "BufferableStream",
    "ResponseLimits",
    "attempt_deadline",
    "fill_up_to",
    "send_attempt",
]

DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_ERROR_BYTES = 64 * 1024
DEFAULT_MIN_DOWNLOAD_RATE = 1024.0
DEFAULT_DOWNLOAD_RATE_WINDOW = 30.0
# Request extension: the caller streams the body itself (only the head is read in the attempt).
STREAM = "easyink.stream"
# Headers describing the wire form of a body we hand on already decoded.
_WIRE_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})


@dataclass(frozen=True)
class ResponseLimits:
    """Size caps and the download rate floor (see the module docstring)."""

    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    max_error_bytes: int = DEFAULT_MAX_ERROR_BYTES
    min_download_rate: float = DEFAULT_MIN_DOWNLOAD_RATE
    download_rate_window: float = DEFAULT_DOWNLOAD_RATE_WINDOW

    def __post_init__(self) -> None:
        if self.max_response_bytes < 1 or self.max_error_bytes < 1:
            raise ValueError("max_response_bytes and max_error_bytes must be >= 1")
        if self.min_download_rate < 0 or self.download_rate_window <= 0:
            raise ValueError("min_download_rate must be >= 0 and download_rate_window > 0")


def attempt_deadline(request: httpx.Request) -> float | None:
    """Seconds one attempt may take: the largest value of the request's httpx timeout."""
    timeout = request.extensions.get("timeout")
    if not isinstance(timeout, dict):
        return None
    values = [v for v in timeout.values() if isinstance(v, (int, float))]
    return float(max(values)) if values else None


class BufferableStream(httpx.AsyncByteStream):
    """A transport's body stream that can read itself whole up to a cap in one call.

    ``send_attempt`` reads a 2xx answer without a ``Content-Encoding`` through
    :meth:`read_up_to` instead of httpx's chunk-by-chunk decoding pipeline (the bytes are the
    same; the CPU is not).
    """

    async def read_up_to(self, cap: int) -> tuple[bytes, bool]:
        """At most ``cap`` bytes of the body, and whether it ended within the cap."""
        raise NotImplementedError


async def fill_up_to(buffer: bytearray, chunks: AsyncIterable[bytes], cap: int) -> bool:
    """Append ``chunks`` to ``buffer`` until they end (True) or pass ``cap`` bytes (False, and
    ``buffer`` is cut to ``cap``). What arrived stays in ``buffer`` if reading fails."""
    async for chunk in chunks:
        buffer += chunk
        if len(buffer) > cap:
            del buffer[cap:]
            return False
    return True


class _AnyioDeadline:
    """``anyio.fail_after`` as an async context manager (trio, or asyncio before 3.11)."""

    def __init__(self, seconds: float) -> None:
        self._scope = anyio.fail_after(seconds)

    async def __aenter__(self) -> None:
        self._scope.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        return self._scope.__exit__(exc_type, exc, tb)


def _deadline(seconds: float | None) -> contextlib.AbstractAsyncContextManager[Any]:
    """Raise ``TimeoutError`` when the block outlives ``seconds``.

    On asyncio (3.11+) this is ``asyncio.timeout``, a third of the CPU of an anyio cancel scope
    (it is entered once per attempt); elsewhere ``anyio.fail_after``. Both cancel only the
    current task and leave enclosing cancel scopes' cancellation alone.
    """
    if seconds is None:
        return contextlib.nullcontext()
    if sys.version_info >= (3, 11):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            return asyncio.timeout(seconds)
    return _AnyioDeadline(seconds)


async def send_attempt(
    inner: httpx.AsyncBaseTransport, request: httpx.Request, limits: ResponseLimits
) -> httpx.Response:
    """One attempt within its deadline: the answer's head and, unless streamed, its body."""
    deadline = attempt_deadline(request)
    try:
        async with _deadline(deadline):
            response = await inner.handle_async_request(request)
            try:
                return await _settle(request, response, limits)
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await response.aclose()
                raise
    except TimeoutError as exc:
        raise httpx.ReadTimeout(
            f"no complete answer within the {deadline:g} s timeout", request=request
        ) from exc


async def _settle(
    request: httpx.Request, response: httpx.Response, limits: ResponseLimits
) -> httpx.Response:
    """Read what the attempt must read; mark streamed answers with the rate floor."""
    if response.status_code >= 300:
        body, _ = await _read_up_to(response, limits.max_error_bytes)
        return _rebuilt(request, response, body)
    if request.extensions.get(STREAM):
        if limits.min_download_rate > 0 and isinstance(response.stream, httpx.AsyncByteStream):
            response.stream = _RateFloorStream(response.stream, request, limits)
        return response
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_response_bytes:
        raise _too_large(request, response, limits, f"announced {int(declared)} bytes")
    body, complete = await _read_up_to(response, limits.max_response_bytes)
    if not complete:
        raise _too_large(request, response, limits, "the body went on")
    return _rebuilt(request, response, body)


async def _read_up_to(response: httpx.Response, cap: int) -> tuple[bytes, bool]:
    """At most ``cap`` decoded bytes of the body, and whether the body ended within the cap.

    A body cut short by the connection gives what arrived.
    """
    stream = response.stream
    if (
        response.status_code < 300
        and isinstance(stream, BufferableStream)
        and "content-encoding" not in response.headers
    ):
        try:
            return await stream.read_up_to(cap)
        finally:
            await response.aclose()
    buffer = bytearray()
    complete = True
    try:
        complete = await fill_up_to(buffer, response.aiter_bytes(), cap)
    except httpx.TransportError:
        if response.status_code < 300:
            raise
    finally:
        await response.aclose()
    return bytes(buffer), complete


def _rebuilt(request: httpx.Request, response: httpx.Response, body: bytes) -> CheckedResponse:
    """The answer with its body in memory (decoded, so the wire headers go)."""
    headers = [(k, v) for k, v in response.headers.raw if k.lower() not in _WIRE_HEADERS]
    return CheckedResponse.read_from(
        response.status_code,
        headers=headers,
        body=body,
        request=request,
        extensions=response.extensions,
    )


def _too_large(
    request: httpx.Request, response: httpx.Response, limits: ResponseLimits, detail: str
) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"the answer is larger than max_response_bytes={limits.max_response_bytes} ({detail}); "
        "reading stopped",
        operation=f"{request.method} {request.url.path}",
        status_code=response.status_code,
    )


class _RateFloorStream(httpx.AsyncByteStream):
    """A body stream that fails when fewer than ``rate * window`` bytes arrive in a window."""

    def __init__(
        self, stream: httpx.AsyncByteStream, request: httpx.Request, limits: ResponseLimits
    ) -> None:
        self._stream = stream
        self._request = request
        self._rate = limits.min_download_rate
        self._window = limits.download_rate_window

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = self._stream.__aiter__()
        needed = self._rate * self._window
        window_end = anyio.current_time() + self._window
        received = 0
        while True:
            try:
                with anyio.fail_after(max(0.0, window_end - anyio.current_time())):
                    chunk = await chunks.__anext__()
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise self._too_slow(received) from None
            received += len(chunk)
            yield chunk
            now = anyio.current_time()
            if received >= needed:
                window_end, received = now + self._window, 0
            elif now >= window_end:
                raise self._too_slow(received)

    def _too_slow(self, received: int) -> httpx.ReadTimeout:
        return httpx.ReadTimeout(
            f"download slower than min_download_rate={self._rate:g} B/s "
            f"({received} bytes in {self._window:g} s)",
            request=self._request,
        )

    async def aclose(self) -> None:
        await self._stream.aclose()
