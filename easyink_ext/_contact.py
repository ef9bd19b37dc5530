"""The one e-mail rule and the one phone rule of easyink_ext.

Used by the request validation (``format: email``), the workflow's :class:`Signer` checks and
the CLI's signer parsing, so an address or number is judged the same way everywhere.

- **E-mail**: one ``@``, a dot in the domain, and none of the characters that delimit
  addresses in mail headers (``"Name <a@b.c>"``, lists, quoted parts); international characters
  are allowed.
- **Phone**: 10 digits; spaces, dots, dashes and parentheses are separators and are ignored.
"""

from __future__ import annotations

import re

__all__ = ["EMAIL", "EMAIL_ADDRESS", "is_phone", "normalize_phone"]

_EMAIL_PART = r'[^@\s<>()\[\],;:"\\]+'
EMAIL_ADDRESS = rf"{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}"
"""The e-mail rule as a pattern to embed (no anchors)."""
EMAIL = re.compile(rf"^{EMAIL_ADDRESS}$")
_PHONE_SEPARATORS = re.compile(r"[\s().\-]")
_PHONE = re.compile(r"\d{10}")


def normalize_phone(text: str) -> str:
    """``text`` without phone separators (spaces, dots, dashes, parentheses)."""
    return _PHONE_SEPARATORS.sub("", text)


def is_phone(normalized: str) -> bool:
    """True when a normalized number is a phone number (10 digits)."""
    return _PHONE.fullmatch(normalized) is not None
