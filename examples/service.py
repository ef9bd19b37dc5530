"""A FastAPI service that sends contracts for signature through one shared ``EasyInk`` client.

- ``POST /contracts`` sends a PDF (base64 in JSON) to its signers with ``send_for_signature``;
- ``GET /contracts/{id}`` reads the signing session back.

The client is opened once in the app's lifespan and shared by every request (one connection
pool, one retry budget, one token provider). Reads get their own ``with_options`` view with a
short timeout, made once. Traces and metrics go where the standard OpenTelemetry variables say::

    OTEL_TRACES_EXPORTER=console|otlp|none      (default none)
    OTEL_METRICS_EXPORTER=console|otlp|none     (default none)

``otlp`` needs ``pip install opentelemetry-exporter-otlp-proto-http`` (and reads the usual
``OTEL_EXPORTER_OTLP_ENDPOINT``). Run it against a local sandbox::

    pip install 'easyink[otel,sandbox]' fastapi uvicorn opentelemetry-sdk
    python -m easyink_sandbox --port 8765 &
    EASYINK_TOKEN=... OTEL_TRACES_EXPORTER=console uvicorn examples.service:app
"""

from __future__ import annotations

import base64
import binascii
import importlib
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from uuid import UUID

import httpx
from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel, Field

from easyink_client.api.signing_sessions import get_session
from easyink_client.models.signing_view import SigningView
from easyink_ext import SANDBOX_BASE_URL, EasyInk
from easyink_ext.errors import APIConnectionError, NotFoundError
from easyink_ext.workflow import Signer, WorkflowError, send_for_signature

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.sdk.metrics import MeterProvider as SdkMeterProvider
    from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
    from opentelemetry.trace import TracerProvider

_OTLP_HINT = "OTLP export needs: pip install opentelemetry-exporter-otlp-proto-http"


class SignerIn(BaseModel):
    name: str = Field(min_length=1)
    email: str


class ContractIn(BaseModel):
    subject: str = Field(min_length=1, max_length=500)
    filename: str = "contract.pdf"
    document_base64: str
    signers: list[SignerIn] = Field(min_length=1)
    sequential: bool = False


class ContractOut(BaseModel):
    id: UUID
    status: str
    subject: str | None = None


def configure_telemetry(
    environ: Mapping[str, str],
) -> tuple[SdkTracerProvider | None, SdkMeterProvider | None]:
    """Tracer and meter providers from ``OTEL_TRACES_EXPORTER`` / ``OTEL_METRICS_EXPORTER``."""
    traces = environ.get("OTEL_TRACES_EXPORTER", "none").strip().lower()
    metrics = environ.get("OTEL_METRICS_EXPORTER", "none").strip().lower()
    tracer_provider = meter_provider = None
    if traces != "none":
        from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

        tracer_provider = SdkTracerProvider()
        exporter: Any = ConsoleSpanExporter() if traces == "console" else _otlp("trace")
        tracer_provider.add_span_processor(BatchSpanProcessor(exporter))
    if metrics != "none":
        from opentelemetry.sdk.metrics import MeterProvider as SdkMeterProvider
        from opentelemetry.sdk.metrics.export import (
            ConsoleMetricExporter,
            PeriodicExportingMetricReader,
        )

        metric_exporter: Any = ConsoleMetricExporter() if metrics == "console" else _otlp("metric")
        meter_provider = SdkMeterProvider(
            metric_readers=[PeriodicExportingMetricReader(metric_exporter)]
        )
    return tracer_provider, meter_provider


def _otlp(signal: str) -> Any:
    """The OTLP/HTTP exporter of ``signal`` ("trace" or "metric"), if its package is installed."""
    try:
        module = importlib.import_module(
            f"opentelemetry.exporter.otlp.proto.http.{signal}_exporter"
        )
    except ModuleNotFoundError as exc:
        raise RuntimeError(_OTLP_HINT) from exc
    return module.OTLPSpanExporter() if signal == "trace" else module.OTLPMetricExporter()


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"set {name} (an EasyInk access token) before starting the service")
    return value


def create_app(
    *,
    base_url: str | None = None,
    token: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    tracer_provider: TracerProvider | None = None,
    meter_provider: MeterProvider | None = None,
) -> FastAPI:
    """The service; unset arguments come from ``EASYINK_BASE_URL``, ``EASYINK_TOKEN`` and OTEL_*."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configured: tuple[SdkTracerProvider | None, SdkMeterProvider | None] = (None, None)
        if tracer_provider is None and meter_provider is None:
            configured = configure_telemetry(os.environ)
        tracing = tracer_provider or configured[0]
        metering = meter_provider or configured[1]
        async with EasyInk(
            base_url=base_url or os.environ.get("EASYINK_BASE_URL", SANDBOX_BASE_URL),
            token=token or _required("EASYINK_TOKEN"),
            transport=transport,
            tracer_provider=tracing,
            meter_provider=metering,
        ) as ei:
            app.state.easyink = ei
            # Reads answer a person waiting for a page: fail fast rather than retry for long.
            app.state.reads = ei.with_options(timeout=5.0, max_retries=1)
            yield
        # Flush what the providers made here still buffer.
        if configured[0] is not None:
            configured[0].shutdown()
        if configured[1] is not None:
            configured[1].shutdown()

    app = FastAPI(title="Contracts", lifespan=lifespan)

    @app.post("/contracts", status_code=201)
    async def create_contract(contract: ContractIn, request: Request) -> ContractOut:
        ei: EasyInk = request.app.state.easyink
        try:
            document = base64.b64decode(contract.document_base64, validate=True)
        except binascii.Error as exc:
            raise HTTPException(422, "document_base64 is not valid base64") from exc
        try:
            # If the caller disconnects, the server cancels this task: the workflow deletes
            # the draft it made (shielded) and the cancellation goes on.
            sent = await send_for_signature(
                ei,
                documents=[(contract.filename, document)],
                signers=[Signer(s.name, email=s.email) for s in contract.signers],
                subject=contract.subject,
                sequential=contract.sequential,
            )
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        except WorkflowError as exc:
            detail = {"step": exc.step, "cleanup": exc.cleanup, "error": type(exc.cause).__name__}
            raise HTTPException(502, detail) from exc
        return ContractOut(id=sent.session_id, status="Pending", subject=sent.subject)

    @app.get("/contracts/{contract_id}")
    async def read_contract(contract_id: UUID, request: Request) -> ContractOut:
        reads: EasyInk = request.app.state.reads
        try:
            view = await get_session.asyncio(contract_id, client=reads.client)
        except NotFoundError as exc:
            raise HTTPException(404, "no such contract") from exc
        except APIConnectionError as exc:
            raise HTTPException(503, "EasyInk is not reachable, try again") from exc
        if not isinstance(view, SigningView):
            raise HTTPException(502, "unexpected answer from EasyInk")
        subject = view.subject if isinstance(view.subject, str) else None
        return ContractOut(id=contract_id, status=view.status.value, subject=subject)

    return app


app = create_app()
