"""A hostile HTTP/1.1 server on 127.0.0.1 (raw asyncio sockets, in a background thread).

Each connection serves one request and is closed. What the server does is a *behaviour*: an
async function given the parsed request and the stream writer. The behaviours below are what a
broken or malicious server does: trickle bytes, never end a body, answer wrong-shaped or
deeply nested JSON, echo the credentials it received, redirect.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

__all__ = [
    "HostileServer",
    "Request",
    "answer",
    "echo_token",
    "endless_chunked",
    "json_answer",
    "redirect",
    "slow_headers",
    "slow_loris",
]


@attrs.frozen
class Request:
    """What the client sent."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


Behaviour = Callable[[Request, asyncio.StreamWriter], Awaitable[None]]


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} Hostile"]
    lines += [f"{k}: {v}" for k, v in {"Connection": "close", **headers}.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(status: int, body: bytes, headers: dict[str, str] | None = None) -> Behaviour:
    """A complete answer."""

    async def behave(request: Request, writer: asyncio.StreamWriter) -> None:
        head = {"Content-Type": "application/json", **(headers or {})}
        head["Content-Length"] = str(len(body))
        writer.write(_head(status, head) + (b"" if request.method == "HEAD" else body))
        await writer.drain()

    return behave


def json_answer(doc: Any, status: int = 200) -> Behaviour:
    """A JSON document (any shape)."""
    return answer(status, json.dumps(doc).encode())


def redirect(location: str, status: int = 302) -> Behaviour:
    """A redirect (the SDK never follows one)."""
    return answer(status, b"", {"Location": location})


def slow_loris(status: int = 200, interval: float = 0.5, size: int = 10_000) -> Behaviour:
    """Headers at once, then one byte per ``interval`` seconds (never finishing in time)."""

    async def behave(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(
            _head(status, {"Content-Type": "application/pdf", "Content-Length": str(size)})
        )
        await writer.drain()
        for _ in range(size):
            await asyncio.sleep(interval)
            writer.write(b" ")
            await writer.drain()

    return behave


def slow_headers(interval: float = 0.5) -> Behaviour:
    """The status line and headers, one byte per ``interval`` seconds (never a full head)."""

    async def behave(request: Request, writer: asyncio.StreamWriter) -> None:
        for byte in _head(200, {"X-Padding": "p" * 10_000}):
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(interval)

    return behave


def endless_chunked(status: int = 200, content_type: str = "application/json") -> Behaviour:
    """A chunked JSON array that never ends, sent as fast as the client reads it."""

    async def behave(request: Request, writer: asyncio.StreamWriter) -> None:
        headers = {"Content-Type": content_type, "Transfer-Encoding": "chunked"}
        writer.write(_head(status, headers) + b"1\r\n[\r\n")
        piece = b"0," * 32768
        chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        while True:
            writer.write(chunk)
            await writer.drain()

    return behave


def echo_token(status: int = 401, padding: int = 0) -> Behaviour:
    """An ApiError whose message and inner errors echo the bearer token it received."""

    async def behave(request: Request, writer: asyncio.StreamWriter) -> None:
        token = request.headers.get("authorization", "").partition(" ")[2]
        doc = {
            "error": {
                "code": "Unauthorized",
                "message": f"token {token} refused " + "x" * padding,
                "innerErrors": [{"code": token, "message": f"you sent {token}"}] * 50,
            }
        }
        await json_answer(doc, status)(request, writer)

    return behave


class HostileServer:
    """``with HostileServer() as server:`` then ``server.url``; ``server.behave(fn, prefix)``."""

    def __init__(self) -> None:
        self._routes: dict[str, Behaviour] = {}
        self.requests: list[Request] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self.url = ""

    def behave(self, behaviour: Behaviour, prefix: str = "/") -> None:
        """Serve requests whose path starts with ``prefix`` with ``behaviour`` (longest wins)."""
        self._routes[prefix] = behaviour

    def __enter__(self) -> HostileServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        self._server = future.result(10)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            if self._server is not None:
                self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _start(self) -> asyncio.AbstractServer:
        return await asyncio.start_server(self._serve, "127.0.0.1", 0)

    def _route(self, path: str) -> Behaviour:
        matches = [p for p in self._routes if path.startswith(p)]
        if not matches:
            return answer(404, b'{"error": {"code": "NotFound", "message": "no route"}}')
        return self._routes[max(matches, key=len)]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await _read_request(reader)
            if request is None:
                return
            self.requests.append(request)
            await self._route(request.path)(request, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client went away, or the server is stopping
        finally:
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) < 2:
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = await reader.readexactly(length) if length else b""
    return Request(parts[0], parts[1], headers, body)
