"""The FastAPI service example, run in process against the in-process sandbox."""

from __future__ import annotations

import base64
import importlib.util
import io
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from uuid import uuid4

import httpx
import pytest

from easyink_sandbox import Sandbox, SandboxApp, simple_pdf
from tests._secrets import assert_no_secret
from tests.conftest import SANDBOX_URL, Recorded

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "service.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("easyink_example_service", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the models' annotations through it
    spec.loader.exec_module(module)
    return module


service = _load()


@pytest.fixture
async def client(
    app: SandboxApp, token: str, recorded: Recorded
) -> AsyncIterator[httpx.AsyncClient]:
    service_app = service.create_app(
        base_url=SANDBOX_URL,
        token=token,
        transport=httpx.ASGITransport(app=app),
        tracer_provider=recorded.tracer_provider,
        meter_provider=recorded.meter_provider,
    )
    async with (
        service_app.router.lifespan_context(service_app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=service_app), base_url="http://service.test"
        ) as http,
    ):
        yield http


def _contract(subject: str = "Lease 12 - Ann Lee") -> dict[str, object]:
    pdf = simple_pdf(["Lease agreement"], pages=1)
    return {
        "subject": subject,
        "filename": "lease.pdf",
        "document_base64": base64.b64encode(pdf).decode(),
        "signers": [{"name": "Ann Lee", "email": "ann@example.com"}],
    }


async def test_post_then_get_a_contract_with_traces_and_metrics(
    client: httpx.AsyncClient, sandbox: Sandbox, recorded: Recorded, token: str
) -> None:
    created = await client.post("/contracts", json=_contract())
    assert created.status_code == 201, created.text
    contract = created.json()
    assert contract["status"] == "Pending"
    assert sandbox.store.sessions[contract["id"]].status == "Pending"

    read = await client.get(f"/contracts/{contract['id']}")
    assert read.status_code == 200
    assert read.json() == {
        "id": contract["id"],
        "status": "Pending",
        "subject": _contract()["subject"],
    }
    assert (await client.get(f"/contracts/{uuid4()}")).status_code == 404

    workflow = recorded.span("easyink.send_for_signature")
    assert workflow.attributes["easyink.session_id"] == contract["id"]
    durations = {
        (p.attributes["easyink.operation"], p.attributes["easyink.status_class"])
        for p in recorded.points("easyink.client.request.duration")
    }
    assert {
        ("createDraft", "2xx"),
        ("uploadDraftDocument", "2xx"),
        ("addDraftParticipant", "2xx"),
        ("convertDraft", "2xx"),
        ("startSession", "2xx"),
        ("getSession", "2xx"),
        ("getSession", "4xx"),
    } <= durations
    assert_no_secret(recorded.text(), token)


async def test_bad_input_and_failed_workflows_are_client_and_gateway_errors(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    bad = dict(_contract(), document_base64="not base64!")
    assert (await client.post("/contracts", json=bad)).status_code == 422
    not_a_pdf = dict(_contract(), document_base64=base64.b64encode(b"hello").decode())
    failed = await client.post("/contracts", json=not_a_pdf)
    assert failed.status_code == 502, failed.text
    assert failed.json()["detail"] == {
        "step": "upload documents",
        "cleanup": "deleted",
        "error": "BadRequestError",
    }
    assert [s for s in sandbox.store.sessions.values() if s.status == "Draft"] == []


def test_exporters_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from opentelemetry.sdk.trace import export

    printed = io.StringIO()

    class Console(export.ConsoleSpanExporter):
        def __init__(self) -> None:
            super().__init__(out=printed)

    monkeypatch.setattr(export, "ConsoleSpanExporter", Console)
    assert service.configure_telemetry({}) == (None, None)
    tracing, metering = service.configure_telemetry(
        {"OTEL_TRACES_EXPORTER": "console", "OTEL_METRICS_EXPORTER": "none"}
    )
    assert tracing is not None and metering is None
    tracing.get_tracer("test").start_span("console check").end()
    tracing.shutdown()
    assert '"name": "console check"' in printed.getvalue()


def test_otlp_without_its_package_says_what_to_install() -> None:
    try:
        installed = importlib.util.find_spec("opentelemetry.exporter.otlp.proto.http") is not None
    except ModuleNotFoundError:
        installed = False
    if installed:
        pytest.skip("the OTLP exporter is installed; tests never configure it (loopback only)")
    with pytest.raises(RuntimeError, match="opentelemetry-exporter-otlp-proto-http"):
        service.configure_telemetry({"OTEL_TRACES_EXPORTER": "otlp"})
