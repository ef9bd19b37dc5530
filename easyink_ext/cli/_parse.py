"""Parsing of command-line values: signers (``"Jane Doe <jane@example.com>"``) and fields."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from .._contact import EMAIL_ADDRESS, normalize_phone
from .._control import has_control
from ..workflow import FieldSpec, Signer

__all__ = ["check_text", "parse_field", "parse_signer"]

_ANGLE = re.compile(r"^\s*(?P<name>[^<>]+?)\s*<\s*(?P<contact>[^<>]+?)\s*>\s*$")
_BARE = re.compile(rf"^\s*(?:<\s*(?P<angled>{EMAIL_ADDRESS})\s*>|(?P<plain>{EMAIL_ADDRESS}))\s*$")


def _contact(name: str, contact: str) -> Signer:
    if "@" in contact:
        return Signer(name=name, email=contact)
    digits = normalize_phone(contact)
    if digits.isdigit():
        return Signer(name=name, phone=digits)
    raise ValueError(
        f"signer {name!r}: {contact!r} is neither an e-mail address nor a phone number"
    )


def check_text(what: str, text: str) -> str:
    """``text``, refused when it holds control characters (NUL, ESC, ...)."""
    if has_control(text):
        raise ValueError(f"{what} {text!r}: control characters (NUL, ESC, ...) are not allowed")
    return text


def parse_signer(text: str) -> Signer:
    """``"Name <email>"``, ``"Name <phone>"`` or a bare e-mail address (``<>`` optional)."""
    check_text("signer", text)
    match = _ANGLE.match(text)
    if match is not None:
        return _contact(match.group("name"), match.group("contact"))
    bare = _BARE.match(text)
    if bare is not None:
        address = bare.group("angled") or bare.group("plain")
        return Signer(name=address.split("@", 1)[0], email=address)
    raise ValueError(f'signer {text!r}: expected "Name <email>" or "Name <phone>"')


def parse_field(text: str, position: int, signers: Sequence[Signer]) -> FieldSpec:
    """``PAGE:X:Y[:SIGNER[:DOCUMENT]]``; SIGNER is 1-based or an e-mail, DOCUMENT 1-based.

    Without SIGNER the ``position``-th field (0-based) goes to signer ``position`` (cycling).
    """
    parts = text.split(":")
    if not 3 <= len(parts) <= 5:
        raise ValueError(f"field {text!r}: expected PAGE:X:Y[:SIGNER[:DOCUMENT]]")
    try:
        page, x, y = int(parts[0]), float(parts[1]), float(parts[2])
    except ValueError:
        raise ValueError(f"field {text!r}: PAGE must be an integer, X and Y numbers") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(f"field {text!r}: X and Y must be finite numbers")
    signer: int | str = position % max(1, len(signers))
    if len(parts) >= 4 and parts[3]:
        if parts[3].isdigit() and int(parts[3]) < 1:
            raise ValueError(f"field {text!r}: SIGNER numbers start at 1")
        signer = int(parts[3]) - 1 if parts[3].isdigit() else check_text("field", parts[3])
    document = 0
    if len(parts) == 5:
        if not parts[4].isdigit() or int(parts[4]) < 1:
            raise ValueError(f"field {text!r}: DOCUMENT must be a number from 1")
        document = int(parts[4]) - 1
    return FieldSpec(page=page, x=x, y=y, signer=signer, document=document)
