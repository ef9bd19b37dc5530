"""The outermost ASGI layer: request log, fault injection and the last-resort error handler.

Faults only touch ``/api`` paths. Before processing: the account's quota (``429`` when it is
used up, see :mod:`easyink_sandbox._quota`), latency, then ``429`` (always before), then
``500``/``503`` and drops unless ``fault_after_processing`` (then the request takes effect and
only its response is replaced). A dropped connection is a :class:`ConnectionDropped` raised by
the app after an ``http.response.start`` that the server refuses to write (its header value is
invalid), so not one byte of a response is sent, whatever the method (HEAD included):

* over uvicorn, which marks the response started before it validates and writes the head, the
  socket is then closed without any response: the client sees a transport error
  (``httpx.RemoteProtocolError``); the server runner filters these from uvicorn's log;
* in process through ``httpx.ASGITransport`` the exception propagates to the client, and since
  :class:`ConnectionDropped` subclasses ``httpx.RemoteProtocolError`` the client sees the same
  transport error class. ``ASGITransport`` buffers bodies, so a download cut in the middle
  surfaces as that error without partial bytes; over uvicorn the client receives the first
  ``drop_body_after_bytes`` bytes first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
import httpx

from ._config import FaultConfig
from ._errors import UNEXPECTED_ERROR, error_body
from ._quota import Quota

logger = logging.getLogger("easyink_sandbox")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ConnectionDropped(httpx.RemoteProtocolError):
    """The sandbox dropped the connection on purpose (fault injection)."""


class RequestRecord(tuple[str, str, "int | None"]):
    """``(method, path, status)`` of a request the app received, plus the fault applied.

    ``status`` is what the client was sent (``None`` when the connection was dropped before a
    response); ``fault`` is ``None``, ``"quota"`` (the account's quota was used up),
    ``"rate_limit"``, ``"error"``, ``"drop"`` or ``"drop_body"``.
    """

    fault: str | None

    def __new__(
        cls, method: str, path: str, status: int | None, fault: str | None = None
    ) -> RequestRecord:
        record = super().__new__(cls, (method, path, status))
        record.fault = fault
        return record

    @property
    def method(self) -> str:
        """HTTP method."""
        return self[0]

    @property
    def path(self) -> str:
        """Request path."""
        return self[1]

    @property
    def status(self) -> int | None:
        """Status sent, ``None`` when dropped before a response."""
        return self[2]

    def __repr__(self) -> str:
        return f"RequestRecord({self[0]!r}, {self[1]!r}, {self[2]!r}, fault={self.fault!r})"


def _retry_after(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


_FAULT_BODIES = {
    500: ("InternalServerError", UNEXPECTED_ERROR),
    503: ("ServiceUnavailable", "The service is temporarily unavailable"),
}


async def _send_error(send: Send, status: int, code: str, message: str, retry: str | None) -> None:
    body = error_body(code, message)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if retry is not None:
        headers.append((b"retry-after", retry.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _sleep(seconds: float) -> None:
    # asyncio's own sleep where asyncio runs (uvicorn always): anyio.sleep would first look up
    # the running async library on every call.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        await anyio.sleep(seconds)
    else:
        await asyncio.sleep(seconds)


async def _drop(send: Send) -> None:
    # uvicorn (h11 and httptools alike) sets `response_started` and then refuses the NUL in this
    # header before writing anything; an app error after a started response makes it close the
    # socket. Result: the connection ends with no response at all, even for HEAD.
    with contextlib.suppress(Exception):
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [(b"x-easyink-sandbox", b"connection-dropped\x00")],
            }
        )
    raise ConnectionDropped("connection dropped by the sandbox (fault injection)")


class FaultLayer:
    """Wraps the app: logs every request, injects faults, answers unexpected errors with 500."""

    def __init__(
        self,
        faults: Callable[[], FaultConfig],
        rng: Callable[[], random.Random],
        log: list[RequestRecord],
        quota: Quota | None = None,
        account: Callable[[Scope], str | None] | None = None,
    ) -> None:
        self._faults = faults
        self._rng = rng
        self._log = log
        self._quota = quota
        self._account = account

    def _quota_account(self, scope: Scope, is_api: bool) -> str | None:
        """The account whose quota this request counts against (``None``: not counted)."""
        if not is_api or self._quota is None or self._account is None or not self._quota.active:
            return None
        return self._account(scope)

    async def __call__(self, scope: Scope, receive: Receive, send: Send, app: ASGIApp) -> None:
        """Handle one HTTP request through ``app``."""
        method, path = scope["method"], scope["path"]
        state: dict[str, Any] = {"status": None, "fault": None, "started": False}
        faults = self._faults()
        is_api = path == "/api" or path.startswith("/api/")
        body_limit: list[int | None] = [None if not is_api else faults.drop_body_after_bytes, 0]
        account = self._quota_account(scope, is_api)
        quota = self._quota if account is not None else None
        quota_headers = quota is not None and faults.quota_headers

        def record() -> None:
            if not state.get("logged"):
                state["logged"] = True
                status = None if state["fault"] == "drop" else state["status"]
                self._log.append(RequestRecord(method, path, status, state["fault"]))
                if quota is not None and account is not None:
                    quota.note(account, status)

        async def answer(message: Message) -> None:
            # Logged before the last body byte leaves: a client that has the whole answer
            # finds its request in the log (a threaded server would race it otherwise).
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                record()
            elif message["type"] == "http.response.start" and quota_headers:
                assert quota is not None and account is not None
                message = {**message, "headers": [*message["headers"], *quota.headers(account)]}
            await send(message)

        async def tracked(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"], state["started"] = message["status"], True
                if body_limit[0] is not None:
                    headers = dict(message.get("headers", []))
                    is_pdf = headers.get(b"content-type", b"").startswith(b"application/pdf")
                    if not (
                        is_pdf and message["status"] in (200, 206) and faults.drop_body_times > 0
                    ):
                        body_limit[0] = None
            elif message["type"] == "http.response.body" and body_limit[0] is not None:
                limit, sent = body_limit[0], body_limit[1] or 0
                chunk = message.get("body", b"")
                if sent + len(chunk) > limit:
                    faults.drop_body_times -= 1
                    state["fault"] = "drop_body"
                    await answer(
                        {
                            "type": "http.response.body",
                            "body": chunk[: limit - sent],
                            "more_body": True,
                        }
                    )
                    raise ConnectionDropped(
                        "connection dropped in the middle of the body (fault injection)"
                    )
                body_limit[1] = sent + len(chunk)
            await answer(message)

        try:
            if not is_api:
                await self._run(scope, receive, tracked, app, state)
                return
            if quota is not None and account is not None:
                wait = quota.take(account)
                if wait is not None:
                    state["fault"], state["status"] = "quota", 429
                    retry = _retry_after(wait)
                    message = f"Request quota exceeded. Retry after {retry} second(s)."
                    await _send_error(answer, 429, "RateLimited", message, retry)
                    return
            delay = faults.latency_ms + (
                self._rng().uniform(0, faults.jitter_ms) if faults.jitter_ms else 0
            )
            if delay > 0:
                await _sleep(delay / 1000)
            rng = self._rng()
            retry = _retry_after(faults.retry_after)
            if faults.rate_limit_rate and rng.random() < faults.rate_limit_rate:
                state["fault"], state["status"] = "rate_limit", 429
                message = f"Too many requests. Retry after {retry} second(s)."
                await _send_error(answer, 429, "RateLimited", message, retry)
                return
            fail_status: int | None = None
            if faults.fail_rate and rng.random() < faults.fail_rate:
                fail_status = rng.choice(faults.fail_statuses or (500,))
            drop = (
                fail_status is None and bool(faults.drop_rate) and rng.random() < faults.drop_rate
            )
            if fail_status is None and not drop:
                await self._run(scope, receive, tracked, app, state)
                return
            if faults.fault_after_processing:
                await self._swallow(scope, receive, app)
            if fail_status is not None:
                code, text = _FAULT_BODIES.get(
                    fail_status, ("InternalServerError", UNEXPECTED_ERROR)
                )
                state["fault"], state["status"] = "error", fail_status
                await _send_error(
                    answer, fail_status, code, text, retry if fail_status == 503 else None
                )
                return
            state["fault"] = "drop"
            await _drop(answer)
        finally:
            record()  # dropped, cut short, or no answer at all

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, app: ASGIApp, state: dict[str, Any]
    ) -> None:
        try:
            await app(scope, receive, send)
        except ConnectionDropped:
            raise
        except Exception:
            logger.exception("unhandled error while serving %s %s", scope["method"], scope["path"])
            if state["started"]:
                raise
            state["status"] = 500
            await _send_error(send, 500, "InternalServerError", UNEXPECTED_ERROR, None)

    async def _swallow(self, scope: Scope, receive: Receive, app: ASGIApp) -> None:
        async def discard(message: Message) -> None:
            return None

        try:
            await app(scope, receive, discard)
        except Exception:
            logger.exception(
                "error while processing %s %s before an injected fault",
                scope["method"],
                scope["path"],
            )
