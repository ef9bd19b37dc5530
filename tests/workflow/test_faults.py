"""A batch of workflows against a faulty sandbox over real uvicorn ends in a consistent state."""

from __future__ import annotations

from typing import Any

import pytest

from easyink_ext import EasyInk, RetryBudget
from easyink_ext.batch import run_batch
from easyink_ext.workflow import SentSession, Signer, WorkflowError, send_for_signature
from easyink_sandbox import FaultConfig, SandboxConfig, run_server, simple_pdf

from .conftest import PerTaskPools

pytestmark = [pytest.mark.slow, pytest.mark.integration]

WORKFLOWS = 300
CONCURRENCY = 32


def _transport(backend: str) -> dict[str, Any]:
    if backend == "aiohttp":
        return {"backend": "aiohttp"}
    return {"transport": PerTaskPools(CONCURRENCY)}


@pytest.mark.parametrize("after_processing", [False, True], ids=["before", "after"])
async def test_batch_under_faults_leaves_one_session_per_success(
    after_processing: bool, backend: str
) -> None:
    faults = FaultConfig(
        fail_rate=0.10,
        fail_statuses=(503,),
        rate_limit_rate=0.05,
        drop_rate=0.02,
        fault_after_processing=after_processing,
        retry_after=0.01,
        seed=1234 + after_processing,
    )
    pdf = simple_pdf(["Small contract"])
    async with run_server(SandboxConfig(faults=faults)) as server:
        sandbox = server.sandbox
        async with EasyInk(
            base_url=server.url,
            token=sandbox.issue_token(),
            backoff_base=0.01,
            backoff_max=0.05,
            # The workflow adds no retries of its own: at these fault rates (17 % of requests)
            # each read gets 7 attempts from the client's policy.
            max_retries=6,
            retry_budget=RetryBudget(capacity=100_000),
            timeout=20.0,
            **_transport(backend),
        ) as ei:

            async def send(index: int) -> SentSession:
                return await send_for_signature(
                    ei,
                    documents=[(f"contract-{index}.pdf", pdf)],
                    signers=[Signer(f"Signer {index}", f"signer{index}@example.com")],
                    subject=f"Contract {index}",
                    recheck_delay=0.02,
                )

            results = await run_batch(range(WORKFLOWS), send, concurrency=CONCURRENCY)
        sandbox.faults = FaultConfig()  # read the final state without faults
        sessions = list(sandbox.store.sessions.values())

    assert len(results) == WORKFLOWS
    succeeded = [r.value for r in results if r.ok and r.value is not None]
    failed = [r.error for r in results if not r.ok]
    assert len(succeeded) + len(failed) == WORKFLOWS
    assert all(isinstance(e, WorkflowError) for e in failed), failed[:3]
    # Faults were really injected, and most workflows still went through.
    assert any(r.fault is not None for r in sandbox.request_log)
    assert len(succeeded) >= WORKFLOWS * 0.9

    started = {s.id for s in sessions if s.status == "Pending"}
    assert {str(s.session_id) for s in succeeded} <= started
    assert [s for s in sessions if s.status == "Draft"] == []
    for session in sessions:
        if session.status == "Pending":
            assert len(session.documents) == 1
            assert len(session.participants) == 1
            assert len(session.fields) == 1
    subjects = [s.subject for s in sessions if s.status == "Pending"]
    assert len(subjects) == len(set(subjects))
    assert {f"Contract {r.index}" for r in results if r.ok} <= set(subjects)

    # Exact accounting of the failures: every draft a failed workflow made was deleted, or
    # voided once converted; one whose start was sent is left as it is (never undone);
    # nothing else exists on the server.
    by_id = {s.id: s for s in sessions}
    assert {s.status for s in sessions} <= {"Pending", "Voided", "ReadyToStart"}
    voided: set[str] = set()
    left: set[str] = set()
    for error in failed:
        assert isinstance(error, WorkflowError)
        assert error.cleanup in ("none", "deleted", "voided", "started"), error
        if error.cleanup == "none":
            assert error.draft_id is None
        elif error.cleanup == "deleted":
            assert str(error.draft_id) not in by_id
        elif error.cleanup == "started":
            assert error.step == "start"
            assert by_id[str(error.draft_id)].status in ("ReadyToStart", "Pending")
            left.add(str(error.draft_id))
        else:
            assert by_id[str(error.draft_id)].status == "Voided"
            voided.add(str(error.draft_id))
    assert {s.id for s in sessions if s.status == "Voided"} == voided
    assert len(sessions) == len(succeeded) + len(voided) + len(left)
