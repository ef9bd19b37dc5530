"""The pytest plugin of the ``sandbox`` extra (entry point ``pytest11``; nothing to configure).

Fixtures:

* ``easyink_sandbox`` (:class:`~easyink_sandbox.testing.EasyInkSandbox`): this test's account
  on a sandbox server shared by the test session (started by the first test asking for it);
* ``easyink``: an async :class:`~easyink_ext.EasyInk` on it, for tests run by pytest-asyncio
  (strict or auto mode) or by anyio's pytest plugin (``@pytest.mark.anyio``);
* ``easyink_sync``: an :class:`~easyink_ext.EasyInkSync` on it, for plain ``def`` tests.

The clients retry as usual but without waiting (no backoff, ``Retry-After`` not slept), so
fault tests stay fast; code that needs the real timing builds its own client from
``easyink_sandbox.url`` and ``.token``.

Per-test settings: ``@pytest.mark.easyink_sandbox(processing_delay=5, token_ttl=60)``, or the
same as a dict through ``@pytest.mark.parametrize("easyink_sandbox", [{...}], indirect=True)``.

Registering the plugin imports nothing but this module: the sandbox (Starlette, uvicorn, the
PDF libraries) loads when a test first asks for one of its fixtures.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from easyink_ext import EasyInk, EasyInkSync

    from ._sandbox import EasyInkSandbox, SessionSandbox

_MARKER = "easyink_sandbox"
_NO_RUNNER = (
    "the easyink fixture is async: run the test with pytest-asyncio "
    "(@pytest.mark.asyncio, or asyncio_mode = auto) or with anyio (@pytest.mark.anyio)"
)
_NO_EXTRA = "the sandbox fixtures need the sandbox extra: pip install 'easyink[sandbox]'"
_SYNC_TEST = "the easyink fixture is async: a plain def test takes easyink_sync instead"


def _asyncio_fixture(name: str) -> Callable[[Callable[..., Any]], Any]:
    """``pytest_asyncio.fixture`` when pytest-asyncio is installed (strict mode runs it)."""
    try:
        from pytest_asyncio import fixture
    except ImportError:
        return pytest.fixture(name=name)
    return fixture(name=name)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(**settings): sandbox settings for this test "
        "(processing_delay, token_ttl, code_ttl in seconds)",
    )


@pytest.fixture(scope="session")
def _easyink_session_sandbox() -> Iterator[SessionSandbox]:
    from ._sandbox import SessionSandbox

    try:
        server = SessionSandbox()
    except ImportError as exc:
        raise RuntimeError(f"{_NO_EXTRA} ({exc})") from exc
    with server:
        yield server


def _settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(_MARKER))):
        if marker.args:
            raise TypeError(f"@pytest.mark.{_MARKER} takes keyword arguments only")
        settings.update(marker.kwargs)
    settings.update(getattr(request, "param", None) or {})
    return settings


@pytest.fixture
def easyink_sandbox(
    request: pytest.FixtureRequest, _easyink_session_sandbox: SessionSandbox
) -> Iterator[EasyInkSandbox]:
    """This test's own account on the session's sandbox server (see ``EasyInkSandbox``)."""
    with _easyink_session_sandbox.account(_settings(request)) as sandbox:
        yield sandbox


def _client_options(sandbox: EasyInkSandbox) -> dict[str, Any]:
    return {
        "base_url": sandbox.url,
        "token": sandbox.token,
        "backoff_base": 0.0,
        "backoff_max": 0.0,
        "max_retry_after": 0.0,
    }


@pytest.fixture
def easyink_sync(easyink_sandbox: EasyInkSandbox) -> Iterator[EasyInkSync]:
    """An ``EasyInkSync`` on this test's sandbox account (closed after the test)."""
    from easyink_ext import EasyInkSync

    with EasyInkSync(**_client_options(easyink_sandbox)) as ei:
        yield ei


async def _open_easyink(sandbox: EasyInkSandbox) -> AsyncIterator[EasyInk]:
    from easyink_ext import EasyInk

    async with EasyInk(**_client_options(sandbox)) as ei:
        yield ei


async def _easyink_in_asyncio(easyink_sandbox: EasyInkSandbox) -> AsyncIterator[EasyInk]:
    async for ei in _open_easyink(easyink_sandbox):
        yield ei


_easyink_asyncio = _asyncio_fixture(name="_easyink_asyncio")(_easyink_in_asyncio)


@pytest.fixture
async def _easyink_anyio(easyink_sandbox: EasyInkSandbox) -> AsyncIterator[EasyInk]:
    async for ei in _open_easyink(easyink_sandbox):
        yield ei


def _is_sync_test(request: pytest.FixtureRequest) -> bool:
    function = getattr(request.node, "obj", None)
    return function is not None and not inspect.iscoroutinefunction(function)


@pytest.fixture
def easyink(request: pytest.FixtureRequest, easyink_sandbox: EasyInkSandbox) -> EasyInk:
    """An async ``EasyInk`` on this test's sandbox account, opened in the test's event loop.

    anyio's plugin runs it for ``@pytest.mark.anyio`` tests, pytest-asyncio for the others
    (strict and auto mode), each in the loop the test runs in; it is closed after the test.
    """
    if _is_sync_test(request):
        pytest.fail(_SYNC_TEST, pytrace=False)
    if "anyio_backend" in request.fixturenames:
        client: EasyInk = request.getfixturevalue("_easyink_anyio")
        return client
    if not request.config.pluginmanager.hasplugin("asyncio"):
        pytest.fail(_NO_RUNNER, pytrace=False)
    _match_test_loop(request)
    client = request.getfixturevalue("_easyink_asyncio")
    return client


def _match_test_loop(request: pytest.FixtureRequest) -> None:
    """Open the client in the loop pytest-asyncio runs this test in (its ``loop_scope``)."""
    marker = request.node.get_closest_marker("asyncio")
    scope = marker.kwargs.get("loop_scope") if marker is not None else None
    if scope is None:
        try:
            scope = request.config.getini("asyncio_default_test_loop_scope") or None
        except ValueError:  # pytest-asyncio before 0.25: tests run in a function-scoped loop
            scope = None
    # pytest-asyncio reads the fixture function's ``_loop_scope`` as the fixture is set up.
    _easyink_in_asyncio._loop_scope = scope  # type: ignore[attr-defined]
