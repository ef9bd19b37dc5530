"""The sandbox over a real uvicorn server on 127.0.0.1 (OS-chosen port) and as a subprocess."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import select
import signal
import subprocess
import sys
import threading
from typing import Any

import httpx
import pytest

from easyink_sandbox import (
    FaultConfig,
    SandboxApp,
    SandboxConfig,
    SandboxThread,
    run_server,
    simple_pdf,
)
from easyink_sandbox._faults import ASGIApp

from .test_auth import exchange, get_code

pytestmark = pytest.mark.integration


async def full_cycle(base_url: str) -> bytes:
    """OAuth, then create, upload, add participant and field, convert, start, sign, download."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as c:
        verifier = secrets.token_urlsafe(48)
        code = await get_code(c, verifier)
        r = await c.post("/connect/token", data=exchange(code, verifier))
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        sid = (await c.post("/api/signingSessionDrafts", json={"subject": "Cycle"})).json()
        files = {"fileContent": ("c.pdf", simple_pdf(["Contract"]), "application/pdf")}
        did = (await c.post(f"/api/signingSessionDrafts/{sid}/documents", files=files)).json()
        person = {
            "firstName": "Ada",
            "lastName": "Lovelace",
            "email": "ada@example.com",
            "deliveryMethods": ["Email"],
        }
        pid = (await c.post(f"/api/signingSessionDrafts/{sid}/participants", json=person)).json()
        field = {
            "type": "Signature",
            "placement": {"page": 1, "positionX": 72, "positionY": 72, "sizeX": 200, "sizeY": 40},
            "options": {"isRequired": True, "forType": "Signature"},
        }
        r = await c.post(
            f"/api/signingSessionDrafts/{sid}/signatureFields",
            json={"participantId": pid, "documentId": did, "field": field},
        )
        assert r.status_code == 200, r.text
        assert (await c.post(f"/api/signingSessionDrafts/{sid}/convert")).status_code == 200
        assert (await c.post(f"/api/signingSessions/{sid}/start")).status_code == 200
        r = await c.post(f"/sandbox/signingSessions/{sid}/participants/{pid}/sign")
        assert r.json()["sessionStatus"] == "Finished"
        view = (await c.get(f"/api/signingSessions/{sid}")).json()
        signed = view["signedDocuments"][0]["signedDocumentId"]
        r = await c.get(f"/api/signingSessions/{sid}/signedDocuments/{signed}")
        assert r.status_code == 200 and r.content.startswith(b"%PDF-")
        r = await c.get(f"/api/signingSessions/{sid}/allInOneDocument")
        assert r.status_code == 200
        return r.content


async def test_lifecycle_over_uvicorn() -> None:
    async with run_server(SandboxConfig(validate_responses=True)) as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        pdf = await full_cycle(server.url)
        assert b"%PDF-" in pdf[:10]
        assert server.sandbox.response_violations == []


async def test_faults_over_uvicorn() -> None:
    async with run_server() as server, httpx.AsyncClient(base_url=server.url) as c:
        sandbox = server.sandbox
        c.headers["Authorization"] = f"Bearer {sandbox.issue_token()}"
        sandbox.faults = FaultConfig(drop_rate=1.0, seed=3)
        with pytest.raises(httpx.RemoteProtocolError):
            await c.get("/api/signingSessions")
        sandbox.faults = FaultConfig(rate_limit_rate=1.0)
        r = await c.get("/api/signingSessions")
        assert r.status_code == 429 and r.headers["retry-after"] == "1"
        sandbox.faults = FaultConfig(fail_rate=1.0, fail_statuses=(503,))
        assert (await c.get("/api/signingSessions")).status_code == 503
        sandbox.faults = FaultConfig()
        sid = (await c.post("/api/signingSessionDrafts", json={})).json()
        size = 2_000_000
        did = sandbox.add_large_document(sid, size)
        sandbox.faults.drop_body_after_bytes = 700_000
        received = bytearray()
        url = f"/api/signingSessions/{sid}/documents/{did}"
        with pytest.raises(httpx.RemoteProtocolError):
            async with c.stream("GET", url) as r:
                etag = r.headers["etag"]
                async for chunk in r.aiter_bytes():
                    received += chunk
        assert len(received) == 700_000
        r = await c.get(url, headers={"Range": f"bytes={len(received)}-", "If-Range": etag})
        assert r.status_code == 206
        received += r.content
        whole = await c.get(url)
        assert bytes(received) == whole.content and len(whole.content) == size
        faults = [(record.status, record.fault) for record in sandbox.request_log]
        assert (None, "drop") in faults and (200, "drop_body") in faults


async def test_dropped_head_request_is_a_transport_error_over_uvicorn() -> None:
    async with run_server() as server, httpx.AsyncClient(base_url=server.url) as c:
        sandbox = server.sandbox
        c.headers["Authorization"] = f"Bearer {sandbox.issue_token()}"
        sid = (await c.post("/api/signingSessionDrafts", json={})).json()
        sandbox.faults = FaultConfig(drop_rate=1.0, seed=3)
        sandbox.reset_log()
        with pytest.raises(httpx.TransportError):
            await c.head(f"/api/signingSessionDrafts/{sid}")
        assert [(r.status, r.fault) for r in sandbox.request_log] == [(None, "drop")]


def test_sandbox_thread() -> None:
    with SandboxThread() as thread:
        r = httpx.get(
            f"{thread.url}/api/signingSessions/statistics",
            headers={"Authorization": f"Bearer {thread.sandbox.issue_token()}"},
        )
        assert r.status_code == 200


def test_sandbox_thread_call_runs_functions_in_the_servers_thread() -> None:
    seen: list[ASGIApp] = []

    def middleware(app: SandboxApp) -> ASGIApp:
        seen.append(app)
        return app

    thread = SandboxThread(middleware=middleware)
    assert seen == [thread.app]
    with pytest.raises(RuntimeError, match="not running"):
        thread.call(lambda: 1)
    with thread:
        assert thread.call(lambda: threading.current_thread().name) == "easyink-sandbox"
        assert thread.call(lambda: thread.call(lambda: 7)) == 7  # from its own thread: at once
        with pytest.raises(ZeroDivisionError):
            thread.call(lambda: 1 / 0)
    with pytest.raises(RuntimeError, match="not running"):
        thread.call(lambda: 1)


def test_sandbox_thread_stop_is_bounded_when_a_shutdown_step_never_ends() -> None:
    """A server whose shutdown never completes does not hang ``stop``."""
    thread = SandboxThread().start()

    async def never(*args: Any, **kwargs: Any) -> None:
        await asyncio.Event().wait()

    thread._server.shutdown = never  # type: ignore[method-assign]
    done = threading.Event()
    stopper = threading.Thread(target=lambda: (thread.stop(timeout=0.5), done.set()), daemon=True)
    stopper.start()
    assert done.wait(60), "stop() did not return"


def test_cli_subprocess() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "easyink_sandbox", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        # Never block forever on a server that does not start: wait for its first line.
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "the sandbox printed nothing within 60 s"
        line = process.stdout.readline()
        match = re.search(r"EasyInk sandbox listening on (http://127\.0\.0\.1:\d+)", line)
        assert match, line
        asyncio.run(full_cycle(match.group(1)))
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
        assert process.returncode == 0, stderr
        assert "Traceback" not in stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
