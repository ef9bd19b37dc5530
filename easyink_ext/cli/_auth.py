"""Credentials of the ``easyink`` command: the OAuth client and the token provider.

When the access token comes from the config file's profile of the base URL and that profile
also holds a refresh token and an OAuth client id (the client secret comes from the profile,
``EASYINK_CLIENT_SECRET`` or, for a sandbox on this machine, the sandbox's default client),
commands use a :class:`~easyink_ext.cli._shared_login.SharedLoginProvider`: an expired access
token is renewed once even when several processes need it, and the new tokens are written
back to that profile (mode 0600).

The identity provider is the profile's own ``identity_url``, else derived from the base URL
(production and staging have their own; a sandbox serves ``/connect/*`` itself): one server's
client id, secret or refresh token are never sent to another server's identity provider.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from .._client import PRODUCTION_BASE_URL, STAGING_BASE_URL
from ..auth import (
    PRODUCTION_IDENTITY_URL,
    STAGING_IDENTITY_URL,
    OAuthClient,
    StaticToken,
    TokenProvider,
    TokenSet,
)
from ._config import Settings, normal_url
from ._shared_login import SharedLoginProvider

__all__ = [
    "CALLBACKS",
    "ENV_CLIENT_ID",
    "ENV_CLIENT_SECRET",
    "client_id_for",
    "client_secret_for",
    "identity_for",
    "is_local",
    "token_provider",
]

ENV_CLIENT_ID = "EASYINK_CLIENT_ID"
ENV_CLIENT_SECRET = "EASYINK_CLIENT_SECRET"
CALLBACKS = {
    PRODUCTION_IDENTITY_URL: "https://easyink.io",
    STAGING_IDENTITY_URL: "https://staging.easyink.io",
}
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def identity_for(base_url: str) -> str:
    """The identity provider of an API base URL (a sandbox serves ``/connect/*`` itself)."""
    url = normal_url(base_url)
    if url == PRODUCTION_BASE_URL:
        return PRODUCTION_IDENTITY_URL
    if url == STAGING_BASE_URL:
        return STAGING_IDENTITY_URL
    return url


def is_local(url: str) -> bool:
    """True for a URL on this machine (where a sandbox's default client applies)."""
    return (urlsplit(url).hostname or "") in _LOCAL_HOSTS


def _sandbox_client() -> tuple[str, str]:
    """The demo client of a sandbox (a constants module: needs no sandbox extra)."""
    from easyink_sandbox._credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET

    return SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET


def client_id_for(settings: Settings, identity: str, flag: str | None = None) -> str | None:
    """``--client-id``, ``EASYINK_CLIENT_ID``, the config file, else the sandbox client."""
    return settings.get("client_id", ENV_CLIENT_ID, flag) or (
        _sandbox_client()[0] if is_local(identity) else None
    )


def client_secret_for(settings: Settings, identity: str, flag: str | None = None) -> str | None:
    """``--client-secret``, ``EASYINK_CLIENT_SECRET``, the config file, else the sandbox's."""
    return settings.get("client_secret", ENV_CLIENT_SECRET, flag) or (
        _sandbox_client()[1] if is_local(identity) else None
    )


@asynccontextmanager
async def token_provider(settings: Settings) -> AsyncIterator[TokenProvider]:
    """The token provider for ``settings.token`` (refreshing when the config file allows it)."""
    token = settings.token
    if not token:
        raise ValueError("no access token")
    values = settings.values  # the profile of settings.base_url only
    refresh = values.get("refresh_token")
    # Only the profile's own token is refreshed, with the profile's own identity provider.
    if settings.token_source != "config" or not refresh or settings.base_url is None:
        yield StaticToken(token)
        return
    identity = (values.get("identity_url") or identity_for(settings.base_url)).rstrip("/")
    client_id = client_id_for(settings, identity)
    if not client_id:
        yield StaticToken(token)
        return
    callback = values.get("redirect_uri") or CALLBACKS.get(identity) or "http://127.0.0.1/callback"
    async with OAuthClient(
        client_id=client_id,
        client_secret=client_secret_for(settings, identity),
        redirect_uri=callback,
        issuer=identity,
    ) as oauth:
        yield SharedLoginProvider(
            oauth,
            TokenSet(access_token=token, refresh_token=refresh),
            config_file=settings.config_file,
            base_url=settings.base_url,
        )
