"""One saved login shared by several ``easyink`` processes: refreshed once, under a file lock.

Refresh tokens rotate: when two processes refresh with the same refresh token, the second one
gets ``invalid_grant``. So a refresh takes an exclusive lock on ``<config>.lock``
(``fcntl.flock``), re-reads the profile, and uses the tokens another process saved meanwhile
when they are still valid; otherwise it refreshes with the latest saved refresh token and saves
the new tokens before releasing the lock. (Without ``fcntl``, e.g. on Windows, there is no
lock between processes.)
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio

from ..auth import DEFAULT_LEEWAY, OAuthClient, RefreshingTokenProvider, TokenSet
from ..errors import OAuthError
from ._config import load_config, normal_url, save_config

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK_TIMEOUT", "SharedLoginProvider", "config_lock", "save_tokens"]

LOCK_TIMEOUT = 60.0
_POLL = 0.02


@asynccontextmanager
async def config_lock(config_file: Path) -> AsyncIterator[None]:
    """Hold the exclusive lock of ``config_file`` (waits without blocking the event loop)."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    lock_path = config_file.with_name(config_file.name + ".lock")
    folder = lock_path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        os.chmod(folder, 0o700)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OAuthError(
                        f"another easyink process holds {lock_path} for more than "
                        f"{LOCK_TIMEOUT:g} s"
                    ) from None
                await anyio.sleep(_POLL)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def save_tokens(config_file: Path, base_url: str, tokens: TokenSet) -> None:
    """Store ``tokens`` in the profile of ``base_url`` (the caller holds the lock)."""
    data = load_config(config_file)
    profile = data.profiles.setdefault(normal_url(base_url), {})
    profile["token"] = tokens.access_token
    if tokens.refresh_token:
        profile["refresh_token"] = tokens.refresh_token
    save_config(config_file, data)


def _fresh(tokens: TokenSet, leeway: float) -> bool:
    return tokens.expires_at is None or time.time() < tokens.expires_at - leeway


class SharedLoginProvider(RefreshingTokenProvider):
    """A :class:`RefreshingTokenProvider` whose refresh is shared through the config file."""

    def __init__(
        self,
        oauth: OAuthClient,
        tokens: TokenSet,
        *,
        config_file: Path,
        base_url: str,
        leeway: float = DEFAULT_LEEWAY,
    ) -> None:
        super().__init__(oauth, tokens, leeway=leeway, on_token_refreshed=self._save)
        self._config_file = config_file
        self._base_url = normal_url(base_url)
        self._shared_leeway = leeway

    def _save(self, tokens: TokenSet) -> None:
        save_tokens(self._config_file, self._base_url, tokens)

    async def _refresh(self) -> None:
        async with config_lock(self._config_file):
            saved = load_config(self._config_file).profile(self._base_url)
            current = self._tokens
            token, refresh = saved.get("token"), saved.get("refresh_token")
            if token and token != current.access_token:
                theirs = TokenSet(
                    access_token=token, refresh_token=refresh or current.refresh_token
                )
                if _fresh(theirs, self._shared_leeway):
                    # Another process refreshed meanwhile: use its tokens, refresh nothing.
                    self._tokens, self._stale = theirs, False
                    return
            if refresh and refresh != current.refresh_token:
                self._tokens = TokenSet(access_token=current.access_token, refresh_token=refresh)
            await super()._refresh()
