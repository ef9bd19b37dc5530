"""Client CPU overhead per request: raw httpx vs the generated client vs easyink_ext.EasyInk.

The sandbox runs in a separate process (``python -m easyink_sandbox --port 0``), so
``time.process_time()`` in this process measures the client's CPU time alone. Each variant
sends the same request sequentially (one in flight) over a warm keep-alive connection:

(a) raw ``httpx.AsyncClient`` (status check; ``.json()`` for GET),
(b) the plain generated function with ``easyink_client.AuthenticatedClient``,
(c) the same generated function with ``EasyInk(...).client`` (retries, auth provider, typed
    errors, request validation on, DEBUG logging off) as without OpenTelemetry installed,
(d) the same with the OpenTelemetry API installed and no SDK configured (the hooks run and
    find no provider: target d/c <= 1.05),
(e) the same with the OpenTelemetry SDK: a tracer provider exporting to memory (simple span
    processor) and a meter provider with an in-memory reader, i.e. the full recording cost,
(f) the resource method on the client of (c): ``ei.sessions.exists(id)`` / ``ei.drafts.get(id)``
    instead of the generated function (target f/c <= 1.05).

(d) and (e) need ``opentelemetry-api`` / ``opentelemetry-sdk`` (the ``dev`` extra); without
them their columns read n/a.

Rounds are interleaved (a, b, c, f, d, e, a, b, ...); the table gives the median round and the
least-disturbed (minimum) round per variant, since other load on the machine only adds time.

Usage::

    python bench/overhead.py [--requests 2000] [--rounds 5] [--warmup 200]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _sandbox import login, start_sandbox  # noqa: E402

from easyink_client import AuthenticatedClient  # noqa: E402
from easyink_client.api.signing_session_drafts import create_draft, get_draft  # noqa: E402
from easyink_client.api.signing_sessions import session_exists  # noqa: E402
from easyink_client.models import CreateDraftRequest  # noqa: E402
from easyink_ext import EasyInk, _telemetry  # noqa: E402

Call = Callable[[], Awaitable[object]]
# The order of the variants within a round: (f) right after (c), which it is compared with,
# before the OpenTelemetry variants (whose spans and metrics leave garbage to collect).
_ORDER = (0, 1, 2, 5, 3, 4)


def without_opentelemetry(url: str, token: str) -> EasyInk:
    """A client built as if OpenTelemetry were not installed (no hooks at all)."""
    loaded = (_telemetry._Loaded.checked, _telemetry._Loaded.modules)
    _telemetry._Loaded.checked, _telemetry._Loaded.modules = True, None
    try:
        return EasyInk(base_url=url, token=token)
    finally:
        _telemetry._Loaded.checked, _telemetry._Loaded.modules = loaded


def with_sdk(url: str, token: str) -> tuple[EasyInk, Callable[[], None]] | None:
    """A client recording spans and metrics in memory, and a function clearing the spans."""
    try:
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import InMemoryMetricReader
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    except ImportError:
        return None
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    client = EasyInk(
        base_url=url, token=token, tracer_provider=tracer_provider, meter_provider=meter_provider
    )
    return client, exporter.clear


async def measure(call: Call, count: int) -> float:
    """CPU seconds per call over ``count`` sequential calls."""
    start = time.process_time()
    for _ in range(count):
        await call()
    return (time.process_time() - start) / count


async def run(args: argparse.Namespace) -> str:
    proc, url = start_sandbox()
    try:
        token = await login(url)
        headers = {"Authorization": f"Bearer {token}"}
        otel_api = _telemetry.implementation() is not None
        async with AsyncExitStack() as stack:
            raw = await stack.enter_async_context(
                httpx.AsyncClient(base_url=url, headers=headers, timeout=30.0)
            )
            generated = await stack.enter_async_context(
                AuthenticatedClient(base_url=url, token=token)
            )
            ei = await stack.enter_async_context(without_opentelemetry(url, token))
            clients: dict[str, EasyInk | None] = {"c": ei, "d": None, "e": None}
            clear_spans: Callable[[], None] = lambda: None  # noqa: E731
            if otel_api:
                clients["d"] = await stack.enter_async_context(EasyInk(base_url=url, token=token))
                sdk = with_sdk(url, token)
                if sdk is not None:
                    clients["e"] = await stack.enter_async_context(sdk[0])
                    clear_spans = sdk[1]
            draft = await create_draft.asyncio(
                client=ei.client, body=CreateDraftRequest(subject="benchmark")
            )
            assert isinstance(draft, UUID)

            async def raw_head() -> object:
                response = await raw.head(f"/api/signingSessions/{draft}")
                response.raise_for_status()
                return response

            async def raw_get() -> object:
                response = await raw.get(f"/api/signingSessionDrafts/{draft}")
                response.raise_for_status()
                return response.json()

            def head(client: Any) -> Call:
                async def call() -> object:
                    return await session_exists.asyncio_detailed(draft, client=client)

                return call

            def get(client: Any) -> Call:
                async def call() -> object:
                    return await get_draft.asyncio(draft, client=client)

                return call

            async def resource_head() -> object:
                return await ei.sessions.exists(draft)

            async def resource_get() -> object:
                return await ei.drafts.get(draft)

            easyinks = [c.client if c is not None else None for c in clients.values()]
            endpoints = {
                "sessionExists (HEAD)": [raw_head, head(generated)]
                + [head(c) if c is not None else None for c in easyinks]
                + [resource_head],
                "getDraft (GET)": [raw_get, get(generated)]
                + [get(c) if c is not None else None for c in easyinks]
                + [resource_get],
            }
            lines = [
                "# Client CPU overhead per request",
                "",
                f"python {platform.python_version()}, httpx {httpx.__version__}, "
                f"{platform.system()} {platform.machine()}; server: separate process "
                f"(python -m easyink_sandbox), so process_time() is the client's CPU only.",
                f"{args.requests} sequential requests per round, {args.rounds} interleaved rounds,"
                f" {args.warmup} warm-up requests per variant. CPU µs per request.",
                "(c) EasyInk without OpenTelemetry, (d) OpenTelemetry API without SDK,"
                " (e) SDK recording to memory, (f) the resource method on the client of (c).",
                "",
                "| endpoint | stat | (a) raw httpx | (b) generated | (c) EasyInk | (d) +otel API "
                "| (e) +otel SDK | (f) resource | b/a | c/a | d/c | e/c | f/c |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
            ]
            for name, variants in endpoints.items():
                for call in variants:
                    if call is None:
                        continue
                    for _ in range(args.warmup):
                        await call()
                samples: list[list[float]] = [[] for _ in variants]
                for _ in range(args.rounds):
                    for index in _ORDER:
                        call = variants[index]
                        if call is not None:
                            samples[index].append(await measure(call, args.requests))
                    clear_spans()
                for label, stat in (("median", statistics.median), ("min", min)):
                    a, b, c, d, e, f = (stat(s) * 1e6 if s else None for s in samples)
                    assert a is not None and b is not None and c is not None and f is not None
                    lines.append(
                        f"| {name} | {label} | {a:.0f} | {b:.0f} | {c:.0f} | {_num(d)} "
                        f"| {_num(e)} | {f:.0f} | {b / a:.2f} | {c / a:.2f} | {_ratio(d, c)} "
                        f"| {_ratio(e, c)} | {f / c:.2f} |"
                    )
            return "\n".join(lines)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def _ratio(value: float | None, base: float) -> str:
    return "n/a" if value is None else f"{value / base:.2f}"


def main() -> None:
    """Parse arguments, run, print the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()
    print(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
