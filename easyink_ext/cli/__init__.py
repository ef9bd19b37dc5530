"""The ``easyink`` command line (needs the ``cli`` extra: click and rich).

Commands: ``demo``, ``send``, ``sessions list|show``, ``download``, ``void``, ``batch``,
``login``. See ``easyink --help``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]

_MISSING = "easyink: the command line needs the cli extra: pip install 'easyink[cli]'"


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``easyink`` console script."""
    try:
        from .app import cli
    except ImportError as exc:
        if exc.name in ("click", "rich") or (exc.name or "").startswith(("click.", "rich.")):
            print(_MISSING, file=sys.stderr)
            raise SystemExit(2) from None
        raise
    cli.main(args=list(argv) if argv is not None else None, prog_name="easyink")
