"""``easyink demo``: a complete signing workflow against the embedded sandbox.

The sandbox runs in this process behind ``httpx.ASGITransport``: no socket is opened (not even
on 127.0.0.1), so the demo needs no network, no free port and no credentials, and it cannot
collide with anything else on the machine. Every request still goes through the full client
stack (retries, auth header, typed errors, request validation).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._runtime import SANDBOX_MISSING, CliError, embedded_sandbox, out, run
from ._text import literal, markup

if TYPE_CHECKING:
    from ..workflow import SentSession, Signer
    from ._files import SavedFile

__all__ = ["demo"]

_PEOPLE = (
    ("Ada Lovelace", "ada.lovelace@example.com"),
    ("Alan Turing", "alan.turing@example.com"),
    ("Grace Hopper", "grace.hopper@example.com"),
    ("Katherine Johnson", "katherine.johnson@example.com"),
    ("Edsger Dijkstra", "edsger.dijkstra@example.com"),
    ("Barbara Liskov", "barbara.liskov@example.com"),
    ("Donald Knuth", "donald.knuth@example.com"),
    ("Margaret Hamilton", "margaret.hamilton@example.com"),
)
_MAX_SIGNERS = 20


def demo_signers(count: int) -> list[Signer]:
    """``count`` sample signers with distinct names and e-mail addresses."""
    from ..workflow import Signer

    signers: list[Signer] = []
    for index in range(count):
        if index < len(_PEOPLE):
            name, email = _PEOPLE[index]
        else:
            name, email = f"Demo Signer {index + 1}", f"signer{index + 1}@example.com"
        signers.append(Signer(name=name, email=email))
    return signers


def _check_extras() -> None:
    try:
        import reportlab  # noqa: F401

        # the server itself, not only the package: it needs the sandbox extra
        import easyink_sandbox.app  # noqa: F401
    except ImportError as exc:
        raise CliError(SANDBOX_MISSING, exit_code=2) from exc


@click.command()
@click.option(
    "--signers",
    "count",
    type=click.IntRange(1, _MAX_SIGNERS),
    default=3,
    show_default=True,
    help="How many people sign the sample contract.",
)
@click.option(
    "--output",
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("easyink-demo-output"),
    show_default=True,
    help="Folder for the signed PDFs.",
)
def demo(count: int, output: Path) -> None:
    """Send a generated contract to sample signers in the embedded sandbox, sign it as each of
    them, wait until it is finished and download the signed PDFs."""
    from rich.table import Table

    _check_extras()
    sent, saved = run(_demo, count, output)
    console = out()
    console.print(
        f"\n[bold green]Session {sent.session_id} finished[/] - "
        f"{len(sent.signers)} signer(s) signed."
    )
    table = Table("file", "bytes", "path", title="Downloaded PDFs")
    for item in saved:
        table.add_row(item.kind, str(item.size), literal(item.path, None))
    console.print(table)
    console.print(f"Open them from: {markup(output.resolve(), None)}")


async def _demo(count: int, output: Path) -> tuple[SentSession, list[SavedFile]]:
    from ..waiters import PollPolicy, wait_for_session
    from ..workflow import send_for_signature
    from ._files import download_session_pdfs
    from ._progress import progress_bar
    from ._sample import sample_contract_pdf

    signers = demo_signers(count)
    console = out()
    with progress_bar(console) as progress:
        async with embedded_sandbox() as connection:
            ei = connection.ei
            steps = progress.add_task("Sending the sample contract", total=3)
            pdf = sample_contract_pdf([s.name for s in signers])
            progress.advance(steps)
            sent = await send_for_signature(
                ei,
                documents=[("Consulting Services Agreement.pdf", pdf)],
                signers=signers,
                subject="Consulting Services Agreement (easyink demo)",
            )
            progress.advance(steps)
            signing = progress.add_task("Signing as each signer", total=len(signers))
            for index, participant_id in enumerate(sent.participant_ids):
                progress.update(signing, description=f"Signing as {signers[index].name}")
                response = await ei.http_client.post(
                    f"/sandbox/signingSessions/{sent.session_id}/participants/{participant_id}/sign"
                )
                await response.aread()
                await response.aclose()
                progress.advance(signing)
            progress.update(signing, description="Signed by everyone")
            view = await wait_for_session(
                ei,
                sent.session_id,
                until=["Finished"],
                timeout=120.0,
                poll=PollPolicy(initial=0.02, maximum=0.5, multiplier=1.5),
                documents_ready=True,
            )
            progress.advance(steps)
            # The demo's own folder: a second demo replaces the first one's PDFs.
            saved = await download_session_pdfs(ei, view, output, progress, overwrite=True)
    return sent, saved
