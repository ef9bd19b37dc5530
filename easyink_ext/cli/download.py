"""``easyink download``: every signed PDF of a session plus the all-in-one PDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

import click

from ._config import Settings
from ._runtime import CliError, connect, out, run
from ._text import markup

if TYPE_CHECKING:
    from ._files import SavedFile

__all__ = ["download"]


@click.command()
@click.argument("session_id", type=click.UUID)
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the PDFs.",
)
@click.option("--overwrite", is_flag=True, help="Replace files that already exist in the folder.")
@click.pass_obj
def download(settings: Settings, session_id: UUID, output: Path, overwrite: bool) -> None:
    """Download the signed PDFs and the all-in-one PDF of SESSION_ID.

    Existing files are never replaced without --overwrite.
    """
    from ._files import download_session_pdfs, ready_pdfs
    from ._progress import progress_bar

    async def go() -> list[SavedFile]:
        async with connect(settings) as connection:
            view = await connection.ei.sessions.get(session_id)
            signed, all_in_one = ready_pdfs(view)
            if not signed and all_in_one is None:
                raise CliError(
                    f"session {session_id} is {view.status.value}: no signed PDF is ready yet"
                )
            with progress_bar(out()) as progress:
                return await download_session_pdfs(
                    connection.ei, view, output, progress, overwrite=overwrite
                )

    saved = run(go)
    console = out()
    for item in saved:
        console.print(f"{item.kind:<10} {item.size:>9} bytes  {markup(item.path, None)}")
