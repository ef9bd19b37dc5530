"""``easyink sessions list`` and ``easyink sessions show``."""

from __future__ import annotations

from datetime import timezone
from typing import TYPE_CHECKING
from uuid import UUID

import click

from ._config import Settings
from ._runtime import connect, out, run
from ._text import literal, markup

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from easyink_client.models.signing_session_item import SigningSessionItem
    from easyink_client.models.signing_view import SigningView

__all__ = ["STATUSES", "sessions"]

# What `--status` accepts: every status a session shows (`Pending`...) and every status the
# search understands (`NeedToSign`, `NeedsAction`); the test suite keeps it equal to the union
# of the generated SessionStatus and SearchStatus.
STATUSES = (
    "Draft",
    "ReadyToStart",
    "Pending",
    "InProgress",
    "NeedToSign",
    "NeedsAction",
    "Finished",
    "Declined",
    "Voided",
    "Expired",
)
_ID_LENGTH = 36  # a UUID's text
# Session statuses the search has no filter for, and the search status that includes them.
_SEARCHED_AS = {"Pending": "InProgress"}
# Search statuses that depend on the user, not on the session's own status.
_PERSONAL = ("NeedToSign", "NeedsAction")
_STATUS_HELP = (
    "Only sessions in this status (repeat for several). InProgress includes Pending sessions "
    "(sent, nobody has signed yet); Pending shows those alone. NeedToSign and NeedsAction: "
    "sessions waiting for you."
)


def _text(value: object) -> Text:
    return literal(value if isinstance(value, str) else "")


def search_filter(statuses: tuple[str, ...]) -> tuple[list[str] | None, set[str] | None]:
    """The statuses to search for, and the session statuses to keep (None: every one found)."""
    if not statuses:
        return None, None
    searched = list(dict.fromkeys(_SEARCHED_AS.get(s, s) for s in statuses))
    narrowed = [s for s in statuses if s in _SEARCHED_AS]
    if not narrowed or any(_SEARCHED_AS[s] in statuses for s in narrowed):
        return searched, None
    personal = [s for s in statuses if s in _PERSONAL]
    if personal:
        raise click.UsageError(
            f"--status {narrowed[0]} cannot be combined with {personal[0]}: use "
            f"--status {_SEARCHED_AS[narrowed[0]]}, which includes {narrowed[0]} sessions"
        )
    # Only the narrower status asked for (not the search status that includes it): keep those
    # sessions, and those of any other status asked for.
    keep = {s for s in statuses if s not in _SEARCHED_AS.values()} | set(narrowed)
    return searched, keep


@click.group()
def sessions() -> None:
    """List and inspect signing sessions."""


@sessions.command("list")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUSES),
    help=_STATUS_HELP,
)
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=20,
    show_default=True,
    help="At most this many sessions (newest first).",
)
@click.pass_obj
def list_sessions(settings: Settings, statuses: tuple[str, ...], limit: int) -> None:
    """List sessions, newest first."""
    from rich import box
    from rich.table import Table

    searched, keep = search_filter(statuses)

    async def go() -> list[SigningSessionItem]:
        found: list[SigningSessionItem] = []
        async with connect(settings) as connection:
            async for item in connection.ei.sessions.list(
                statuses=searched,
                sorting=["created:desc"],
                page_size=min(100, limit),
            ):
                if keep is not None and item.status.value not in keep:
                    continue
                found.append(item)
                if len(found) >= limit:
                    break
        return found

    items = run(go)
    if not items:
        out().print("No sessions found.")
        return
    console = out()
    table = Table(title=f"{len(items)} session(s)", box=box.SIMPLE)
    table.add_column("id", overflow="fold", min_width=_id_width(console))
    table.add_column("status", no_wrap=True)
    table.add_column("created (UTC)", no_wrap=True)
    table.add_column("subject")
    for item in items:
        created = item.created.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")
        table.add_row(str(item.id), item.status.value, created, _text(item.subject))
    console.print(table)


def _id_width(console: Console) -> int:
    """Ids on one line where the terminal has room, else folded over two or more lines."""
    return min(_ID_LENGTH, console.width // 2)


def _table(console: Console, *headers: str, title: str) -> Table:
    """A table whose first column holds ids: folded (never cut) when the terminal is narrow."""
    from rich.table import Table

    table = Table(title=title)
    table.add_column(headers[0], overflow="fold", min_width=_id_width(console))
    for header in headers[1:]:
        table.add_column(header)
    return table


@sessions.command("show")
@click.argument("session_id", type=click.UUID)
@click.pass_obj
def show_session(settings: Settings, session_id: UUID) -> None:
    """Show one session: status, documents, participants and signed PDFs."""

    async def go() -> SigningView:
        async with connect(settings) as connection:
            return await connection.ei.sessions.get(session_id)

    view = run(go)
    console = out()
    subject = view.subject if isinstance(view.subject, str) else ""
    console.print(f"[bold]{view.signing_session_id}[/]  {markup(subject)}")
    console.print(f"status: [bold]{markup(view.status.value)}[/]")
    people = _table(
        console, "participant", "name", "email", "status", "signed at", title="Participants"
    )
    for p in view.participants or []:
        names = (p.first_name, p.last_name)
        name = literal(" ".join(x for x in names if isinstance(x, str) and x))
        signed = p.signed_at.isoformat(timespec="seconds") if p.signed_at else ""
        people.add_row(
            str(p.participant_id),
            name,
            _text(p.email),
            _text(getattr(p.status, "value", None)),
            signed,
        )
    console.print(people)
    docs = _table(console, "document", "title", title="Documents")
    for d in view.documents or []:
        docs.add_row(str(d.document_id), _text(d.title))
    console.print(docs)
    signed_docs = _table(console, "signed document", "title", "status", title="Signed documents")
    for s in view.signed_documents or []:
        state = getattr(s.processing_status, "value", "")
        signed_docs.add_row(str(s.signed_document_id), _text(s.title), literal(state))
    console.print(signed_docs)
    aio = view.all_in_one_document
    if aio:
        aio_state = markup(getattr(aio.status, "value", ""))
        console.print(f"all-in-one: {markup(aio.title)} ({aio_state})")
