"""Suite-wide fixtures: the loopback-only network guard, and the ``backend`` parametrisation.

Guard: tests talk to 127.0.0.1 / ::1 only, never to another address.
Python sockets are checked at ``connect``; unix sockets are local by nature and allowed. That
covers both HTTP backends: httpcore's sockets, and aiohttp's (the asyncio event loop resolves
with ``socket.getaddrinfo`` and connects with ``socket.connect``; aiodns, which would resolve
without it, is not installed); tests/test_network_guard.py proves both.
psycopg connects through libpq (C code, no Python socket), so its ``connect`` is checked
too: every ``host``/``hostaddr`` (parameter or ``PGHOST``/``PGHOSTADDR``) must be loopback
or a unix-socket directory. The ``postgres`` fixture: a throwaway PostgreSQL server
(``tests/_postgres.py``), skipped when the machine has none, except under ``CI=true``.

``backend``: tests that take it run once per ``EasyInk(backend=...)``; the aiohttp run is
skipped when aiohttp is not installed, except with ``EASYINK_REQUIRE_BACKENDS=1`` (set by
``.ci/run``, where the ``dev`` extra installs it), so CI cannot pass without running both.

Shared by every area: the mock API (``MockAPI`` with the ``api`` fixture, ``mock_client``, the
ids its answers use), the sandbox in process (``sandbox_config`` -> ``app`` -> ``sandbox``) and
the sandbox served on 127.0.0.1 (``sandbox_server``), the OpenTelemetry recorders
(``recorded``) and PostgreSQL (``postgres``, ``pg_dsn``). A test that needs an account on a
served sandbox, not its whole state, takes the ``easyink_sandbox`` fixture of the package's own
pytest plugin (``easyink_sandbox/testing``) instead of ``sandbox_server``.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn
from uuid import UUID

import httpx
import pytest

from easyink_ext import EasyInk
from easyink_sandbox import Sandbox, SandboxApp, SandboxConfig, SandboxThread, create_app

from ._postgres import PostgresUnavailable, TempPostgres

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
        with _libpq_loopback_only():
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


class Recorded:
    """An OpenTelemetry SDK tracer and meter provider recording in memory (nothing exported)."""

    def __init__(self) -> None:
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import InMemoryMetricReader
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])

    def spans(self, name: str | None = None) -> list[Any]:
        """Finished spans (named ``name``), in the order they ended."""
        spans = list(self.exporter.get_finished_spans())
        return spans if name is None else [s for s in spans if s.name == name]

    def span(self, name: str) -> Any:
        """The one finished span named ``name``."""
        found = self.spans(name)
        assert len(found) == 1, [s.name for s in self.spans()]
        return found[0]

    def points(self, metric: str) -> list[Any]:
        """Data points of ``metric`` (counter sums or histograms) collected now."""
        data = self.reader.get_metrics_data()
        found: list[Any] = []
        for resource in data.resource_metrics if data is not None else []:
            for scope in resource.scope_metrics:
                for item in scope.metrics:
                    if item.name == metric:
                        found.extend(item.data.data_points)
        return found

    def text(self) -> str:
        """Every span name, attribute, event, link and status, and every metric attribute."""
        parts: list[str] = []
        for span in self.spans():
            parts += [span.name, repr(dict(span.attributes or {})), repr(span.status.description)]
            for event in span.events:
                parts += [event.name, repr(dict(event.attributes or {}))]
            for link in span.links:
                parts.append(repr(dict(link.attributes or {})))
        data = self.reader.get_metrics_data()
        for resource in data.resource_metrics if data is not None else []:
            for scope in resource.scope_metrics:
                for item in scope.metrics:
                    parts.append(item.name)
                    parts += [repr(dict(p.attributes or {})) for p in item.data.data_points]
        return "\n".join(parts)


@pytest.fixture
def recorded() -> Iterator[Recorded]:
    """SDK providers to pass as ``EasyInk(tracer_provider=..., meter_provider=...)``."""
    telemetry = Recorded()
    yield telemetry
    telemetry.tracer_provider.shutdown()
    telemetry.meter_provider.shutdown()


@pytest.fixture
def global_recorded(recorded: Recorded, monkeypatch: pytest.MonkeyPatch) -> Recorded:
    """``recorded`` installed as the global providers for one test (restored afterwards)."""
    from opentelemetry import trace
    from opentelemetry.metrics import _internal as metrics_internal

    monkeypatch.setattr(trace, "_TRACER_PROVIDER", recorded.tracer_provider)
    monkeypatch.setattr(metrics_internal, "_METER_PROVIDER", recorded.meter_provider)
    return recorded


def check_conninfo(conninfo: str, **kwargs: Any) -> None:
    """Refuse a libpq connection string that names a host off this machine."""
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(conninfo, **kwargs)
    for name in ("host", "hostaddr"):
        value = params.get(name) or os.environ.get(f"PG{name.upper()}", "")
        for entry in str(value).split(","):
            host = entry.strip()
            if host and not host.startswith(("/", "@")) and not _is_local(host):
                raise NonLocalNetworkAccess(f"tests may only connect to loopback, not {host!r}")


class _libpq_loopback_only:
    """Wrap psycopg's sync and async ``connect`` with :func:`check_conninfo` (if installed)."""

    def __enter__(self) -> None:
        try:
            import psycopg
        except ImportError:  # pragma: no cover - the dev extra installs it
            self._saved: list[tuple[Any, Any]] = []
            return
        sync_connect = psycopg.Connection.connect.__func__  # type: ignore[attr-defined]
        async_connect = psycopg.AsyncConnection.connect.__func__  # type: ignore[attr-defined]

        def connect(cls: Any, conninfo: str = "", **kwargs: Any) -> Any:
            check_conninfo(conninfo, **kwargs)
            return sync_connect(cls, conninfo, **kwargs)

        async def aconnect(cls: Any, conninfo: str = "", **kwargs: Any) -> Any:
            check_conninfo(conninfo, **kwargs)
            return await async_connect(cls, conninfo, **kwargs)

        self._saved = [
            (psycopg.Connection, psycopg.Connection.__dict__["connect"]),
            (psycopg.AsyncConnection, psycopg.AsyncConnection.__dict__["connect"]),
            (psycopg, psycopg.connect),  # the module's alias, bound when psycopg was imported
        ]
        psycopg.Connection.connect = classmethod(connect)  # type: ignore[method-assign,assignment]
        psycopg.AsyncConnection.connect = classmethod(aconnect)  # type: ignore[method-assign,assignment]
        psycopg.connect = psycopg.Connection.connect

    def __exit__(self, *exc: object) -> None:
        for owner, original in self._saved:
            owner.connect = original


def postgres_unavailable(exc: PostgresUnavailable) -> NoReturn:
    """Skip a test that needs PostgreSQL, or fail it under ``CI=true`` (CI must run them)."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and PostgreSQL cannot run here: {exc}")
    pytest.skip(str(exc))


@pytest.fixture(scope="session")
def postgres() -> Iterator[TempPostgres]:
    """A PostgreSQL server for the whole session (skipped without binaries, unless CI=true)."""
    try:
        server = TempPostgres()
    except PostgresUnavailable as exc:
        postgres_unavailable(exc)
    with server:
        yield server


@pytest.fixture
def pg_dsn(postgres: TempPostgres) -> Iterator[str]:
    """A DSN of a new, empty database on the session's PostgreSQL (dropped afterwards)."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres.dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield postgres.dsn.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(postgres.dsn, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


# --- The mock API: a scripted httpx.MockTransport, and the ids its answers use ----------------

TOKEN = "tok-0123456789-secret-value"
BASE_URL = "http://api.test"
DRAFT_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
DRAFT = UUID(DRAFT_ID)
OTHER_ID = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
SESSION_ID = OTHER_ID
DOC_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
DOC_ID_2 = "6fa459ea-ee8a-3ca4-894e-db77e160355e"

Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]
Handler = Callable[[httpx.Request], Any]


def api_error(
    status: int,
    code: str,
    message: str,
    *,
    inner: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """An ApiErrorResponse answer."""
    body = {"error": {"code": code, "message": message, "innerErrors": inner}}
    return httpx.Response(status, json=body, headers=headers)


@dataclass
class MockAPI:
    """Answers requests from a script (one step per request; the last one repeats)."""

    steps: list[Step] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.bodies.append(request.read())
        if not self.steps:
            return httpx.Response(200, json=DRAFT_ID)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return httpx.Response(step.status_code, headers=step.headers, content=step.content)
        return step(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    @property
    def count(self) -> int:
        return len(self.requests)


@pytest.fixture
def api() -> MockAPI:
    """A scripted mock API: set ``api.steps``, send through ``api.transport()``."""
    return MockAPI()


def mock_client(handler: Handler, **kwargs: Any) -> EasyInk:
    """An EasyInk whose requests are answered by ``handler`` (sync or async), no retry sleeps."""
    options: dict[str, Any] = {"backoff_base": 0.0, "backoff_max": 0.0}
    options.update(kwargs)
    return EasyInk(
        base_url=BASE_URL, token=TOKEN, transport=httpx.MockTransport(handler), **options
    )


def draft_json(*statuses: str) -> dict[str, Any]:
    """A getDraft body whose documents have ``statuses``."""
    ids = [DOC_ID, DOC_ID_2, "0f8fad5b-d9cb-469f-a165-70867728950e"]
    return {
        "signingSessionId": DRAFT_ID,
        "isLocked": False,
        "documents": [
            {"id": ids[i], "title": f"doc{i}.pdf", "status": status}
            for i, status in enumerate(statuses)
        ],
    }


def session_json(status: str, **extra: Any) -> dict[str, Any]:
    """A getSession body with ``status``."""
    return {"signingSessionId": SESSION_ID, "status": status, **extra}


def pool_of(ei: EasyInk) -> httpx.AsyncBaseTransport:
    """The transport ``ei`` sends through (under the attempt-span wrapper of easyink_ext._otel)."""
    from easyink_ext._otel import AttemptTransport

    inner = ei._core._inner
    return inner.inner if isinstance(inner, AttemptTransport) else inner


# --- The sandbox: in process (ASGI app) and served on 127.0.0.1 ------------------------------

SANDBOX_URL = "http://sandbox.test"


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """Response validation on, so every test also checks spec conformance (override to vary)."""
    return SandboxConfig(validate_responses=True)


@pytest.fixture
def app(sandbox_config: SandboxConfig) -> SandboxApp:
    """The sandbox app in process: send to it with ``httpx.ASGITransport(app=app)``."""
    return create_app(sandbox_config)


@pytest.fixture
def sandbox(app: SandboxApp) -> Sandbox:
    """The state of ``app``: tokens, faults, the request log, the store."""
    return app.sandbox


@pytest.fixture
def token(sandbox: Sandbox) -> str:
    """An access token of ``sandbox``."""
    return sandbox.issue_token()


@pytest.fixture
def sandbox_server(sandbox_config: SandboxConfig) -> Iterator[SandboxThread]:
    """The sandbox served by uvicorn on 127.0.0.1 in a thread (``.url``, ``.sandbox``).

    A thread, so that plain ``def`` tests and subprocesses can use it as well as async tests.
    """
    with SandboxThread(sandbox_config) as running:
        yield running
    assert running.sandbox.response_violations == []
