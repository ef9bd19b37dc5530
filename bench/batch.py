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
``easyink batch`` does (with the first ``--backend``).

Each ``--backend`` (``httpx``, ``aiohttp``; by default both, aiohttp when installed) runs in
turn, then the **raw-aiohttp floor**: the same request sequence (the same seven requests per
workflow with the same bodies, JSON answers decoded) sent by a bare ``aiohttp.ClientSession``
at the same concurrency, without the SDK. The report ends with the ratios of client CPU per
request: aiohttp backend / httpx backend, and each backend / floor. ``--rounds R`` measures every
client ``R`` times in turn (httpx, aiohttp, floor, httpx, ...) and reports, for each, the round
with the least client CPU per request: other load on the machine only adds CPU time, and the
ratios of single rounds move by ±20 % on a shared two-core machine.

``--rate-limit-rounds R`` then measures the adaptive send rate's cost where the server sets
no quota: the concurrent phase with a new ``EasyInk(rate_limit="auto")`` client (the
controller on inside ``run_batch``) and a new ``EasyInk(rate_limit="off")`` client,
alternating ``R`` times, each after the same warm-up (which also takes the controller past its
start, where it bounds the requests in flight), and prints each one's best throughput and
the ratio on / off.

Usage::

    python bench/batch.py [--workflows 256] [--concurrency 32] [--latency-ms 20]
                          [--sequential 32] [--no-validate] [--pool-shards N]
                          [--ledger none|sqlite|postgres ...] [--ledger-rounds 2]
                          [--backend httpx] [--backend aiohttp] [--no-floor]
                          [--rounds 1] [--rate-limit-rounds 0] [--output FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _sandbox import login, send_row, start_sandbox  # noqa: E402

from easyink_ext import EasyInk  # noqa: E402
from easyink_ext._client import BACKENDS, DEFAULT_POOL_SHARDS  # noqa: E402
from easyink_ext.batch import run_batch  # noqa: E402
from easyink_sandbox import simple_pdf  # noqa: E402


async def _timed(count: int, run: Callable[[int], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await run(count)
    return time.perf_counter() - start


async def bench(args: argparse.Namespace, url: str) -> dict[str, dict[str, float]]:
    """Every backend, then the raw-aiohttp floor, ``--rounds`` times in turn; for each client
    the round with the least client CPU per request (other load on the machine only adds)."""
    token = await login(url)
    best: dict[str, dict[str, float]] = {}
    for round_ in range(args.rounds):
        results: dict[str, dict[str, float]] = {}
        if round_ == 0 and args.rate_limit_rounds:
            best["rate limit"] = await _rate_limit_phases(args, url, token, args.backend[0])
        for backend in args.backend:
            results[backend] = await bench_sdk(args, url, token, backend, first=round_ == 0)
        if args.floor:
            results["raw aiohttp"] = await bench_floor(args, url, token)
        for name, measures in results.items():
            kept = best.get(name)
            if kept is None or measures["client_cpu_ms"] < kept["client_cpu_ms"]:
                best[name] = {**(kept or {}), **measures}
            best[name][f"round_{round_}_cpu_ms"] = measures["client_cpu_ms"]
    return best


def _workflow(
    ei: EasyInk, pdf: bytes, counter: Iterator[int]
) -> Callable[[object], Awaitable[object]]:
    """One signing workflow per call (steps recorded in the batch ledger, as the CLI does)."""

    async def one(_: object) -> object:
        n = next(counter)
        return await send_row(ei, pdf, n, f"Benchmark {n}")

    return one


async def bench_sdk(
    args: argparse.Namespace, url: str, token: str, backend: str, *, first: bool = True
) -> dict[str, float]:
    """Run the concurrent and the sequential phases with one backend; return the measurements.

    The ``--ledger`` phases run with the first backend in the first round only.
    """
    pdf = simple_pdf(["Benchmark contract"])
    counter = iter(range(10**9))
    phases = iter(range(10**9))
    sent = 0

    async def count(_: httpx.Request) -> None:
        nonlocal sent
        sent += 1

    async with EasyInk(
        base_url=url,
        token=token,
        validate_requests=args.validate,
        pool_shards=args.pool_shards if backend == "httpx" else None,
        backend=backend,
    ) as ei:
        ei.http_client.event_hooks["request"].append(count)

        one = _workflow(ei, pdf, counter)

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
        measures = _measures(args, elapsed, sent, cpu_client, cpu_server)
        seq_elapsed = await _timed(args.sequential, sequential)
        if first and backend == args.backend[0]:
            measures.update(await _ledger_phases(args, concurrent))
    measures["sequential_throughput"] = args.sequential / seq_elapsed
    measures["speedup"] = measures["throughput"] / measures["sequential_throughput"]
    return measures


def _measures(
    args: argparse.Namespace, elapsed: float, sent: int, cpu_client: float, cpu_server: float
) -> dict[str, float]:
    """Throughput, Little's-law bound and CPU per request of one concurrent phase."""
    requests_per_workflow = sent / args.workflows
    throughput = args.workflows / elapsed
    bound = args.concurrency / (requests_per_workflow * args.latency_ms / 1000.0)
    return {
        "client_cpu_ms": 1000 * cpu_client / sent,
        "server_cpu_ms": 1000 * cpu_server / sent,
        "elapsed": elapsed,
        "throughput": throughput,
        "requests_per_workflow": requests_per_workflow,
        "bound": bound,
        "ratio": throughput / bound,
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


async def _rate_limit_phases(
    args: argparse.Namespace, url: str, token: str, backend: str
) -> dict[str, float]:
    """Best throughput with the adaptive send rate on and off, alternating (new clients)."""
    pdf = simple_pdf(["Benchmark contract"])
    counter = iter(range(10**9))
    best = {"auto": 0.0, "off": 0.0}
    for round_ in range(args.rate_limit_rounds):
        for mode in ("auto", "off") if round_ % 2 == 0 else ("off", "auto"):
            async with EasyInk(
                base_url=url,
                token=token,
                validate_requests=args.validate,
                backend=backend,
                rate_limit=mode,
            ) as ei:
                one = _workflow(ei, pdf, counter)
                warm = [f"warm {mode} {round_} {n}" for n in range(args.concurrency)]
                await run_batch(warm, one, concurrency=args.concurrency)
                items = [f"{mode} {round_} {n}" for n in range(args.workflows)]
                start = time.perf_counter()
                await run_batch(items, one, concurrency=args.concurrency)
                elapsed = time.perf_counter() - start
            best[mode] = max(best[mode], args.workflows / elapsed)
    return {"on": best["auto"], "off": best["off"], "ratio": best["auto"] / best["off"]}


async def bench_floor(args: argparse.Namespace, url: str, token: str) -> dict[str, float]:
    """The same workflows' requests sent by a bare aiohttp session (no SDK): the CPU floor."""
    import aiohttp

    pdf = simple_pdf(["Benchmark contract"])
    auth = {"Authorization": f"Bearer {token}"}
    as_json = {**auth, "Content-Type": "application/json"}
    counter = iter(range(10**9))
    sent = 0

    async def call(
        session: aiohttp.ClientSession, method: str, path: str, **kwargs: object
    ) -> object:
        nonlocal sent
        sent += 1
        async with session.request(method, url + path, **kwargs) as answer:  # type: ignore[arg-type]
            body = await answer.read()
            if answer.status != 200:
                raise RuntimeError(f"{method} {path}: HTTP {answer.status} {body[:200]!r}")
            return json.loads(body) if body else None

    async def workflow(session: aiohttp.ClientSession) -> None:
        n = next(counter)
        drafts = "/api/signingSessionDrafts"
        body = json.dumps({"subject": f"Benchmark {n}"}).encode()
        draft = await call(session, "POST", drafts, data=body, headers=as_json)
        form = aiohttp.FormData()
        form.add_field(
            "fileContent", pdf, filename=f"contract-{n}.pdf", content_type="application/pdf"
        )
        document = await call(
            session, "POST", f"{drafts}/{draft}/documents", data=form, headers=auth
        )
        details = await call(session, "GET", f"{drafts}/{draft}", headers=auth)
        assert isinstance(details, dict) and details["documents"][0]["status"] != "Processing"
        participant = {
            "firstName": "Signer",
            "lastName": str(n),
            "email": f"signer{n}@example.com",
            "phone": None,
            "deliveryMethods": ["Email"],
            "language": "English",
        }
        signer = await call(
            session,
            "POST",
            f"{drafts}/{draft}/participants",
            data=json.dumps(participant).encode(),
            headers=as_json,
        )
        field = {
            "documentId": document,
            "field": {
                "type": "Signature",
                "placement": {
                    "page": 1,
                    "positionX": 36.0,
                    "positionY": 36.0,
                    "sizeX": 180.0,
                    "sizeY": 40.0,
                },
                "options": {"isRequired": True, "forType": "Signature"},
            },
            "participantId": signer,
        }
        await call(
            session,
            "POST",
            f"{drafts}/{draft}/signatureFields",
            data=json.dumps(field).encode(),
            headers=as_json,
        )
        await call(session, "POST", f"{drafts}/{draft}/convert", headers=auth)
        await call(session, "POST", f"/api/signingSessions/{draft}/start", headers=auth)

    async def concurrent(session: aiohttp.ClientSession, count: int) -> None:
        remaining = iter(range(count))

        async def worker() -> None:
            for _ in remaining:
                await workflow(session)

        await asyncio.gather(*(worker() for _ in range(min(args.concurrency, count))))

    connector = aiohttp.TCPConnector(limit=100, limit_per_host=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        await concurrent(session, min(args.concurrency, args.workflows))  # warm-up
        sent = 0
        cpu_client, cpu_server = time.process_time(), _cpu_seconds(args.server_pid)
        start = time.perf_counter()
        await concurrent(session, args.workflows)
        elapsed = time.perf_counter() - start
        cpu_client = time.process_time() - cpu_client
        cpu_server = _cpu_seconds(args.server_pid) - cpu_server
    return _measures(args, elapsed, sent, cpu_client, cpu_server)


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


def _report(args: argparse.Namespace, command: str, results: dict[str, dict[str, float]]) -> str:
    lines = [
        "# Batch workflow benchmark",
        "",
        f"Command: `{command}`",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPU(s); sandbox in a separate process over uvicorn on 127.0.0.1 "
        "(uvloop + httptools where installed).",
        f"Settings: N={args.workflows} workflows, C={args.concurrency}, L={args.latency_ms:g} ms, "
        f"request validation {'on' if args.validate else 'off'}, httpx backend: "
        f"{_pool_text(args.pool_shards)}, client event loop {args.loop}, "
        f"sequential sample {args.sequential} workflows, "
        f"{args.rounds} round(s) (each client's round with the least client CPU per request).",
        "",
        "| client | R | throughput | bound C/(R x L) | ratio | vs sequential "
        "| client CPU/req | sandbox CPU/req |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, m in results.items():
        if name == "rate limit":
            continue
        speedup = f"{m['speedup']:.1f}x" if "speedup" in m else "-"
        label = name if name == "raw aiohttp" else f"EasyInk backend={name}"
        lines.append(
            f"| {label} | {m['requests_per_workflow']:.2f} "
            f"| {m['throughput']:.1f} workflows/s ({m['elapsed']:.2f} s) "
            f"| {m['bound']:.1f} | {m['ratio']:.2f} | {speedup} "
            f"| {m['client_cpu_ms']:.3f} ms | {m['server_cpu_ms']:.3f} ms |"
        )
    cpu = {name: m["client_cpu_ms"] for name, m in results.items() if "client_cpu_ms" in m}
    ratios = []
    if "httpx" in cpu and "aiohttp" in cpu:
        ratios.append(f"aiohttp backend / httpx backend: {cpu['aiohttp'] / cpu['httpx']:.2f}")
    for name in ("httpx", "aiohttp"):
        if name in cpu and "raw aiohttp" in cpu:
            ratios.append(f"{name} backend / raw aiohttp: {cpu[name] / cpu['raw aiohttp']:.2f}")
    if ratios:
        lines += ["", "Client CPU per request, ratios: " + "; ".join(ratios) + "."]
    if args.rounds > 1:
        per_round = [
            f"{name} " + " / ".join(f"{m[f'round_{r}_cpu_ms']:.3f}" for r in range(args.rounds))
            for name, m in results.items()
            if name != "rate limit"
        ]
        lines += ["", "Client CPU per request (ms) in each round: " + "; ".join(per_round) + "."]
    for name, m in results.items():
        if "ledger_none" in m:
            lines += _ledger_lines(args, name, m)
    if "rate limit" in results:
        m = results["rate limit"]
        lines += [
            "",
            f"Adaptive send rate, no quota (backend={args.backend[0]}, best of "
            f"{args.rate_limit_rounds} alternating rounds): on {m['on']:.1f} workflows/s, "
            f"off {m['off']:.1f} workflows/s, on / off = {m['ratio']:.3f}.",
        ]
    return "\n".join(lines) + "\n"


def _ledger_lines(args: argparse.Namespace, backend: str, m: dict[str, float]) -> list[str]:
    lines = [
        "",
        f"Batch ledgers (backend={backend}, best of {args.ledger_rounds} alternating rounds, "
        "same settings):",
        "",
        "| ledger | throughput | ratio to none |",
        "|---|---|---|",
    ]
    for key, rate in m.items():
        if key.startswith("ledger_"):
            name = key.removeprefix("ledger_")
            ratio = rate / m["ledger_none"]
            lines.append(f"| {name} | {rate:.1f} workflows/s | {ratio:.2f} |")
    return lines


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
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        metavar="R",
        help="measure every client R times in turn and keep each one's least-disturbed round",
    )
    parser.add_argument(
        "--backend",
        action="append",
        choices=BACKENDS,
        help="EasyInk backend to measure; repeat for several (default: httpx and aiohttp)",
    )
    parser.add_argument(
        "--no-floor",
        dest="floor",
        action="store_false",
        help="skip the raw-aiohttp floor",
    )
    parser.add_argument(
        "--rate-limit-rounds",
        type=int,
        default=0,
        metavar="R",
        help="also compare the adaptive send rate on and off, alternating R times",
    )
    parser.add_argument("--output", type=Path, help="also write the report (markdown) here")
    args = parser.parse_args()
    if args.sequential is None:
        args.sequential = max(4, args.workflows // 8)
    have_aiohttp = importlib.util.find_spec("aiohttp") is not None
    if args.backend is None:
        args.backend = list(BACKENDS) if have_aiohttp else ["httpx"]
    args.floor = args.floor and have_aiohttp
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
