"""The httpx transport that gives every generated operation retries, auth, typed errors and logs.

:class:`TransportCore` wraps the real transport (the connection pool) and is shared by an
:class:`~easyink_ext.EasyInk` client and all its ``with_options`` views. Each view talks to
it through a :class:`BoundTransport` carrying that view's :class:`~easyink_ext._retry.RetryPolicy`.

Per request: pre-flight validation (optional) -> for each attempt: set the bearer token,
send within the attempt's deadline and body caps (:mod:`easyink_ext._limits`), classify the
outcome (see :mod:`easyink_ext._retry`). A 2xx answer is returned read (streamed for the
download helpers); a 3xx answer is never followed; any other answer is raised as a typed
:mod:`easyink_ext.errors` exception.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import anyio
import httpx

from . import _logging as log
from ._answers import record_answer
from ._limits import ResponseLimits, send_attempt
from ._redact import redact_text
from ._retry import IDEMPOTENT_METHODS, RETRYABLE_STATUSES, RetryBudget, RetryPolicy
from ._retry import parse_retry_after as _parse_retry_after
from .auth import TokenProvider
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    NotFoundError,
    OutcomeUnknownConnectionError,
    OutcomeUnknownTimeoutError,
    status_error_from_response,
)

# Failures that prove the request bytes never left the client.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_DELETE_NOTE = (
    "an earlier attempt of this DELETE failed ambiguously and was retried, "
    "so the earlier attempt may have deleted it"
)

CLOSED_MESSAGE = (
    "this EasyInk client is closed (after 'async with' or aclose()); its with_options views "
    "share its connection pool and are closed with it: create a new EasyInk"
)

Validator = Callable[[httpx.Request], None]
_sleep = anyio.sleep  # module attribute so tests can observe the delays


def is_replayable(request: httpx.Request) -> bool:
    """True when the request body can be sent again (in-memory or seekable content)."""
    stream = request.stream
    if isinstance(stream, httpx.ByteStream):
        return True
    fields = getattr(stream, "fields", None)
    if fields is None:
        return False
    for item in fields:
        payload = getattr(item, "file", None)
        if payload is None or isinstance(payload, (bytes, str)):
            continue
        seekable = getattr(payload, "seekable", None)
        if seekable is None or not seekable():
            return False
    return True


class _ClientSender(httpx.AsyncBaseTransport):
    """Sends through a caller-supplied ``httpx.AsyncClient`` (its pool, proxies, hooks)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._client.send(request, stream=True)

    async def aclose(self) -> None:
        """Do nothing: the caller owns the client."""


class TransportCore:
    """Retry, auth, error and logging logic around one inner transport (shared pool)."""

    def __init__(
        self,
        *,
        inner: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        token_provider: TokenProvider | None = None,
        budget: RetryBudget | None = None,
        validator: Validator | None = None,
        rng: random.Random | None = None,
        limits: ResponseLimits | None = None,
    ) -> None:
        if inner is not None and http_client is not None:
            raise ValueError("pass either transport or http_client, not both")
        if http_client is not None:
            self._inner: httpx.AsyncBaseTransport = _ClientSender(http_client)
        else:
            self._inner = inner if inner is not None else httpx.AsyncHTTPTransport()
        self.token_provider = token_provider
        self.budget = budget if budget is not None else RetryBudget()
        self.validator = validator
        self._rng = rng if rng is not None else random.Random()
        self.limits = limits if limits is not None else ResponseLimits()
        self._closed = False

    async def aclose(self) -> None:
        """Close the inner transport (a caller-supplied http_client is left open)."""
        if not self._closed:
            self._closed = True
            await self._inner.aclose()

    async def send(self, request: httpx.Request, policy: RetryPolicy) -> httpx.Response:
        """Send ``request`` following ``policy``; raise typed errors for non-2xx answers."""
        if self._closed:
            # A with_options view has its own httpx client, which httpx does not know is closed.
            raise RuntimeError(CLOSED_MESSAGE)
        if self.validator is not None:
            self.validator(request)
        method = request.method
        idempotent = method in IDEMPOTENT_METHODS
        replayable = is_replayable(request)
        provider = self.token_provider
        debug = log.debug_enabled()
        path = request.url.path if debug else ""
        attempt = 0
        retries = 0
        last_cost: int | None = None
        refreshed = False
        ambiguous_before = False
        while True:
            attempt += 1
            token: str | None = None
            if provider is not None:
                token = await provider.get_token()
                request.headers["Authorization"] = "Bearer " + token
            if debug:
                log.log_request(method, path, attempt)
            start = time.perf_counter()
            try:
                response = await send_attempt(self._inner, request, self.limits)
            except httpx.TransportError as exc:
                never_sent = isinstance(exc, _NEVER_SENT)
                if debug:
                    log.log_failure(method, path, exc, attempt, time.perf_counter() - start)
                may_retry = never_sent or (
                    idempotent and replayable and not isinstance(exc, httpx.UnsupportedProtocol)
                )
                if may_retry and retries < policy.max_retries:
                    cost = self.budget.acquire(connection_failure=True)
                    if cost is not None:
                        retries += 1
                        last_cost = cost
                        ambiguous_before = ambiguous_before or not never_sent
                        delay = policy.delay(retries, None, self._rng)
                        if debug:
                            log.log_retry(method, path, type(exc).__name__, attempt, delay)
                        await _sleep(delay)
                        continue
                raise _connection_error(
                    exc, request, ambiguous=not idempotent and not never_sent
                ) from exc
            status = response.status_code
            if debug:
                log.log_response(method, path, status, attempt, time.perf_counter() - start)
            if status < 300:
                self.budget.record_success(last_cost)
                record_answer(response)
                return response
            if status < 400:
                raise _status_error(request, response, await _read_body(response), token=token)

            if (
                status == 401
                and provider is not None
                and token is not None
                and not refreshed
                and replayable
            ):
                body = await _read_body(response)
                provider.invalidate(token)
                refreshed = True
                if await provider.get_token() != token:
                    if debug:
                        log.log_refresh(method, path)
                    continue
                raise _status_error(request, response, body, token=token)

            retry_after = (
                _parse_retry_after(response.headers.get("Retry-After"))
                if status in (429, 503)
                else None
            )
            may_retry = (
                status in RETRYABLE_STATUSES and replayable and (idempotent or status == 429)
            )
            if may_retry and retries < policy.max_retries:
                cost = self.budget.acquire(connection_failure=False)
                if cost is not None:
                    retries += 1
                    last_cost = cost
                    ambiguous_before = ambiguous_before or status != 429
                    await _discard(response)
                    delay = policy.delay(retries, retry_after, self._rng)
                    if debug:
                        log.log_retry(method, path, str(status), attempt, delay)
                    await _sleep(delay)
                    continue

            body = await _read_body(response)
            raise _status_error(
                request,
                response,
                body,
                token=token,
                ambiguous_before=ambiguous_before,
                retry_after=retry_after,
            )


class BoundTransport(httpx.AsyncBaseTransport):
    """The transport one httpx.AsyncClient uses: a shared core plus this view's policy."""

    def __init__(self, core: TransportCore, policy: RetryPolicy) -> None:
        self.core = core
        self.policy = policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.core.send(request, self.policy)

    async def aclose(self) -> None:
        """Do nothing: the owning EasyInk closes the shared core."""


async def _discard(response: httpx.Response) -> None:
    """Drain and close an answer that will not be returned (keeps the connection reusable)."""
    try:
        await response.aread()
    except httpx.TransportError:
        pass
    finally:
        await response.aclose()


async def _read_body(response: httpx.Response) -> bytes:
    """Read an error answer's body; a body cut short still gives what arrived."""
    try:
        return await response.aread()
    except httpx.TransportError:
        return b""
    finally:
        await response.aclose()


def _status_error(
    request: httpx.Request,
    response: httpx.Response,
    body: bytes,
    *,
    token: str | None,
    ambiguous_before: bool = False,
    retry_after: float | None = None,
) -> APIStatusError:
    """The typed exception for a non-2xx answer that is not retried.

    The token sent is redacted wherever the server echoed it; for a redirect only the host of
    its ``Location`` is reported.
    """
    method, status = request.method, response.status_code
    flag_delete = status == 404 and method == "DELETE" and ambiguous_before
    error = status_error_from_response(
        status_code=status,
        reason=response.reason_phrase,
        body=body,
        method=method,
        url=str(request.url),
        retry_after=retry_after,
        outcome_unknown=status >= 500 and method not in IDEMPOTENT_METHODS,
        note=_DELETE_NOTE if flag_delete else None,
        secrets=(token,) if token else (),
        location_host=_location_host(request, response) if 300 <= status < 400 else None,
    )
    if flag_delete and isinstance(error, NotFoundError):
        error.after_ambiguous_attempt = True
    return error


def _location_host(request: httpx.Request, response: httpx.Response) -> str | None:
    """The host a redirect points to (the request's own host for a relative Location)."""
    location = response.headers.get("location")
    if not location:
        return None
    try:
        return httpx.URL(location).host or request.url.host
    except httpx.InvalidURL:
        return None


def _connection_error(
    exc: httpx.TransportError, request: httpx.Request, *, ambiguous: bool
) -> APIConnectionError:
    """Translate an httpx transport failure into the matching easyink_ext error."""
    detail = " ".join(redact_text(str(exc)).split())
    name = type(exc).__name__
    method, url = request.method, str(request.url)
    if isinstance(exc, httpx.TimeoutException):
        message = f"request timed out ({name}{': ' + detail[:120] if detail else ''})"
        if ambiguous:
            return OutcomeUnknownTimeoutError(message, method=method, url=url)
        return APITimeoutError(message, method=method, url=url)
    message = f"connection failed ({name}{': ' + detail[:120] if detail else ''})"
    if ambiguous:
        return OutcomeUnknownConnectionError(message, method=method, url=url)
    return APIConnectionError(message, method=method, url=url)
