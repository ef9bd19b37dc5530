"""A per-account request quota: one token bucket per user of the access token.

With ``FaultConfig.quota_rate`` set, every ``/api`` request of an account takes one token from
that account's bucket (``quota_burst`` tokens, refilled at ``quota_rate`` per second) before
anything else happens to it. An empty bucket answers ``429 RateLimited`` with an integer
``Retry-After``: the seconds until a token is free, rounded up, at least 1. Nothing of the
request is processed. Requests without a valid token are not counted (the app answers 401).

With ``quota_headers`` every answer of a counted request also carries the IETF
``RateLimit-Policy`` and ``RateLimit`` headers (draft-ietf-httpapi-ratelimit-headers):
``"quota";q=BURST;w=WINDOW`` and ``"quota";r=REMAINING;t=SECONDS``.

:class:`Quota` also counts, per account, the answers given (2xx and 429) and when the first and
last answer were sent, so a benchmark can read the server's busy window (``GET /sandbox/quota``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import attrs

from ._config import FaultConfig

__all__ = ["AccountStats", "Quota"]


@attrs.define
class AccountStats:
    """What the quota saw of one account: answers by kind, and the busy window."""

    ok: int = 0
    limited: int = 0
    other: int = 0
    first: float | None = None
    last: float | None = None

    def as_json(self) -> dict[str, float | int | None]:
        """The counts as a JSON object (``first``/``last`` on the sandbox clock)."""
        return attrs.asdict(self)


@attrs.define
class _Bucket:
    tokens: float
    updated: float


class Quota:
    """The token buckets of every account, on the sandbox's clock."""

    def __init__(self, faults: Callable[[], FaultConfig], clock: Callable[[], float]) -> None:
        self._faults = faults
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self.stats: dict[str, AccountStats] = {}

    @property
    def active(self) -> bool:
        """True when a quota is configured."""
        return bool(self._faults().quota_rate)

    def take(self, account: str) -> float | None:
        """Take a token of ``account``: ``None``, or the whole seconds to wait (at least 1)."""
        rate, burst = self._limits()
        bucket = self._refill(account, rate, burst)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return float(max(1, math.ceil((1.0 - bucket.tokens) / rate)))

    def headers(self, account: str) -> list[tuple[bytes, bytes]]:
        """The IETF ``RateLimit-Policy`` and ``RateLimit`` headers of ``account`` now."""
        rate, burst = self._limits()
        bucket = self._refill(account, rate, burst)
        window = max(1, math.ceil(burst / rate))
        reset = max(0, math.ceil((burst - bucket.tokens) / rate))
        return [
            (b"ratelimit-policy", f'"quota";q={burst};w={window}'.encode()),
            (b"ratelimit", f'"quota";r={int(bucket.tokens)};t={reset}'.encode()),
        ]

    def note(self, account: str, status: int | None) -> None:
        """Count an answer sent to ``account``."""
        stats = self.stats.setdefault(account, AccountStats())
        now = self._clock()
        if status is not None and 200 <= status < 300:
            stats.ok += 1
        elif status == 429:
            stats.limited += 1
        else:
            stats.other += 1
        if stats.first is None:
            stats.first = now
        stats.last = now

    def reset(self) -> None:
        """Forget every bucket (all full again) and every count."""
        self._buckets.clear()
        self.stats.clear()

    def _limits(self) -> tuple[float, int]:
        faults = self._faults()
        rate = float(faults.quota_rate or 0.0)
        burst = faults.quota_burst if faults.quota_burst is not None else max(1, math.ceil(rate))
        return rate, burst

    def _refill(self, account: str, rate: float, burst: int) -> _Bucket:
        now = self._clock()
        bucket = self._buckets.get(account)
        if bucket is None:
            bucket = self._buckets[account] = _Bucket(float(burst), now)
        elapsed = max(0.0, now - bucket.updated)
        bucket.tokens = min(float(burst), bucket.tokens + elapsed * rate)
        bucket.updated = now
        return bucket
