"""Traces, metrics, trace propagation and structured logs of the transport (easyink_ext._otel)."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from opentelemetry.trace import SpanKind, StatusCode

from easyink_client.api.signing_session_drafts import create_draft, get_draft
from easyink_client.models import CreateDraftRequest
from easyink_ext import EasyInk, _otel
from easyink_ext.errors import (
    AuthenticationError,
    OAuthError,
    OutcomeUnknownServerError,
)
from tests._secrets import assert_no_secret

from ..conftest import BASE_URL, DRAFT, DRAFT_ID, TOKEN, MockAPI, Recorded, api_error

DRAFT_BODY = {"signingSessionId": DRAFT_ID, "isLocked": False, "documents": []}


def recording_client(api: MockAPI, recorded: Recorded, **options: Any) -> EasyInk:
    """A client on the mock API recording its spans and metrics into ``recorded``."""
    options.setdefault("token", TOKEN)
    return EasyInk(
        base_url=BASE_URL,
        transport=api.transport(),
        tracer_provider=recorded.tracer_provider,
        meter_provider=recorded.meter_provider,
        **options,
    )


@pytest.fixture
async def traced(api: MockAPI, sleeps: list[float], recorded: Recorded) -> AsyncIterator[EasyInk]:
    async with recording_client(api, recorded) as client:
        yield client


async def test_one_operation_span_over_one_attempt_span(
    api: MockAPI, traced: EasyInk, recorded: Recorded
) -> None:
    api.steps = [httpx.Response(200, json=DRAFT_BODY)]
    await get_draft.asyncio(DRAFT, client=traced.client)

    operation = recorded.span("EasyInk.getDraft")
    attempt = recorded.span("GET")
    assert operation.kind == SpanKind.CLIENT and attempt.kind == SpanKind.CLIENT
    assert attempt.parent.span_id == operation.context.span_id
    assert dict(operation.attributes) == {
        "easyink.operation": "getDraft",
        "http.request.method": "GET",
        "url.template": "/api/signingSessionDrafts/{signingSessionId}",
        "server.address": "api.test",
        "easyink.session_id": DRAFT_ID,
        "http.response.status_code": 200,
        "easyink.retry.count": 0,
    }
    assert dict(attempt.attributes) == {
        "http.request.method": "GET",
        "url.template": "/api/signingSessionDrafts/{signingSessionId}",
        "url.full": f"http://api.test/api/signingSessionDrafts/{DRAFT_ID}",
        "server.address": "api.test",
        "http.response.status_code": 200,
    }


async def test_a_retried_503_shows_resend_count_and_the_wait(
    api: MockAPI, traced: EasyInk, recorded: Recorded
) -> None:
    api.steps = [api_error(503, "Unavailable", "busy"), httpx.Response(200, json=DRAFT_BODY)]
    await get_draft.asyncio(DRAFT, client=traced.client)

    first, second = recorded.spans("GET")
    assert first.attributes["error.type"] == "503"
    assert first.status.status_code == StatusCode.ERROR
    assert "http.request.resend_count" not in first.attributes
    assert second.attributes["http.request.resend_count"] == 1
    assert second.attributes["http.response.status_code"] == 200
    operation = recorded.span("EasyInk.getDraft")
    assert operation.attributes["easyink.retry.count"] == 1
    assert operation.attributes["http.response.status_code"] == 200
    (event,) = [e for e in operation.events if e.name == "easyink.retry"]
    assert event.attributes["easyink.retry.reason"] == "503"
    assert event.attributes["easyink.retry.number"] == 1
    assert event.attributes["easyink.retry.wait"] >= 0
    (retries,) = recorded.points("easyink.client.retries")
    assert dict(retries.attributes) == {
        "easyink.operation": "getDraft",
        "easyink.retry.reason": "503",
    }
    assert retries.value == 1


async def test_a_429_wait_is_a_rate_limit_metric(
    api: MockAPI, traced: EasyInk, recorded: Recorded
) -> None:
    api.steps = [
        api_error(429, "RateLimited", "slow down", headers={"Retry-After": "0"}),
        httpx.Response(200, json=DRAFT_ID),
    ]
    await create_draft.asyncio(client=traced.client, body=CreateDraftRequest(subject="NDA"))

    (wait,) = recorded.points("easyink.client.rate_limit.wait")
    assert dict(wait.attributes) == {"easyink.operation": "createDraft"}
    assert wait.count == 1
    assert recorded.span("EasyInk.createDraft").attributes["easyink.retry.count"] == 1


async def test_an_ambiguous_post_is_marked_outcome_unknown(
    api: MockAPI, traced: EasyInk, recorded: Recorded
) -> None:
    api.steps = [api_error(500, "InternalServerError", "boom")]
    with pytest.raises(OutcomeUnknownServerError):
        await create_draft.asyncio(client=traced.client, body=CreateDraftRequest(subject="NDA"))

    operation = recorded.span("EasyInk.createDraft")
    assert operation.attributes["easyink.outcome_unknown"] is True
    assert operation.attributes["http.response.status_code"] == 500
    assert operation.attributes["error.type"] == "OutcomeUnknownServerError"
    assert operation.status.status_code == StatusCode.ERROR
    (exception,) = [e for e in operation.events if e.name == "exception"]
    assert exception.attributes["exception.type"].endswith("OutcomeUnknownServerError")
    (unknown,) = recorded.points("easyink.client.outcome_unknown")
    assert unknown.value == 1


async def test_a_connection_failure_is_the_attempt_error_type(
    api: MockAPI, traced: EasyInk, recorded: Recorded
) -> None:
    api.steps = [httpx.ConnectError("refused"), httpx.Response(200, json=DRAFT_BODY)]
    await get_draft.asyncio(DRAFT, client=traced.client)

    first, second = recorded.spans("GET")
    assert first.attributes["error.type"] == "ConnectError"
    assert "http.response.status_code" not in first.attributes
    assert second.attributes["http.request.resend_count"] == 1
    (event,) = [e for e in recorded.span("EasyInk.getDraft").events if e.name == "easyink.retry"]
    assert event.attributes["easyink.retry.reason"] == "ConnectError"


async def test_request_durations_by_operation_and_status_class(
    api: MockAPI, traced: EasyInk, recorded: Recorded
) -> None:
    api.steps = [httpx.Response(200, json=DRAFT_BODY)]
    await get_draft.asyncio(DRAFT, client=traced.client)
    await get_draft.asyncio(DRAFT, client=traced.client)
    api.steps = [api_error(404, "NotFound", "no such draft")]
    with pytest.raises(Exception, match="404"):
        await get_draft.asyncio(DRAFT, client=traced.client)

    points = {
        (p.attributes["easyink.operation"], p.attributes["easyink.status_class"]): p.count
        for p in recorded.points("easyink.client.request.duration")
    }
    assert points == {("getDraft", "2xx"): 2, ("getDraft", "4xx"): 1}


async def test_views_share_the_client_telemetry(
    api: MockAPI, traced: EasyInk, recorded: Recorded
) -> None:
    api.steps = [httpx.Response(200, json=DRAFT_BODY)]
    await get_draft.asyncio(DRAFT, client=traced.with_options(timeout=5).client)
    assert recorded.span("EasyInk.getDraft").attributes["easyink.operation"] == "getDraft"


async def test_traceparent_only_when_propagation_is_on(
    api: MockAPI, sleeps: list[float], recorded: Recorded
) -> None:
    api.steps = [httpx.Response(200, json=DRAFT_BODY)]
    tracer = recorded.tracer_provider.get_tracer("test")
    for propagate in (False, True):
        async with EasyInk(
            base_url=BASE_URL,
            token=TOKEN,
            transport=api.transport(),
            tracer_provider=recorded.tracer_provider,
            propagate_trace_context=propagate,
        ) as client:
            with tracer.start_as_current_span("caller"):
                await get_draft.asyncio(DRAFT, client=client.client)
    without, with_context = api.requests
    assert "traceparent" not in without.headers
    attempt = recorded.spans("GET")[-1]
    context = attempt.get_span_context()
    assert with_context.headers["traceparent"].startswith(
        f"00-{context.trace_id:032x}-{context.span_id:016x}-"
    )
    assert "baggage" not in with_context.headers


async def test_no_secret_in_any_span_event_or_metric(
    api: MockAPI, sleeps: list[float], recorded: Recorded
) -> None:
    code = "authcode-6b1f0c2e9d"
    idp_query = "state=st-77aa&code_verifier=verifier-0f0f"

    class Provider:
        """Hands out TOKEN, then (after a 401) a second token, then fails like an IdP would."""

        def __init__(self) -> None:
            self.tokens = [TOKEN, "tok-second-9876543210"]

        async def get_token(self) -> str:
            if not self.tokens:
                raise OAuthError(
                    f"token endpoint refused code={code}: "
                    f"https://identity.test/connect/authorize?client_id=x&{idp_query}"
                )
            return self.tokens[0]

        def invalidate(self, token: str) -> None:
            if len(self.tokens) > 1 and self.tokens[0] == token:
                self.tokens.pop(0)

    provider = Provider()
    api.steps = [
        api_error(401, "Unauthorized", f"bad token {TOKEN}"),
        api_error(503, "Unavailable", "Bearer tok-second-9876543210 was fine"),
        httpx.Response(200, json=DRAFT_BODY),
    ]
    async with recording_client(
        api, recorded, token=None, token_provider=provider, propagate_trace_context=True
    ) as client:
        await get_draft.asyncio(DRAFT, client=client.client)
        refresh = [e for e in recorded.span("EasyInk.getDraft").events]
        assert [e.name for e in refresh] == ["easyink.auth.refresh", "easyink.retry"]
        provider.tokens.clear()
        with pytest.raises(OAuthError):
            await get_draft.asyncio(DRAFT, client=client.client)
        # An error message quoting the token itself: cut from the recorded message too.
        api.steps = [api_error(401, "Unauthorized", "tok-third-5555555555 has expired")]
        provider.tokens = ["tok-third-5555555555"]
        with pytest.raises(AuthenticationError):
            await get_draft.asyncio(DRAFT, client=client.client)

    failed, refused = recorded.spans("EasyInk.getDraft")[1:]
    assert failed.attributes["error.type"] == "OAuthError"
    (event,) = [e for e in refused.events if e.name == "exception"]
    assert "[REDACTED] has expired" in event.attributes["exception.message"]
    text = recorded.text()
    assert "identity.test/connect/authorize" in text  # the message is kept, without its query
    assert_no_secret(
        text, TOKEN, "tok-second-9876543210", "tok-third-5555555555", code, "st-77aa", idp_query
    )
    assert_no_secret(text, "verifier-0f0f", "client_id=x")


async def test_nothing_is_recorded_while_no_provider_is_configured(
    api: MockAPI, ei: EasyInk, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("an operation was instrumented without any provider")

    monkeypatch.setattr(_otel._Call, "__init__", refuse)
    api.steps = [httpx.Response(200, json=DRAFT_BODY)]
    await get_draft.asyncio(DRAFT, client=ei.client)
    assert ei._telemetry is not None and ei._telemetry.signals() is None


async def test_a_global_provider_set_later_is_used_by_the_next_request(
    api: MockAPI, ei: EasyInk, global_recorded: Recorded
) -> None:
    api.steps = [httpx.Response(200, json=DRAFT_BODY)]
    await get_draft.asyncio(DRAFT, client=ei.client)
    assert [s.name for s in global_recorded.spans()] == ["GET", "EasyInk.getDraft"]
    (point,) = global_recorded.points("easyink.client.request.duration")
    assert point.attributes["easyink.operation"] == "getDraft"


async def test_request_log_records_carry_structured_fields(
    api: MockAPI, ei: EasyInk, caplog: pytest.LogCaptureFixture
) -> None:
    api.steps = [api_error(503, "Unavailable", "busy"), httpx.Response(200, json=DRAFT_BODY)]
    with caplog.at_level(logging.DEBUG, logger="easyink"):
        await get_draft.asyncio(DRAFT, client=ei.client)

    records = [r for r in caplog.records if r.name == "easyink"]
    responses = [r for r in records if r.getMessage().startswith("response")]
    assert [(r.easyink_status, r.easyink_attempt) for r in responses] == [(503, 1), (200, 2)]
    for record in records:
        assert record.easyink_operation == "getDraft"
        assert record.easyink_method == "GET"
        assert record.easyink_path == f"/api/signingSessionDrafts/{DRAFT_ID}"
    assert all(r.easyink_duration_ms >= 0 for r in responses)
    (retry,) = [r for r in records if r.getMessage().startswith("retry")]
    assert retry.easyink_retry_reason == "503"
    assert_no_secret(repr([vars(r) for r in records]), TOKEN)


def test_without_opentelemetry_nothing_of_it_is_imported() -> None:
    script = textwrap.dedent(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "opentelemetry" or name.startswith("opentelemetry."):
                    raise ModuleNotFoundError(name)
                return None

        sys.meta_path.insert(0, Block())

        import anyio, httpx
        from easyink_client.api.signing_session_drafts import get_draft
        from easyink_ext import EasyInk, _telemetry
        from easyink_ext.workflow import send_for_signature

        DRAFT = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
        BODY = {"signingSessionId": DRAFT, "isLocked": False, "documents": []}

        async def main():
            transport = httpx.MockTransport(lambda request: httpx.Response(200, json=BODY))
            async with EasyInk(base_url="http://api.test", token="t", transport=transport) as ei:
                await get_draft.asyncio(DRAFT, client=ei.client)
                assert ei._telemetry is None
            try:
                EasyInk(base_url="http://api.test", token="t", propagate_trace_context=True)
            except ValueError as exc:
                assert "easyink[otel]" in str(exc)
            else:
                raise AssertionError("propagate_trace_context without OpenTelemetry")

        anyio.run(main)
        assert _telemetry.implementation() is None
        prefixes = ("opentelemetry", "easyink_ext._otel")
        leaked = sorted(m for m in sys.modules if m.startswith(prefixes))
        assert not leaked, leaked
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_global_providers_read_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from opentelemetry import metrics, trace
    from opentelemetry.metrics import _internal as metrics_internal
    from opentelemetry.sdk.trace import TracerProvider

    def refuse() -> None:
        raise AssertionError("the API's getter (an os.environ lookup per call) was called")

    monkeypatch.delenv("OTEL_PYTHON_TRACER_PROVIDER", raising=False)
    monkeypatch.delenv("OTEL_PYTHON_METER_PROVIDER", raising=False)
    monkeypatch.setattr(trace, "_TRACER_PROVIDER", None)
    monkeypatch.setattr(metrics_internal, "_METER_PROVIDER", None)
    monkeypatch.setattr(trace, "get_tracer_provider", refuse)
    monkeypatch.setattr(metrics, "get_meter_provider", refuse)
    unset = _otel._GlobalProviders()
    assert isinstance(unset.tracer_provider(), trace.NoOpTracerProvider)
    assert isinstance(unset.meter_provider(), metrics.NoOpMeterProvider)
    provider = TracerProvider()
    monkeypatch.setattr(trace, "_TRACER_PROVIDER", provider)  # what set_tracer_provider does
    assert unset.tracer_provider() is provider

    # A provider named by the environment is loaded by the API's own getter.
    monkeypatch.setattr(trace, "_TRACER_PROVIDER", None)
    monkeypatch.setenv("OTEL_PYTHON_TRACER_PROVIDER", "sdk_tracer_provider")
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    assert _otel._GlobalProviders().tracer_provider() is provider
