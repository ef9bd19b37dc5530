"""OpenTelemetry traces and metrics of easyink_ext (loaded only when ``opentelemetry-api`` is).

:mod:`easyink_ext._telemetry` imports this module the first time a client is created, and only
when the OpenTelemetry API is installed (``pip install 'easyink[otel]'``). Nothing is recorded
while no tracer or meter provider is configured: each request then costs two provider look-ups.
The global providers are used unless ``EasyInk(tracer_provider=..., meter_provider=...)`` names
others; a provider set after the client was created is picked up by its next request.

**Spans** (scope ``easyink``):

- one CLIENT span per operation call, ``EasyInk.<operationId>`` (``EasyInk.createDraft``), with
  ``easyink.operation``, ``http.request.method``, ``url.template``, ``server.address``,
  ``server.port``, the ids of the path (``easyink.session_id``, ``easyink.document_id``,
  ``easyink.participant_id``, ``easyink.attachment_id``, ``easyink.signature_field_id``), the
  final ``http.response.status_code``, ``easyink.retry.count``, ``easyink.outcome_unknown``
  (only when true) and ``error.type``. Each retry adds an ``easyink.retry`` event (reason,
  retry number, seconds waited) stamped when the wait began; a token refresh after a 401 adds
  ``easyink.auth.refresh``. The span ends when the answer's headers arrive (downloads have
  their own span covering the body);
- under it one CLIENT span per HTTP attempt, named after the method, following the HTTP
  client conventions: ``http.request.method``, ``url.template``, ``url.full`` (without query
  string), ``server.address``, ``server.port``, ``http.response.status_code``,
  ``http.request.resend_count`` (from the second attempt on) and ``error.type``;
- ``easyink.send_for_signature`` with a child per step (``easyink.step.<step>``: create draft,
  update draft, upload documents, wait for processing, add participants, place fields, set
  signing order, convert, start, cleanup), ``easyink.session_id`` once known, and on failure
  ``easyink.workflow.failed_step``, ``easyink.workflow.cleanup`` and the cause's ``error.type``
  (the failed step's span has the same ``error.type`` and an ERROR status);
- ``easyink.wait_for_session`` / ``easyink.wait_for_documents_processed``, ``easyink.download``
  (``easyink.download.bytes``, ``.resumed``, ``.restarted``), ``easyink.batch`` and one
  ``easyink.batch.row`` per row (``easyink.batch.row.key``, ``.index``, ``.outcome``): each row
  starts its own trace linked to the batch span, so a batch of ten thousand rows is not one
  giant trace.

**Metrics** (meter ``easyink``): ``easyink.client.request.duration`` (s, by
``easyink.operation``, ``http.request.method`` and ``easyink.status_class``: ``2xx`` ...
``5xx`` or ``error`` when no answer came), ``easyink.client.retries`` (by operation and
``easyink.retry.reason``: the status code or the exception class),
``easyink.client.outcome_unknown`` (by operation), ``easyink.client.rate_limit.wait`` (s
waited after a 429, by operation),
``easyink.batch.rows`` (by ``easyink.batch.row.outcome``: succeeded, failed, skipped) and
``easyink.download.bytes`` (By, by operation).

**Secrets.** No header, token, query string, request or response body, subject, name or e-mail
address is recorded. Exceptions are recorded as an ``exception`` event with their type and
their redacted message (:func:`~easyink_ext._redact.redact_text`, query strings cut), never a
stack trace. An input refused before sending (a ``ValueError`` such as
:class:`~easyink_ext.errors.RequestValidationError`, also as the cause of a
:class:`~easyink_ext.workflow.WorkflowError`) is recorded by its field and rule only: every
value its message quotes is replaced by ``<value>``. ``traceparent`` (and ``tracestate``)
are sent only with ``propagate_trace_context=True``; baggage never is.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from contextvars import ContextVar

import httpx
from opentelemetry import context as otel_context
from opentelemetry import environment_variables, metrics, trace
from opentelemetry.metrics import _internal as _metrics_internal
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import AttributeValue

from ._redact import REDACTED, redact_text
from ._retry import RetryPolicy
from ._transport import BoundTransport, TransportCore
from ._validation import route
from ._version import __version__
from .errors import APIStatusError, OutcomeUnknownError

try:  # the proxy the API returns while no meter provider is set (private, stable since 1.12)
    from opentelemetry.metrics._internal import _ProxyMeterProvider

    _IDLE_METER_PROVIDERS: tuple[type, ...] = (metrics.NoOpMeterProvider, _ProxyMeterProvider)
except ImportError:  # pragma: no cover - a future API moved it: record through the proxy
    _IDLE_METER_PROVIDERS = (metrics.NoOpMeterProvider,)
_IDLE_TRACER_PROVIDERS = (trace.ProxyTracerProvider, trace.NoOpTracerProvider)
_UNSET = object()


class _GlobalProviders:
    """The API's global providers, read without an ``os.environ`` lookup per call.

    ``trace.get_tracer_provider()`` and ``metrics.get_meter_provider()`` look for the
    ``OTEL_PYTHON_*_PROVIDER`` variable on every call while no provider is set: a measurable
    cost per request when OpenTelemetry is installed but not configured. The variables are
    read once; while they are absent and nothing was set, a no-op provider is returned (the
    API's getters return a proxy then; both record nothing); a provider set later is seen by
    the next call. If the API's module globals move, the public functions are called every time.
    """

    def __init__(self) -> None:
        self._trace_env = environment_variables.OTEL_PYTHON_TRACER_PROVIDER in os.environ
        self._meter_env = environment_variables.OTEL_PYTHON_METER_PROVIDER in os.environ

    def tracer_provider(self) -> trace.TracerProvider:
        provider = getattr(trace, "_TRACER_PROVIDER", _UNSET)
        if provider is None and not self._trace_env:
            return _IDLE_TRACER
        if isinstance(provider, trace.TracerProvider):
            return provider
        return trace.get_tracer_provider()

    def meter_provider(self) -> metrics.MeterProvider:
        provider = getattr(_metrics_internal, "_METER_PROVIDER", _UNSET)
        if provider is None and not self._meter_env:
            return _IDLE_METER
        if isinstance(provider, metrics.MeterProvider):
            return provider
        return metrics.get_meter_provider()


_IDLE_TRACER = trace.NoOpTracerProvider()
_IDLE_METER = metrics.NoOpMeterProvider()
_GLOBALS = _GlobalProviders()

SCOPE = "easyink"
_PROPAGATOR = TraceContextTextMapPropagator()  # W3C traceparent/tracestate only, no baggage
_MAX_MESSAGE = 500
_QUERY = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s?#]*)\?[^\s#)\]'\"]*", re.IGNORECASE)
_ID_ATTRIBUTES = {
    "signingSessionId": "easyink.session_id",
    "id": "easyink.session_id",
    "documentId": "easyink.document_id",
    "participantId": "easyink.participant_id",
    "attachmentId": "easyink.attachment_id",
    "signatureFieldId": "easyink.signature_field_id",
}

Attributes = dict[str, AttributeValue]


# -- providers ---------------------------------------------------------------------------------


class Instruments:
    """The metric instruments of one meter."""

    def __init__(self, meter: metrics.Meter) -> None:
        self.duration = meter.create_histogram(
            "easyink.client.request.duration",
            unit="s",
            description="Duration of EasyInk operation calls, retries included",
        )
        self.retries = meter.create_counter(
            "easyink.client.retries", unit="{retry}", description="Retries by reason"
        )
        self.outcome_unknown = meter.create_counter(
            "easyink.client.outcome_unknown",
            unit="{request}",
            description="Requests that failed ambiguously (they may have taken effect)",
        )
        self.rate_limit_wait = meter.create_histogram(
            "easyink.client.rate_limit.wait",
            unit="s",
            description="Time waited before retrying after a 429 answer",
        )
        self.batch_rows = meter.create_counter(
            "easyink.batch.rows", unit="{row}", description="Batch rows by outcome"
        )
        self.download_bytes = meter.create_counter(
            "easyink.download.bytes", unit="By", description="Bytes written by downloads"
        )


class Signals:
    """What is being recorded right now: a tracer and/or metric instruments."""

    __slots__ = ("instruments", "tracer")

    def __init__(self, tracer: trace.Tracer | None, instruments: Instruments | None) -> None:
        self.tracer = tracer
        self.instruments = instruments


class Telemetry:
    """Tracing and metrics settings of one client (shared with its ``with_options`` views)."""

    def __init__(
        self,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
        propagate: bool = False,
    ) -> None:
        self._tracer_provider = tracer_provider
        self._meter_provider = meter_provider
        self.propagate = propagate
        self._seen: tuple[object, object] | None = None
        self._signals: Signals | None = None

    def signals(self) -> Signals | None:
        """The tracer and instruments to use now; ``None`` when nothing is configured."""
        tracer_provider = self._tracer_provider or _GLOBALS.tracer_provider()
        meter_provider = self._meter_provider or _GLOBALS.meter_provider()
        seen = self._seen
        if seen is None or seen[0] is not tracer_provider or seen[1] is not meter_provider:
            self._signals = _signals_for(tracer_provider, meter_provider)
            self._seen = (tracer_provider, meter_provider)
        return self._signals

    def tracer(self) -> trace.Tracer | None:
        """The tracer to use now, if any."""
        signals = self.signals()
        return None if signals is None else signals.tracer

    def instruments(self) -> Instruments | None:
        """The metric instruments to use now, if any."""
        signals = self.signals()
        return None if signals is None else signals.instruments


def _signals_for(
    tracer_provider: trace.TracerProvider, meter_provider: metrics.MeterProvider
) -> Signals | None:
    tracer: trace.Tracer | None = None
    if not isinstance(tracer_provider, _IDLE_TRACER_PROVIDERS):
        tracer = tracer_provider.get_tracer(SCOPE, __version__)
        if isinstance(tracer, trace.NoOpTracer):
            tracer = None
    instruments = None
    if not isinstance(meter_provider, _IDLE_METER_PROVIDERS):
        instruments = Instruments(meter_provider.get_meter(SCOPE, __version__))
    if tracer is None and instruments is None:
        return None
    return Signals(tracer, instruments)


GLOBAL = Telemetry()
"""Global providers, for helpers that have no client (``run_batch``)."""


# -- recording errors without secrets ----------------------------------------------------------


def safe_message(error: BaseException, secrets: tuple[str, ...] = ()) -> str:
    """An exception's message with secrets redacted and query strings cut, bounded; for a
    refused input (:func:`refused_input`), the field and the rule without any value."""
    text = str(error)
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    if refused_input(error):
        text = _QUOTED.sub("<value>", text)
    text = " ".join(redact_text(text).split())
    return _QUERY.sub(r"\1?[query omitted]", text)[:_MAX_MESSAGE]


_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'" + r'|"(?:[^"\\]|\\.)*"')
"""A value as ``repr`` quotes it in an error message."""


def refused_input(error: BaseException) -> bool:
    """The error, or what caused it, is an input refused before sending (a ``ValueError``):
    its message quotes the values refused (names, e-mail addresses, phones, subjects)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ValueError):
            return True
        seen.add(id(current))
        current = current.__cause__ or getattr(current, "cause", None)
    return False


def mark_error(
    span: trace.Span,
    error: BaseException,
    error_type: str | None = None,
    secrets: tuple[str, ...] = (),
) -> None:
    """Set ``error.type``, an ERROR status and an ``exception`` event (no stack trace).

    ``secrets`` (e.g. the request's bearer token) are also cut from the message.
    """
    kind = error_type or type(error).__name__
    message = safe_message(error, secrets)
    span.set_attribute("error.type", kind)
    span.add_event(
        "exception",
        {
            "exception.type": f"{type(error).__module__}.{type(error).__qualname__}",
            "exception.message": message,
        },
    )
    span.set_status(Status(StatusCode.ERROR, f"{kind}: {message}"[:200]))


def _credentials(request: httpx.Request) -> tuple[str, ...]:
    """The credential the request carried, to be cut from recorded messages."""
    value = request.headers.get("Authorization")
    if not value:
        return ()
    return (value, value.partition(" ")[2].strip())


# -- operations and attempts (the transport) ---------------------------------------------------

_CALL: ContextVar[_Call | None] = ContextVar("easyink_call", default=None)


def id_attributes(values: Mapping[str, str]) -> Attributes:
    """``easyink.session_id`` and friends from the path parameters of a request."""
    return {_ID_ATTRIBUTES.get(name, f"easyink.{name}"): value for name, value in values.items()}


def _status_class(status: int | None) -> str:
    return "error" if status is None else f"{status // 100}xx"


def _safe_url(url: httpx.URL) -> str:
    """``url.full`` without userinfo, query string or fragment."""
    port = f":{url.port}" if url.port is not None else ""
    return f"{url.scheme}://{url.host}{port}{url.path}"


class _Call:
    """One operation call: its span, its attempts and what they tell about retries."""

    __slots__ = (
        "attempts",
        "ids",
        "instruments",
        "last_end_ns",
        "last_reason",
        "method",
        "operation",
        "propagate",
        "refreshes",
        "request",
        "retries",
        "server",
        "span",
        "template",
        "tracer",
    )

    def __init__(self, request: httpx.Request, signals: Signals | None, propagate: bool) -> None:
        self.request = request
        self.tracer = signals.tracer if signals is not None else None
        self.instruments = signals.instruments if signals is not None else None
        self.propagate = propagate
        self.method = request.method
        url = request.url
        self.server: Attributes = {"server.address": url.host}
        if url.port is not None:
            self.server["server.port"] = url.port
        found = route(self.method, url.path)
        self.operation = found[0] if found is not None else None
        self.template = found[1] if found is not None else None
        self.ids = found[2] if found is not None else {}
        self.span: trace.Span | None = None
        self.attempts = 0
        self.retries = 0
        self.refreshes = 0
        self.last_reason = "unknown"
        self.last_end_ns = 0

    def _base_attributes(self) -> Attributes:
        attributes: Attributes = {"http.request.method": self.method, **self.server}
        if self.template is not None:
            attributes["url.template"] = self.template
        return attributes

    async def run(self, core: TransportCore, policy: RetryPolicy) -> httpx.Response:
        """Send through ``core`` inside the operation span; record the outcome."""
        token = _CALL.set(self)
        attached = None
        if self.tracer is not None:
            attributes = self._base_attributes()
            if self.operation is not None:
                attributes["easyink.operation"] = self.operation
                attributes.update(id_attributes(self.ids))
            name = f"EasyInk.{self.operation}" if self.operation else f"EasyInk {self.method}"
            self.span = self.tracer.start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
            attached = otel_context.attach(trace.set_span_in_context(self.span))
        started = time.perf_counter()
        try:
            response = await core.send(self.request, policy)
        except BaseException as exc:
            status = exc.status_code if isinstance(exc, APIStatusError) else None
            self._finish(status, time.perf_counter() - started, exc)
            raise
        else:
            self._finish(response.status_code, time.perf_counter() - started, None)
            return response
        finally:
            if attached is not None:
                otel_context.detach(attached)
            _CALL.reset(token)

    def _finish(self, status: int | None, elapsed: float, error: BaseException | None) -> None:
        unknown = isinstance(error, OutcomeUnknownError)
        operation = self.operation or "other"
        instruments = self.instruments
        if instruments is not None:
            instruments.duration.record(
                elapsed,
                {
                    "easyink.operation": operation,
                    "http.request.method": self.method,
                    "easyink.status_class": _status_class(status),
                },
            )
            if unknown:
                instruments.outcome_unknown.add(1, {"easyink.operation": operation})
        span = self.span
        if span is None:
            return
        span.set_attribute("easyink.retry.count", self.retries)
        if status is not None:
            span.set_attribute("http.response.status_code", status)
        if unknown:
            span.set_attribute("easyink.outcome_unknown", True)
        if error is not None:
            mark_error(span, error, secrets=_credentials(self.request))
        span.end()

    async def attempt(
        self, inner: httpx.AsyncBaseTransport, request: httpx.Request
    ) -> httpx.Response:
        """One HTTP attempt inside its own span (child of the operation span)."""
        self.attempts += 1
        if self.attempts > 1:
            self._note_resend()
        span = None
        if self.tracer is not None:
            attributes = self._base_attributes()
            attributes["url.full"] = _safe_url(request.url)
            if self.attempts > 1:
                attributes["http.request.resend_count"] = self.attempts - 1
            span = self.tracer.start_span(self.method, kind=SpanKind.CLIENT, attributes=attributes)
        if self.propagate:
            _PROPAGATOR.inject(
                request.headers, context=trace.set_span_in_context(span) if span else None
            )
        try:
            response = await inner.handle_async_request(request)
        except BaseException as exc:
            self.last_reason = type(exc).__name__
            if span is not None:
                mark_error(span, exc, secrets=_credentials(request))
            raise
        else:
            status = response.status_code
            self.last_reason = str(status)
            if span is not None:
                span.set_attribute("http.response.status_code", status)
                if status >= 400:
                    span.set_attribute("error.type", str(status))
                    span.set_status(Status(StatusCode.ERROR))
            return response
        finally:
            self.last_end_ns = time.time_ns()
            if span is not None:
                span.end(self.last_end_ns)

    def _note_resend(self) -> None:
        """The previous attempt is being repeated: a retry, or a replay after a token refresh."""
        reason = self.last_reason
        span = self.span
        if reason == "401":
            self.refreshes += 1
            if span is not None:
                span.add_event("easyink.auth.refresh", timestamp=self.last_end_ns)
            return
        self.retries += 1
        waited = max(0.0, (time.time_ns() - self.last_end_ns) / 1e9)
        if span is not None:
            span.add_event(
                "easyink.retry",
                {
                    "easyink.retry.reason": reason,
                    "easyink.retry.number": self.retries,
                    "easyink.retry.wait": waited,
                },
                timestamp=self.last_end_ns,
            )
        if self.instruments is not None:
            operation = self.operation or "other"
            self.instruments.retries.add(
                1, {"easyink.operation": operation, "easyink.retry.reason": reason}
            )
            if reason == "429":
                self.instruments.rate_limit_wait.record(waited, {"easyink.operation": operation})


class TracedTransport(BoundTransport):
    """:class:`BoundTransport` opening one operation span per request."""

    def __init__(self, core: TransportCore, policy: RetryPolicy, telemetry: Telemetry) -> None:
        super().__init__(core, policy)
        self.telemetry = telemetry

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        telemetry = self.telemetry
        signals = telemetry.signals()
        if signals is None and not telemetry.propagate:
            return await self.core.send(request, self.policy)
        return await _Call(request, signals, telemetry.propagate).run(self.core, self.policy)


class AttemptTransport(httpx.AsyncBaseTransport):
    """Wraps the connection pool: one attempt span per request it sends (when traced)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call = _CALL.get()
        if call is None:
            return await self.inner.handle_async_request(request)
        return await call.attempt(self.inner, request)

    async def aclose(self) -> None:
        await self.inner.aclose()
