"""``easyink void``: void an active session."""

from __future__ import annotations

from uuid import UUID

import click

from ._config import Settings
from ._runtime import connect, out, run

__all__ = ["void"]


@click.command()
@click.argument("session_id", type=click.UUID)
@click.option("--reason", required=True, help="Why (shown to the participants, 1-1000 chars).")
@click.pass_obj
def void(settings: Settings, session_id: UUID, reason: str) -> None:
    """Void SESSION_ID (irreversible: signing links stop working at once)."""
    if not reason.strip() or len(reason) > 1000:
        raise ValueError("--reason must be 1 to 1000 characters")

    async def go() -> None:

        async with connect(settings) as connection:
            await connection.ei.sessions.void(session_id, reason=reason)

    run(go)
    out().print(f"Voided session {session_id}")
