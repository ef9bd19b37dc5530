"""Wrong-shaped 2xx answers through the resources and the generated functions: one typed error."""

from __future__ import annotations

import uuid

import pytest

from easyink_client.api.signing_sessions import get_session, search_sessions
from easyink_ext import EasyInk
from easyink_ext.errors import APIResponseValidationError

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
