"""The test matrix: the whole suite on every Python version the package claims (3.10-3.13).

``nox`` runs every session whose interpreter is on PATH; ``nox -s tests-3.10`` runs one. A session
whose interpreter is missing is skipped, except under ``CI=true``, where it fails: CI proves every
claimed version or does not pass. (The code generator behind ``scripts/regenerate.sh`` needs
Python 3.11+; the package it generates, and everything else, runs on 3.10.)
"""

from __future__ import annotations

import os

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = os.environ.get("CI") == "true"


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Install the package with its dev extra into a fresh venv and run pytest."""
    session.install("-e", ".[dev]")
    session.run("pytest", *session.posargs)
