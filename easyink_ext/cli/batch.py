"""``easyink batch MANIFEST``: send every row of a CSV manifest exactly once, with a ledger.

The manifest format and its checks: :mod:`easyink_ext.manifest`. Every row is checked before
the first request; invalid rows are listed and nothing is sent unless ``--skip-invalid``.

``--ledger`` is a SQLite file (default ``MANIFEST.ledger.sqlite`` beside the manifest: the
processes of one machine) or a ``postgresql://`` DSN (any number of workers on any number of
machines, each with the same manifest and files). Running the command again, or in several
processes at once, never sends a row twice (see :mod:`easyink_ext.batch`).

Exit status: 0 when every row of the manifest is started; otherwise the first that applies:
3 rows are invalid, refused or failed; 4 rows have an unknown outcome, or the ledger failed
once rows were in flight (run with ``--reconcile``); 5 rows are still in progress elsewhere
or not sent yet (run again). The same with ``--status`` and ``--skip-invalid``. 1 and 2 are
the usual errors (unusable manifest or ledger; usage, or a ledger bound to another server).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from .._defaults import BACKENDS, DEFAULT_LEASE
from ._config import Settings
from ._runtime import CliError, connect, err, out, run
from ._text import markup

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from .._client import EasyInk
    from ..batch import BatchProgress, BatchResult
    from ..ledger import Ledger, RowRecord
    from ..manifest import Manifest, ManifestRow
    from ..workflow import SentSession

__all__ = ["batch", "send_row"]

EXIT_PROBLEMS = 3
EXIT_UNKNOWN = 4
EXIT_UNFINISHED = 5


async def send_row(ei: EasyInk, row: ManifestRow) -> SentSession:
    """Send one manifest row (progress recorded in the batch ledger row of the calling task)."""
    from ..batch import ledger_steps
    from ..workflow import send_for_signature

    return await send_for_signature(
        ei,
        documents=[row.file],
        signers=row.signers,
        subject=row.subject,
        sequential=row.sequential,
        on_step=ledger_steps(row.subject),
    )


@dataclass(frozen=True)
class _Options:
    ledger: str | None  # None: in memory (the embedded sandbox)
    concurrency: int
    rate: float | None
    reconcile: bool
    retry_failed: bool
    lease: float
    backend: str


@click.command()
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--ledger",
    metavar="PATH_OR_DSN",
    help="SQLite file or postgresql:// DSN recording every row  [default: MANIFEST.ledger.sqlite]",
)
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(1, 256),
    default=8,
    show_default=True,
    help="Rows this process sends at the same time.",
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0.01),
    help="Requests per second for the whole fleet (the live workers share it).",
)
@click.option("--reconcile", is_flag=True, help="First settle rows whose outcome is unknown.")
@click.option(
    "--retry-failed", is_flag=True, help="Send again failed rows that left nothing on the server."
)
@click.option("--skip-invalid", is_flag=True, help="Send the valid rows even if some are invalid.")
@click.option("--status", is_flag=True, help="Print the counts of the ledger; send nothing.")
@click.option(
    "--lease",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_LEASE,
    show_default=True,
    help="Seconds before a silent worker's claims may be taken over.",
)
@click.option(
    "--backend",
    type=click.Choice(["auto", *BACKENDS]),
    default="auto",
    show_default=True,
    help="HTTP backend; auto = aiohttp when installed (less CPU per request), else httpx.",
)
@click.pass_obj
def batch(  # noqa: PLR0917 - one parameter per option
    settings: Settings,
    manifest: Path,
    ledger: str | None,
    concurrency: int,
    rate: float | None,
    reconcile: bool,
    retry_failed: bool,
    skip_invalid: bool,
    status: bool,
    lease: float,
    backend: str,
) -> None:
    """Send every row of MANIFEST (CSV: file, subject, signer_name, signer_email,
    signer_phone, sequential, key; several signers per row separated by ';')."""
    from .._client import aiohttp_available
    from ..batch import count_states
    from ..ledger import describe, open_ledger
    from ..manifest import read_manifest

    checked = read_manifest(manifest)
    console = out()
    if checked.ignored:
        names = ", ".join(repr(name) for name in checked.ignored)
        err(f"warning: column(s) {names} of {manifest} are not manifest columns: ignored")
    for problem in checked.invalid:
        console.print(f"[red]invalid[/]  {markup(problem)}")
    if checked.invalid and not skip_invalid and not status:
        raise CliError(
            f"{len(checked.invalid)} invalid row(s), nothing sent: fix them, or pass "
            "--skip-invalid to send the others",
            EXIT_PROBLEMS,
        )
    spec: str | None = ledger if ledger is not None else str(manifest) + ".ledger.sqlite"
    if status:
        counts = run(_status, open_ledger(spec, create=False), checked.rows)
    else:
        if settings.base_url is None:
            spec = None
            err(
                "the ledger is kept in memory for this run: the embedded sandbox's sessions are "
                "gone when the command ends, so no ledger file may say they were started"
            )
        if backend == "auto":
            backend = "aiohttp" if aiohttp_available() else "httpx"
        options = _Options(spec, concurrency, rate, reconcile, retry_failed, lease, backend)
        with _quiet_pool(debug=_debug()):
            results = run(_send, settings, checked, options)
        if isinstance(results, dict):
            counts = results  # interrupted: the counts the ledger holds now
        else:
            _print_rows(results)
            counts = count_states(results)
    counts["invalid"] = len(checked.invalid)
    _finish(counts, "in memory" if spec is None else describe(spec))


async def _status(opened: Ledger, rows: Sequence[ManifestRow]) -> dict[str, int]:
    from ..batch import category, subject_conflicts

    await opened.open()
    try:
        records = await opened.records([r.key for r in rows])
        conflicts = await subject_conflicts(opened, [(r.key, r.digest, r.subject) for r in rows])
    finally:
        await opened.aclose()
    counts = dict.fromkeys(("started", "failed", "unknown", "in_progress", "pending"), 0)
    counts["refused"] = 0
    for row in rows:
        record = records.get(row.key)
        if row.key in conflicts:
            counts["refused"] += 1
        elif record is None:
            counts["pending"] += 1  # not registered yet: no run has seen it
        elif record.digest != row.digest and not record.resettable:
            counts["refused"] += 1
        else:
            counts[category(record)] += 1
    return counts


_STOPPING = (
    "stopping; drafts not yet started are removed, rows whose start was sent are left for "
    "--reconcile (sessions already started are never voided)"
)


async def _send(
    settings: Settings, manifest: Manifest, options: _Options
) -> list[BatchResult[ManifestRow, SentSession]] | dict[str, int]:
    """The rows' results; after Ctrl-C (or SIGTERM) the counts of the ledger instead.

    A ledger failing once rows may be in flight (PostgreSQL lost, the file deleted) is one
    line and exit 4: rows may have been sent that it could not record, ``--reconcile`` finds
    them. A ledger that cannot be opened or is bound elsewhere stops before anything is sent.
    """
    from ..ledger import LedgerError, open_ledger
    from ._interrupt import interruptible

    opened = open_ledger(options.ledger)
    ready = [False]
    try:
        outcome = await interruptible(
            lambda: _send_rows(settings, manifest, options, opened, ready), _STOPPING
        )
    except LedgerError as exc:
        if not ready[0]:
            raise
        hint = "" if "--reconcile" in str(exc) else "; once it is back, run again with --reconcile"
        raise CliError(f"{exc}{hint}", EXIT_UNKNOWN) from exc
    if outcome.stopped:
        return await _status(opened, manifest.rows)
    return cast("list[BatchResult[ManifestRow, SentSession]]", outcome.value)


async def _bind(settings: Settings, opened: Ledger, spec: str) -> None:
    """Refuse a ledger used with another server or account (exit 2, nothing sent)."""
    from ..ledger import LedgerBindingError, account_of, bind_ledger

    assert settings.base_url is not None
    await opened.open()
    try:
        await bind_ledger(opened, settings.base_url, account_of(settings.token), name=spec)
    except LedgerBindingError as exc:
        raise CliError(str(exc), exit_code=2) from exc
    finally:
        await opened.aclose()


async def _send_rows(
    settings: Settings, manifest: Manifest, options: _Options, opened: Ledger, ready: list[bool]
) -> list[BatchResult[ManifestRow, SentSession]]:
    from ..batch import RateLimiter, SessionReconciler, run_batch
    from ..ledger import describe
    from ._progress import progress_bar

    async with connect(settings, backend=options.backend) as connection:
        ei = connection.ei
        if connection.sandbox is None and options.ledger is not None:
            await _bind(settings, opened, describe(options.ledger))
        ready[0] = True
        shared: list[RateLimiter] = []
        if options.rate is not None:
            requests = RateLimiter(options.rate)
            shared.append(requests)

            async def pace(_: Any) -> None:
                await requests.acquire()

            ei.http_client.event_hooks["request"].append(pace)

        async def send(row: ManifestRow) -> SentSession:
            return await send_row(ei, row)

        with progress_bar(out()) as progress:
            task = progress.add_task("Sending", total=len(manifest.rows))
            return await run_batch(
                manifest.rows,
                send,
                ledger=opened,
                key=lambda r: r.key,
                digest=lambda r: r.digest,
                hint=lambda r: r.subject,
                concurrency=options.concurrency,
                reconcile=options.reconcile,
                reconciler=SessionReconciler(ei),
                retry_failed=options.retry_failed,
                lease=options.lease,
                shared_limiters=shared,
                on_progress=_Update(progress, task),
            )


def _print_rows(results: Sequence[BatchResult[ManifestRow, SentSession]]) -> None:
    console = out()
    for result in results:
        row = markup(f"{result.key} (row {result.item.number}, {result.item.subject!r})")
        detail = markup(result.detail or "")
        if result.ok:
            if result.here:
                console.print(f"started  {row}: session {detail}")
        elif result.state == "in_progress":
            console.print(f"busy     {row}: in progress at another worker")
        elif result.state == "unknown":
            console.print(f"[red]unknown [/] {row}: {markup(_unknown(result.record))}")
        else:
            console.print(f"[red]{result.state:<8}[/] {row}: {detail}")


def _unknown(record: RowRecord | None) -> str:
    """What is unknown of a row, and the next command."""
    if record is None:
        return "outcome unknown; run again with --reconcile"
    step = f" at step {record.step!r}" if record.step else ""
    draft = f" (draft {record.draft_id})" if record.draft_id else ""
    why = record.error or "its worker stopped before recording an outcome"
    return (
        f"whether it was sent is unknown{step}{draft}: {why}; run again with --reconcile "
        "to read it back from the server"
    )


@contextmanager
def _quiet_pool(*, debug: bool) -> Iterator[None]:
    """The driver's and its connection pool's own warnings off (the one line that matters is
    ours): a lost server makes both log, the pool its failed reconnections and psycopg every
    query cancellation it could not finish."""
    pool = logging.getLogger("psycopg")  # psycopg.pool included
    level = pool.level
    if not debug:
        pool.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        pool.setLevel(level)


def _debug() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context is not None and context.find_root().meta.get("easyink.debug"))


_NEXT_STEP = (
    ("invalid", EXIT_PROBLEMS, "fix the invalid rows and run again"),
    ("refused", EXIT_PROBLEMS, "changed rows were refused: give them new keys"),
    (
        "failed",
        EXIT_PROBLEMS,
        "see the failed rows; run with --retry-failed (and --reconcile) to send them again",
    ),
    ("unknown", EXIT_UNKNOWN, "run with --reconcile to settle rows whose outcome is unknown"),
    ("in_progress", EXIT_UNFINISHED, "other workers are still sending: check again later"),
    ("pending", EXIT_UNFINISHED, "rows were not sent yet: run again"),
)


def _finish(counts: dict[str, int], ledger: str) -> None:
    total = sum(counts.values())
    console = out()
    console.print(
        f"{total} rows: {counts['started']} started, {counts['failed']} failed, "
        f"{counts['unknown']} unknown, {counts['in_progress']} in progress elsewhere, "
        f"{counts['pending']} pending, {counts['refused']} refused, {counts['invalid']} invalid "
        f"(ledger {markup(ledger)})"
    )
    for name, code, advice in _NEXT_STEP:
        if counts[name]:
            raise CliError(f"{counts[name]} row(s) {name.replace('_', ' ')}: {advice}", code)


class _Update:
    """Progress bar from the fleet-wide counts (refreshed at most 10 times a second)."""

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task
        self._shown = 0.0

    def __call__(self, state: BatchProgress) -> None:
        now = time.monotonic()
        if now - self._shown < 0.1 and state.done < state.total:
            return
        self._shown = now
        self._progress.update(
            self._task,
            total=state.total,
            completed=state.done,
            description=(
                f"Sending ({state.started} started, {state.failed} failed, "
                f"{state.in_progress} in progress, {state.workers} worker(s))"
            ),
        )
