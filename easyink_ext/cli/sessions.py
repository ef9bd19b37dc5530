"""``easyink sessions list`` and ``easyink sessions show``."""

from __future__ import annotations

from datetime import timezone
from uuid import UUID

import click
from rich import box
from rich.table import Table
from rich.text import Text

from easyink_client.models.search_status import SearchStatus
from easyink_client.models.signing_session_item import SigningSessionItem
from easyink_client.models.signing_view import SigningView

from .._client import EasyInk
from ._config import Settings
from ._runtime import connect, out, run
from ._text import literal, markup

__all__ = ["sessions"]

_STATUSES = [str(s.value) for s in list(SearchStatus)]


def _text(value: object) -> Text:
    return literal(value if isinstance(value, str) else "")


async def fetch_session(ei: EasyInk, session_id: UUID) -> SigningView:
    """getSession (a malformed answer raises the typed error)."""
    return await ei.sessions.get(session_id)


@click.group()
def sessions() -> None:
    """List and inspect signing sessions."""


@sessions.command("list")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(_STATUSES),
    help="Only sessions in this status (repeat for several).",
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

    async def go() -> list[SigningSessionItem]:
        found: list[SigningSessionItem] = []
        async with connect(settings) as connection:
            async for item in connection.ei.sessions.list(
                statuses=list(statuses) or None,
                sorting=["created:desc"],
                page_size=min(100, limit),
            ):
                found.append(item)
                if len(found) >= limit:
                    break
        return found

    items = run(go)
    if not items:
        out().print("No sessions found.")
        return
    table = Table(title=f"{len(items)} session(s)", box=box.SIMPLE)
    table.add_column("id", no_wrap=True, min_width=36)
    table.add_column("status", no_wrap=True)
    table.add_column("created (UTC)", no_wrap=True)
    table.add_column("subject")
    for item in items:
        created = item.created.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")
        table.add_row(str(item.id), item.status.value, created, _text(item.subject))
    out().print(table)


@sessions.command("show")
@click.argument("session_id", type=click.UUID)
@click.pass_obj
def show_session(settings: Settings, session_id: UUID) -> None:
    """Show one session: status, documents, participants and signed PDFs."""

    async def go() -> SigningView:
        async with connect(settings) as connection:
            return await fetch_session(connection.ei, session_id)

    view = run(go)
    console = out()
    subject = view.subject if isinstance(view.subject, str) else ""
    console.print(f"[bold]{view.signing_session_id}[/]  {markup(subject)}")
    console.print(f"status: [bold]{markup(view.status.value)}[/]")
    people = Table("participant", "name", "email", "status", "signed at", title="Participants")
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
    docs = Table("document", "title", title="Documents")
    for d in view.documents or []:
        docs.add_row(str(d.document_id), _text(d.title))
    console.print(docs)
    signed_docs = Table("signed document", "title", "status", title="Signed documents")
    for s in view.signed_documents or []:
        state = getattr(s.processing_status, "value", "")
        signed_docs.add_row(str(s.signed_document_id), _text(s.title), literal(state))
    console.print(signed_docs)
    aio = view.all_in_one_document
    if aio:
        aio_state = markup(getattr(aio.status, "value", ""))
        console.print(f"all-in-one: {markup(aio.title)} ({aio_state})")
