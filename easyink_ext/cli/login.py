"""``easyink login``: Authorization Code + PKCE, token saved in the config file (mode 0600).

Against a sandbox on this machine (identity URL on 127.0.0.1/localhost) the authorize step
approves at once, so the command follows its redirect and completes by itself. Against
EasyInk it prints the authorize URL and asks for the URL the browser was redirected to (or the
``code`` in it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .._redact import redact_text
from ..errors import OAuthError
from ._config import Settings, load_config, normal_url, save_config
from ._runtime import CliError, out, run
from ._text import markup

if TYPE_CHECKING:
    from ..auth import TokenSet

__all__ = ["login"]


# httpx/httpcore loggers that show the authorize redirect's Location (with ``code=``) at DEBUG.
_WIRE_LOGGERS = ("httpx", "httpcore.http11", "httpcore.http2", "httpcore.connection")


class _RedactSecrets(logging.Filter):
    """Rewrites log records so that codes, tokens and secrets never reach a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


@contextmanager
def _wire_logs_redacted() -> Iterator[None]:
    """While logging in, redact secrets in the HTTP libraries' own DEBUG lines."""
    guard = _RedactSecrets()
    loggers = [logging.getLogger(name) for name in _WIRE_LOGGERS]
    for logger in loggers:
        logger.addFilter(guard)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(guard)


async def _follow_authorize(url: str) -> str:
    """Open the authorize URL without a browser and return the redirect target."""
    import httpx

    async with httpx.AsyncClient(timeout=30.0) as http:
        response = await http.get(url, follow_redirects=False)
    location = str(response.headers.get("location") or "")
    if response.status_code not in (301, 302, 303, 307, 308) or not location:
        raise OAuthError(
            f"the authorize endpoint answered {response.status_code} without a redirect"
        )
    return location


async def _save_profile(config_file: Path, base_url: str, profile: dict[str, str]) -> None:
    """Replace the profile of ``base_url`` and make it the default (under the config lock)."""
    from ._shared_login import config_lock

    async with config_lock(config_file):
        data = load_config(config_file)
        data.base_url = normal_url(base_url)
        data.profiles[normal_url(base_url)] = profile
        save_config(config_file, data)


@click.command()
@click.option(
    "--identity-url", metavar="URL", help="Identity provider (default: derived from the base URL)."
)
@click.option("--client-id", help="OAuth client id (EASYINK_CLIENT_ID, config file).")
@click.option(
    "--client-secret",
    help="OAuth client secret (EASYINK_CLIENT_SECRET, config file); a secret passed here is "
    "saved in the config file so that commands can refresh the token.",
)
@click.option("--redirect-uri", metavar="URL", help="Registered callback URL.")
@click.option("--user", "login_hint", metavar="NAME", help="login_hint (picks a sandbox user).")
@click.pass_obj
def login(  # noqa: PLR0917 - one parameter per click option
    settings: Settings,
    identity_url: str | None,
    client_id: str | None,
    client_secret: str | None,
    redirect_uri: str | None,
    login_hint: str | None,
) -> None:
    """Log in with OAuth (Authorization Code + PKCE) and save the tokens.

    Later commands renew an expired access token with the saved refresh token.
    """
    from ..auth import OAuthClient
    from ._auth import CALLBACKS, client_id_for, client_secret_for, identity_for, is_local

    if settings.base_url is None:
        raise CliError(
            "no base URL to log in to: pass --base-url (the embedded sandbox needs no login)"
        )
    identity = (
        settings.get("identity_url", "EASYINK_IDENTITY_URL", identity_url)
        or identity_for(settings.base_url)
    ).rstrip("/")
    local = is_local(identity)
    cid = client_id_for(settings, identity, client_id)
    secret = client_secret_for(settings, identity, client_secret)
    if not cid:
        raise CliError("no OAuth client id: pass --client-id or set EASYINK_CLIENT_ID")
    callback = (
        settings.get("redirect_uri", "EASYINK_REDIRECT_URI", redirect_uri)
        or CALLBACKS.get(identity)
        or "http://127.0.0.1/callback"
    )

    async def go() -> TokenSet:
        async with OAuthClient(
            client_id=cid, client_secret=secret, redirect_uri=callback, issuer=identity
        ) as oauth:
            request = oauth.authorization_request(login_hint=login_hint)
            if local:
                return await oauth.exchange_code(
                    request, callback_url=await _follow_authorize(request.url)
                )
            click.echo("Open this URL in a browser and sign in:\n")
            click.echo(f"  {request.url}\n")
            answer = click.prompt(
                "Paste the URL you were redirected to (or the code in it)", hide_input=True
            ).strip()
            if answer.startswith(("http://", "https://")):
                return await oauth.exchange_code(request, callback_url=answer)
            return await oauth.exchange_code(request, code=answer, state=request.state)

    with _wire_logs_redacted():
        tokens = run(go)
    profile = dict(settings.values)
    profile.update(
        token=tokens.access_token, identity_url=identity, client_id=cid, redirect_uri=callback
    )
    if client_secret:
        profile["client_secret"] = client_secret
    if tokens.refresh_token:
        profile["refresh_token"] = tokens.refresh_token
    else:
        profile.pop("refresh_token", None)
    run(_save_profile, settings.config_file, settings.base_url, profile)
    expiry = ""
    if tokens.expires_at is not None:
        expiry = f", expires in {max(0, int(tokens.expires_at - time.time())) // 60} min"
    out().print(
        f"Logged in to {markup(settings.base_url)}{expiry}; token saved to "
        f"{markup(settings.config_file, None)}"
    )
