"""``easyink send``: send files for signature with the one-call workflow."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .._pdf import MAX_SCANNED_BYTES, PDF_MAGIC, is_pdf, page_count
from ._config import Settings
from ._runtime import connect, out, run
from ._text import markup

if TYPE_CHECKING:
    from ..workflow import FieldSpec, SentSession

__all__ = ["send"]


@click.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--signer",
    "signer_texts",
    multiple=True,
    required=True,
    metavar='"NAME <EMAIL>"',
    help='A signer, e.g. "Jane Doe <jane@example.com>" or "Jo Roe <5551234567>". Repeat.',
)
@click.option("--subject", help="Subject shown to the signers (default: the first file's name).")
@click.option("--sequential", is_flag=True, help="Sign one by one, in --signer order.")
@click.option(
    "--field",
    "field_texts",
    multiple=True,
    metavar="PAGE:X:Y[:SIGNER[:DOC]]",
    help="Place a signature field (points from the bottom-left). Without SIGNER the "
    "n-th --field goes to the n-th signer. Default: one field per signer on the last "
    "page of each file.",
)
@click.pass_obj
def send(  # noqa: PLR0917 - one parameter per click option
    settings: Settings,
    files: tuple[Path, ...],
    signer_texts: tuple[str, ...],
    subject: str | None,
    sequential: bool,
    field_texts: tuple[str, ...],
) -> None:
    """Send FILES (PDF) for signature and print the new session's id."""
    from ..workflow import send_for_signature
    from ._parse import check_text, parse_field, parse_signer

    signers = [parse_signer(text) for text in signer_texts]
    fields = [parse_field(text, i, signers) for i, text in enumerate(field_texts)] or None
    title = check_text("subject", subject or files[0].stem)
    check_files(files, fields or ())

    async def go() -> SentSession:
        async with connect(settings) as connection:
            with out().status("Sending for signature..."):
                return await send_for_signature(
                    connection.ei,
                    documents=list(files),
                    signers=signers,
                    subject=title,
                    fields=fields,
                    sequential=sequential,
                )

    sent = run(go)
    # The id first, in plain text: nothing printed after it can hide what was created.
    click.echo(f"Started session {sent.session_id}")
    console = out()
    console.print(f"  subject: {markup(title)}")
    for signer, participant_id in zip(sent.signers, sent.participant_ids, strict=True):
        console.print(f"  {markup(signer.label())}: participant {participant_id}")


def check_files(files: Sequence[Path], fields: Sequence[FieldSpec]) -> None:
    """Refuse, before any request, a file that is not a PDF or a field on a page it lacks."""
    for path in files:
        with path.open("rb") as handle:
            if not is_pdf(handle.read(len(PDF_MAGIC))):
                raise click.BadParameter(
                    f"{path} is not a PDF (it does not start with %PDF-)",
                    ctx=click.get_current_context(silent=True),
                    param_hint="FILES",
                )
    pages: dict[int, int | None] = {}
    for number, field in enumerate(fields, start=1):
        if not 0 <= field.document < len(files):
            continue  # the workflow names the missing document
        if field.document not in pages:
            path = files[field.document]
            small = path.stat().st_size <= MAX_SCANNED_BYTES
            pages[field.document] = page_count(path.read_bytes()) if small else None
        count = pages[field.document]
        if count is not None and field.page > count:
            name = files[field.document].name
            raise click.BadParameter(
                f"field {number} is on page {field.page} but {name} has {count} page(s)",
                ctx=click.get_current_context(silent=True),
                param_hint="--field",
            )
