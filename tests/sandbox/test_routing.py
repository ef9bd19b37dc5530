"""The app's route index (easyink_sandbox/app.py) picks what Starlette's router would pick.

Requests for the sandbox's own routes skip Starlette's middleware and router; everything else
(unknown paths, unsupported methods) still goes through them. The answers must not differ, errors
that escape an endpoint included.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from starlette.routing import Match, Route

from easyink_sandbox import SandboxApp, create_app
from easyink_sandbox._faults import Scope
from easyink_sandbox.app import _RouteIndex

from .conftest import BASE

_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT")


def _scope(method: str, path: str, root_path: str = "") -> Scope:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": root_path,
        "headers": [],
        "query_string": b"",
    }


def _starlette_choice(app: SandboxApp, scope: Scope) -> tuple[Route, Scope] | None:
    for route in app.routes:
        assert isinstance(route, Route)
        match, child_scope = route.matches(scope)
        if match is Match.FULL:
            return route, child_scope
    return None


def _paths(app: SandboxApp) -> list[str]:
    paths: list[str] = []
    for route in app.routes:
        assert isinstance(route, Route)
        paths.append(route.path)
        for value in ("statistics", "me", "start", "x", "a/b", ""):
            concrete = route.path
            for name in route.param_convertors:
                concrete = concrete.replace("{" + name + "}", value)
            paths += [concrete, concrete + "/"]
    return [*paths, "/", "/api", "/api/", "//api/signingSessionDrafts", "/api/x/y/z/w/v/u"]


def test_the_index_chooses_the_route_of_starlettes_router() -> None:
    app = create_app()
    chosen = 0
    for path in _paths(app):
        for method in _METHODS:
            scope = _scope(method, path)
            found = app._index.match(scope)
            if found is not None:
                assert found == _starlette_choice(app, scope), (method, path)
                chosen += 1
            else:
                assert _starlette_choice(app, scope) is None, (method, path)
    assert chosen > 500


def test_a_root_path_leaves_routing_to_starlette() -> None:
    app = create_app()
    assert app._index.match(_scope("GET", "/api/signingSessions/statistics")) is not None
    assert app._index.match(_scope("GET", "/x/api/signingSessions/statistics", "/x")) is None


class _Broken:
    """A response that fails before sending anything."""

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        raise RuntimeError("the response broke")


@pytest.mark.parametrize("indexed", [True, False])
async def test_an_error_escaping_an_endpoint_answers_as_starlette_does(
    indexed: bool, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app()
    if not indexed:
        app._index = _RouteIndex([])
    monkeypatch.setattr("easyink_sandbox._call.Call.json", lambda self, value: _Broken())
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    headers = {"Authorization": f"Bearer {app.sandbox.issue_token()}"}
    caplog.set_level(logging.ERROR, logger="easyink_sandbox")
    async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=headers) as client:
        r = await client.post("/api/signingSessionDrafts", json={"subject": "x"})
    assert (r.status_code, r.text) == (500, "Internal Server Error")
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert app.sandbox.request_log[-1] == ("POST", "/api/signingSessionDrafts", 500)
    assert "unhandled error while serving POST /api/signingSessionDrafts" in caplog.text
