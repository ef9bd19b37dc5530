"""Terminal-safe text: whatever came from a server, a file or a flag is shown, never obeyed.

Subjects, titles, names and error messages may hold rich markup (``[/]``, ``[link=...]``),
terminal escape sequences (ESC), other control characters or bidirectional overrides. Every
such value is printed through :func:`plain` (control and bidi characters removed, one line,
bounded length), then either as a :class:`rich.text.Text` (:func:`literal`, for table cells)
or escaped for markup (:func:`markup`, for ``console.print`` f-strings).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .._control import CONTROL, has_control

if TYPE_CHECKING:
    from rich.text import Text

__all__ = ["DEFAULT_LIMIT", "has_control", "literal", "markup", "plain"]

DEFAULT_LIMIT = 500
_SPACES = re.compile(r"[\t\n\r\v\f]+")


def plain(value: object, limit: int | None = DEFAULT_LIMIT) -> str:
    """``value`` as one line without control characters, at most ``limit`` characters."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    if limit is not None:
        text = text[: limit * 2]
    text = CONTROL.sub("", _SPACES.sub(" ", text))
    if limit is not None and len(text) > limit:
        text = text[:limit] + "..."
    return text


def markup(value: object, limit: int | None = DEFAULT_LIMIT) -> str:
    """:func:`plain`, escaped so that rich prints it literally inside markup."""
    from rich.markup import escape  # imported when first printed: not by `easyink --help`

    return escape(plain(value, limit))


def literal(value: object, limit: int | None = DEFAULT_LIMIT) -> Text:
    """:func:`plain` as a rich ``Text`` (never parsed as markup)."""
    from rich.text import Text

    return Text(plain(value, limit))
