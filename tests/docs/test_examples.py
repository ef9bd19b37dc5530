"""Every example of README.md and docs/ runs: one test per Python block and per shell block.

See ``tests/docs/_examples.py`` for what is run and how; the ids name the page and the line.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from unittest import SkipTest

import attrs
import pytest
from sybil import Example
from sybil.example import NotEvaluated

from ._examples import MAX_SKIPPED, PAGES, ROOT, kind, parse
from .conftest import Page


@attrs.frozen
class Case:
    """One example to run, after the skip and file blocks that come before it."""

    page: Path
    example: Example
    before: tuple[Example, ...]

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.example.line}-{kind(self.example)}"


def _cases() -> list[Case]:
    cases = []
    for page in PAGES:
        pending: list[Example] = []
        for example in parse(page).examples():
            if kind(example) in ("skip", "file"):
                pending.append(example)
                continue
            cases.append(Case(page, example, tuple(pending)))
            pending = []
        assert not pending, f"{page}: a skip or file block ends the page"
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_example(case: Case, page_of: Callable[[str], Page]) -> None:
    page_of(str(case.page))
    try:
        for example in (*case.before, case.example):
            example.evaluate()
    except SkipTest as skipped:
        pytest.skip(str(skipped))
    except NotEvaluated:
        pytest.fail("a skip directive without a reason")


def _skipped() -> list[tuple[str, str]]:
    found = []
    for case in CASES:
        for example in case.before:
            if kind(example) == "skip":
                action, reason = example.parsed
                found.append((case.id, f"{action} {reason}"))
    return found


def test_skipped_examples_are_few_and_say_why() -> None:
    skipped = _skipped()
    assert len(skipped) <= MAX_SKIPPED, skipped
    for where, directive in skipped:
        assert directive.startswith('next "'), f"{where}: skip one block, with a reason"


def test_there_are_examples_of_each_kind() -> None:
    kinds = [kind(case.example) for case in CASES]
    assert kinds.count("python") >= 20
    assert kinds.count("shell") >= 3


def _python_blocks(page: Path) -> list[str]:
    return [str(ex.parsed) for ex in parse(page).examples() if kind(ex) == "python"]


PYTHON_PAGES = [page for page in PAGES if _python_blocks(page)]


@pytest.mark.parametrize("page", PYTHON_PAGES, ids=[str(p.relative_to(ROOT)) for p in PYTHON_PAGES])
def test_a_page_defines_every_name_its_examples_use(page: Path) -> None:
    """Also the blocks that do not run (skipped, or functions never called): ruff's F821."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--isolated",
            "--select",
            "F821",
            "--stdin-filename",
            f"{page.stem}.py",
            "-",
        ],
        input="\n".join(_python_blocks(page)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
