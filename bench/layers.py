"""Client CPU per request, layer by layer, from a bare aiohttp session up to the SDK.

The sandbox runs in a separate process (``python -m easyink_sandbox --port 0``), so
``time.process_time()`` here is the client's CPU alone. Every variant sends the same GET of one
draft sequentially (one in flight) over a warm keep-alive connection and decodes the JSON:

(a) a bare ``aiohttp.ClientSession`` (the floor),
(b) ``AiohttpTransport.handle_async_request`` + ``aread()`` (the aiohttp backend's transport),
(c) ``httpx.AsyncClient(transport=AiohttpTransport())`` ``.get()`` (httpx's client layer),
(d) ``EasyInk(backend="aiohttp").http_client.get()`` (retries, auth, limits, typed errors),
(e) the generated ``get_draft.asyncio`` with ``EasyInk(backend="aiohttp")``, validation off,
(f) the same with request validation on (the default),
(g) the same with the httpx backend (``EasyInk()`` defaults),
(h) a bare ``httpx.AsyncClient`` (httpcore).

Rounds are interleaved (a, b, ..., h, a, b, ...); the table gives each variant's least-disturbed
(minimum) round, since other load on the machine only adds time, and its ratio to (a).

Usage::

    python bench/layers.py [--requests 1000] [--rounds 5] [--warmup 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _sandbox import login, start_sandbox  # noqa: E402

from easyink_client.api.signing_session_drafts import create_draft, get_draft  # noqa: E402
from easyink_client.models import CreateDraftRequest  # noqa: E402
from easyink_ext import EasyInk  # noqa: E402
from easyink_ext._aiohttp import AiohttpTransport  # noqa: E402

Call = Callable[[], Awaitable[object]]
NAMES = {
    "a": "bare aiohttp.ClientSession + json",
    "b": "AiohttpTransport + aread + json",
    "c": "httpx.AsyncClient over AiohttpTransport .get + json",
    "d": 'EasyInk(backend="aiohttp").http_client.get + json',
    "e": 'get_draft, EasyInk(backend="aiohttp"), validation off',
    "f": 'get_draft, EasyInk(backend="aiohttp"), validation on',
    "g": "get_draft, EasyInk() (httpx backend), validation on",
    "h": "bare httpx.AsyncClient + json",
}


async def variants(stack: AsyncExitStack, url: str, token: str) -> dict[str, Call]:
    """The calls to time, by letter, sharing one draft."""
    auth = {"Authorization": f"Bearer {token}"}
    ei_aio = await stack.enter_async_context(EasyInk(base_url=url, token=token, backend="aiohttp"))
    ei_lean = await stack.enter_async_context(
        EasyInk(base_url=url, token=token, backend="aiohttp", validate_requests=False)
    )
    ei_httpx = await stack.enter_async_context(EasyInk(base_url=url, token=token))
    draft = await create_draft.asyncio(client=ei_aio.client, body=CreateDraftRequest(subject="x"))
    path = f"/api/signingSessionDrafts/{draft}"
    session = await stack.enter_async_context(aiohttp.ClientSession())
    transport = AiohttpTransport()
    stack.push_async_callback(transport.aclose)
    over_aiohttp = await stack.enter_async_context(
        httpx.AsyncClient(base_url=url, headers=auth, transport=transport)
    )
    plain = await stack.enter_async_context(httpx.AsyncClient(base_url=url, headers=auth))
    request = httpx.Request("GET", url + path, headers=auth)

    async def a() -> object:
        async with session.get(url + path, headers=auth) as answer:
            return json.loads(await answer.read())

    async def b() -> object:
        answer = await transport.handle_async_request(request)
        return json.loads(await answer.aread())

    async def c() -> object:
        return (await over_aiohttp.get(path)).json()

    async def d() -> object:
        return (await ei_aio.http_client.get(path)).json()

    async def e() -> object:
        return await get_draft.asyncio(draft, client=ei_lean.client)

    async def f() -> object:
        return await get_draft.asyncio(draft, client=ei_aio.client)

    async def g() -> object:
        return await get_draft.asyncio(draft, client=ei_httpx.client)

    async def h() -> object:
        return (await plain.get(path)).json()

    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h}


async def measure(args: argparse.Namespace, url: str) -> dict[str, list[float]]:
    token = await login(url)
    rounds: dict[str, list[float]] = {name: [] for name in NAMES}
    async with AsyncExitStack() as stack:
        calls = await variants(stack, url, token)
        for call in calls.values():
            for _ in range(args.warmup):
                await call()
        for _ in range(args.rounds):
            for name, call in calls.items():
                start = time.process_time()
                for _ in range(args.requests):
                    await call()
                rounds[name].append(1e6 * (time.process_time() - start) / args.requests)
    return rounds


def report(args: argparse.Namespace, rounds: dict[str, list[float]]) -> str:
    floor = min(rounds["a"])
    lines = [
        "# Client CPU per request, layer by layer",
        "",
        f"Command: `python bench/layers.py --requests {args.requests} --rounds {args.rounds} "
        f"--warmup {args.warmup}`",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"aiohttp {aiohttp.__version__}, httpx {httpx.__version__}.",
        "",
        "| variant | µs CPU/request (min round) | ratio to (a) |",
        "|---|---|---|",
    ]
    for name, label in NAMES.items():
        best = min(rounds[name])
        lines.append(f"| ({name}) {label} | {best:.0f} | {best / floor:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()
    proc, url = start_sandbox()
    try:
        rounds = asyncio.run(measure(args, url))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(report(args, rounds))


if __name__ == "__main__":
    main()
