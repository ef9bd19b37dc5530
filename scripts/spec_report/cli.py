"""Command line ``python -m spec_report report|check-release [REF]``, run by regenerate.sh.

``report [REF]`` prints a Markdown report comparing the working tree's ``openapi/easyink.yaml``,
``easyink_client/`` and ``easyink_ext/`` with git REF (default ``HEAD``); exit 0 when nothing is
breaking, 3 when something is, 2 for a usage error (unknown REF, not a git repository).

``check-release [REF]`` exits 1 when the changes since REF are breaking and the release rule
(:mod:`spec_report.release`) does not hold, else 0 (2 for a usage error).

The report depends only on the two versions compared: no dates, no absolute paths.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import operations, python_api, release

SPEC = "openapi/easyink.yaml"
EXIT_OK, EXIT_RULE_BROKEN, EXIT_USAGE, EXIT_BREAKING = 0, 1, 2, 3


class UsageError(Exception):
    """Bad arguments or environment: exit 2."""


@dataclass(frozen=True)
class Report:
    """Everything that changed between REF and the working tree."""

    ref: str
    commit: str
    operations: list[operations.Change]
    python_api: list[str]

    @property
    def breaking(self) -> bool:
        return bool(self.python_api) or any(c.breaking for c in self.operations)

    @property
    def exit_code(self) -> int:
        return EXIT_BREAKING if self.breaking else EXIT_OK


def _git(repo: Path, *args: str) -> bytes:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise UsageError(f"git {' '.join(args)}: {message}")
    return result.stdout


def _resolve_ref(repo: Path, ref: str) -> str:
    if ref.startswith("-"):
        raise UsageError(f"not a git revision: {ref}")
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except UsageError:
        raise UsageError(f"unknown git revision {ref!r}") from None


def _file_at(repo: Path, commit: str, path: str) -> str | None:
    names = _git(repo, "ls-tree", "--name-only", commit, "--", path).decode().split()
    if path not in names:
        return None
    return _git(repo, "show", f"{commit}:./{path}").decode("utf-8")  # relative to repo


def _extract(repo: Path, commit: str, paths: Sequence[str], destination: Path) -> None:
    present = [p for p in paths if _git(repo, "ls-tree", "--name-only", commit, "--", p).strip()]
    if not present:
        return
    archive = _git(repo, "archive", "--format=tar", commit, "--", *present)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+
            tar.extractall(destination, filter="data")
        else:  # pragma: no cover - older patch releases; the archive is our own commit
            tar.extractall(destination)


def _spec(text: str | None) -> dict[str, Any]:
    document = yaml.safe_load(text) if text else None
    return document if isinstance(document, dict) else {}


def build_report(repo: Path, ref: str) -> Report:
    """Compare the working tree of ``repo`` with ``ref``."""
    commit = _resolve_ref(repo, ref)
    old_spec = _spec(_file_at(repo, commit, SPEC))
    new_path = repo / SPEC
    new_spec = _spec(new_path.read_text(encoding="utf-8") if new_path.is_file() else None)
    with tempfile.TemporaryDirectory(prefix="spec-report-") as folder:
        old_root = Path(folder)
        _extract(repo, commit, python_api.PACKAGES, old_root)
        api = python_api.breakages(old_root, repo)
    return Report(ref, commit, operations.compare(old_spec, new_spec), api)


def render(report: Report) -> str:
    """The Markdown report."""
    found = sorted(report.operations)
    breaking = [c for c in found if c.breaking]
    other = [c for c in found if not c.breaking]
    lines = [
        "# API change report",
        "",
        f"Working tree compared with `{report.ref}` (`{report.commit[:12]}`).",
        "",
    ]
    if report.breaking:
        count = len(breaking) + len(report.python_api)
        lines.append(f"**Breaking: {count} breaking change(s)** for Python callers of the SDK.")
    else:
        lines.append("**Not breaking**: existing Python callers of the SDK keep working.")
    lines += ["", "## Operations (openapi/easyink.yaml)", ""]
    if not report.operations:
        lines.append("No operation changed.")
    for title, changes in (("Breaking", breaking), ("Not breaking", other)):
        if changes:
            lines += [f"### {title}", ""]
            lines += [f"- `{c.operation}`: {c.text}" for c in changes]
            lines.append("")
    if lines[-1]:
        lines.append("")
    lines += ["## Python API (griffe: easyink_client, easyink_ext)", ""]
    if report.python_api:
        lines += [f"- {line}" for line in sorted(report.python_api)]
    else:
        lines.append("No breaking change found.")
    if report.breaking:
        lines += [
            "",
            "## What to do",
            "",
            "Release this as a breaking version: raise the minor version in pyproject.toml while "
            "below 1.0 (the major version from 1.0 on) and describe the changes above in a new "
            "CHANGELOG.md section; `scripts/regenerate.sh --check "
            f"{report.ref}` accepts the change only then.",
        ]
    return "\n".join(lines).rstrip() + "\n"


def check_release(repo: Path, ref: str) -> list[str]:
    """Why the working tree's breaking changes since ``ref`` cannot be accepted (may be empty)."""
    report = build_report(repo, ref)
    if not report.breaking:
        return []
    old = _file_at(repo, report.commit, "pyproject.toml") or ""
    new = (repo / "pyproject.toml").read_text(encoding="utf-8")
    changelog_path = repo / "CHANGELOG.md"
    changelog = changelog_path.read_text(encoding="utf-8") if changelog_path.is_file() else None
    return release.release_problems(old, new, changelog)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spec_report", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="repository root")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("report", "check-release"):
        command = commands.add_parser(name)
        command.add_argument("ref", nargs="?", default="HEAD", help="git revision (HEAD)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; its exit status."""
    args = _parser().parse_args(argv)
    repo = args.repo.resolve()
    try:
        if args.command == "report":
            report = build_report(repo, args.ref)
            sys.stdout.write(render(report))
            return report.exit_code
        problems = check_release(repo, args.ref)
    except UsageError as exc:
        print(f"spec_report: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for problem in problems:
        print(f"regenerate: {problem}", file=sys.stderr)
    return EXIT_RULE_BROKEN if problems else EXIT_OK
