"""Retry policy of easyink_ext: what is retried, how long to wait, and the shared retry budget.

The policy (applied by the transport to every request of every generated operation):

**Attempts.** ``max_retries`` (default 2) retries after the first attempt, so at most 3 attempts.

**Idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS)** are retried after:

- a connection failure (refused, reset, dropped before or after sending) or any timeout
  (connect, write, read, pool);
- an answer 408, 429, 500, 502, 503 or 504.

PUT replaces state and DELETE removes it in this API, so a replay is harmless. A DELETE that
is retried after an *ambiguous* failure (timeout, dropped connection, 5xx) and then answers
404 raises :class:`~easyink_ext.errors.NotFoundError` with ``after_ambiguous_attempt=True`` and
a note saying the earlier attempt may have succeeded: the caller decides whether that is success.

**POST** (create a draft/participant/field, upload, convert, start, void, duplicate...) is retried
only when the request provably was not processed:

- the connection was never established: ``httpx.ConnectError``, ``httpx.ConnectTimeout``,
  ``httpx.PoolTimeout`` (the request bytes never left the client);
- an answer 429 (rate limiters answer before processing).

After an ambiguous failure (read/write timeout, connection dropped after sending, 500, 502,
503, 504 or any other 5xx) a POST is **not** retried: the error raised is an
:class:`~easyink_ext.errors.OutcomeUnknownError` (``OutcomeUnknownTimeoutError``,
``OutcomeUnknownConnectionError`` or ``OutcomeUnknownServerError``, which are also
``APITimeoutError`` / ``APIConnectionError`` / ``InternalServerError``) whose message says
the outcome is unknown and the state should be read back before trying again.

**Other answers** (400, 401, 403, 404, 409, 422...) are never retried. A 401 is handled by
the auth layer instead: one token refresh and one replay per request, not counted as a retry.

**Request bodies.** In-memory bodies (JSON, form data, multipart with bytes or seekable
files, which the generated client produces from ``File(payload=BytesIO(...))``) are replayed
as-is. A body that cannot be replayed (a non-seekable file, an async generator) is only
re-sent when the previous attempt failed before sending (connection never established);
otherwise the first failure is raised.

**Waiting.** Before retry *n* (1-based) the client sleeps a random time in
``[0, min(backoff_max, backoff_base * 2 ** (n - 1))]`` ("full jitter"; defaults
``backoff_base=0.5`` s, ``backoff_max=8`` s). When the answer carries ``Retry-After``
(delta-seconds or an HTTP-date), that delay is used instead, capped at ``max_retry_after``
(default 60 s).

**Retry budget.** Every :class:`~easyink_ext.EasyInk` instance (and the views made by
``with_options``) shares one token bucket, like the AWS SDKs' "standard" retry mode:
capacity 500 tokens, a retry after a timeout or connection failure costs 10, any other
retry costs 5. A request that succeeds at the first attempt refunds 1 token; one that
succeeds after retrying refunds the cost of its last retry (never above capacity). When the
bucket cannot pay for a retry the error is raised at once, so a batch job cannot multiply
the load on a failing server.

**One policy, never layered.** Every retry in easyink_ext goes through :func:`take_retry`
(the policy's ``max_retries`` and the budget) and waits :meth:`RetryPolicy.delay`: the
transport's own, the workflow's re-send of a POST that a read-back proved had no effect, the
workflow's cleanup after the draft changed under it, and a download's resume after a body cut
short. Helpers above the transport never retry what the transport already retried (5xx, 429,
connection failures): :func:`~easyink_ext.workflow.send_for_signature`'s reads and the
waiters' polls make each request once and let the transport retry it. So a logical call makes
at most ``max_retries + 1`` attempts.

**Worst case against a server answering 503 to everything:** one ``send_for_signature``
sends at most ``1 + 2 x (max_retries + 1)`` requests (7 at the default ``max_retries=2``, 3 at
0): ``createDraft`` once (a 503 leaves a POST's outcome unknown, so it is not repeated), then
the read-back that looks for the draft (``searchSessions``, ``max_retries + 1`` attempts; a
second read-back after ``recheck_delay`` only when the first one succeeded). In practice the
first read-back fails and the workflow stops there: 1 + (max_retries + 1) requests (4 at 2,
2 at 0; before this policy, 13 and 5).
"""

from __future__ import annotations

import email.utils
import math
import random
import threading
import time
from dataclasses import dataclass

import anyio

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

DEFAULT_MAX_RETRIES = 2
DEFAULT_BACKOFF_BASE = 0.5
DEFAULT_BACKOFF_MAX = 8.0
DEFAULT_MAX_RETRY_AFTER = 60.0

BUDGET_CAPACITY = 500
RETRY_COST = 5
TIMEOUT_RETRY_COST = 10
NO_RETRY_REFUND = 1


@dataclass(frozen=True)
class RetryPolicy:
    """How many retries and how long to wait between them (see the module docstring)."""

    max_retries: int = DEFAULT_MAX_RETRIES
    backoff_base: float = DEFAULT_BACKOFF_BASE
    backoff_max: float = DEFAULT_BACKOFF_MAX
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if self.backoff_base < 0 or self.backoff_max < 0 or self.max_retry_after < 0:
            raise ValueError("backoff_base, backoff_max and max_retry_after must be >= 0")

    def delay(self, retry_number: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to sleep before retry ``retry_number`` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** (retry_number - 1)))
        return rng.uniform(0.0, ceiling)


class RetryBudget:
    """Token bucket limiting retries across all requests of one client (thread-safe).

    ``capacity`` tokens to start with; :meth:`acquire` takes the cost of a retry or refuses;
    :meth:`record_success` refunds.
    """

    def __init__(
        self,
        capacity: int = BUDGET_CAPACITY,
        *,
        retry_cost: int = RETRY_COST,
        timeout_retry_cost: int = TIMEOUT_RETRY_COST,
        no_retry_refund: int = NO_RETRY_REFUND,
    ) -> None:
        if capacity < 0:
            raise ValueError("capacity must be >= 0")
        self.capacity = capacity
        self.retry_cost = retry_cost
        self.timeout_retry_cost = timeout_retry_cost
        self.no_retry_refund = no_retry_refund
        self._tokens = capacity
        self._lock = threading.Lock()

    @property
    def tokens(self) -> int:
        """Tokens currently available."""
        return self._tokens

    def acquire(self, *, connection_failure: bool) -> int | None:
        """Pay for one retry; return its cost, or None when the budget cannot pay."""
        cost = self.timeout_retry_cost if connection_failure else self.retry_cost
        with self._lock:
            if self._tokens < cost:
                return None
            self._tokens -= cost
            return cost

    def record_success(self, last_retry_cost: int | None) -> None:
        """Refund after a successful request (its last retry's cost, or the no-retry refund)."""
        refund = self.no_retry_refund if last_retry_cost is None else last_retry_cost
        with self._lock:
            self._tokens = min(self.capacity, self._tokens + refund)

    def __repr__(self) -> str:
        return f"RetryBudget(tokens={self._tokens}, capacity={self.capacity})"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date), else None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, parsed.timestamp() - current)


def take_retry(
    budget: RetryBudget, policy: RetryPolicy, retries_done: int, *, connection_failure: bool
) -> int | None:
    """Allow one more retry of a logical call: its cost, or None when it must not retry.

    The one gate every retry in easyink_ext goes through: ``retries_done`` must be below
    ``policy.max_retries`` and ``budget`` must pay for it.
    """
    if retries_done >= policy.max_retries:
        return None
    return budget.acquire(connection_failure=connection_failure)


_RNG = random.Random()


async def retry_pause(
    budget: RetryBudget,
    policy: RetryPolicy,
    retries_done: int,
    *,
    connection_failure: bool,
    rng: random.Random | None = None,
) -> bool:
    """Take one retry (:func:`take_retry`) and sleep its delay; False when none is allowed.

    For the retries made above the transport (the workflow's re-send of a POST proven to have
    had no effect, the cleanup, a download's resume), so that they follow the same policy,
    backoff and budget as the transport's own.
    """
    if take_retry(budget, policy, retries_done, connection_failure=connection_failure) is None:
        return False
    await anyio.sleep(policy.delay(retries_done + 1, None, rng if rng is not None else _RNG))
    return True
