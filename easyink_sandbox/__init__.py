"""A stateful local EasyInk e-signature API server (Starlette/ASGI) for tests, benchmarks and demos.

* :func:`create_app` builds the app (use it in process with ``httpx.ASGITransport``);
  ``app.state.sandbox`` is its :class:`Sandbox` (state, faults, request log, controls).
* :func:`run_server` / :class:`SandboxThread` run it under uvicorn on ``127.0.0.1``.
* ``python -m easyink_sandbox --port 0`` runs it from the command line.
"""

from __future__ import annotations

from ._auth import pkce_challenge
from ._config import FaultConfig, SandboxConfig
from ._faults import ConnectionDropped, RequestRecord
from ._pdf import simple_pdf
from ._server import RunningServer, SandboxThread, run_server
from ._spec import load_spec, spec_path
from .app import Sandbox, SandboxApp, create_app

__all__ = [
    "ConnectionDropped",
    "FaultConfig",
    "RequestRecord",
    "RunningServer",
    "Sandbox",
    "SandboxApp",
    "SandboxConfig",
    "SandboxThread",
    "create_app",
    "load_spec",
    "pkce_challenge",
    "run_server",
    "simple_pdf",
    "spec_path",
]
