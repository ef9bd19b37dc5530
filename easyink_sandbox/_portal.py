"""Sandbox-only routes: what participants do in the signing portal, expiry, attachment upload.

All need the Bearer token of the session's owner:

* ``POST /sandbox/signingSessions/{id}/participants/{pid}/open``: the participant opens the link;
* ``POST /sandbox/signingSessions/{id}/participants/{pid}/sign``: the participant signs;
* ``POST /sandbox/signingSessions/{id}/participants/{pid}/decline``: the participant declines;
* ``POST /sandbox/signingSessions/{id}/expire``: the session expires;
* ``POST /sandbox/signingSessionDrafts/{id}/attachments`` (multipart ``fileContent``): adds an
  attachment to a draft and answers its id as a JSON string;
* ``GET /sandbox/quota``: what the request quota saw of the token's account (answers ``ok``
  (2xx), ``limited`` (429 of the quota), ``other``; ``first``/``last``: when the first and last
  of them were sent, on the sandbox clock). Not counted against the quota.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from ._errors import required_field
from ._quota import AccountStats

if TYPE_CHECKING:
    from .app import Sandbox

Endpoint = Callable[[Request], Awaitable[Response]]


def _json(value: Any) -> Response:
    return Response(json.dumps(value), media_type="application/json")


def routes(sandbox: Sandbox) -> list[tuple[str, str, Endpoint]]:
    """``(path, method, endpoint)`` of every sandbox-only route."""
    store = sandbox.store

    def participant_action(action: str) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            user = sandbox.auth.authenticate(request.headers.get("authorization"))
            session_id = request.path_params["signingSessionId"]
            participant_id = request.path_params["participantId"]
            act = {"open": store.open_link, "sign": store.sign, "decline": store.decline}[action]
            participant = act(user, session_id, participant_id)
            session = store.sessions[session_id]
            return _json(
                {
                    "participantId": participant.id,
                    "participantStatus": participant.status,
                    "sessionStatus": session.status,
                }
            )

        return endpoint

    async def expire(request: Request) -> Response:
        user = sandbox.auth.authenticate(request.headers.get("authorization"))
        session = store.expire(user, request.path_params["signingSessionId"])
        return _json({"signingSessionId": session.id, "status": session.status})

    async def add_attachment(request: Request) -> Response:
        user = sandbox.auth.authenticate(request.headers.get("authorization"))
        form = await request.form()
        upload = form.get("fileContent")
        if not isinstance(upload, UploadFile):
            raise required_field("fileContent")
        data = await upload.read()
        await form.close()
        attachment = store.add_attachment(
            user, request.path_params["signingSessionId"], data, upload.filename or "attachment.pdf"
        )
        return _json(attachment.id)

    async def quota(request: Request) -> Response:
        user = sandbox.auth.authenticate(request.headers.get("authorization"))
        stats = sandbox.quota.stats.get(user)
        return _json(stats.as_json() if stats is not None else AccountStats().as_json())

    base = "/sandbox/signingSessions/{signingSessionId}"
    return [
        ("/sandbox/quota", "GET", quota),
        (f"{base}/participants/{{participantId}}/open", "POST", participant_action("open")),
        (f"{base}/participants/{{participantId}}/sign", "POST", participant_action("sign")),
        (f"{base}/participants/{{participantId}}/decline", "POST", participant_action("decline")),
        (f"{base}/expire", "POST", expire),
        ("/sandbox/signingSessionDrafts/{signingSessionId}/attachments", "POST", add_attachment),
    ]
