"""Control characters: refused in what the SDK sends, removed from what the CLI prints.

C0 and C1 controls (NUL, ESC, BEL, CR...) and the invisible bidirectional overrides can
rewrite a terminal line or hide text; no subject, name or title needs them.
"""

from __future__ import annotations

import re

__all__ = ["CONTROL", "has_control"]

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def has_control(value: str) -> bool:
    """True when ``value`` holds a control or bidirectional-override character."""
    return CONTROL.search(value) is not None
