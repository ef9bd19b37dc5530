"""The release rule for breaking changes: a version bump in pyproject.toml and a CHANGELOG entry.

A breaking change (see :mod:`spec_report.operations` and :mod:`spec_report.python_api`) is
accepted only when ``[project] version`` grew by at least a minor version while below 1.0
(``0.1.0`` -> ``0.2.0``), or a major version from 1.0 on, and ``CHANGELOG.md`` has a section for
the new version (``## [0.2.0] - 2026-12-01`` in Keep a Changelog style).
"""

from __future__ import annotations

import re

_TABLE = re.compile(r"^\[([^\]]+)\]\s*$")
_VERSION = re.compile(r'^version\s*=\s*"([^"]+)"')
_NUMBERS = re.compile(r"^(\d+)\.(\d+)\.(\d+)")


def project_version(pyproject: str) -> str | None:
    """``[project] version`` of a pyproject.toml text (None when absent)."""
    table = None
    for line in pyproject.splitlines():
        header = _TABLE.match(line)
        if header:
            table = header.group(1).strip()
            continue
        version = _VERSION.match(line)
        if table == "project" and version:
            return version.group(1)
    return None


def _numbers(version: str) -> tuple[int, int, int] | None:
    match = _NUMBERS.match(version)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def is_breaking_bump(old: str, new: str) -> bool:
    """True when ``new`` may carry breaking changes after ``old`` (0.x: minor, else major)."""
    before, after = _numbers(old), _numbers(new)
    if before is None or after is None:
        return False
    if before[0] == 0:
        return after[:2] > before[:2]
    return after[0] > before[0]


def has_changelog_entry(changelog: str, version: str) -> bool:
    """True when ``changelog`` has a ``## [version]`` section."""
    return re.search(rf"^## \[{re.escape(version)}\]", changelog, re.M) is not None


def release_problems(old_pyproject: str, new_pyproject: str, changelog: str | None) -> list[str]:
    """Why a breaking change cannot be accepted as is (empty when the release rule holds)."""
    old, new = project_version(old_pyproject), project_version(new_pyproject)
    if new is None:
        return ["pyproject.toml has no [project] version"]
    problems: list[str] = []
    if old is not None and not is_breaking_bump(old, new):
        level = "minor" if old.startswith("0.") else "major"
        problems.append(
            f"breaking changes need a {level} version bump in pyproject.toml (it is {new}, "
            f"was {old})"
        )
    if changelog is None or not has_changelog_entry(changelog, new):
        problems.append(f"CHANGELOG.md needs a '## [{new}]' section describing the changes")
    return problems
