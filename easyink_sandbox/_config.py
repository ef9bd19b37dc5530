"""Sandbox settings: server behaviour (SandboxConfig) and fault injection (FaultConfig)."""

from __future__ import annotations

import attrs

from ._credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET


@attrs.define
class FaultConfig:
    """Fault injection settings; mutable at runtime through ``Sandbox.faults``.

    Faults only touch ``/api`` routes (never ``/connect`` or ``/sandbox``). Every rate is a
    probability in ``[0, 1]`` drawn from one ``random.Random(seed)`` per app, so a fixed seed makes
    the sequence of faults reproducible.

    * ``latency_ms`` + uniform ``[0, jitter_ms]`` is slept before each request is processed.
    * ``rate_limit_rate``: share answered ``429 RateLimited`` with ``Retry-After``, always before
      the request is processed.
    * ``fail_rate``: share answered with a status drawn from ``fail_statuses`` (500
      ``InternalServerError`` or 503 ``ServiceUnavailable`` with ``Retry-After``).
    * ``drop_rate``: share whose connection is dropped without a complete response.
    * ``fault_after_processing``: failures and drops happen after the request took effect.
    * ``drop_body_after_bytes``: the next ``drop_body_times`` PDF download bodies are cut after
      that many bytes (the connection is dropped in the middle of the body).
    * ``quota_rate`` (requests per second, ``None``: no quota) and ``quota_burst`` (default:
      ``quota_rate`` rounded up): a token bucket per account over every ``/api`` route; over it
      ``429 RateLimited`` with an integer ``Retry-After`` (seconds until a token is free, at
      least 1), before anything else (see :mod:`easyink_sandbox._quota`). ``quota_headers``
      adds the IETF ``RateLimit-Policy`` / ``RateLimit`` headers to those requests' answers.
    """

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    fail_rate: float = 0.0
    rate_limit_rate: float = 0.0
    drop_rate: float = 0.0
    fault_after_processing: bool = False
    seed: int | None = None
    retry_after: float = 1.0
    fail_statuses: tuple[int, ...] = (500, 503)
    drop_body_after_bytes: int | None = None
    drop_body_times: int = 1
    quota_rate: float | None = None
    quota_burst: int | None = None
    quota_headers: bool = False


@attrs.define
class SandboxConfig:
    """Behaviour of one sandbox app.

    ``processing_delay`` is how long (seconds) an uploaded document stays in ``Processing``;
    ``token_ttl`` the access-token lifetime in seconds; ``code_ttl`` the authorization-code
    lifetime; ``validate_responses`` turns on response validation against the OpenAPI document
    (test mode: a violating response becomes a 500 and is logged and recorded).
    """

    processing_delay: float = 0.0
    token_ttl: float = 3600.0
    code_ttl: float = 60.0
    client_id: str = SANDBOX_CLIENT_ID
    client_secret: str = SANDBOX_CLIENT_SECRET
    default_user: str = "sandbox-user"
    validate_responses: bool = False
    faults: FaultConfig = attrs.Factory(FaultConfig)
