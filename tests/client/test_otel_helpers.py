"""Spans and metrics of the helpers: waiters, downloads, batch rows (easyink_ext._otel_helpers)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from opentelemetry.trace import StatusCode

from easyink_ext.batch import run_batch
from easyink_ext.downloads import download
from easyink_ext.waiters import PollPolicy, wait_for_session
from tests._secrets import assert_no_secret

from ..conftest import SESSION_ID, TOKEN, Recorded, mock_client, session_json
from ..downloads.test_downloads import DATA, PATH, FileServer

FAST = PollPolicy(initial=0.001, maximum=0.001, multiplier=1.0, jitter=0.0)


async def test_wait_for_session_span_holds_its_polls(recorded: Recorded) -> None:
    bodies = [session_json("InProgress"), session_json("Finished")]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=bodies.pop(0) if len(bodies) > 1 else bodies[0])

    async with mock_client(answer, tracer_provider=recorded.tracer_provider) as ei:
        await wait_for_session(ei, SESSION_ID, poll=FAST)

    wait = recorded.span("easyink.wait_for_session")
    assert wait.attributes["easyink.session_id"] == SESSION_ID
    assert wait.attributes["easyink.session.status"] == "Finished"
    polls = recorded.spans("EasyInk.getSession")
    assert len(polls) == 2
    assert all(p.parent.span_id == wait.context.span_id for p in polls)


async def test_a_resumed_download_has_bytes_and_resumes(recorded: Recorded, tmp_path: Path) -> None:
    server = FileServer(cuts=[100_000])
    async with mock_client(
        server,
        tracer_provider=recorded.tracer_provider,
        meter_provider=recorded.meter_provider,
    ) as ei:
        await download(ei, PATH, tmp_path / "out.pdf", backoff=0)

    span = recorded.span("easyink.download")
    assert span.attributes["easyink.operation"] == "downloadAllInOneDocument"
    assert span.attributes["easyink.session_id"] == SESSION_ID
    assert span.attributes["easyink.download.bytes"] == len(DATA)
    assert span.attributes["easyink.download.resumed"] == 1
    assert span.attributes["easyink.download.restarted"] == 0
    requests = recorded.spans("EasyInk.downloadAllInOneDocument")
    assert len(requests) == 2
    assert all(r.parent.span_id == span.context.span_id for r in requests)
    (written,) = recorded.points("easyink.download.bytes")
    assert written.value == len(DATA)
    assert dict(written.attributes) == {"easyink.operation": "downloadAllInOneDocument"}
    assert_no_secret(recorded.text(), TOKEN)


async def test_each_batch_row_is_its_own_trace_linked_to_the_batch(
    global_recorded: Recorded, tmp_path: Path
) -> None:
    ledger = tmp_path / "rows.sqlite"

    async def work(item: int) -> int:
        if item == 2:
            raise ValueError("row 2 is broken")
        return item * 10

    await run_batch([0], work, key=str, ledger=ledger, serialize_result=str)
    global_recorded.exporter.clear()
    results = await run_batch(
        [0, 1, 2], work, key=str, ledger=ledger, concurrency=2, serialize_result=str
    )
    assert [(r.state, r.here) for r in results] == [
        ("started", False),
        ("started", True),
        ("failed", True),
    ]

    batch = global_recorded.span("easyink.batch")
    assert batch.attributes["easyink.batch.rows"] == 3
    assert batch.attributes["easyink.batch.sent"] == 2
    assert batch.attributes["easyink.batch.started"] == 2
    assert batch.attributes["easyink.batch.failed"] == 1
    rows = {
        r.attributes["easyink.batch.row.key"]: r for r in global_recorded.spans("easyink.batch.row")
    }
    assert sorted(rows) == ["1", "2"]
    for row in rows.values():
        assert row.parent is None
        assert row.context.trace_id != batch.context.trace_id
        (link,) = row.links
        assert link.context.span_id == batch.context.span_id
    assert rows["1"].attributes["easyink.batch.row.outcome"] == "succeeded"
    assert rows["1"].attributes["easyink.batch.row.index"] == 1
    assert rows["2"].attributes["easyink.batch.row.outcome"] == "failed"
    assert rows["2"].attributes["error.type"] == "ValueError"
    assert rows["2"].status.status_code == StatusCode.ERROR
    outcomes = {
        p.attributes["easyink.batch.row.outcome"]: p.value
        for p in global_recorded.points("easyink.batch.rows")
    }
    assert outcomes == {"succeeded": 2, "failed": 1, "skipped": 1}


async def test_batch_rows_without_tracing_are_plain_calls() -> None:
    async def work(item: int) -> int:
        return item

    results = await run_batch([1, 2], work)
    assert [r.value for r in results] == [1, 2]


@pytest.mark.parametrize("helper", ["wait", "download"])
async def test_helpers_record_nothing_without_a_provider(helper: str, tmp_path: Path) -> None:
    server = FileServer()

    def answer(request: httpx.Request) -> httpx.Response:
        if helper == "wait":
            return httpx.Response(200, json=session_json("Finished"))
        return server(request)

    async with mock_client(answer) as ei:
        if helper == "wait":
            await wait_for_session(ei, SESSION_ID, poll=FAST)
        else:
            await download(ei, PATH, tmp_path / "out.pdf", backoff=0)
        assert ei._telemetry is not None and ei._telemetry.signals() is None
