"""500 draft creations through real uvicorn with injected faults: no lost or duplicated drafts.

Every creation either reports its draft id, or raises an error saying what happened: a
RateLimitError (never processed) or an OutcomeUnknownError (maybe processed). Counting the
drafts that exist afterwards (distinct subjects) proves the SDK never hid a creation and never
created one twice. Both backends (httpx and aiohttp) run every scenario.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from uuid import UUID

import anyio
import pytest

from easyink_client.api.signing_session_drafts import create_draft
from easyink_client.models import CreateDraftRequest
from easyink_ext import (
    APIStatusError,
    EasyInk,
    EasyInkError,
    OutcomeUnknownError,
    RateLimitError,
)
from easyink_sandbox import FaultConfig, RunningServer, SandboxConfig, run_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CREATIONS = 500
CONCURRENCY = 16


@dataclass
class Outcomes:
    created: dict[str, UUID] = field(default_factory=dict)
    failed: dict[str, EasyInkError] = field(default_factory=dict)


async def _create_all(server: RunningServer, backend: str) -> Outcomes:
    outcomes = Outcomes()
    subjects = iter(f"bulk-{i:04d}" for i in range(CREATIONS))
    async with EasyInk(
        base_url=server.url,
        token=server.sandbox.issue_token(),
        backoff_base=0.005,
        backoff_max=0.02,
        timeout=10.0,
        backend=backend,
    ) as ei:

        async def worker() -> None:
            for subject in subjects:
                try:
                    draft = await create_draft.asyncio(
                        client=ei.client, body=CreateDraftRequest(subject=subject)
                    )
                except EasyInkError as exc:
                    outcomes.failed[subject] = exc
                else:
                    assert isinstance(draft, UUID)
                    outcomes.created[subject] = draft

        async with anyio.create_task_group() as tg:
            for _ in range(CONCURRENCY):
                tg.start_soon(worker)
    return outcomes


async def _existing_drafts(server: RunningServer, token: str) -> Counter[str]:
    server.sandbox.faults = FaultConfig()
    async with EasyInk(base_url=server.url, token=token) as ei:
        subjects: Counter[str] = Counter()
        async for item in ei.iter_sessions(statuses=["Draft"], page_size=100):
            assert isinstance(item.subject, str)
            subjects[item.subject] += 1
        return subjects


def _faults(after_processing: bool) -> FaultConfig:
    return FaultConfig(
        seed=20240611,
        drop_rate=0.05,
        fail_rate=0.10,
        fail_statuses=(503,),
        rate_limit_rate=0.05,
        retry_after=0.005,
        fault_after_processing=after_processing,
    )


def _check_post_retries(server: RunningServer, outcomes: Outcomes) -> dict[str, int]:
    """POSTs are re-sent only after a 429: every other failure is final."""
    log = [
        r for r in server.sandbox.request_log if r.method == "POST" and r.path.startswith("/api/")
    ]
    statuses = Counter("drop" if r.status is None else r.status for r in log)
    rate_limited_final = sum(isinstance(e, RateLimitError) for e in outcomes.failed.values())
    unknown = sum(isinstance(e, OutcomeUnknownError) for e in outcomes.failed.values())
    assert statuses[200] == len(outcomes.created)
    assert statuses[503] + statuses["drop"] == unknown
    # Each creation is one request plus one per 429 that was retried (3 x 429 gives up).
    assert len(log) == CREATIONS + statuses[429] - rate_limited_final
    return {"requests": len(log), **{str(k): v for k, v in statuses.items()}}


async def _run(
    backend: str, *, after_processing: bool
) -> tuple[Outcomes, dict[str, int], Counter[str]]:
    """All creations through a faulty server: outcomes, retry counts, the drafts that exist."""
    async with run_server(SandboxConfig(faults=_faults(after_processing))) as server:
        token = server.sandbox.issue_token()
        outcomes = await _create_all(server, backend)
        counts = _check_post_retries(server, outcomes)
        existing = await _existing_drafts(server, token)
    return outcomes, counts, existing


async def test_faults_before_processing(backend: str) -> None:
    outcomes, counts, existing = await _run(backend, after_processing=False)

    assert len(outcomes.created) + len(outcomes.failed) == CREATIONS
    assert outcomes.failed, f"the fault mix must hit some creations: {counts}"
    assert counts.get("429", 0) > 0 and counts.get("503", 0) > 0 and counts.get("drop", 0) > 0
    # Faults struck before processing: exactly the reported drafts exist.
    assert sum(existing.values()) == len(outcomes.created)
    assert set(existing) == set(outcomes.created)
    for exc in outcomes.failed.values():
        assert isinstance(exc, (OutcomeUnknownError, RateLimitError)), repr(exc)
        if isinstance(exc, OutcomeUnknownError):
            assert "outcome is unknown" in str(exc)
        else:
            assert isinstance(exc, APIStatusError) and exc.status_code == 429


async def test_faults_after_processing(backend: str) -> None:
    outcomes, counts, existing = await _run(backend, after_processing=True)

    assert counts.get("503", 0) > 0 and counts.get("drop", 0) > 0
    # No draft exists twice: nothing ambiguous was retried.
    assert max(existing.values()) == 1
    # Every reported success exists.
    assert set(outcomes.created) <= set(existing)
    # Every creation that happened without being reported raised OutcomeUnknownError.
    unreported = set(existing) - set(outcomes.created)
    assert unreported
    for subject in unreported:
        assert isinstance(outcomes.failed[subject], OutcomeUnknownError)
    # Exact accounting: the 503s and drops struck after processing, so every ambiguous
    # creation did happen; a 429 (answered before processing) never left a draft behind.
    unknown = {s for s, e in outcomes.failed.items() if isinstance(e, OutcomeUnknownError)}
    limited = {s for s, e in outcomes.failed.items() if isinstance(e, RateLimitError)}
    assert unknown | limited == set(outcomes.failed)
    assert set(existing) == set(outcomes.created) | unknown
    assert sum(existing.values()) == len(outcomes.created) + len(unknown)
    assert not limited & set(existing)
    assert len(outcomes.created) + len(outcomes.failed) == CREATIONS
