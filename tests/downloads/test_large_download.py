"""The 200 MB download: constant memory while streaming, and a resume after a dropped body."""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from easyink_ext import EasyInk
from easyink_ext.downloads import download_draft_document
from easyink_sandbox import RunningServer, SandboxConfig, run_server
from easyink_sandbox._downloads import LargePdfBlob

from .._sandbox_flow import new_draft

pytestmark = [pytest.mark.slow, pytest.mark.integration]

MB = 1024 * 1024
SIZE = 200 * MB
MEMORY_LIMIT = 30 * MB
CHILD = Path(__file__).with_name("_download_child.py")


@pytest.fixture
async def server() -> AsyncIterator[RunningServer]:
    async with run_server(SandboxConfig()) as running:
        yield running


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(MB):
            digest.update(block)
    return digest.hexdigest()


def _sha256_expected(size: int) -> str:
    digest = hashlib.sha256()
    for chunk in LargePdfBlob(size).iter_range(0, size):
        digest.update(chunk)
    return digest.hexdigest()


def _entries(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def _document_log(server: RunningServer, path: str) -> list[tuple[int | None, str | None]]:
    return [(r.status, r.fault) for r in server.sandbox.request_log if r.path == path]


async def test_200mb_download_in_constant_memory_resumes_after_a_drop(
    server: RunningServer, tmp_path: Path, backend: str
) -> None:
    sandbox = server.sandbox
    async with EasyInk(base_url=server.url, token=sandbox.issue_token(), backend=backend) as ei:
        draft = await new_draft(ei)
        document = sandbox.add_large_document(str(draft), SIZE)
        sandbox.faults.drop_body_after_bytes = 80 * MB
        sandbox.faults.drop_body_times = 1
        sandbox.reset_log()
        dest = tmp_path / "large.pdf"

        tracemalloc.start()
        try:
            baseline, _ = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            result = await download_draft_document(ei, draft, document, dest)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    growth = peak - baseline
    print(f"\n200 MB download: tracemalloc peak growth {growth / MB:.2f} MiB")
    assert growth < MEMORY_LIMIT
    assert (result.bytes_written, result.resumed, result.restarted) == (SIZE, 1, 0)
    path = f"/api/signingSessionDrafts/{draft}/documents/{document}"
    # The first body was cut by the server; the second request was a Range request (206).
    assert _document_log(server, path) == [(200, "drop_body"), (206, None)]
    assert dest.stat().st_size == SIZE
    assert _sha256_file(dest) == _sha256_expected(SIZE)
    assert _entries(tmp_path) == ["large.pdf"]  # no temporary file left behind


async def test_the_memory_measurement_sees_buffered_bodies(server: RunningServer) -> None:
    """Control: a body kept in memory shows up in the measurement used above."""
    sandbox = server.sandbox
    async with EasyInk(base_url=server.url, token=sandbox.issue_token()) as ei:
        draft = await new_draft(ei)
        document = sandbox.add_large_document(str(draft), 8 * MB)
        buffer = io.BytesIO()
        tracemalloc.start()
        try:
            baseline, _ = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            await download_draft_document(ei, draft, document, buffer)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak - baseline >= 8 * MB


async def test_200mb_download_peak_rss_growth_in_a_subprocess(
    server: RunningServer, tmp_path: Path
) -> None:
    sandbox = server.sandbox
    token = sandbox.issue_token()
    async with EasyInk(base_url=server.url, token=token) as ei:
        draft = await new_draft(ei)
    small = sandbox.add_large_document(str(draft), 1 * MB)
    document = sandbox.add_large_document(str(draft), SIZE)
    sandbox.faults.drop_body_after_bytes = 120 * MB
    sandbox.faults.drop_body_times = 1
    dest = tmp_path / "large.pdf"

    args = [sys.executable, str(CHILD), server.url, token, str(draft), small, document, str(dest)]
    completed = await anyio.run_process(args, check=False)
    assert completed.returncode == 0, completed.stderr.decode()
    report = json.loads(completed.stdout.decode().strip().splitlines()[-1])
    growth = report["rss_after"] - report["rss_before"]
    print(
        f"\n200 MB download in a child process: max RSS {report['rss_before'] / MB:.1f} -> "
        f"{report['rss_after'] / MB:.1f} MiB (growth {growth / MB:.2f} MiB)"
    )
    assert growth < MEMORY_LIMIT
    assert (report["bytes_written"], report["resumed"], report["restarted"]) == (SIZE, 1, 0)
    assert dest.stat().st_size == SIZE
