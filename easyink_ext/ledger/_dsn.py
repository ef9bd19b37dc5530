"""What ``ledger=`` may be (a path, a ``postgresql://`` DSN, a Ledger) and DSN redaction."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .._redact import REDACTED, redact_url

__all__ = ["LedgerSpec", "is_dsn", "redact_dsn"]

LedgerSpec = str | os.PathLike[str]
"""A SQLite file path or a ``postgresql://`` / ``postgres://`` DSN."""

_SCHEMES = ("postgresql://", "postgres://")
_KEYWORD_PASSWORD = re.compile(r"(?i)\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)")


def is_dsn(spec: LedgerSpec) -> bool:
    """True for a PostgreSQL URL (a path is a SQLite file)."""
    return isinstance(spec, str) and spec.lower().startswith(_SCHEMES)


def redact_dsn(dsn: str) -> str:
    """``dsn`` with its credentials (URL userinfo, ``password`` parameters) replaced."""
    if is_dsn(dsn):
        try:
            return redact_url(dsn)
        except ValueError:
            return f"{dsn.split('://', 1)[0]}://{REDACTED}"
    return _KEYWORD_PASSWORD.sub(lambda m: m.group(1) + REDACTED, dsn)


def describe(spec: LedgerSpec) -> str:
    """A printable name for a ledger spec (passwords redacted)."""
    return redact_dsn(str(spec)) if is_dsn(spec) else str(Path(spec))
