"""Which server a ledger speaks of: the API base URL and account its rows were sent to.

A ledger records, on first use, the base URL and the account (the access token's ``sub`` when
the token is a JWT; empty otherwise). Its rows say "started" of sessions on that server only:
the same ledger used against another server or account would report rows started that the
other server never saw, and send nothing. :func:`bind_ledger` refuses such a run
(:class:`LedgerBindingError`) before anything is sent.
"""

from __future__ import annotations

import base64
import binascii
import json
from urllib.parse import urlsplit, urlunsplit

from ._protocol import Ledger, LedgerError

__all__ = ["LedgerBindingError", "account_of", "bind_ledger", "server_of"]


class LedgerBindingError(LedgerError):
    """The ledger was used with another base URL or account than this run's."""


def server_of(base_url: str) -> str:
    """``base_url`` in one spelling: scheme and host lower-cased, no trailing slash."""
    parts = urlsplit(base_url.strip())
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


def account_of(token: str | None) -> str:
    """The subject (``sub``) of a JWT access token; ``""`` for another kind of token."""
    if not token or token.count(".") != 2:
        return ""
    payload = token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError):
        return ""
    sub = claims.get("sub") if isinstance(claims, dict) else None
    return sub if isinstance(sub, str) else ""


async def bind_ledger(ledger: Ledger, base_url: str, account: str, *, name: str) -> None:
    """Record the server of an unbound ledger; :class:`LedgerBindingError` when ``ledger``
    (printed as ``name``) was used with another one. Ledgers without ``bind`` are not bound."""
    bind = getattr(ledger, "bind", None)
    if bind is None:
        return
    wanted = {"base_url": server_of(base_url), "account": account}
    found = await bind(wanted)
    recorded = {key: found.get(key, "") for key in wanted}
    if recorded != wanted:
        raise LedgerBindingError(
            f"ledger {name} records rows sent to {_where(recorded)}; this run is against "
            f"{_where(wanted)}: refused, nothing sent (use another --ledger for this server)"
        )


def _where(values: dict[str, str]) -> str:
    account = f" as {values['account']!r}" if values["account"] else ""
    return f"{values['base_url']}{account}"
