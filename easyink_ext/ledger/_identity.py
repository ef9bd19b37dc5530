"""Row identity: the key of a batch row, and the digest of its content.

A row is known to the ledger by its key: the manifest's ``key`` column when given, else a digest
of the row's content, so inserting, removing or reordering rows never changes another row's
key. The ledger stores each row's content digest too: a known key whose content changed is
refused (see :mod:`easyink_ext.batch`).

The content digest covers every column (names lower-cased; values in Unicode NFC with
surrounding and repeated whitespace removed; e-mail columns case-folded; empty values left
out, so adding an empty optional column changes nothing) and the SHA-256 of each file's bytes.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["content_digest", "file_digest", "item_digest", "key_from_digest", "normalise"]

_CHUNK = 1 << 20


def normalise(name: str, value: str) -> str:
    """One column value as it enters the digest."""
    text = " ".join(unicodedata.normalize("NFC", value).split())
    return text.casefold() if "email" in name else text


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks (hex)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def content_digest(columns: Mapping[str, str], file_digests: Iterable[str] = ()) -> str:
    """Digest of a row: its normalised columns (``key`` excluded) and its files' digests."""
    fields = {}
    for name, value in columns.items():
        column = name.strip().lower()
        text = normalise(column, value or "")
        if column != "key" and text:
            fields[column] = text
    payload = json.dumps(
        {"columns": fields, "files": list(file_digests)}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def item_digest(item: Any) -> str:
    """Digest of any JSON-like item (``repr`` for what JSON cannot encode)."""
    payload = json.dumps(item, sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def key_from_digest(digest: str) -> str:
    """The key of a row without a ``key`` column."""
    return f"content:{digest[:32]}"
