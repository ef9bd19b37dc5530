"""Run inside a copy of the repository whose spec gained the audit-trail operation and
``CreateDraftRequest.externalReference`` (tests/_spec_changes.py), after regeneration.

It drives the copy's sandbox (response validation on) through the copy's regenerated client:
the new optional field is sent, the whole signing workflow still runs, and the new operation's
generated function parses the sandbox's generic answer. Prints one JSON object for the test.
"""

from __future__ import annotations

import importlib
import json
from datetime import datetime
from typing import Any

import anyio
import httpx

from easyink_client.api.signing_session_drafts import create_draft
from easyink_client.models import CreateDraftRequest
from easyink_ext import EasyInk, Signer, send_for_signature
from easyink_sandbox import SandboxConfig, create_app, simple_pdf


async def main() -> dict[str, Any]:
    app = create_app(SandboxConfig(validate_responses=True))
    sandbox = app.sandbox
    transport = httpx.ASGITransport(app=app)
    trail = importlib.import_module("easyink_client.api.signing_sessions.get_session_audit_trail")
    async with EasyInk(
        base_url="http://sandbox.test", token=sandbox.issue_token(), transport=transport
    ) as ei:
        draft = await create_draft.asyncio(
            client=ei.client,
            body=CreateDraftRequest(subject="NDA", external_reference="crm-42"),
        )
        sent = await send_for_signature(
            ei,
            documents=[("nda.pdf", simple_pdf(["NDA"]))],
            signers=[Signer("Ann Lee", email="ann@example.com")],
            subject="NDA - Ann Lee",
        )
        answer = await trail.asyncio_detailed(sent.session_id, client=ei.client)
        again = await trail.asyncio_detailed(sent.session_id, client=ei.client)
    parsed = answer.parsed
    [event] = parsed.events
    return {
        "draft": str(draft),
        "session": str(sent.session_id),
        "participants": len(sent.participant_ids),
        "status": answer.status_code,
        "behavior": answer.headers.get("x-easyink-sandbox-behavior"),
        "parsed_type": type(parsed).__name__,
        "parsed_session": str(parsed.signing_session_id),
        "event_at_is_datetime": isinstance(event.at, datetime),
        "event_action": str(event.action.value),
        "stable": answer.content == again.content,
        "generic_operations": list(sandbox.generic_operations),
        "violations": sandbox.response_violations,
    }


if __name__ == "__main__":
    print(json.dumps(anyio.run(main)))
