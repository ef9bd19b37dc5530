"""The httpx transport that gives every generated operation retries, auth, typed errors and logs.

:class:`TransportCore` wraps the real transport (the connection pool) and is shared by an
:class:`~easyink_ext.EasyInk` client and all its ``with_options`` views. Each view talks to
it through a :class:`BoundTransport` carrying that view's :class:`~easyink_ext._retry.RetryPolicy`.

Per request: pre-flight validation (optional) -> for each attempt: set the bearer token,
wait for the client's send rate when it applies (:mod:`easyink_ext._ratecontrol`),
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
from ._ratecontrol import MAX_THROTTLED_ATTEMPTS, AdaptiveRate, RateWaitTooLong
from ._redact import redact_text
from ._retry import (
    IDEMPOTENT_METHODS,
    RETRYABLE_STATUSES,
    RetryBudget,
    RetryPolicy,
    take_retry,
)
from ._retry import parse_retry_after as _parse_retry_after
from .auth import TokenProvider
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    NotFoundError,
    OutcomeUnknownConnectionError,
    OutcomeUnknownTimeoutError,
    RateLimitError,
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


class _Request:
    """One request across its attempts: what the retry rules need to know about it."""

    def __init__(
        self, request: httpx.Request, policy: RetryPolicy, rate: AdaptiveRate | None
    ) -> None:
        self.request = request
        self.policy = policy
        self.rate = rate
        self.rate_waited = 0.0
        self.throttled = 0
        self.method = request.method
        self.idempotent = request.method in IDEMPOTENT_METHODS
        self.replayable = is_replayable(request)
        self.debug = log.debug_enabled()
        self.path = request.url.path if self.debug else ""
        self.attempt = 0
        self.retries = 0
        self.last_cost: int | None = None
        self.token: str | None = None
        self.refreshed = False
        self.ambiguous_before = False


class TransportCore:
    """Retry, auth, error and logging logic around one inner transport (shared pool).

    A request goes ``send`` -> ``_send_attempt`` (token, the attempt within its limits, logs)
    -> ``_on_failure`` (connection failures) or ``_on_answer`` -> ``_refresh_after_401`` /
    ``_retry_status`` (non-2xx answers); every retry is paid for by ``_pay_for_retry`` (the
    policy's count and the budget) and waited for by ``_wait_before_retry``.
    """

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
        rate: AdaptiveRate | None = None,
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
        self.rate = rate
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
        rate = self.rate
        state = _Request(request, policy, rate if rate is not None and rate.engaged() else None)
        while True:
            response = await self._send_attempt(state)
            if response is not None:
                return response

    async def _send_attempt(self, state: _Request) -> httpx.Response | None:
        """One attempt: the 2xx answer, ``None`` when another attempt follows, or raise."""
        await self._set_token(state)
        epoch = await self._wait_for_rate(state) if state.rate is not None else None
        state.attempt += 1
        if state.debug:
            log.log_request(state.method, state.path, state.attempt)
        start = time.perf_counter()
        try:
            response = await send_attempt(self._inner, state.request, self.limits)
        except BaseException as exc:
            if epoch is not None:
                self._rate_done(state, epoch, None)
            if not isinstance(exc, httpx.TransportError):
                raise
            if state.debug:
                elapsed = time.perf_counter() - start
                log.log_failure(state.method, state.path, exc, state.attempt, elapsed)
            await self._on_failure(state, exc)
            return None
        if epoch is not None:
            self._rate_done(state, epoch, response)
        if state.debug:
            elapsed = time.perf_counter() - start
            log.log_response(state.method, state.path, response.status_code, state.attempt, elapsed)
        return await self._on_answer(state, response)

    async def _wait_for_rate(self, state: _Request) -> int:
        """Wait for the client's send rate; RateLimitError when it would take too long."""
        assert state.rate is not None
        try:
            epoch, waited = await state.rate.acquire(state.rate.max_wait - state.rate_waited)
        except RateWaitTooLong as exc:
            raise RateLimitError(
                status_code=429,
                code=None,
                message=(
                    f"not sent: waiting for the client's send rate would take {exc.wait:.3g} s, "
                    f"over max_rate_wait ({state.rate.max_wait:g} s)"
                ),
                method=state.method,
                url=str(state.request.url),
                retry_after=exc.wait,
            ) from None
        state.rate_waited += waited
        return epoch

    def _rate_done(self, state: _Request, epoch: int, response: httpx.Response | None) -> None:
        """Tell the send rate how an attempt ended (a 429's pause, capped like a retry's)."""
        assert state.rate is not None
        if response is None:
            state.rate.done(epoch, None, None)
            return
        retry_after = None
        if response.status_code == 429:
            hint = _parse_retry_after(response.headers.get("Retry-After"))
            retry_after = min(hint, state.policy.max_retry_after) if hint is not None else None
        state.rate.done(epoch, response.status_code, retry_after)

    async def _set_token(self, state: _Request) -> None:
        """Put the current bearer token on the request (no provider: no header)."""
        if self.token_provider is not None:
            state.token = await self.token_provider.get_token()
            state.request.headers["Authorization"] = "Bearer " + state.token

    async def _on_failure(self, state: _Request, exc: httpx.TransportError) -> None:
        """A connection failure or timeout: return to retry, else raise the typed error."""
        never_sent = isinstance(exc, _NEVER_SENT)
        may_retry = never_sent or (
            state.idempotent and state.replayable and not isinstance(exc, httpx.UnsupportedProtocol)
        )
        if may_retry and self._pay_for_retry(state, connection_failure=True):
            state.ambiguous_before = state.ambiguous_before or not never_sent
            await self._wait_before_retry(state, type(exc).__name__, None)
            return
        ambiguous = not state.idempotent and not never_sent
        raise _connection_error(exc, state.request, ambiguous=ambiguous) from exc

    async def _on_answer(self, state: _Request, response: httpx.Response) -> httpx.Response | None:
        """Classify an answer: return a 2xx, ``None`` to send again, else raise."""
        status = response.status_code
        if status < 300:
            self.budget.record_success(state.last_cost)
            record_answer(response)
            return response
        if status < 400:
            body = await _read_body(response)
            raise _status_error(state.request, response, body, token=state.token)
        if status == 401 and await self._refresh_after_401(state, response):
            return None
        await self._retry_status(state, response)
        return None

    async def _refresh_after_401(self, state: _Request, response: httpx.Response) -> bool:
        """Refresh the token once per request; True when a new token is worth a replay."""
        provider, token = self.token_provider, state.token
        if provider is None or token is None or state.refreshed or not state.replayable:
            return False
        body = await _read_body(response)
        provider.invalidate(token)
        state.refreshed = True
        if await provider.get_token() != token:
            if state.debug:
                log.log_refresh(state.method, state.path)
            return True
        raise _status_error(state.request, response, body, token=token)

    async def _retry_status(self, state: _Request, response: httpx.Response) -> None:
        """A 4xx/5xx answer: return to retry it (see :mod:`._retry`), else raise it typed."""
        status = response.status_code
        retry_after = (
            _parse_retry_after(response.headers.get("Retry-After"))
            if status in (429, 503)
            else None
        )
        may_retry = (
            status in RETRYABLE_STATUSES
            and state.replayable
            and (state.idempotent or status == 429)
        )
        if status == 429 and state.rate is not None and may_retry:
            state.throttled += 1
            waiting = state.rate.paused_for() <= state.rate.max_wait - state.rate_waited
            if waiting and state.throttled < MAX_THROTTLED_ATTEMPTS:
                # The send rate paused the client: the next attempt waits for it, unpaid.
                await _discard(response)
                return
            may_retry = False
        if may_retry and self._pay_for_retry(state, connection_failure=False):
            state.ambiguous_before = state.ambiguous_before or status != 429
            await _discard(response)
            await self._wait_before_retry(state, str(status), retry_after)
            return
        body = await _read_body(response)
        record_answer(response)  # ``with_raw_response.exists`` reports this 404 as it came
        raise _status_error(
            state.request,
            response,
            body,
            token=state.token,
            ambiguous_before=state.ambiguous_before,
            retry_after=retry_after,
        )

    def _pay_for_retry(self, state: _Request, *, connection_failure: bool) -> bool:
        """Take one retry from the policy and the budget; False when either refuses."""
        cost = take_retry(
            self.budget, state.policy, state.retries, connection_failure=connection_failure
        )
        if cost is None:
            return False
        state.retries += 1
        state.last_cost = cost
        return True

    async def _wait_before_retry(
        self, state: _Request, reason: str, retry_after: float | None
    ) -> None:
        """Sleep the policy's delay before the next attempt (logged)."""
        delay = state.policy.delay(state.retries, retry_after, self._rng)
        if state.debug:
            log.log_retry(state.method, state.path, reason, state.attempt, delay)
        await _sleep(delay)


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
