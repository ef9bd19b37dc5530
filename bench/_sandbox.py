"""What the benchmarks share: the sandbox in its own process, a token from its OAuth flow, and
the signing workflow each of their rows runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from easyink_ext import EasyInk, OAuthClient
from easyink_ext.batch import ledger_steps
from easyink_ext.workflow import Signer, send_for_signature
from easyink_sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET

ROOT = Path(__file__).resolve().parent.parent


def start_sandbox(*extra_args: str) -> tuple[subprocess.Popen[str], str]:
    """Start ``python -m easyink_sandbox`` on a free loopback port; return it and its URL."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "easyink_sandbox",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            *extra_args,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    marker = "listening on "
    if marker not in line:
        proc.terminate()
        raise RuntimeError(f"unexpected sandbox output: {line!r}")
    return proc, line.split(marker, 1)[1].strip()


async def login(url: str) -> str:
    """An access token from the sandbox's authorization-code + PKCE flow."""
    async with OAuthClient(
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        redirect_uri="http://127.0.0.1/callback",
        issuer=url,
    ) as oauth:
        request = oauth.authorization_request()
        async with httpx.AsyncClient() as browser:
            answer = await browser.get(request.url, follow_redirects=False)
        tokens = await oauth.exchange_code(request, callback_url=answer.headers["location"])
        return tokens.access_token


async def send_row(ei: EasyInk, pdf: bytes, n: int, subject: str) -> object:
    """Row ``n``'s signing workflow: ``pdf``, one signer, its steps recorded in the batch
    ledger (as ``easyink batch`` does)."""
    return await send_for_signature(
        ei,
        documents=[(f"contract-{n}.pdf", pdf)],
        signers=[Signer(f"Signer {n}", f"signer{n}@example.com")],
        subject=subject,
        on_step=ledger_steps(subject),
    )
