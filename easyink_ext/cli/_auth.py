"""Credentials of the ``easyink`` command: the OAuth client and the token provider.

When the access token comes from the config file and that file also holds a refresh token
and an OAuth client id (the client secret comes from the file, ``EASYINK_CLIENT_SECRET`` or,
for a sandbox on this machine, the sandbox's default client), commands use a
:class:`~easyink_ext.auth.RefreshingTokenProvider`: an expired access token is renewed and
the new tokens are written back to the config file (mode 0600).
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
    RefreshingTokenProvider,
    StaticToken,
    TokenProvider,
    TokenSet,
)
from ._config import Settings, read_config, write_config

__all__ = [
    "CALLBACKS",
    "ENV_CLIENT_ID",
    "ENV_CLIENT_SECRET",
    "SANDBOX_CLIENT",
    "client_id_for",
    "client_secret_for",
    "identity_for",
    "is_local",
    "token_provider",
]

ENV_CLIENT_ID = "EASYINK_CLIENT_ID"
ENV_CLIENT_SECRET = "EASYINK_CLIENT_SECRET"
SANDBOX_CLIENT = ("easyink-sandbox", "sandbox-secret")
CALLBACKS = {
    PRODUCTION_IDENTITY_URL: "https://easyink.io",
    STAGING_IDENTITY_URL: "https://staging.easyink.io",
}
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def identity_for(base_url: str) -> str:
    """The identity provider of an API base URL (a sandbox serves ``/connect/*`` itself)."""
    if base_url == PRODUCTION_BASE_URL:
        return PRODUCTION_IDENTITY_URL
    if base_url == STAGING_BASE_URL:
        return STAGING_IDENTITY_URL
    return base_url


def is_local(url: str) -> bool:
    """True for a URL on this machine (where a sandbox's default client applies)."""
    return (urlsplit(url).hostname or "") in _LOCAL_HOSTS


def client_id_for(settings: Settings, identity: str, flag: str | None = None) -> str | None:
    """``--client-id``, ``EASYINK_CLIENT_ID``, the config file, else the sandbox client."""
    return settings.get("client_id", ENV_CLIENT_ID, flag) or (
        SANDBOX_CLIENT[0] if is_local(identity) else None
    )


def client_secret_for(settings: Settings, identity: str, flag: str | None = None) -> str | None:
    """``--client-secret``, ``EASYINK_CLIENT_SECRET``, the config file, else the sandbox's."""
    return settings.get("client_secret", ENV_CLIENT_SECRET, flag) or (
        SANDBOX_CLIENT[1] if is_local(identity) else None
    )


def _save_tokens(settings: Settings, tokens: TokenSet) -> None:
    values = read_config(settings.config_file)
    values["token"] = tokens.access_token
    if tokens.refresh_token:
        values["refresh_token"] = tokens.refresh_token
    write_config(settings.config_file, values)


@asynccontextmanager
async def token_provider(settings: Settings) -> AsyncIterator[TokenProvider]:
    """The token provider for ``settings.token`` (refreshing when the config file allows it)."""
    token = settings.token
    if not token:
        raise ValueError("no access token")
    values = settings.values
    refresh = values.get("refresh_token")
    saved_url = (values.get("base_url") or "").rstrip("/")
    # Only the config file's own token is refreshed, and only for the API it was issued for:
    # a refresh token is never sent to the identity provider of another base URL.
    if (
        settings.token_source != "config"
        or not refresh
        or settings.base_url is None
        or (saved_url and saved_url != settings.base_url)
    ):
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
        yield RefreshingTokenProvider(
            oauth,
            TokenSet(access_token=token, refresh_token=refresh),
            on_token_refreshed=lambda tokens: _save_tokens(settings, tokens),
        )
