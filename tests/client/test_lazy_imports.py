"""``import easyink_ext`` and a first client load what a request needs; the rest on first use."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import easyink_client.models
import easyink_ext

# Imported only by the parts that need them (OAuth, CLI, ledgers, tracing, aiohttp, sandbox).
HEAVY = (
    "authlib",
    "click",
    "rich",
    "sqlite3",
    "psycopg",
    "aiohttp",
    "opentelemetry",
    "starlette",
    "uvicorn",
    "pypdf",
    "reportlab",
)


def _modules_after(code: str) -> list[str]:
    """``sys.modules`` of a fresh interpreter after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    names: list[str] = json.loads(result.stdout.splitlines()[-1])
    return names


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in HEAVY]


def test_import_easyink_ext_loads_no_optional_stack() -> None:
    modules = _modules_after("import easyink_ext")
    assert _heavy(modules) == []
    assert "httpx" not in modules  # the errors only: nothing of the network stack yet


def test_importing_the_client_loads_no_optional_stack() -> None:
    modules = _modules_after(
        "from easyink_ext import EasyInk, EasyInkError, RetryPolicy, StaticToken, TokenProvider"
    )
    assert _heavy(modules) == []


def test_a_first_client_loads_no_optional_stack() -> None:
    modules = _modules_after(
        "import easyink_ext\n"
        "from easyink_ext import EasyInk, EasyInkError, RetryPolicy, StaticToken\n"
        "EasyInk(base_url='https://api.example', token='t')"
    )
    # A client looks up the tracer and meter providers on each request, so that one configured
    # later is still used: it imports the OpenTelemetry API when that is installed.
    assert [m for m in _heavy(modules) if not m.startswith("opentelemetry")] == []
    assert "httpx" in modules and "easyink_ext._client" in modules
    # Only the models the client's own modules use, not every model of the API.
    models = [m for m in modules if m.startswith("easyink_client.models.")]
    assert 0 < len(models) < len(easyink_client.models.__all__) // 2


def test_httpx_command_line_still_loads_when_used() -> None:
    modules = _modules_after(
        "import easyink_ext\n"
        "from easyink_ext import EasyInk\n"
        "import httpx, sys\n"
        "assert 'click' not in sys.modules\n"
        "assert callable(httpx.main)\n"
        "import httpx._main\n"
        "assert httpx._main.print_help.__module__ == 'httpx._main'\n"
    )
    assert "click" in modules and "rich.console" in modules


@pytest.mark.parametrize(
    ("code", "loaded"),
    [
        (
            "from easyink_ext import OAuthClient\n"
            "OAuthClient(client_id='c', client_secret=None, redirect_uri='http://127.0.0.1/cb')",
            "authlib",
        ),
        ("from easyink_ext import SQLiteLedger", "sqlite3"),
        ("from easyink_ext import run_batch", "easyink_ext.batch"),
    ],
)
def test_lazy_names_load_their_module_on_first_use(code: str, loaded: str) -> None:
    assert loaded in _modules_after(code)


def test_every_public_name_resolves_to_its_module_attribute() -> None:
    for name in easyink_ext.__all__:
        value = getattr(easyink_ext, name)
        assert value is not None, name
    assert set(easyink_ext.__all__) <= set(dir(easyink_ext))
    assert easyink_ext.AiohttpTransport.__module__ == "easyink_ext._aiohttp"
    with pytest.raises(AttributeError):
        _ = easyink_ext.no_such_name  # type: ignore[attr-defined]


def test_type_checkers_see_every_lazy_name() -> None:
    """The ``if TYPE_CHECKING:`` imports and the lazy table name the same modules and names."""
    tree = ast.parse(Path(easyink_ext.__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
    )
    imported = {
        alias.name: "." * stmt.level + (stmt.module or "")
        for stmt in block.body
        if isinstance(stmt, ast.ImportFrom)
        for alias in stmt.names
    }
    assert imported == easyink_ext._LAZY


def test_generated_models_load_on_first_use() -> None:
    modules = _modules_after("import easyink_client.models")
    assert not [m for m in modules if m.startswith("easyink_client.models.")]
    from easyink_client.models import SigningView
    from easyink_client.models.signing_view import SigningView as Direct

    assert SigningView is Direct
    assert set(easyink_client.models.__all__) <= set(dir(easyink_client.models))
    for name in easyink_client.models.__all__:
        assert getattr(easyink_client.models, name).__name__ == name
