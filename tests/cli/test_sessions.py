"""``easyink sessions``: status filters that match what the list shows, full ids at any width."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from easyink_client.models.search_status import SearchStatus
from easyink_client.models.session_status import SessionStatus
from easyink_ext.cli.sessions import STATUSES, search_filter

from .conftest import Cli, Server

_SESSION = re.compile(r"Started session ([0-9a-f-]{36})")


def test_every_status_shown_or_searched_is_a_choice() -> None:
    assert set(STATUSES) == {s.value for s in SearchStatus} | {s.value for s in SessionStatus}


@pytest.mark.parametrize(
    ("asked", "searched", "kept"),
    [
        ((), None, None),
        (("InProgress",), ["InProgress"], None),
        (("Pending",), ["InProgress"], {"Pending"}),
        (("Pending", "InProgress"), ["InProgress"], None),
        (("Pending", "Finished"), ["InProgress", "Finished"], {"Pending", "Finished"}),
    ],
)
def test_search_filter(
    asked: tuple[str, ...], searched: list[str] | None, kept: set[str] | None
) -> None:
    assert search_filter(asked) == (searched, kept)


def test_pending_cannot_be_narrowed_together_with_a_personal_status() -> None:
    with pytest.raises(click.UsageError, match="use --status InProgress"):
        search_filter(("Pending", "NeedToSign"))


def test_the_help_says_in_progress_includes_pending(run: Cli) -> None:
    result = run("sessions", "list", "--help")
    assert "InProgress includes Pending" in " ".join(result.stdout.split())


def _send(run: Cli, server: Server, pdf: Path, subject: str, signers: int = 2) -> str:
    people = [f"Signer{n} Lee <s{n}@example.com>" for n in range(signers)]
    flags = [arg for person in people for arg in ("--signer", person)]
    result = run(*server.flags, "send", str(pdf), "--subject", subject, *flags)
    assert result.exit_code == 0, result.output
    found = _SESSION.search(result.stdout)
    assert found is not None
    return found.group(1)


@pytest.mark.integration
def test_the_status_the_list_shows_can_be_filtered_by(
    run: Cli, server: Server, pdf_file: Path
) -> None:
    pending = _send(run, server, pdf_file, "Pending one")
    started = _send(run, server, pdf_file, "Started one")
    server.sandbox.store.sessions[started].status = "InProgress"
    listed = run(*server.flags, "sessions", "list")
    assert "Pending" in listed.stdout and "InProgress" in listed.stdout

    only_pending = run(*server.flags, "sessions", "list", "--status", "Pending")
    assert only_pending.exit_code == 0, only_pending.output
    assert pending in only_pending.stdout and started not in only_pending.stdout

    both = run(*server.flags, "sessions", "list", "--status", "InProgress")
    assert pending in both.stdout and started in both.stdout


def _id_column(output: str) -> str:
    """The first cell of every table row, joined: a folded id reads whole again."""
    cells = [line.split("│")[1].strip() for line in output.splitlines() if line.count("│") > 2]
    return "".join(cells)


@pytest.mark.integration
@pytest.mark.parametrize("columns", ["40", "60", "80", "200"])
def test_show_prints_whole_ids_at_any_width(
    run: Cli, server: Server, pdf_file: Path, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    session_id = _send(run, server, pdf_file, "Widths", signers=3)
    session = server.sandbox.store.sessions[session_id]
    monkeypatch.setenv("COLUMNS", columns)
    result = run(*server.flags, "sessions", "show", session_id)
    assert result.exit_code == 0, result.output
    assert "…" not in _id_column(result.stdout)
    ids = [*session.participants, *session.documents]
    assert ids
    for some_id in ids:
        assert str(some_id) in _id_column(result.stdout)
    if int(columns) >= 80:  # room enough: each id on one line, ready to copy
        for some_id in ids:
            assert str(some_id) in result.stdout
