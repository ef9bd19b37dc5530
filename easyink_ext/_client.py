"""The :class:`EasyInk` client: one configured generated client over one connection pool."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypedDict

import httpx

from easyink_client import AuthenticatedClient
from easyink_client.models.search_status import SearchStatus
from easyink_client.models.signing_session_item import SigningSessionItem
from easyink_client.models.signing_session_search_result import SigningSessionSearchResult

from . import _defaults, _telemetry, pagination
from ._http import ApiHttpClient
from ._limits import (
    DEFAULT_DOWNLOAD_RATE_WINDOW,
    DEFAULT_MAX_ERROR_BYTES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MIN_DOWNLOAD_RATE,
    ResponseLimits,
)
from ._pool import DEFAULT_LIMITS, ShardedTransport
from ._redact import REDACTED
from ._retry import (
    DEFAULT_BACKOFF_BASE,
    DEFAULT_BACKOFF_MAX,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    RetryBudget,
    RetryPolicy,
)
from ._transport import TransportCore
from ._validation import default_validator
from ._version import __version__
from .auth import StaticToken, TokenProvider

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import TracerProvider

    from ._resource import ResourceClient
    from .resources import Drafts, Sessions

__all__ = [
    "BACKENDS",
    "PRODUCTION_BASE_URL",
    "SANDBOX_BASE_URL",
    "STAGING_BASE_URL",
    "EasyInk",
    "EasyInkOptions",
]

PRODUCTION_BASE_URL = "https://api.easyink.io"
STAGING_BASE_URL = "https://api-staging.easyink.io"
# Default address of ``python -m easyink_sandbox`` (port 8765, as in the spec's servers list).
SANDBOX_BASE_URL = "http://127.0.0.1:8765"

DEFAULT_TIMEOUT = 30.0
# Connection pools of the default transport (see easyink_ext._pool). bench/batch.py at 32 tasks:
# 8, 16 and 32 shards cost about the same client CPU per request, a third of one pool's; 16 keeps
# 6 of the 100 connections per shard and adds at most 16 connections.
DEFAULT_POOL_SHARDS = 16
# What sends the bytes: httpx's own connection pool (sharded), or aiohttp (easyink_ext._aiohttp).
BACKENDS = _defaults.BACKENDS
# The generated client's token field is never used: the transport sets Authorization itself.
_TOKEN_PLACEHOLDER = f"{REDACTED} (set per request by easyink_ext)"


class _NotGiven:
    """Sentinel for "keep the current value" in :meth:`EasyInk.with_options`."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()


class EasyInkOptions(TypedDict, total=False):
    """The keyword arguments of :class:`EasyInk` (what :class:`~easyink_ext.EasyInkSync` takes)."""

    base_url: str
    token: str | None
    token_provider: TokenProvider | None
    timeout: float | httpx.Timeout
    max_retries: int
    http_client: httpx.AsyncClient | None
    transport: httpx.AsyncBaseTransport | None
    pool_shards: int | None
    limits: httpx.Limits | None
    validate_requests: bool
    backoff_base: float
    backoff_max: float
    max_retry_after: float
    retry_budget: RetryBudget | None
    headers: Mapping[str, str] | None
    tracer_provider: TracerProvider | None
    meter_provider: MeterProvider | None
    propagate_trace_context: bool
    max_response_bytes: int
    max_error_bytes: int
    min_download_rate: float
    download_rate_window: float
    allow_insecure_http: bool
    backend: str


class ViewOptions(TypedDict, total=False):
    """The keyword arguments of :meth:`EasyInk.with_options`."""

    timeout: float | httpx.Timeout
    max_retries: int
    backoff_base: float
    backoff_max: float
    max_retry_after: float


class EasyInk:
    """Async EasyInk client: create once, share across tasks, close with ``async with``.

    Every operation is a method of :attr:`drafts` or :attr:`sessions` (and their nested
    namespaces), generated from the spec: ``draft_id = await ei.drafts.create(subject="NDA")``.

    ``client`` is a configured ``easyink_client.AuthenticatedClient`` usable with every
    function of ``easyink_client.api``; all of them get retries (see
    :mod:`easyink_ext._retry`), bearer auth with refresh on 401, typed errors
    (:mod:`easyink_ext.errors`), pre-flight validation and DEBUG logging, because these
    live in the transport underneath.

    Parameters:
        base_url: API root, e.g. :data:`PRODUCTION_BASE_URL` or a sandbox URL.
        token / token_provider: a fixed access token, or a :class:`~easyink_ext.auth.TokenProvider`
            (e.g. :class:`~easyink_ext.auth.RefreshingTokenProvider`); at most one of them.
        timeout: seconds (or an ``httpx.Timeout``) per attempt: each read, and the attempt as
            a whole (connect, send and the entire answer) by its largest value; see
            :mod:`easyink_ext._limits`.
        max_retries: retries after the first attempt (default 2).
        http_client: an ``httpx.AsyncClient`` whose pool/proxies/TLS settings to use; it is
            not closed on exit. Its own base URL, timeout and headers are ignored. Use it
            (or ``transport=httpx.AsyncHTTPTransport(proxy=...)``) to go through a proxy:
            proxy environment variables are not read otherwise.
        transport: an ``httpx.AsyncBaseTransport`` to send through instead of a new
            connection pool (e.g. ``httpx.ASGITransport``); closed on exit like httpx does.
            It is used as-is (not sharded).
        backend: what the default transport sends with: ``"httpx"`` (default; httpx's own
            connection pool, sharded) or ``"aiohttp"`` (:mod:`easyink_ext._aiohttp`: the same
            behaviour for less client CPU per request; asyncio only, needs
            ``pip install 'easyink[aiohttp]'``). Not allowed with ``transport`` or
            ``http_client``; to set proxies or TLS options with aiohttp, pass
            ``transport=easyink_ext.AiohttpTransport(proxy=..., verify=...)``.
        pool_shards: number of connection pools of the default httpx transport (default
            ``DEFAULT_POOL_SHARDS``). Each asyncio task sends through one of them, picked
            round-robin on its first request, which keeps httpcore's per-request scan of the
            pool short when many tasks share the client (see :mod:`easyink_ext._pool`). Costs
            up to that many more connections to the host than one pool. ``1`` gives one plain
            ``httpx.AsyncHTTPTransport``. Not allowed with ``transport``, ``http_client`` or
            ``backend="aiohttp"`` (aiohttp's pool needs no sharding).
        limits: ``httpx.Limits`` of the default transport: the total over all shards, each
            shard getting an equal share (at least one connection). Default:
            ``easyink_ext._pool.DEFAULT_LIMITS`` (100 connections, all of which may stay alive).
        validate_requests: check requests against the spec before sending (default True).
        backoff_base / backoff_max / max_retry_after: retry timing (seconds).
        retry_budget: a :class:`~easyink_ext._retry.RetryBudget` to share between clients;
            by default each client has its own.
        headers: extra headers sent with every request.
        tracer_provider / meter_provider: OpenTelemetry providers to record spans and metrics
            with (default: the global ones; needs the ``otel`` extra, see
            :mod:`easyink_ext._otel`). Nothing is recorded while none is configured.
        propagate_trace_context: send the W3C ``traceparent`` header of each attempt to the
            API (default False: it is a third-party service).
        max_response_bytes / max_error_bytes: caps on the body of a successful answer
            (16 MiB; more raises ``ResponseTooLargeError``) and of an error answer (64 KiB,
            the rest is dropped).
        min_download_rate / download_rate_window: the download helpers fail a transfer (then
            resume or restart it) when fewer than ``min_download_rate`` bytes/s (1024) arrive
            over ``download_rate_window`` seconds (30); 0 turns it off.
        allow_insecure_http: allow an ``http://`` base URL on a host other than this machine
            (the token would travel in clear). Loopback hosts, RFC 6761 special-use names
            (``*.test``, ``*.invalid``...) and in-process transports (``httpx.ASGITransport``,
            ``httpx.MockTransport``) never need it.

    Generated ``*_detailed`` functions return the raw ``Response`` (status, headers, bytes)
    for successful answers; non-2xx answers raise before reaching them.
    """

    def __init__(
        self,
        *,
        base_url: str = PRODUCTION_BASE_URL,
        token: str | None = None,
        token_provider: TokenProvider | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        pool_shards: int | None = None,
        limits: httpx.Limits | None = None,
        validate_requests: bool = True,
        backoff_base: float = DEFAULT_BACKOFF_BASE,
        backoff_max: float = DEFAULT_BACKOFF_MAX,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        retry_budget: RetryBudget | None = None,
        headers: Mapping[str, str] | None = None,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
        propagate_trace_context: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_error_bytes: int = DEFAULT_MAX_ERROR_BYTES,
        min_download_rate: float = DEFAULT_MIN_DOWNLOAD_RATE,
        download_rate_window: float = DEFAULT_DOWNLOAD_RATE_WINDOW,
        allow_insecure_http: bool = False,
        backend: str = "httpx",
    ) -> None:
        if token is not None and token_provider is not None:
            raise ValueError("pass either token or token_provider, not both")
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
        if not allow_insecure_http:
            _refuse_plain_http(base_url, transport)
        provider = StaticToken(token) if token is not None else token_provider
        if transport is None and http_client is None:
            transport = _default_transport(backend, pool_shards, limits)
        elif pool_shards is not None or limits is not None or backend != "httpx":
            raise ValueError(
                "backend, pool_shards and limits configure the default transport: "
                "not allowed with transport or http_client"
            )
        self._backend = backend
        self._core = TransportCore(
            inner=transport,
            http_client=http_client,
            token_provider=provider,
            budget=retry_budget,
            validator=default_validator() if validate_requests else None,
            limits=ResponseLimits(
                max_response_bytes=max_response_bytes,
                max_error_bytes=max_error_bytes,
                min_download_rate=min_download_rate,
                download_rate_window=download_rate_window,
            ),
        )
        self._telemetry = _telemetry.create(
            tracer_provider, meter_provider, propagate_trace_context
        )
        _telemetry.instrument(self._core, self._telemetry)
        self._owner = True
        self._base_url = base_url.rstrip("/")
        self._headers = {"User-Agent": f"easyink-python/{__version__}", **dict(headers or {})}
        self._setup(
            _as_timeout(timeout),
            RetryPolicy(
                max_retries=max_retries,
                backoff_base=backoff_base,
                backoff_max=backoff_max,
                max_retry_after=max_retry_after,
            ),
        )

    def _setup(self, timeout: httpx.Timeout, policy: RetryPolicy) -> None:
        self._timeout = timeout
        self._policy = policy
        # trust_env=False: proxy settings from the environment would mount other transports
        # and bypass ours. Proxies belong to the inner transport or the caller's http_client.
        self._http = ApiHttpClient(
            base_url=self._base_url,
            timeout=timeout,
            headers=self._headers,
            transport=_telemetry.bound_transport(self._core, policy, self._telemetry),
            trust_env=False,
        )
        client = AuthenticatedClient(
            base_url=self._base_url, token=_TOKEN_PLACEHOLDER, timeout=timeout
        )
        client.set_async_httpx_client(self._http)
        client.set_httpx_client(_refusing_sync_client())
        self._client: AuthenticatedClient = client

    @cached_property
    def drafts(self) -> Drafts:
        """Signing session drafts: ``await ei.drafts.create(subject=...)`` and the nested
        ``documents``, ``attachments``, ``participants``, ``signature_fields``, ``signing_order``.
        """
        from .resources import Drafts

        return Drafts(self._resource_client)

    @cached_property
    def sessions(self) -> Sessions:
        """Signing sessions: ``await ei.sessions.get(session_id)``, ``ei.sessions.list()`` and
        the nested ``participants``, ``documents``, ``attachments``, ``signed_documents``,
        ``all_in_one``.
        """
        from .resources import Sessions

        return Sessions(self._resource_client)

    @cached_property
    def _resource_client(self) -> ResourceClient:
        from ._resource import ResourceClient

        return ResourceClient(self)

    @property
    def client(self) -> AuthenticatedClient:
        """The generated client to pass to ``easyink_client.api`` functions (the lower layer
        under :attr:`drafts` and :attr:`sessions`; their ``asyncio`` variants only)."""
        return self._client

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The underlying ``httpx.AsyncClient`` (requests through it get the same behaviour)."""
        return self._http

    @property
    def backend(self) -> str:
        """``"httpx"`` or ``"aiohttp"``: what the default transport sends with."""
        return self._backend

    @property
    def base_url(self) -> str:
        """The API root URL."""
        return self._base_url

    @property
    def timeout(self) -> httpx.Timeout:
        """Per-attempt timeout of this client (or view)."""
        return self._timeout

    @property
    def retry_policy(self) -> RetryPolicy:
        """Retry settings of this client (or view)."""
        return self._policy

    @property
    def retry_budget(self) -> RetryBudget:
        """The retry budget shared by this client and its views."""
        return self._core.budget

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        backoff_base: float = NOT_GIVEN,
        backoff_max: float = NOT_GIVEN,
        max_retry_after: float = NOT_GIVEN,
    ) -> EasyInk:
        """A view with other per-call settings sharing this client's pool, auth and budget.

        Closing a view does nothing; the original client owns the pool.
        """
        changes = {
            key: value
            for key, value in {
                "max_retries": max_retries,
                "backoff_base": backoff_base,
                "backoff_max": backoff_max,
                "max_retry_after": max_retry_after,
            }.items()
            if value is not NOT_GIVEN
        }
        policy = self._policy if not changes else _replace_policy(self._policy, changes)
        return self._view(
            self._timeout if timeout is NOT_GIVEN else _as_timeout(timeout), policy, self._headers
        )

    def _call_view(
        self, timeout: float | httpx.Timeout | None, extra_headers: Mapping[str, str] | None
    ) -> EasyInk:
        """A view for one call: its own timeout (``None``: this one's) and extra headers."""
        headers = {**self._headers, **extra_headers} if extra_headers else self._headers
        return self._view(
            self._timeout if timeout is None else _as_timeout(timeout), self._policy, headers
        )

    def _view(
        self, timeout: httpx.Timeout, policy: RetryPolicy, headers: dict[str, str]
    ) -> EasyInk:
        view = object.__new__(EasyInk)
        view._core = self._core
        view._owner = False
        view._backend = self._backend
        view._base_url = self._base_url
        view._headers = headers
        view._telemetry = self._telemetry
        view._setup(timeout, policy)
        return view

    def iter_sessions(
        self,
        *,
        statuses: Iterable[SearchStatus | str] | None = None,
        sorting: Iterable[pagination.SortRule] | None = None,
        page_size: int = 20,
        max_pages: int | None = pagination.DEFAULT_MAX_PAGES,
    ) -> AsyncIterator[SigningSessionItem]:
        """Iterate over matching sessions, fetching pages as needed.

        ``sorting`` takes ``PropertySorting`` models or strings like ``"created:desc"``.
        Paging stops at a page with nothing new, or after ``max_pages`` pages.
        """
        return pagination.session_items(
            self.sessions.search,
            statuses=statuses,
            sorting=sorting,
            page_size=page_size,
            max_pages=max_pages,
        )

    def search_pages(
        self,
        *,
        statuses: Iterable[SearchStatus | str] | None = None,
        sorting: Iterable[pagination.SortRule] | None = None,
        page_size: int = 20,
        start_page: int = 0,
        max_pages: int | None = pagination.DEFAULT_MAX_PAGES,
    ) -> AsyncIterator[SigningSessionSearchResult]:
        """Iterate over whole result pages of a session search."""
        return pagination.session_pages(
            self.sessions.search,
            statuses=statuses,
            sorting=sorting,
            page_size=page_size,
            start_page=start_page,
            max_pages=max_pages,
        )

    async def aclose(self) -> None:
        """Close the connection pool (no-op for views and for a caller's http_client)."""
        if self._owner:
            await self._http.aclose()
            await self._core.aclose()

    async def __aenter__(self) -> EasyInk:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (
            f"EasyInk(base_url={self._base_url!r}, max_retries={self._policy.max_retries}, "
            f"timeout={self._timeout.read!r}, auth={self._core.token_provider!r})"
        )


_SYNC_REFUSED = (
    "the generated sync functions (sync, sync_detailed) would bypass EasyInk (no auth, retries "
    "or typed errors): use the resources instead, e.g. `await ei.sessions.get(session_id)`, or "
    "`EasyInkSync(...).sessions.get(session_id)` in blocking code"
)


class _RefuseSync(httpx.BaseTransport):
    """The sync transport of ``ei.client``: refuses every request, pointing to the resources."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise TypeError(_SYNC_REFUSED)


_SYNC_CLIENT: httpx.Client | None = None


def _refusing_sync_client() -> httpx.Client:
    """One ``httpx.Client`` shared by every EasyInk, whose requests raise ``TypeError``."""
    global _SYNC_CLIENT  # noqa: PLW0603 - built once, on first use
    if _SYNC_CLIENT is None:
        _SYNC_CLIENT = httpx.Client(transport=_RefuseSync(), trust_env=False)
    return _SYNC_CLIENT


def _default_transport(
    backend: str, shards: int | None, limits: httpx.Limits | None
) -> httpx.AsyncBaseTransport:
    limits = DEFAULT_LIMITS if limits is None else limits
    if backend == "aiohttp":
        if shards is not None:
            raise ValueError("pool_shards configures the httpx backend's pool, not aiohttp's")
        return aiohttp_transport(limits=limits)
    shards = DEFAULT_POOL_SHARDS if shards is None else shards
    if shards < 1:
        raise ValueError("pool_shards must be >= 1")
    if shards == 1:
        return httpx.AsyncHTTPTransport(limits=limits)
    return ShardedTransport(shards, limits=limits)


def aiohttp_available() -> bool:
    """True when the aiohttp backend can be used (the ``aiohttp`` extra is installed)."""
    import importlib.util

    return importlib.util.find_spec("aiohttp") is not None


def aiohttp_transport(**options: Any) -> httpx.AsyncBaseTransport:
    """A new :class:`easyink_ext._aiohttp.AiohttpTransport` (imports aiohttp only now)."""
    try:
        from ._aiohttp import AiohttpTransport
    except ImportError as exc:
        raise ImportError(
            "backend='aiohttp' needs the aiohttp package: pip install 'easyink[aiohttp]'"
        ) from exc
    return AiohttpTransport(**options)


_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
# RFC 6761 special-use names: never resolved on the Internet (tests, in-process servers).
_SPECIAL_USE = (".localhost", ".test", ".invalid", ".example")


def insecure_http_host(base_url: str) -> str | None:
    """The host of a plain ``http://`` base URL that is not this machine nor a special-use name."""
    url = httpx.URL(base_url)
    host = url.host.lower()
    if url.scheme != "http" or host in _LOOPBACK_NAMES or host.startswith("127."):
        return None
    return None if host.endswith(_SPECIAL_USE) else host


def _refuse_plain_http(base_url: str, transport: httpx.AsyncBaseTransport | None) -> None:
    """Refuse sending a bearer token in clear over a network (see ``allow_insecure_http``)."""
    host = insecure_http_host(base_url)
    if host is None or isinstance(transport, (httpx.ASGITransport, httpx.MockTransport)):
        return
    raise ValueError(
        f"refusing plain http:// to {host}: the access token would travel in clear; use "
        "https:// or pass allow_insecure_http=True"
    )


def _as_timeout(timeout: float | httpx.Timeout) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def _replace_policy(policy: RetryPolicy, changes: dict[str, Any]) -> RetryPolicy:
    import dataclasses

    return dataclasses.replace(policy, **changes)
