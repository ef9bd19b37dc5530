"""Hooks for OpenTelemetry tracing and metrics, free when ``opentelemetry-api`` is not installed.

The other modules call only what is here. Without the OpenTelemetry API (the ``otel`` extra)
every hook is a plain call to the wrapped function or a ``nullcontext``, and nothing of
OpenTelemetry is imported; with it, :mod:`easyink_ext._otel` does the recording (see there for
the spans, attributes and metrics).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from types import ModuleType
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import httpx

if TYPE_CHECKING:
    from ._otel import Telemetry
    from ._retry import RetryPolicy
    from ._transport import TransportCore

P = ParamSpec("P")
R = TypeVar("R")

_INSTALL_HINT = "install the OpenTelemetry API: pip install 'easyink[otel]'"


class _Loaded:
    """The recording modules, found once per process (tests may reset ``modules``)."""

    checked = False
    modules: tuple[ModuleType, ModuleType] | None = None


def _opentelemetry_installed() -> bool:
    try:
        return importlib.util.find_spec("opentelemetry.trace") is not None
    except ModuleNotFoundError:
        return False


def _modules() -> tuple[ModuleType, ModuleType] | None:
    if not _Loaded.checked:
        if _opentelemetry_installed():
            from . import _otel, _otel_helpers

            _Loaded.modules = (_otel, _otel_helpers)
        _Loaded.checked = True
    return _Loaded.modules


def implementation() -> ModuleType | None:
    """:mod:`easyink_ext._otel`, or ``None`` when the OpenTelemetry API is not installed."""
    modules = _modules()
    return None if modules is None else modules[0]


def _helpers() -> ModuleType | None:
    modules = _modules()
    return None if modules is None else modules[1]


def create(
    tracer_provider: object | None, meter_provider: object | None, propagate: bool
) -> Telemetry | None:
    """The telemetry settings of a new client (``None``: OpenTelemetry is not installed)."""
    otel = implementation()
    if otel is None:
        if tracer_provider is not None or meter_provider is not None or propagate:
            raise ValueError(
                "tracer_provider, meter_provider and propagate_trace_context need OpenTelemetry: "
                + _INSTALL_HINT
            )
        return None
    telemetry: Telemetry = otel.Telemetry(tracer_provider, meter_provider, propagate)
    return telemetry


def instrument(core: TransportCore, telemetry: Telemetry | None) -> None:
    """Give ``core``'s connection pool one span per HTTP attempt."""
    if telemetry is not None:
        otel = implementation()
        assert otel is not None
        core._inner = otel.AttemptTransport(core._inner)


def bound_transport(
    core: TransportCore, policy: RetryPolicy, telemetry: Telemetry | None
) -> httpx.AsyncBaseTransport:
    """The transport of one client or view: one operation span per request when traced."""
    if telemetry is None:
        from ._transport import BoundTransport

        return BoundTransport(core, policy)
    otel = implementation()
    assert otel is not None
    transport: httpx.AsyncBaseTransport = otel.TracedTransport(core, policy, telemetry)
    return transport


def instrumented(
    kind: str,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Run a helper in its span: ``workflow``, ``cleanup``, ``wait``, ``download``, ``batch``."""

    def decorate(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(fn)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            helpers = _helpers()
            if helpers is None:
                return await fn(*args, **kwargs)
            result: R = await helpers.HELPERS[kind](fn, args, kwargs)
            return result

        return wrapper

    return decorate


def step(name: str, session: Callable[[], object] | None = None) -> AbstractContextManager[None]:
    """The span of one workflow step (``session()`` gives the session id once known)."""
    helpers = _helpers()
    if helpers is None:
        return contextlib.nullcontext()
    manager: AbstractContextManager[None] = helpers.step(name, session)
    return manager


def batch_row(index: int, key: str) -> AbstractContextManager[None]:
    """The span of one batch row (its own trace, linked to the batch span) and its outcome."""
    helpers = _helpers()
    if helpers is None:
        return contextlib.nullcontext()
    manager: AbstractContextManager[None] = helpers.batch_row(index, key)
    return manager
