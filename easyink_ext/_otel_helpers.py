"""OpenTelemetry spans of the helpers: workflow steps, waiters, downloads and batches.

Loaded with :mod:`easyink_ext._otel` (see there for the names and attributes); the hooks in
:mod:`easyink_ext._telemetry` call these.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Link

from ._otel import GLOBAL, Attributes, Telemetry, id_attributes, mark_error
from ._validation import route

_WORKFLOW: ContextVar[tuple[trace.Tracer, trace.Span] | None] = ContextVar(
    "easyink_workflow", default=None
)
_BATCH: ContextVar[tuple[Telemetry, trace.Span | None] | None] = ContextVar(
    "easyink_batch", default=None
)

Helper = Callable[..., Awaitable[Any]]


def _telemetry_of(ei: object) -> Telemetry:
    found = getattr(ei, "_telemetry", None)
    return found if isinstance(found, Telemetry) else GLOBAL


@contextlib.contextmanager
def _span(
    tracer: trace.Tracer,
    name: str,
    attributes: Attributes,
    *,
    context: otel_context.Context | None = None,
    links: list[Link] | None = None,
) -> Iterator[trace.Span]:
    """An INTERNAL span made current; an escaping exception marks it failed."""
    with tracer.start_as_current_span(
        name,
        context=context,
        attributes=attributes,
        links=links,
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield span
        except BaseException as exc:
            mark_error(span, exc)
            raise


async def run_workflow(fn: Helper, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``send_for_signature`` inside the ``easyink.send_for_signature`` span."""
    tracer = _telemetry_of(args[0] if args else kwargs.get("ei")).tracer()
    if tracer is None:
        return await fn(*args, **kwargs)
    from .workflow import WorkflowError

    signers = kwargs.get("signers")
    attributes: Attributes = {}
    if isinstance(signers, (list, tuple)):
        attributes["easyink.workflow.signers"] = len(signers)
    with tracer.start_as_current_span(
        "easyink.send_for_signature",
        attributes=attributes,
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        token = _WORKFLOW.set((tracer, span))
        try:
            result = await fn(*args, **kwargs)
        except WorkflowError as exc:
            if exc.draft_id is not None:
                span.set_attribute("easyink.session_id", str(exc.draft_id))
            span.set_attribute("easyink.workflow.failed_step", exc.step)
            span.set_attribute("easyink.workflow.cleanup", exc.cleanup)
            mark_error(span, exc, type(exc.cause).__name__)
            raise
        except BaseException as exc:
            mark_error(span, exc)
            raise
        finally:
            _WORKFLOW.reset(token)
        span.set_attribute("easyink.session_id", str(result.session_id))
        return result


@contextlib.contextmanager
def step(name: str, session: Callable[[], object] | None) -> Iterator[None]:
    """A step span under the current workflow span; the session id goes on both."""
    current = _WORKFLOW.get()
    if current is None:
        yield
        return
    tracer, workflow_span = current
    slug = name.replace(" ", "_")
    with _span(tracer, f"easyink.step.{slug}", {"easyink.step": name}) as span:
        try:
            yield
        finally:
            session_id = session() if session is not None else None
            if session_id is not None:
                span.set_attribute("easyink.session_id", str(session_id))
                workflow_span.set_attribute("easyink.session_id", str(session_id))


async def run_cleanup(fn: Helper, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The workflow's cleanup as the ``easyink.step.cleanup`` span."""
    with step("cleanup", None):
        result = await fn(*args, **kwargs)
        span = trace.get_current_span()
        span.set_attribute("easyink.workflow.cleanup", str(result))
        return result


async def run_wait(fn: Helper, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """A waiter inside its span (``easyink.<waiter name>``), with the id it waits for."""
    tracer = _telemetry_of(args[0] if args else kwargs.get("ei")).tracer()
    if tracer is None:
        return await fn(*args, **kwargs)
    target = args[1] if len(args) > 1 else kwargs.get("session_id", kwargs.get("draft_id"))
    attributes: Attributes = {"easyink.session_id": str(target)}
    with _span(tracer, f"easyink.{fn.__name__}", attributes) as span:
        result = await fn(*args, **kwargs)
        status = getattr(result, "status", None)
        if status is not None:
            span.set_attribute("easyink.session.status", str(status))
        return result


async def run_download(fn: Helper, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """A download inside the ``easyink.download`` span; bytes counted in the metrics."""
    telemetry = _telemetry_of(args[0] if args else kwargs.get("ei"))
    signals = telemetry.signals()
    if signals is None:
        return await fn(*args, **kwargs)
    path = args[1] if len(args) > 1 else kwargs.get("path", "")
    found = route("GET", str(path))
    operation = found[0] if found is not None else "other"
    attributes: Attributes = {"easyink.operation": operation}
    if found is not None:
        attributes["url.template"] = found[1]
        attributes.update(id_attributes(found[2]))
    with contextlib.ExitStack() as stack:
        span = None
        if signals.tracer is not None:
            span = stack.enter_context(_span(signals.tracer, "easyink.download", attributes))
        result = await fn(*args, **kwargs)
        if span is not None:
            span.set_attribute("easyink.download.bytes", result.bytes_written)
            span.set_attribute("easyink.download.resumed", result.resumed)
            span.set_attribute("easyink.download.restarted", result.restarted)
        if signals.instruments is not None:
            signals.instruments.download_bytes.add(
                result.bytes_written, {"easyink.operation": operation}
            )
        return result


async def run_batch(fn: Helper, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``run_batch`` inside the ``easyink.batch`` span; rows link to it (:func:`batch_row`)."""
    signals = GLOBAL.signals()
    if signals is None:
        return await fn(*args, **kwargs)
    with contextlib.ExitStack() as stack:
        span = None
        if signals.tracer is not None:
            attributes: Attributes = {"easyink.batch.concurrency": kwargs.get("concurrency", 16)}
            span = stack.enter_context(_span(signals.tracer, "easyink.batch", attributes))
        token = _BATCH.set((GLOBAL, span))
        try:
            results = await fn(*args, **kwargs)
        finally:
            _BATCH.reset(token)
        not_sent = Counter(r.state for r in results if not r.here)
        if signals.instruments is not None:
            for state, count in sorted(not_sent.items()):
                signals.instruments.batch_rows.add(
                    count,
                    {"easyink.batch.row.outcome": "skipped", "easyink.batch.row.state": state},
                )
        if span is not None:
            span.set_attribute("easyink.batch.rows", len(results))
            span.set_attribute("easyink.batch.sent", sum(1 for r in results if r.here))
            for state, count in Counter(r.state for r in results).items():
                span.set_attribute(f"easyink.batch.{state}", count)
        return results


@contextlib.contextmanager
def batch_row(index: int, key: str) -> Iterator[None]:
    """One row of the current batch: a span in its own trace, linked to the batch span."""
    current = _BATCH.get()
    if current is None:
        yield
        return
    telemetry, batch_span = current
    signals = telemetry.signals()
    tracer = signals.tracer if signals is not None else None
    instruments = signals.instruments if signals is not None else None
    outcome = "failed"
    with contextlib.ExitStack() as stack:
        span = None
        if tracer is not None:
            links = [Link(batch_span.get_span_context())] if batch_span is not None else None
            attributes: Attributes = {
                "easyink.batch.row.key": key,
                "easyink.batch.row.index": index,
            }
            span = stack.enter_context(
                _span(tracer, "easyink.batch.row", attributes, context=_ROOT, links=links)
            )
        try:
            yield
            outcome = "succeeded"
        except BaseException as exc:
            if not isinstance(exc, Exception):
                outcome = "cancelled"
            raise
        finally:
            if span is not None:
                span.set_attribute("easyink.batch.row.outcome", outcome)
            if instruments is not None:
                instruments.batch_rows.add(1, {"easyink.batch.row.outcome": outcome})


_ROOT = otel_context.Context()  # an empty context: the span it parents starts a new trace

HELPERS: Mapping[str, Callable[[Helper, tuple[Any, ...], dict[str, Any]], Awaitable[Any]]] = {
    "workflow": run_workflow,
    "cleanup": run_cleanup,
    "wait": run_wait,
    "download": run_download,
    "batch": run_batch,
}
