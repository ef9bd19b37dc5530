"""httpx without its command line: ``httpx._main`` (click, rich, pygments) loads on first use.

``import httpx`` runs ``from ._main import main`` and so imports the whole ``httpx`` command
line whenever click and rich are installed (as they are with the ``cli`` extra): about as long
as the rest of httpx. :func:`defer`, called before httpx is first imported, makes that import
give a stand-in module instead. Its ``main`` imports the real module when called, and so does
reading any other attribute (``httpx._main.print_help``): ``httpx.main()`` and
``httpx._main`` behave as before, click and rich are only imported when they are used.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import import_module
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from importlib.abc import Loader

__all__ = ["defer"]

_NAME = "httpx._main"


def _real() -> ModuleType:
    """The real ``httpx._main`` (imported now if only the stand-in is there)."""
    if isinstance(sys.modules.get(_NAME), _StandIn):
        del sys.modules[_NAME]
    return import_module(_NAME)


def _main(*args: Any, **kwargs: Any) -> Any:
    """``httpx.main``: the httpx command line, imported now."""
    return _real().main(*args, **kwargs)


class _StandIn(ModuleType):
    """Takes the place of ``httpx._main`` until something other than ``main`` is read."""

    main = staticmethod(_main)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system probing (__path__...): not a use
            raise AttributeError(name)
        return getattr(_real(), name)


class _Finder:
    """Answers the first import of ``httpx._main`` with the stand-in, then steps aside.

    A meta path finder and its loader (``importlib.abc`` is not imported: it costs more than
    the rest of this module).
    """

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != _NAME:
            return None
        _remove()
        return ModuleSpec(fullname, cast("Loader", self))

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        return _StandIn(spec.name, __doc__)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the stand-in is complete."""


_FINDER = _Finder()


def _remove() -> None:
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)


def defer() -> None:
    """Install the stand-in's finder, unless httpx (or its command line) is already imported."""
    if "httpx" in sys.modules or _NAME in sys.modules or _FINDER in sys.meta_path:
        return
    sys.meta_path.insert(0, _FINDER)
