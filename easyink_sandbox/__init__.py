"""A stateful local EasyInk e-signature API server (Starlette/ASGI) for tests, benchmarks and demos.

* :func:`create_app` builds the app (use it in process with ``httpx.ASGITransport``);
  ``app.state.sandbox`` is its :class:`Sandbox` (state, faults, request log, controls).
* :func:`run_server` / :class:`SandboxThread` run it under uvicorn on ``127.0.0.1``.
* ``python -m easyink_sandbox --port 0`` runs it from the command line.
* :data:`SANDBOX_CLIENT_ID` / :data:`SANDBOX_CLIENT_SECRET`: the demo OAuth client it accepts.

The server's names are imported on first use, so that ``easyink_sandbox._credentials`` (the
demo client) can be imported without the sandbox extra; ``import easyink_sandbox.app`` is what
needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._credentials import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET

if TYPE_CHECKING:
    from ._auth import pkce_challenge
    from ._config import FaultConfig, SandboxConfig
    from ._faults import ConnectionDropped, RequestRecord
    from ._pdf import simple_pdf
    from ._server import RunningServer, SandboxThread, run_server
    from ._spec import load_spec, spec_path
    from .app import Sandbox, SandboxApp, create_app

__all__ = [
    "SANDBOX_CLIENT_ID",
    "SANDBOX_CLIENT_SECRET",
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

_MODULE_OF = {
    "pkce_challenge": "._auth",
    "FaultConfig": "._config",
    "SandboxConfig": "._config",
    "ConnectionDropped": "._faults",
    "RequestRecord": "._faults",
    "simple_pdf": "._pdf",
    "RunningServer": "._server",
    "SandboxThread": "._server",
    "run_server": "._server",
    "load_spec": "._spec",
    "spec_path": "._spec",
    "Sandbox": ".app",
    "SandboxApp": ".app",
    "create_app": ".app",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
