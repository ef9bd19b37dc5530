"""Defaults that the command line shows in its help, importable without the client.

``easyink <command> --help`` imports this module, never httpx or the generated client; the
modules that use each value import it from here.
"""

from __future__ import annotations

__all__ = ["BACKENDS", "DEFAULT_LEASE"]

BACKENDS = ("httpx", "aiohttp")
"""What :class:`easyink_ext.EasyInk`'s default transport sends with (``backend=``)."""

DEFAULT_LEASE = 30.0
"""Seconds a batch claim lasts without a heartbeat (a heartbeat every ``min(1, lease / 4)`` s)."""
