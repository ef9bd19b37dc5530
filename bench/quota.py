"""A batch against a server's request quota: rows lost, 429 share, and the quota actually used.

For each scenario the sandbox runs in its own process (``python -m easyink_sandbox --quota
RATE:BURST``: a token bucket per account, ``429 RateLimited`` with an integer ``Retry-After``
beyond it), and ``W`` worker processes share one SQLite ledger (``--ledger postgres``: a
throwaway PostgreSQL server, see ``tests/_postgres.py``), each running
:func:`easyink_ext.run_batch` over the same rows at concurrency ``C`` with a default
``EasyInk`` client (``rate_limit="auto"``: the adaptive send rate is on inside the batch), the
signing workflow of ``easyink batch`` for each row (one small PDF, one signer), no ``rate``.

Printed per scenario: rows started / failed / unknown (fleet-wide, from the ledger at the end),
the workers' exit codes, the share of 429 answers among all ``/api`` answers, and the 2xx rate
over the server's busy window (first to last answer) divided by the quota, all counted by the
sandbox (``GET /sandbox/quota``).

``--rate-limit off`` runs the same without the controller (the baseline);
``--increase cubic`` makes the controller raise its rate as CUBIC (AWS SDKs' adaptive mode)
instead of additively. ``EASYINK_BENCH_TRACE=1`` makes each worker print its controller's
state every quarter second (to stderr).

Usage::

    python bench/quota.py [--quota 40:10] [--scenario 1:64:80] [--scenario 3:32:90]
                          [--rate-limit auto|off] [--increase aimd|cubic]
                          [--ledger sqlite|postgres] [--output FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _sandbox import login, send_row, start_sandbox  # noqa: E402

from easyink_ext import EasyInk  # noqa: E402
from easyink_ext._ratecontrol import AdaptiveRate  # noqa: E402
from easyink_ext.batch import count_states, run_batch  # noqa: E402
from easyink_ext.ledger import open_ledger  # noqa: E402
from easyink_sandbox import simple_pdf  # noqa: E402


async def worker(args: argparse.Namespace) -> dict[str, Any]:
    """One worker process: run the batch, report its counts and its controller's state."""
    pdf = simple_pdf(["Quota contract"])
    prefix = args.prefix

    async with EasyInk(base_url=args.url, token=args.token, rate_limit=args.rate_limit) as ei:
        if args.increase != "aimd":
            ei._core.rate = AdaptiveRate(mode=args.rate_limit, increase=args.increase)

        async def one(n: int) -> object:
            return await send_row(ei, pdf, n, f"{prefix} {n}")

        trace = os.environ.get("EASYINK_BENCH_TRACE")

        async def watch() -> None:
            start = time.perf_counter()
            rate = ei.send_rate
            while True:
                await asyncio.sleep(0.25)
                print(
                    f"{time.perf_counter() - start:6.2f}s rate={rate.rate} "
                    f"measured={rate.measured_rate:.1f} throttles={rate.throttles} "
                    f"paused={rate.paused_for():.2f} trusted={rate._trusted} "
                    f"workers={rate.workers}",
                    file=sys.stderr,
                )

        watcher = asyncio.ensure_future(watch()) if trace else None
        results = await run_batch(
            range(args.rows),
            one,
            concurrency=args.concurrency,
            ledger=args.ledger,
            key=lambda n: f"{prefix}-{n}",
            hint=lambda n: f"{prefix} {n}",
        )
        if watcher is not None:
            watcher.cancel()
        rate = ei.send_rate
        return {
            "counts": count_states(results),
            "here": sum(1 for r in results if r.here),
            "throttles": rate.throttles,
            "final_rate": rate.rate,
        }


async def _ledger_counts(spec: str, prefix: str, rows: int) -> dict[str, int]:
    ledger = open_ledger(spec)
    await ledger.open()
    try:
        records = await ledger.records([f"{prefix}-{n}" for n in range(rows)])
    finally:
        await ledger.aclose()
    counts: dict[str, int] = {}
    for record in records.values():
        counts[record.state] = counts.get(record.state, 0) + 1
    return counts


def _spawn(
    args: argparse.Namespace,
    url: str,
    token: str,
    ledger: str,
    *,
    prefix: str,
    shape: tuple[int, int],
) -> subprocess.Popen[str]:
    rows, c = shape
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        "--url",
        url,
        "--prefix",
        prefix,
        "--rows",
        str(rows),
        "--concurrency",
        str(c),
        "--ledger-spec",
        ledger,
        "--rate-limit",
        args.rate_limit,
        "--increase",
        args.increase,
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EASYINK_BENCH_TOKEN": token}
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)


async def scenario(
    args: argparse.Namespace, workers: int, concurrency: int, rows: int, ledger: str
) -> dict[str, Any]:
    """One scenario in a new sandbox process; the measurements."""
    rate, _, burst = args.quota.partition(":")
    proc, url = start_sandbox(*(["--quota", args.quota] if args.quota else []), *args.sandbox_arg)
    try:
        token = await login(url)
        prefix = f"Quota {workers}x{concurrency}"
        start = time.perf_counter()
        procs = [
            _spawn(args, url, token, ledger, prefix=prefix, shape=(rows, concurrency))
            for _ in range(workers)
        ]
        outputs = [p.communicate(timeout=600)[0] for p in procs]
        elapsed = time.perf_counter() - start
        reports = [
            json.loads(out.strip().splitlines()[-1]) if out.strip() else {} for out in outputs
        ]
        async with httpx.AsyncClient(base_url=url) as http:
            answer = await http.get("/sandbox/quota", headers={"Authorization": f"Bearer {token}"})
            stats = answer.json()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    counts = await _ledger_counts(ledger, prefix, rows)
    total = stats["ok"] + stats["limited"] + stats["other"]
    window = (stats["last"] - stats["first"]) if stats["first"] is not None else 0.0
    quota = float(rate) if rate else 1.0
    return {
        "workers": workers,
        "concurrency": concurrency,
        "rows": rows,
        "exit_codes": [p.returncode for p in procs],
        "started": counts.get("started", 0),
        "failed": counts.get("failed", 0),
        "unknown": counts.get("unknown", 0) + counts.get("sending", 0),
        "requests": total,
        "limited": stats["limited"],
        "share_429": stats["limited"] / total if total else 0.0,
        "busy_window_s": window,
        "ok_rate_per_quota": (stats["ok"] / window / quota) if window > 0 else 0.0,
        "elapsed_s": elapsed,
        "throttles_seen": [r.get("throttles") for r in reports],
        "final_rates": [r.get("final_rate") for r in reports],
        "burst": int(burst) if burst else None,
    }


async def bench(args: argparse.Namespace) -> list[dict[str, Any]]:
    results = []
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        dsn = None
        if args.ledger == "postgres":
            from tests._postgres import TempPostgres

            dsn = stack.enter_context(TempPostgres(durable=True)).dsn
        for n, text in enumerate(args.scenario):
            workers, concurrency, rows = (int(part) for part in text.split(":"))
            ledger = dsn if dsn is not None else str(Path(folder) / f"ledger-{n}.sqlite")
            results.append(await scenario(args, workers, concurrency, rows, ledger))
    return results


def _print(args: argparse.Namespace, results: list[dict[str, Any]]) -> None:
    print(
        f"quota {args.quota} (requests/s[:burst]), rate_limit={args.rate_limit}, "
        f"increase={args.increase}, ledger={args.ledger}, python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        "| workers x -c, rows | exit | started | failed | unknown | 429 share | 2xx rate / quota |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['workers']} x {r['concurrency']}, {r['rows']} | "
            f"{','.join(str(c) for c in r['exit_codes'])} | {r['started']} | {r['failed']} | "
            f"{r['unknown']} | {100 * r['share_429']:.1f} % ({r['limited']}/{r['requests']}) | "
            f"{r['ok_rate_per_quota']:.2f} ({r['busy_window_s']:.1f} s) |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quota", default="40:10", metavar="RATE[:BURST]")
    parser.add_argument(
        "--scenario",
        action="append",
        metavar="WORKERS:CONCURRENCY:ROWS",
        help="repeatable (default: 1:64:80 and 3:32:90)",
    )
    parser.add_argument("--rate-limit", choices=("auto", "off"), default="auto")
    parser.add_argument("--increase", choices=("aimd", "cubic"), default="aimd")
    parser.add_argument("--ledger", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--output", help="also write the results as JSON to this file")
    parser.add_argument(
        "--sandbox-arg",
        action="append",
        default=[],
        help="extra flag for the sandbox (repeatable; e.g. --sandbox-arg=--rate-limit-rate=0.05)",
    )
    # worker mode (internal)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--prefix", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ledger-spec", dest="ledger_spec", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.token = os.environ["EASYINK_BENCH_TOKEN"]
        args.ledger = args.ledger_spec
        print(json.dumps(asyncio.run(worker(args))))
        return
    args.scenario = args.scenario or ["1:64:80", "3:32:90"]
    results = asyncio.run(bench(args))
    _print(args, results)
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
