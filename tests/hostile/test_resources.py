"""Wrong-shaped 2xx answers through the resources and the generated functions: one typed error."""

from __future__ import annotations

import uuid
from typing import NamedTuple

import pytest

from easyink_client.api.signing_sessions import get_session, search_sessions
from easyink_ext import EasyInk, EasyInkSync
from easyink_ext.errors import APIResponseValidationError, InconsistentResponseError

from ._server import HostileServer, json_answer

SESSION = uuid.uuid4()
SESSION_PATH = f"/api/signingSessions/{SESSION}"
SHAPES = [{"unexpected": "shape"}, [1, 2, 3], {"signingSessionId": 5, "status": None}, "text"]
IDS = ["missing-keys", "list", "wrong-types", "string"]


def _client(server: HostileServer, backend: str) -> EasyInk:
    return EasyInk(
        base_url=server.url, token="hostile-token-1", timeout=2, max_retries=0, backend=backend
    )


@pytest.mark.parametrize("doc", SHAPES, ids=IDS)
async def test_resources_raise_the_typed_error(
    hostile: HostileServer, doc: object, backend: str
) -> None:
    hostile.behave(json_answer(doc), SESSION_PATH)
    async with _client(hostile, backend) as ei:
        with pytest.raises(APIResponseValidationError, match=r"^getSession: ") as caught:
            await ei.sessions.get(SESSION)
        raw = ei.sessions.with_raw_response.get
        with pytest.raises(APIResponseValidationError, match=r"^getSession: "):
            await raw(SESSION)
    assert caught.value.status_code == 200
    assert "hostile-token-1" not in str(caught.value)


@pytest.mark.parametrize("doc", SHAPES, ids=IDS)
async def test_generated_functions_raise_the_typed_error_without_a_wrapper(
    hostile: HostileServer, doc: object, backend: str
) -> None:
    hostile.behave(json_answer(doc), SESSION_PATH)
    async with _client(hostile, backend) as ei:
        with pytest.raises(APIResponseValidationError, match=r"^getSession: "):
            await get_session.asyncio(SESSION, client=ei.client)
        with pytest.raises(APIResponseValidationError, match=r"^getSession: "):
            await get_session.asyncio_detailed(SESSION, client=ei.client)


async def test_a_wrong_shaped_id_list_and_page(hostile: HostileServer, backend: str) -> None:
    field = uuid.uuid4()
    hostile.behave(json_answer(["not-a-uuid"]), f"/api/signingSessionDrafts/{SESSION}")
    hostile.behave(json_answer({"items": "nope"}), "/api/signingSessions")
    async with _client(hostile, backend) as ei:
        with pytest.raises(APIResponseValidationError, match="removeDraftSignatureField"):
            await ei.drafts.signature_fields.remove(SESSION, field)
        with pytest.raises(APIResponseValidationError, match="searchSessions"):
            await ei.sessions.search()
        with pytest.raises(APIResponseValidationError, match="searchSessions"):
            _ = [item async for item in ei.sessions.list()]
        with pytest.raises(APIResponseValidationError, match="searchSessions"):
            await search_sessions.asyncio(client=ei.client)


class _IdEcho(NamedTuple):
    """A get method whose answer names its own id, and a valid answer about ``answered``."""

    namespace: str
    operation: str
    path: str
    fields: dict[str, object]

    def serve(self, server: HostileServer, answered: uuid.UUID) -> None:
        server.behave(json_answer({"signingSessionId": str(answered), **self.fields}), self.path)


_OTHER = uuid.uuid4()
_ID_ECHOES = [
    _IdEcho("drafts", "getDraft", f"/api/signingSessionDrafts/{SESSION}", {"isLocked": False}),
    _IdEcho("sessions", "getSession", SESSION_PATH, {"status": "Pending"}),
]


def _is_about_another(error: InconsistentResponseError, echo: _IdEcho) -> bool:
    """The error names the operation, the id asked for and the id answered."""
    about = f"asked for {SESSION} but the answer is about {_OTHER}"
    return error.operation == echo.operation and about in str(error)


@pytest.mark.parametrize("echo", _ID_ECHOES, ids=lambda echo: echo.namespace)
async def test_get_refuses_an_answer_about_another_id(
    hostile: HostileServer, backend: str, echo: _IdEcho
) -> None:
    echo.serve(hostile, _OTHER)
    async with _client(hostile, backend) as ei:
        resource = getattr(ei, echo.namespace)
        for get, asked in [
            (resource.get, SESSION),
            (resource.get, str(SESSION).upper()),
            (resource.with_raw_response.get, SESSION),
        ]:
            with pytest.raises(InconsistentResponseError) as caught:
                await get(asked)
            assert _is_about_another(caught.value, echo)


@pytest.mark.parametrize("echo", _ID_ECHOES, ids=lambda echo: echo.namespace)
def test_blocking_get_refuses_an_answer_about_another_id(
    hostile: HostileServer, backend: str, echo: _IdEcho
) -> None:
    echo.serve(hostile, _OTHER)
    with EasyInkSync(
        base_url=hostile.url, token="hostile-token-1", timeout=2, max_retries=0, backend=backend
    ) as ei:
        resource = getattr(ei, echo.namespace)
        with pytest.raises(InconsistentResponseError) as caught:
            resource.get(SESSION)
        assert _is_about_another(caught.value, echo)
        with pytest.raises(InconsistentResponseError) as caught:
            resource.with_raw_response.get(SESSION)
        assert _is_about_another(caught.value, echo)


@pytest.mark.parametrize("echo", _ID_ECHOES, ids=lambda echo: echo.namespace)
async def test_get_accepts_its_own_id_in_any_spelling(
    hostile: HostileServer, backend: str, echo: _IdEcho
) -> None:
    echo.serve(hostile, SESSION)
    async with _client(hostile, backend) as ei:
        resource = getattr(ei, echo.namespace)
        for asked in (SESSION, str(SESSION), str(SESSION).upper(), f"{{{SESSION}}}"):
            answer = await resource.get(asked)
            assert answer.signing_session_id == SESSION
        raw = await resource.with_raw_response.get(SESSION)
        assert raw.parsed.signing_session_id == SESSION
