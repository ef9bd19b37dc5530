"""A scripted HTTP/1.1 server on a raw loopback socket, for failures only a real wire shows.

``WireAPI`` answers each request it reads with the next step of its script (the last step
repeats), like ``MockAPI`` but over TCP, so both backends (httpx/httpcore and aiohttp) meet the
same bytes. A step is an ``httpx.Response`` (sent with ``Content-Length``, connection kept
alive) or one of the faults:

- ``DROP``: read the whole request, then close the connection without a byte of answer;
- ``DROP_UNREAD``: read the request head only, then reset the connection (body unread);
- ``STALL``: read the request and never answer (until the server stops);
- ``GARBAGE``: answer bytes that are not HTTP, then close;
- ``SHORT_BODY``: answer ``200`` announcing 1,000 body bytes, send 10, then close;
- ``STALL_BODY``: answer ``200`` announcing 1,000 body bytes, send 10, then stall;
- ``TRICKLE``: answer ``200`` announcing 1,000 body bytes and send one every 20 ms.

``close_after_answer=True`` closes every connection right after its answer, without saying
so (no ``Connection: close``), as a server whose keep-alive timeout just expired does.

``received`` lists every request read completely (``DROP_UNREAD`` ones are not complete, and
are counted in ``heads`` only). ``request_seen`` is set whenever a request head arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from dataclasses import dataclass, field
from types import TracebackType

import httpx

DROP = "drop"
DROP_UNREAD = "drop-unread"
STALL = "stall"
GARBAGE = "garbage"
SHORT_BODY = "short-body"
STALL_BODY = "stall-body"
TRICKLE = "trickle"

WireStep = httpx.Response | str


@dataclass
class Received:
    """One request as the server read it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WireAPI:
    """Scripted server on 127.0.0.1 (``async with WireAPI(steps) as wire: wire.url``)."""

    steps: list[WireStep] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    heads: int = 0
    connections: int = 0
    close_after_answer: bool = False

    def __post_init__(self) -> None:
        self.request_seen = asyncio.Event()
        self._stop = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    @property
    def count(self) -> int:
        return len(self.received)

    async def __aenter__(self) -> WireAPI:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
            await asyncio.wait_for(self._server.wait_closed(), 5)

    def _next_step(self) -> WireStep:
        if not self.steps:
            return httpx.Response(200, json="3fa85f64-5717-4562-b3fc-2c963f66afa6")
        return self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        try:
            while await self._one(reader, writer):
                pass
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Serve one request; False when the connection is done."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False
        self.heads += 1
        self.request_seen.set()
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        step = self._next_step()
        if step == DROP_UNREAD:
            _reset(writer)
            return False
        body = await _read_body(reader, headers)
        self.received.append(Received(method, target, headers, body))
        if isinstance(step, httpx.Response):
            writer.write(_encode(step))
            await writer.drain()
            return not self.close_after_answer
        if step == GARBAGE:
            writer.write(b"this is not HTTP\r\n\r\n")
        elif step in (SHORT_BODY, STALL_BODY, TRICKLE):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 10)
        await writer.drain()
        if step == TRICKLE:
            for _ in range(990):
                await asyncio.sleep(0.02)
                writer.write(b"x")
                await writer.drain()
        if step in (STALL, STALL_BODY):
            await self._stop.wait()
        return False


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return b"".join(chunks)
            chunks.append(chunk[:-2])
    return await reader.readexactly(int(headers.get("content-length", "0")))


def _encode(response: httpx.Response) -> bytes:
    body = b"".join(response.stream)  # type: ignore[arg-type]  # the bytes as built, still encoded
    lines = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}"]
    lines += [
        f"{name}: {value}"
        for name, value in response.headers.multi_items()
        if name.lower() not in ("content-length", "transfer-encoding")
    ]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a server that gives up mid-upload does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.close()
