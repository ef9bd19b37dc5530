"""What every command needs: a connected :class:`EasyInk`, the console, running coroutines.

Importing this module (as ``easyink --help`` does) loads neither the client nor its network
stack: they are imported when a command connects.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ._config import Settings
from ._text import plain

if TYPE_CHECKING:
    from rich.console import Console

    from easyink_sandbox import Sandbox, SandboxConfig

    from .._client import EasyInk

__all__ = [
    "EMBEDDED_BASE_URL",
    "CliError",
    "Connection",
    "connect",
    "embedded_sandbox",
    "err",
    "out",
    "run",
]

EMBEDDED_BASE_URL = "http://easyink-sandbox.invalid"
SANDBOX_MISSING = "the embedded sandbox needs the sandbox extra: pip install 'easyink[cli,sandbox]'"
_T = TypeVar("_T")


class CliError(Exception):
    """A problem reported as one line on stderr with a non-zero exit (no traceback)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def out() -> Console:
    """Console on the current stdout (resolved at call time, so test runners capture it)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def err(message: str) -> None:
    """One line on stderr (control characters removed, length bounded)."""
    click.echo(f"easyink: {plain(message, 2000)}", err=True)


def run(func: Callable[..., Awaitable[_T]], *args: Any) -> _T:
    """Run a coroutine function to completion on a fresh event loop."""
    import anyio

    return anyio.run(func, *args)


@dataclass(frozen=True)
class Connection:
    """A connected client; ``sandbox`` is set when it talks to the embedded sandbox."""

    ei: EasyInk
    sandbox: Sandbox | None = None


def _import_sandbox() -> Any:
    try:
        import easyink_sandbox.app  # the server itself: needs the sandbox extra
    except ImportError as exc:
        raise CliError(SANDBOX_MISSING, exit_code=2) from exc
    return easyink_sandbox


@asynccontextmanager
async def embedded_sandbox(config: SandboxConfig | None = None) -> AsyncIterator[Connection]:
    """An :class:`EasyInk` wired to a sandbox app in this process (no socket at all)."""
    import httpx

    from .._client import EasyInk

    module = _import_sandbox()
    app = module.create_app(config if config is not None else module.SandboxConfig())
    sandbox = app.state.sandbox
    transport = httpx.ASGITransport(app=app)
    async with EasyInk(
        base_url=EMBEDDED_BASE_URL, token=sandbox.issue_token(), transport=transport
    ) as ei:  # in process: no network, so http:// is fine
        yield Connection(ei=ei, sandbox=sandbox)


@asynccontextmanager
async def connect(settings: Settings, *, backend: str = "httpx") -> AsyncIterator[Connection]:
    """Connect as configured, or to the embedded sandbox (announced on stderr) when no base URL.

    ``backend`` is ``EasyInk``'s (the embedded sandbox is called in process, without one).
    """
    if settings.base_url is None:
        _import_sandbox()
        err(
            "no base URL configured (--base-url, EASYINK_BASE_URL or the config file): using the "
            "embedded in-process sandbox; its data is gone when this command ends"
        )
        async with embedded_sandbox() as connection:
            yield connection
        return
    if not settings.token:
        raise CliError(
            f"no access token for {settings.base_url}: run 'easyink login', pass --token or set "
            "EASYINK_TOKEN"
        )
    from .._client import EasyInk, insecure_http_host
    from ._auth import token_provider

    host = insecure_http_host(settings.base_url)
    if host is not None and not settings.allow_insecure_http:
        raise CliError(
            f"refusing plain http:// to {host}: the access token would travel in clear; use "
            "https:// or pass --allow-insecure-http"
        )
    async with (
        token_provider(settings) as provider,
        EasyInk(
            base_url=settings.base_url,
            token_provider=provider,
            backend=backend,
            allow_insecure_http=settings.allow_insecure_http,
        ) as ei,
    ):
        yield Connection(ei=ei)
