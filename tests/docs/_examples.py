"""The examples of README.md and docs/: found by Sybil's Markdown parsers, run against a sandbox.

* ```` ```python ```` blocks run in order, in one namespace per page (so a page's blocks together
  must define every name they use), each as its own test.
* ```` ```bash ```` blocks whose commands all run ``easyink`` (``easyink ...`` or
  ``NAME=$(easyink ...)``) or ``pytest`` run as one script under ``set -euo pipefail``;
  ``pip install ... &&`` prefixes are dropped (the test environment has the extras). Blocks
  with other commands (installation, ``export``, the generator) are shown, not run.
* ```` ```LANG title="NAME" ```` blocks (a manifest, a test module) are written to the file
  NAME in the page's folder when they are reached, so the file a page's commands use is the
  one it shows.
* ``<!-- skip: next "reason" -->`` skips the next block, with the reason in the test report.
* ``$LEDGER_DSN`` in a page's commands is the test session's PostgreSQL server.

Each page runs in its own temporary folder (its working directory, holding the PDFs the pages
name) with ``EASYINK_BASE_URL`` and ``EASYINK_TOKEN`` naming a sandbox served on 127.0.0.1 for
that page: the variables the examples (and the ``easyink`` command) read.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from sybil import Document, Example, Region
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

ROOT = Path(__file__).resolve().parents[2]

# README and every page of the site (the included CHANGELOG and BENCHMARKS hold no examples).
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

# Python blocks a page may skip in all (each with its reason): the ones that cannot run here.
MAX_SKIPPED = 3

_BASH = RawFencedCodeBlockLexer(
    info_pattern=re.compile(r"bash$\n", re.MULTILINE), mapping={"source": "source"}
)
_FILE = RawFencedCodeBlockLexer(
    info_pattern=re.compile(r'\w+ title="(?P<title>[^"/]+)"$\n', re.MULTILINE),
    mapping={"title": "title", "source": "source"},
)


def shell_commands(source: str) -> list[str]:
    """The commands of a shell block: continuation lines joined, comments and blanks dropped."""
    joined = re.sub(r"\\\n\s*", " ", source)
    commands = []
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        if words:
            commands.append(line.strip())
    return commands


_ASSIGNED = re.compile(r"^\w+=\$\(easyink\s")


def runnable_command(command: str) -> str | None:
    """The command without its ``pip install ... &&`` prefix if it runs ``easyink`` (also as
    ``NAME=$(easyink ...)``) or ``pytest``, else None."""
    parts = [part.strip() for part in command.split("&&")]
    rest = " && ".join(part for part in parts if not part.startswith("pip install "))
    if rest.startswith(("easyink ", "pytest ")) or _ASSIGNED.match(rest):
        return rest
    return None


def _only_installs(command: str) -> bool:
    return all(part.strip().startswith("pip install ") for part in command.split("&&"))


class ShellParser:
    """```bash blocks made only of ``easyink`` and ``pytest`` commands (installs allowed)."""

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in _BASH(document):
            commands = [
                command
                for command in shell_commands(str(region.lexemes["source"]))
                if not _only_installs(command)
            ]
            runnable = [runnable_command(command) for command in commands]
            if not commands or None in runnable:
                continue  # shown, not run: installation, export, the generator...
            region.parsed = runnable
            region.evaluator = _run_shell
            yield region


class FileParser:
    """```LANG title="NAME" blocks: written to NAME when reached."""

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in _FILE(document):
            region.parsed = (region.lexemes["title"], str(region.lexemes["source"]))
            region.evaluator = _write_file
            yield region


def _write_file(example: Example) -> None:
    name, text = example.parsed
    Path(name).write_text(text, encoding="utf-8")


# a shell block's limit (a hang is a bug; the demo takes a few seconds)
_COMMAND_TIMEOUT = 300.0


def _run_shell(example: Example) -> None:
    """Run the block's commands as one script in the current folder and environment; fail on
    the first non-zero exit."""
    env = dict(os.environ)
    # the ``easyink`` script installed beside this interpreter
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    script = "\n".join(["set -euo pipefail", *example.parsed])
    done = subprocess.run(
        ["bash", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=_COMMAND_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"{script}\nexit {done.returncode}\n{done.stdout}\n{done.stderr}")


def parse(path: Path) -> Document:
    """The examples of the Markdown file ``path``, in page order."""
    return Document.parse(
        str(path), PythonCodeBlockParser(), SkipParser(), ShellParser(), FileParser()
    )


def kind(example: Example) -> str:
    """``python``, ``shell``, ``file`` or ``skip``."""
    evaluator = example.region.evaluator
    if isinstance(example.parsed, list):
        return "shell"
    if evaluator is _write_file:
        return "file"
    if type(evaluator).__name__ == "Skipper":
        return "skip"
    return "python"
