"""``python -m easyink_sandbox``: run the sandbox under uvicorn until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from ._config import FaultConfig, SandboxConfig
from ._server import _server, _url, _wait_started
from .app import create_app

_uvloop_run: Callable[[Coroutine[Any, Any, None]], None] | None
try:  # the faster event loop, where installed (the sandbox extra installs it off Windows)
    from uvloop import run as _uvloop_run
except ImportError:  # pragma: no cover - depends on the platform
    _uvloop_run = None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m easyink_sandbox", description="Run the local EasyInk sandbox server."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 lets the OS choose")
    parser.add_argument("--processing-delay", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--token-ttl", type=float, default=3600.0, metavar="SECONDS")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--fail-rate", type=float, default=0.0)
    parser.add_argument("--rate-limit-rate", type=float, default=0.0)
    parser.add_argument("--drop-rate", type=float, default=0.0)
    parser.add_argument("--fault-after-processing", action="store_true")
    parser.add_argument("--retry-after", type=float, default=1.0, metavar="SECONDS")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--quota",
        type=_quota,
        default=None,
        metavar="RATE[:BURST]",
        help="per-account token bucket over /api: RATE requests/s, BURST at once (default RATE)",
    )
    parser.add_argument(
        "--quota-headers",
        action="store_true",
        help="send the IETF RateLimit-Policy and RateLimit headers with --quota",
    )
    parser.add_argument("--validate-responses", action="store_true")
    parser.add_argument(
        "--loop",
        choices=("auto", "asyncio", "uvloop"),
        default="auto",
        help="event loop (auto: uvloop where installed, else asyncio)",
    )
    parser.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )
    return parser


def _quota(text: str) -> tuple[float, int | None]:
    """``RATE[:BURST]`` as ``(rate, burst)``."""
    rate_text, _, burst_text = text.partition(":")
    try:
        rate = float(rate_text)
        burst = int(burst_text) if burst_text else None
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected RATE[:BURST], not {text!r}") from None
    if not (rate > 0 and rate != float("inf")) or (burst is not None and burst < 1):
        raise argparse.ArgumentTypeError("RATE must be > 0 and BURST >= 1")
    return rate, burst


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    """The :class:`SandboxConfig` the command-line flags describe."""
    faults = FaultConfig(
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        fail_rate=args.fail_rate,
        rate_limit_rate=args.rate_limit_rate,
        drop_rate=args.drop_rate,
        fault_after_processing=args.fault_after_processing,
        seed=args.seed,
        retry_after=args.retry_after,
        quota_rate=args.quota[0] if args.quota else None,
        quota_burst=args.quota[1] if args.quota else None,
        quota_headers=args.quota_headers,
    )
    return SandboxConfig(
        processing_delay=args.processing_delay,
        token_ttl=args.token_ttl,
        validate_responses=args.validate_responses,
        faults=faults,
    )


async def _serve(args: argparse.Namespace) -> None:
    app = create_app(config_from_args(args))
    server = _server(app, args.host, args.port, args.log_level)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: setattr(server, "should_exit", True))
    task = asyncio.create_task(server.serve())
    await _wait_started(server, task)
    print(f"EasyInk sandbox listening on {_url(server, args.host)}", flush=True)
    await task


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    if args.loop != "asyncio" and _uvloop_run is not None:
        _uvloop_run(_serve(args))
    elif args.loop == "uvloop":
        _parser().error("--loop uvloop: uvloop is not installed")
    else:
        asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
