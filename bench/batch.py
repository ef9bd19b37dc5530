"""Throughput of concurrent signing workflows vs Little's law, and vs a sequential loop.

The sandbox runs in a separate process (``python -m easyink_sandbox --port 0 --latency-ms L``)
over real uvicorn on 127.0.0.1, with a fixed latency of ``L`` ms added to every API request.
The client is ``EasyInk`` in its default configuration (sharded connection pool, see
:mod:`easyink_ext._pool`); ``--pool-shards N`` overrides the number of pools (``1`` = one
plain httpx pool). The benchmark runs ``N`` workflows
(:func:`easyink_ext.workflow.send_for_signature`, one small PDF, one signer) through
:func:`easyink_ext.batch.run_batch` at concurrency ``C``, then the same number of workflows
one after the other (``--sequential N_SEQ``, default ``N / 8``, scaled to ``N``), and prints:

- throughput: workflows per second at concurrency ``C``;
- the Little's-law bound ``C / (R x L)``: with ``C`` workflows in flight, each made of ``R``
  sequential requests that take at least ``L`` each, no more than that many workflows per
  second can finish. ``R`` is counted by a request event hook on ``ei.http_client`` (every
  API call of the workflows; retries inside the SDK's transport would not be counted, and the
  sandbox injects no faults here), divided by the number of workflows;
- their ratio (1.0 = the client adds nothing but the injected latency);
- the speed-up over the sequential loop.

``--ledger sqlite`` / ``--ledger postgres`` (repeatable) then runs the concurrent phase again
with that batch ledger (a new SQLite file; a throwaway PostgreSQL server started from the
machine's binaries with fsync on, see ``tests/_postgres.py``) and with none (``run_batch``'s
in-memory ledger), alternating ``--ledger-rounds`` times, and prints each ledger's best
throughput as a ratio to none's. Every workflow records its steps in the ledger as
``easyink batch`` does.

Usage::

    python bench/batch.py [--workflows 256] [--concurrency 32] [--latency-ms 20]
                          [--sequential 32] [--no-validate] [--pool-shards N]
                          [--ledger none|sqlite|postgres ...] [--ledger-rounds 2]
                          [--output FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _sandbox import login, start_sandbox  # noqa: E402

from easyink_ext import EasyInk  # noqa: E402
from easyink_ext._client import DEFAULT_POOL_SHARDS  # noqa: E402
from easyink_ext.batch import ledger_steps, run_batch  # noqa: E402
from easyink_ext.workflow import Signer, send_for_signature  # noqa: E402
from easyink_sandbox import simple_pdf  # noqa: E402


async def _timed(count: int, run: Callable[[int], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await run(count)
    return time.perf_counter() - start


async def bench(args: argparse.Namespace, url: str) -> dict[str, float]:
    """Run the concurrent and the sequential phases; return the measurements."""
    token = await login(url)
    pdf = simple_pdf(["Benchmark contract"])
    counter = iter(range(10**9))
    phases = iter(range(10**9))
    sent = 0

    async def count(_: httpx.Request) -> None:
        nonlocal sent
        sent += 1

    async with EasyInk(
        base_url=url, token=token, validate_requests=args.validate, pool_shards=args.pool_shards
    ) as ei:
        ei.http_client.event_hooks["request"].append(count)

        async def one(_: object) -> object:
            n = next(counter)
            return await send_for_signature(
                ei,
                documents=[(f"contract-{n}.pdf", pdf)],
                signers=[Signer(f"Signer {n}", f"signer{n}@example.com")],
                subject=f"Benchmark {n}",
                on_step=ledger_steps(f"Benchmark {n}"),
            )

        async def concurrent(count: int, ledger: str | None = None) -> None:
            phase = next(phases)  # new row keys: a ledger never holds them already
            items = [f"phase {phase} row {n}" for n in range(count)]
            results = await run_batch(items, one, concurrency=args.concurrency, ledger=ledger)
            failed = [r.detail for r in results if not r.ok]
            if failed:
                raise RuntimeError(f"{len(failed)} workflow(s) failed: {failed[0]}")

        async def sequential(count: int) -> None:
            for _ in range(count):
                await one(None)

        await concurrent(min(args.concurrency, args.workflows))  # warm-up: connections, caches
        sent = 0
        cpu_client, cpu_server = time.process_time(), _cpu_seconds(args.server_pid)
        elapsed = await _timed(args.workflows, concurrent)
        cpu_client = time.process_time() - cpu_client
        cpu_server = _cpu_seconds(args.server_pid) - cpu_server
        requests_per_workflow = sent / args.workflows
        seq_elapsed = await _timed(args.sequential, sequential)
        ledger_rates = await _ledger_phases(args, concurrent)
    latency = args.latency_ms / 1000.0
    throughput = args.workflows / elapsed
    bound = args.concurrency / (requests_per_workflow * latency)
    seq_throughput = args.sequential / seq_elapsed
    requests = requests_per_workflow * args.workflows
    return {
        "client_cpu_ms": 1000 * cpu_client / requests,
        "server_cpu_ms": 1000 * cpu_server / requests,
        "elapsed": elapsed,
        "throughput": throughput,
        "requests_per_workflow": requests_per_workflow,
        "bound": bound,
        "ratio": throughput / bound,
        "sequential_throughput": seq_throughput,
        "speedup": throughput / seq_throughput,
        **ledger_rates,
    }


async def _ledger_phases(
    args: argparse.Namespace, concurrent: Callable[[int, str | None], Awaitable[None]]
) -> dict[str, float]:
    """Best throughput with each ``--ledger`` and with none, alternating; ``ledger_<name>``."""
    names = ["none", *(n for n in dict.fromkeys(args.ledger) if n != "none")]
    if len(names) == 1:
        return {}
    best = dict.fromkeys(names, 0.0)
    for round_ in range(args.ledger_rounds):
        for name in names if round_ % 2 == 0 else reversed(names):
            spec = {"none": None, "postgres": args.postgres_dsn}.get(name)
            if name == "sqlite":
                spec = str(Path(args.ledger_dir) / f"ledger-{round_}.sqlite")
            elapsed = await _timed(args.workflows, lambda n, s=spec: concurrent(n, s))
            best[name] = max(best[name], args.workflows / elapsed)
    return {f"ledger_{name}": rate for name, rate in best.items()}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pool_text(shards: int | None) -> str:
    if shards is None:
        return f"SDK default connection pool ({DEFAULT_POOL_SHARDS} shards)"
    return "one connection pool" if shards == 1 else f"{shards} pool shards"


def _report(args: argparse.Namespace, command: str, m: dict[str, float]) -> str:
    lines = [
        "# Batch workflow benchmark",
        "",
        f"Command: `{command}`",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPU(s); sandbox in a separate process over uvicorn on 127.0.0.1 "
        "(uvloop + httptools where installed).",
        f"Settings: N={args.workflows} workflows, C={args.concurrency}, L={args.latency_ms:g} ms, "
        f"request validation {'on' if args.validate else 'off'}, {_pool_text(args.pool_shards)}, "
        f"client event loop {args.loop}, "
        f"sequential sample {args.sequential} workflows.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| requests per workflow (R) | {m['requests_per_workflow']:.2f} |",
        f"| throughput at C={args.concurrency} | {m['throughput']:.1f} workflows/s "
        f"({m['elapsed']:.2f} s for {args.workflows}) |",
        f"| Little's-law bound C / (R x L) | {m['bound']:.1f} workflows/s |",
        f"| ratio throughput / bound | {m['ratio']:.2f} |",
        f"| sequential throughput | {m['sequential_throughput']:.2f} workflows/s |",
        f"| speed-up over sequential | {m['speedup']:.1f}x |",
        f"| client CPU per request (concurrent phase) | {m['client_cpu_ms']:.2f} ms |",
        f"| sandbox CPU per request (concurrent phase) | {m['server_cpu_ms']:.2f} ms |",
    ]
    if "ledger_none" in m:
        lines += [
            "",
            f"Batch ledgers (best of {args.ledger_rounds} alternating rounds, same settings):",
            "",
            "| ledger | throughput | ratio to none |",
            "|---|---|---|",
        ]
        for key, rate in m.items():
            if key.startswith("ledger_"):
                name = key.removeprefix("ledger_")
                ratio = rate / m["ledger_none"]
                lines.append(f"| {name} | {rate:.1f} workflows/s | {ratio:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Parse arguments, run the benchmark, print (and optionally write) the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workflows", "-n", type=int, default=256)
    parser.add_argument("--concurrency", "-c", type=int, default=32)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument(
        "--sequential",
        type=int,
        default=None,
        help="workflows in the sequential phase (default N/8)",
    )
    parser.add_argument(
        "--no-validate",
        dest="validate",
        action="store_false",
        help="turn off client-side request validation",
    )
    parser.add_argument(
        "--pool-shards",
        type=int,
        default=None,
        metavar="N",
        help="connection pools of the EasyInk client (default: the SDK's default)",
    )
    parser.add_argument(
        "--loop",
        choices=("asyncio", "uvloop"),
        default="asyncio",
        help="the client's event loop (the sandbox process uses uvloop where installed)",
    )
    parser.add_argument(
        "--ledger",
        action="append",
        choices=("none", "sqlite", "postgres"),
        default=[],
        help="also measure run_batch with this ledger, as a ratio to none (repeatable)",
    )
    parser.add_argument("--ledger-rounds", type=int, default=2, metavar="R")
    parser.add_argument("--output", type=Path, help="also write the report (markdown) here")
    args = parser.parse_args()
    if args.sequential is None:
        args.sequential = max(4, args.workflows // 8)
    command = "python bench/batch.py " + " ".join(sys.argv[1:])
    resources = ExitStack()
    args.ledger_dir = resources.enter_context(tempfile.TemporaryDirectory())
    args.postgres_dsn = None
    if "postgres" in args.ledger:
        from tests._postgres import TempPostgres

        args.postgres_dsn = resources.enter_context(TempPostgres(durable=True)).dsn
    proc, url = start_sandbox("--latency-ms", str(args.latency_ms))
    args.server_pid = proc.pid
    try:
        if args.loop == "uvloop":
            import uvloop

            measures = uvloop.run(bench(args, url))
        else:
            measures = asyncio.run(bench(args, url))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        resources.close()
    report = _report(args, command.strip(), measures)
    print(report)
    if args.output is not None:
        args.output.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
