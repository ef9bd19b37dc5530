"""Running the sandbox under uvicorn: :func:`run_server` (async), :class:`SandboxThread` (sync)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable, Generator
from typing import TypeVar

import attrs
import uvicorn

from ._config import SandboxConfig
from ._faults import ASGIApp, ConnectionDropped
from .app import Sandbox, SandboxApp, create_app

_T = TypeVar("_T")


class _DropFilter(logging.Filter):
    """Keep deliberate connection drops out of uvicorn's error log."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ConnectionDropped)


_FILTER = _DropFilter()


def quiet_drops() -> None:
    """Install the filter hiding injected drops from ``uvicorn.error`` (idempotent)."""
    uvicorn_logger = logging.getLogger("uvicorn.error")
    if _FILTER not in uvicorn_logger.filters:
        uvicorn_logger.addFilter(_FILTER)


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to its owner."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


@attrs.frozen
class RunningServer:
    """A sandbox listening on ``url``."""

    url: str
    sandbox: Sandbox
    app: SandboxApp
    server: uvicorn.Server


def _server(app: ASGIApp, host: str, port: int, log_level: str) -> _Server:
    quiet_drops()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=5,
    )
    return _Server(config)


def _url(server: uvicorn.Server, host: str) -> str:
    port = server.servers[0].sockets[0].getsockname()[1]
    return f"http://{host}:{port}"


async def _wait_started(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("the sandbox server stopped during startup")
        await asyncio.sleep(0.005)


@contextlib.asynccontextmanager
async def run_server(
    config: SandboxConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    log_level: str = "warning",
) -> AsyncIterator[RunningServer]:
    """Serve a new sandbox app in the current event loop; yields a :class:`RunningServer`."""
    app = create_app(config)
    server = _server(app, host, port, log_level)
    task = asyncio.create_task(server.serve())
    try:
        await _wait_started(server, task)
        yield RunningServer(url=_url(server, host), sandbox=app.sandbox, app=app, server=server)
    finally:
        server.should_exit = True
        await task


class SandboxThread:
    """A sandbox served by uvicorn in a background thread (for synchronous code).

    ``middleware``, when given, wraps the app: the server serves ``middleware(app)``.
    The sandbox's state belongs to the server's thread: change it from another thread with
    :meth:`call`.
    """

    def __init__(
        self,
        config: SandboxConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log_level: str = "warning",
        middleware: Callable[[SandboxApp], ASGIApp] | None = None,
    ) -> None:
        self.app = create_app(config)
        self.sandbox = self.app.sandbox
        self._host = host
        served: ASGIApp = self.app if middleware is None else middleware(self.app)
        self._server = _server(served, host, port, log_level)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._error: BaseException | None = None
        self.url = ""

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:
            self._error = exc
        finally:
            self._loop = None

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self._server.serve()

    def call(self, func: Callable[[], _T], *, timeout: float = 30.0) -> _T:
        """Run ``func`` in the server's thread, between two steps of its requests; its result.

        The exception ``func`` raises is raised here. From the server's own thread (a request
        handler) ``func`` runs at once.
        """
        loop = self._loop
        if loop is None or self._thread is None:
            raise RuntimeError("the sandbox server is not running")
        if threading.current_thread() is self._thread:
            return func()
        future: concurrent.futures.Future[_T] = concurrent.futures.Future()

        def run() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(func())
                except BaseException as exc:
                    future.set_exception(exc)

        loop.call_soon_threadsafe(run)
        try:
            return future.result(timeout)
        finally:
            future.cancel()

    def start(self) -> SandboxThread:
        """Start serving; returns once the socket listens (``url`` is then set)."""
        self._thread = threading.Thread(target=self._run, name="easyink-sandbox", daemon=True)
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the sandbox server failed to start") from self._error
            self._thread.join(0.005)
        self.url = _url(self._server, self._host)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Shut down and wait for the thread, at most about ``timeout`` seconds.

        uvicorn's graceful shutdown is bounded for connections, not for every step after it: a
        shutdown still running after ``timeout`` is forced, and its event loop stopped, so that
        stopping a sandbox never hangs its caller.
        """
        self._server.should_exit = True
        thread = self._thread
        if thread is None:
            return
        thread.join(timeout)
        if thread.is_alive():
            self._server.force_exit = True
            thread.join(2.0)
        loop = self._loop
        if thread.is_alive() and loop is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5.0)
        self._thread = None

    def __enter__(self) -> SandboxThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
