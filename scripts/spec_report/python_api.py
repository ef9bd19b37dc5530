"""Breaking changes of the Python API (``easyink_client``, ``easyink_ext``), found by griffe.

Both versions are read statically (no import, no code run) from two folders; griffe's
``find_breaking_changes`` lists public objects removed, parameters removed, renamed, moved or
made required, incompatible return and attribute types, and so on. Every breakage is breaking.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import griffe

PACKAGES = ("easyink_client", "easyink_ext")


def _load(package: str, root: Path) -> Any:
    # A path, not a name: a name would resolve to an already imported module of that name.
    return griffe.load(
        root / package,
        search_paths=[root],
        allow_inspection=False,
        store_source=False,
        resolve_aliases=False,
    )


def _value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, griffe.Parameter):
        return value.name
    if isinstance(value, griffe.Object):
        return None
    return str(value)


def _describe(breakage: griffe.Breakage) -> str:
    text = f"`{breakage.obj.path}`: {breakage.kind.value}"
    old, new = _value(breakage.old_value), _value(breakage.new_value)
    if isinstance(breakage.old_value, griffe.Parameter) or isinstance(
        breakage.new_value, griffe.Parameter
    ):
        return f"{text} (`{old or new}`)"
    if old is not None or new is not None:
        return f"{text} ({old or '-'} -> {new or '-'})"
    return text


def breakages(old_root: Path, new_root: Path, packages: Iterable[str] = PACKAGES) -> list[str]:
    """One sorted line per breaking change of ``packages`` from ``old_root`` to ``new_root``."""
    logging.getLogger("griffe").setLevel(logging.ERROR)
    lines: set[str] = set()
    for package in packages:
        old_exists = (old_root / package).is_dir()
        new_exists = (new_root / package).is_dir()
        if old_exists and not new_exists:
            lines.add(f"`{package}`: package removed")
        if not (old_exists and new_exists):
            continue
        old, new = _load(package, old_root), _load(package, new_root)
        lines.update(_describe(b) for b in griffe.find_breaking_changes(old, new))
    return sorted(lines)
