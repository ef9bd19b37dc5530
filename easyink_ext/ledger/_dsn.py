"""What ``ledger=`` may be, which kind of ledger it names, and DSN redaction.

* PostgreSQL: a ``postgresql://`` or ``postgres://`` URL, or a libpq keyword/value string
  (``host=db port=5432 dbname=batch user=ops``: every word a ``keyword=value`` pair whose
  keyword libpq knows).
* SQLite: ``sqlite:///PATH`` (as SQLAlchemy writes it: ``sqlite:///batch.db`` is relative,
  ``sqlite:////var/batch.db`` absolute) or any other text: a file path.

A password in a DSN (URL userinfo, a ``password`` keyword or parameter) is never printed:
:func:`describe` and :func:`redact_dsn` replace it, and :func:`scrub` removes its value from
any text (a driver's error message, for one).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .._redact import REDACTED, redact_url

__all__ = ["LedgerSpec", "describe", "dsn_password", "is_dsn", "redact_dsn", "scrub", "sqlite_path"]

LedgerSpec = str | os.PathLike[str]
"""A SQLite file path (or ``sqlite:///`` URL) or a PostgreSQL DSN (URL or keyword/value)."""

_SCHEMES = ("postgresql://", "postgres://")
_SQLITE = "sqlite:///"
_KEYWORDS = frozenset(
    {
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding",
        "connect_timeout", "client_encoding", "options", "application_name",
        "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
        "keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "sslmode",
        "requiressl", "sslcompression", "sslcert", "sslkey", "sslpassword", "sslcertmode",
        "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer", "ssl_min_protocol_version",
        "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation", "service",
        "target_session_attrs", "load_balance_hosts", "require_auth", "sslnegotiation",
    }
)  # fmt: skip
_VALUE = r"(?:'(?:[^'\\]|\\.)*'|[^\s']+)"
_PAIR = re.compile(rf"\s*([A-Za-z_]+)\s*=\s*({_VALUE})\s*")
_KEYWORD_PASSWORD = re.compile(rf"(?i)\b((?:ssl)?password\s*=\s*){_VALUE}")


def _pairs(text: str) -> dict[str, str] | None:
    """The ``keyword=value`` pairs of a libpq keyword/value string (None: it is not one)."""
    pairs: dict[str, str] = {}
    position = 0
    while position < len(text):
        match = _PAIR.match(text, position)
        if match is None or match.group(1).lower() not in _KEYWORDS:
            return None
        value = match.group(2)
        if value.startswith("'"):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        pairs[match.group(1).lower()] = value
        position = match.end()
    return pairs or None


def is_dsn(spec: LedgerSpec) -> bool:
    """True for a PostgreSQL DSN (URL or keyword/value); anything else is a SQLite file."""
    if not isinstance(spec, str):
        return False
    return spec.lower().startswith(_SCHEMES) or _pairs(spec) is not None


def sqlite_path(spec: LedgerSpec) -> Path:
    """The file a SQLite ledger spec names (``sqlite:///PATH`` or a plain path)."""
    text = os.fspath(spec)
    if text.lower().startswith(_SQLITE):
        text = text[len(_SQLITE) :]
        if not text:
            raise ValueError("a sqlite:/// ledger needs a file path after 'sqlite:///'")
    return Path(text)


def dsn_password(dsn: str) -> str | None:
    """The password a DSN holds, if any."""
    if dsn.lower().startswith(_SCHEMES):
        try:
            parts = urlsplit(dsn)
        except ValueError:
            return None
        found = parts.password
        query = re.search(r"(?:^|&)password=([^&]*)", parts.query)
        if query:
            found = query.group(1)
        return unquote(found) if found else None
    pairs = _pairs(dsn)
    return pairs.get("password") if pairs else None


def scrub(text: str, dsn: str) -> str:
    """``text`` without the DSN's password (and the DSN itself redacted where it appears)."""
    password = dsn_password(dsn)
    text = text.replace(dsn, redact_dsn(dsn))
    if password:
        text = text.replace(password, REDACTED)
    return text


def redact_dsn(dsn: str) -> str:
    """``dsn`` with its credentials (URL userinfo, ``password`` parameters) replaced."""
    if dsn.lower().startswith(_SCHEMES):
        try:
            redacted = redact_url(dsn)
        except ValueError:
            return f"{dsn.split('://', 1)[0]}://{REDACTED}"
        return re.sub(r"(?i)([?&]password=)[^&]*", rf"\g<1>{REDACTED}", redacted)
    return _KEYWORD_PASSWORD.sub(lambda m: m.group(1) + REDACTED, dsn)


def describe(spec: LedgerSpec) -> str:
    """A printable name for a ledger spec (passwords redacted)."""
    return redact_dsn(str(spec)) if is_dsn(spec) else str(sqlite_path(spec))
