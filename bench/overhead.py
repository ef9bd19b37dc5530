"""Client CPU overhead per request: raw httpx vs the generated client vs easyink_ext.EasyInk.

The sandbox runs in a separate process (``python -m easyink_sandbox --port 0``), so
``time.process_time()`` in this process measures the client's CPU time alone. Each variant
sends the same request sequentially (one in flight) over a warm keep-alive connection:

(a) raw ``httpx.AsyncClient`` (status check; ``.json()`` for GET),
(b) the plain generated function with ``easyink_client.AuthenticatedClient``,
(c) the same generated function with ``EasyInk(...).client`` (retries, auth provider, typed
    errors, request validation on, DEBUG logging off),

and, when aiohttp is installed, (d) the same as (c) with ``EasyInk(backend="aiohttp")`` and
(e) a raw ``aiohttp.ClientSession`` (status check; ``.read()``, and ``json.loads`` for GET).

Rounds are interleaved (a, b, c, a, b, c, ...); the table gives the median round and the
least-disturbed (minimum) round per variant, since other load on the machine only adds time.

Usage::

    python bench/overhead.py [--requests 2000] [--rounds 5] [--warmup 200]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from uuid import UUID

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _sandbox import login, start_sandbox  # noqa: E402

from easyink_client import AuthenticatedClient  # noqa: E402
from easyink_client.api.signing_session_drafts import create_draft, get_draft  # noqa: E402
from easyink_client.api.signing_sessions import session_exists  # noqa: E402
from easyink_client.models import CreateDraftRequest  # noqa: E402
from easyink_ext import EasyInk  # noqa: E402

Call = Callable[[], Awaitable[object]]


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
        have_aiohttp = importlib.util.find_spec("aiohttp") is not None
        async with (
            httpx.AsyncClient(base_url=url, headers=headers, timeout=30.0) as raw,
            AuthenticatedClient(base_url=url, token=token) as generated,
            EasyInk(base_url=url, token=token) as ei,
            EasyInk(
                base_url=url, token=token, backend="aiohttp" if have_aiohttp else "httpx"
            ) as eia,
            contextlib.AsyncExitStack() as stack,
        ):
            raw_aiohttp = None
            if have_aiohttp:
                import aiohttp

                raw_aiohttp = await stack.enter_async_context(
                    aiohttp.ClientSession(url, headers=headers)
                )
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

            async def gen_head() -> object:
                return await session_exists.asyncio_detailed(draft, client=generated)

            async def gen_get() -> object:
                return await get_draft.asyncio(draft, client=generated)

            async def ei_head() -> object:
                return await session_exists.asyncio_detailed(draft, client=ei.client)

            async def ei_get() -> object:
                return await get_draft.asyncio(draft, client=ei.client)

            async def eia_head() -> object:
                return await session_exists.asyncio_detailed(draft, client=eia.client)

            async def eia_get() -> object:
                return await get_draft.asyncio(draft, client=eia.client)

            async def aio_head() -> object:
                assert raw_aiohttp is not None
                async with raw_aiohttp.head(f"/api/signingSessions/{draft}") as response:
                    response.raise_for_status()
                    return await response.read()

            async def aio_get() -> object:
                assert raw_aiohttp is not None
                async with raw_aiohttp.get(f"/api/signingSessionDrafts/{draft}") as response:
                    response.raise_for_status()
                    return json.loads(await response.read())

            endpoints: dict[str, tuple[Call, ...]] = {
                "sessionExists (HEAD)": (raw_head, gen_head, ei_head, eia_head, aio_head),
                "getDraft (GET)": (raw_get, gen_get, ei_get, eia_get, aio_get),
            }
            if not have_aiohttp:
                endpoints = {name: calls[:3] for name, calls in endpoints.items()}
            lines = [
                "# Client CPU overhead per request",
                "",
                f"python {platform.python_version()}, httpx {httpx.__version__}, "
                f"{platform.system()} {platform.machine()}; server: separate process "
                f"(python -m easyink_sandbox), so process_time() is the client's CPU only.",
                f"{args.requests} sequential requests per round, {args.rounds} interleaved rounds,"
                f" {args.warmup} warm-up requests per variant. CPU µs per request.",
                "",
                "| endpoint | stat | (a) raw httpx | (b) generated | (c) EasyInk | b/a | c/a |"
                + (" (d) EasyInk aiohttp | (e) raw aiohttp | d/c | d/e |" if have_aiohttp else ""),
                "|---|---|---|---|---|---|---|" + ("---|---|---|---|" if have_aiohttp else ""),
            ]
            for name, variants in endpoints.items():
                for call in variants:
                    for _ in range(args.warmup):
                        await call()
                samples: list[list[float]] = [[] for _ in variants]
                for _ in range(args.rounds):
                    for index, call in enumerate(variants):
                        samples[index].append(await measure(call, args.requests))
                for label, stat in (("median", statistics.median), ("min", min)):
                    a, b, c, *more = (stat(s) * 1e6 for s in samples)
                    line = (
                        f"| {name} | {label} | {a:.0f} | {b:.0f} | {c:.0f} "
                        f"| {b / a:.2f} | {c / a:.2f} |"
                    )
                    if more:
                        d, e = more
                        line += f" {d:.0f} | {e:.0f} | {d / c:.2f} | {d / e:.2f} |"
                    lines.append(line)
            return "\n".join(lines)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


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
