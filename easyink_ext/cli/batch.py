"""``easyink batch MANIFEST.csv``: send many documents for signature, concurrently.

Manifest: a CSV file with a header row. Columns (case-insensitive):

- ``file`` (required): the document, relative to the manifest's folder or absolute;
- ``subject`` (default: the file's name without extension);
- ``signer_name`` (required), ``signer_email``, ``signer_phone``: one signer, or several
  separated by ``;`` (the n-th name goes with the n-th e-mail and phone; leave a position
  empty when that signer has no e-mail or no phone);
- ``sequential`` (optional): ``yes``/``true``/``1`` for one-by-one signing;
- ``key`` (optional): a unique name for the row in the journal (default ``row N``).

With ``--journal FILE`` every row is recorded before it is sent; running the same command
again skips the rows already started (see :mod:`easyink_ext.batch`).
"""

from __future__ import annotations

import csv
from pathlib import Path

import attrs
import click
from rich.progress import Progress, TaskID

from ..batch import BatchProgress, BatchResult, run_batch
from ..workflow import SentSession, Signer, send_for_signature
from ._config import Settings
from ._progress import progress_bar
from ._runtime import CliError, connect, out, run
from ._text import markup

__all__ = ["BatchRow", "batch", "read_manifest"]

_TRUE = frozenset({"1", "yes", "y", "true", "on"})
_FALSE = frozenset({"", "0", "no", "n", "false", "off"})


@attrs.frozen
class BatchRow:
    """One manifest row, checked."""

    key: str
    file: Path
    subject: str
    signers: tuple[Signer, ...]
    sequential: bool = False


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";")]


def _row(number: int, raw: dict[str, str], base: Path) -> BatchRow:
    where = f"manifest row {number}"
    file_text = (raw.get("file") or "").strip()
    if not file_text:
        raise ValueError(f"{where}: the 'file' column is empty")
    path = Path(file_text).expanduser()
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        raise ValueError(f"{where}: file {str(path)!r} does not exist")
    names = [n for n in _split(raw.get("signer_name")) if n]
    if not names:
        raise ValueError(f"{where}: the 'signer_name' column is empty")
    emails, phones = _split(raw.get("signer_email")), _split(raw.get("signer_phone"))
    if len(emails) > len(names) or len(phones) > len(names):
        raise ValueError(f"{where}: more e-mails or phones than signer names")
    signers = tuple(
        Signer(
            name=name,
            email=(emails[i] if i < len(emails) else "") or None,
            phone=(phones[i] if i < len(phones) else "") or None,
        )
        for i, name in enumerate(names)
    )
    flag = (raw.get("sequential") or "").strip().lower()
    if flag not in _TRUE | _FALSE:
        raise ValueError(f"{where}: 'sequential' must be yes or no, got {flag!r}")
    subject = (raw.get("subject") or "").strip() or path.stem
    key = (raw.get("key") or "").strip() or f"row {number}"
    return BatchRow(key, path, subject, signers, flag in _TRUE)


def read_manifest(path: Path) -> list[BatchRow]:
    """The checked rows of a manifest (``ValueError`` naming the first bad row)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None:
            raise ValueError(f"manifest {path} is empty")
        reader.fieldnames = [name.strip().lower() for name in reader.fieldnames]
        for required in ("file", "signer_name"):
            if required not in reader.fieldnames:
                raise ValueError(f"manifest {path} has no {required!r} column")
        rows = [_row(n, raw, path.parent) for n, raw in enumerate(reader, start=2)]
    if not rows:
        raise ValueError(f"manifest {path} has no rows")
    keys = [r.key for r in rows]
    if len(set(keys)) != len(keys):
        raise ValueError(f"manifest {path}: the 'key' column has duplicates")
    return rows


@click.command()
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(1, 256),
    default=8,
    show_default=True,
    help="Rows sent at the same time.",
)
@click.option(
    "--journal",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Journal file: rows already started in an earlier run are skipped.",
)
@click.pass_obj
def batch(settings: Settings, manifest: Path, concurrency: int, journal: Path | None) -> None:
    """Send every row of MANIFEST (CSV: file, subject, signer_name, signer_email,
    signer_phone, sequential, key; several signers per row separated by ';')."""
    rows = read_manifest(manifest)

    async def go() -> list[BatchResult[BatchRow, SentSession]]:
        async with connect(settings) as connection:
            ei = connection.ei

            async def send(row: BatchRow) -> SentSession:
                return await send_for_signature(
                    ei,
                    documents=[row.file],
                    signers=row.signers,
                    subject=row.subject,
                    sequential=row.sequential,
                )

            with progress_bar(out()) as progress:
                task = progress.add_task("Sending", total=len(rows))
                return await run_batch(
                    rows,
                    send,
                    concurrency=concurrency,
                    journal=journal,
                    key=lambda r: r.key,
                    on_progress=_updater(progress, task),
                    serialize_result=lambda s: str(s.session_id),
                )

    results = run(go)
    console = out()
    failed = [r for r in results if not r.ok and not r.skipped]
    skipped = [r for r in results if r.skipped]
    for result in results:
        if result.ok and result.value is not None:
            console.print(f"started  {markup(result.key)}: session {result.value.session_id}")
        elif result.skipped:
            console.print(f"skipped  {markup(result.key)}: {markup(result.previous)}")
        else:
            console.print(f"[red]failed[/]   {markup(result.key)}: {markup(str(result.error))}")
    started = len(results) - len(failed) - len(skipped)
    console.print(f"{started} started, {len(failed)} failed, {len(skipped)} skipped")
    if failed:
        raise CliError(f"{len(failed)} of {len(results)} row(s) failed")


def _updater(progress: Progress, task: TaskID) -> _Update:
    return _Update(progress, task)


class _Update:
    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task

    def __call__(self, state: BatchProgress) -> None:
        done = state.succeeded + state.failed + state.skipped
        self._progress.update(
            self._task,
            completed=done,
            description=f"Sending ({state.succeeded} ok, {state.failed} failed)",
        )
