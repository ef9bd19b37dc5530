"""Running scripts/regenerate.sh from the tests, in this repository or in a copy of it.

The tests reuse the cached pinned tool environment (``.cache/regen-venv-*``) and never download:
pip runs with ``PIP_NO_INDEX``, and a missing environment (or no Python 3.11+ on PATH) skips the
test locally. Under ``CI=true`` it fails instead: CI builds the environment beforehand by running
``scripts/regenerate.sh --check``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = "scripts/regenerate.sh"
# The regenerate.sh invocations the suite runs (the CI workflow may call only these).
CHECK = "--check"
REPORT = "--report"
SUITE_COMMANDS = frozenset({(SCRIPT, CHECK), (SCRIPT, REPORT), ("pytest",)})
_SCRIPT_TIMEOUT = 600
_NOT_CACHED = "regenerate: creating "
_GIT_IDENTITY = ("-c", "user.name=EasyInk tests", "-c", "user.email=tests@example.com")


def _skip(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must build it first: scripts/regenerate.sh --check)")
    pytest.skip(reason)


def regen_python() -> str | None:
    """A Python 3.11+ that can create virtual environments, as regenerate.sh looks for it."""
    candidates = [os.environ["REGEN_PYTHON"]] if os.environ.get("REGEN_PYTHON") else []
    candidates += ["python3", "python3.13", "python3.12", "python3.11"]
    probe = "import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))"
    for candidate in candidates:
        if shutil.which(candidate) is None:
            continue
        result = subprocess.run([candidate, "-c", probe], capture_output=True, check=False)
        if result.returncode == 0:
            return candidate
    return None


def run_script(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``<repo>/scripts/regenerate.sh ARGS`` and capture its output.

    The report runs with this interpreter (``REPORT_PYTHON``), which has the dev extra.
    """
    python = regen_python()
    if python is None:
        _skip("regenerate.sh needs a Python 3.11+ with venv and ensurepip; none on PATH")
    env = {
        **os.environ,
        "REGEN_PYTHON": str(python),
        "REPORT_PYTHON": sys.executable,
        "PIP_NO_INDEX": "1",
    }
    result = subprocess.run(
        ["bash", str(repo / SCRIPT), *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=_SCRIPT_TIMEOUT,
        check=False,
    )
    if result.returncode == 2 and _NOT_CACHED in result.stderr:
        _skip(
            "the pinned generator environment is not cached and tests do not download it: "
            "run scripts/regenerate.sh once"
        )
    return result


def share_tool_cache(destination: Path) -> None:
    """Let a copy use the cached tool environment instead of installing it a second time."""
    (REPO / ".cache").mkdir(exist_ok=True)
    (destination / ".cache").symlink_to(REPO / ".cache", target_is_directory=True)


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` (fixed identity, no signing); its stdout."""
    result = subprocess.run(
        ["git", *_GIT_IDENTITY, "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def git_copy(destination: Path) -> Path:
    """The working tree's files (tracked and new, not ignored) as a fresh one-commit repository."""
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    destination.mkdir(parents=True, exist_ok=True)
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = REPO / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(destination, "init", "--quiet", "--initial-branch=main")
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "-m", "base")
    share_tool_cache(destination)
    return destination
