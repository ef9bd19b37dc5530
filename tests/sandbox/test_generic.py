"""Operations without a hand-written handler are served generically (easyink_sandbox/_generic.py).

The app here runs on a copy of the document with one added operation (a session's audit trail)
and one added optional request field, with response validation on: a generic answer that broke
the document would come back as a 500 and be recorded in ``response_violations``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from easyink_sandbox import Sandbox, SandboxApp, SandboxConfig, create_app, load_spec
from easyink_sandbox._generic import (
    FIXED_DATE_TIME,
    GENERIC_HEADER,
    GenericHandler,
    generic_handlers,
    sample,
)
from tests import _spec_changes as changes
from tests.sandbox.conftest import Drafts, error_of, make_client

_TRAIL = changes.AUDIT_TRAIL_PATH.replace("{signingSessionId}", "{}")


@pytest.fixture
def changed_spec(tmp_path: Path) -> Path:
    document = changes.load()
    changes.add_audit_trail_operation(document)
    changes.add_optional_request_field(document)
    path = tmp_path / "easyink.yaml"
    changes.dump(document, path)
    return path


@pytest.fixture
def changed_app(changed_spec: Path, caplog: pytest.LogCaptureFixture) -> SandboxApp:
    caplog.set_level(logging.WARNING, logger="easyink_sandbox")
    return create_app(SandboxConfig(validate_responses=True), spec_file=str(changed_spec))


@pytest.fixture
async def changed_client(changed_app: SandboxApp) -> AsyncIterator[httpx.AsyncClient]:
    sandbox = changed_app.sandbox
    async with make_client(changed_app, sandbox.issue_token()) as c:
        yield c
    assert sandbox.response_violations == []


def test_the_document_of_the_repository_needs_no_generic_operation(sandbox: Sandbox) -> None:
    assert sandbox.generic_operations == ()


def test_start_up_logs_the_generic_operations(
    changed_app: SandboxApp, caplog: pytest.LogCaptureFixture
) -> None:
    assert changed_app.sandbox.generic_operations == (changes.AUDIT_TRAIL_OPERATION,)
    records = caplog.get_records("setup")
    lines = [r.getMessage() for r in records if "generically" in r.getMessage()]
    assert lines == [
        f"operations served generically (no sandbox handler): {changes.AUDIT_TRAIL_OPERATION}"
    ]


async def test_added_operation_answers_a_schema_valid_stable_body(
    changed_client: httpx.AsyncClient,
) -> None:
    drafts = Drafts(changed_client)
    first, second = await drafts.create(), await drafts.create()

    answer = await changed_client.get(_TRAIL.format(first))
    again = await changed_client.get(_TRAIL.format(first))
    other = await changed_client.get(_TRAIL.format(second))

    assert answer.status_code == 200, answer.text
    assert answer.headers[GENERIC_HEADER] == "generic"
    body = answer.json()
    assert body["signingSessionId"] == first  # a path parameter's name echoes its value
    [event] = body["events"]
    assert event["at"] == FIXED_DATE_TIME
    assert event["action"] == "Created"
    assert again.json() == body
    assert other.json()["events"][0]["eventId"] != event["eventId"]


async def test_added_operation_enforces_auth_validation_and_ownership(
    changed_app: SandboxApp, changed_client: httpx.AsyncClient
) -> None:
    session_id = await Drafts(changed_client).create()
    sandbox = changed_app.sandbox

    async with make_client(changed_app, None) as anonymous:
        unauthenticated = await anonymous.get(_TRAIL.format(session_id))
    async with make_client(changed_app, sandbox.issue_token("someone-else")) as stranger:
        foreign = await stranger.get(_TRAIL.format(session_id))
    invalid = await changed_client.get(_TRAIL.format("not-a-uuid"))
    unknown = await changed_client.get(_TRAIL.format("3fa85f64-5717-4562-b3fc-2c963f66afa6"))

    assert unauthenticated.status_code == 401
    assert foreign.status_code == 404
    assert error_of(foreign)["message"] == "The specified signing session ID was not found."
    assert invalid.status_code == 400
    assert error_of(invalid)["code"] == "ValidationError"
    assert unknown.status_code == 404
    for response in (unauthenticated, foreign, invalid, unknown):
        assert GENERIC_HEADER not in response.headers


async def test_existing_operations_keep_their_rules_and_accept_the_new_field(
    changed_client: httpx.AsyncClient,
) -> None:
    created = await changed_client.post(
        "/api/signingSessionDrafts", json={"subject": "NDA", "externalReference": "crm-42"}
    )
    too_long = await changed_client.post(
        "/api/signingSessionDrafts", json={"externalReference": "x" * 101}
    )
    session_id, _document, _participants = await Drafts(changed_client).started(signers=2)
    view = await changed_client.get(f"/api/signingSessions/{session_id}")

    assert created.status_code == 200, created.text
    assert GENERIC_HEADER not in created.headers
    assert too_long.status_code == 400
    assert view.status_code == 200
    assert view.json()["status"] == "Pending"


def _add_draft_note(document: dict[str, Any]) -> None:
    """A POST on a draft with a required body field and a bare uuid answer (no example)."""
    document["paths"]["/api/signingSessionDrafts/{signingSessionId}/notes"] = {
        "parameters": [{"$ref": "#/components/parameters/DraftId"}],
        "post": {
            "operationId": "addDraftNote",
            "tags": ["SigningSessionDrafts"],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["text"],
                            "properties": {"text": {"type": "string", "minLength": 1}},
                        }
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "The note's id.",
                    "content": {
                        "application/json": {"schema": {"type": "string", "format": "uuid"}}
                    },
                },
                "400": {"$ref": "#/components/responses/ValidationFailed"},
                "404": {"$ref": "#/components/responses/DraftNotFound"},
            },
        },
    }


async def test_a_draft_operation_validates_its_body_and_checks_the_draft(tmp_path: Path) -> None:
    document = changes.load()
    _add_draft_note(document)
    path = tmp_path / "easyink.yaml"
    changes.dump(document, path)
    app = create_app(SandboxConfig(validate_responses=True), spec_file=str(path))
    async with make_client(app, app.sandbox.issue_token()) as client:
        draft = await Drafts(client).create()
        notes = f"/api/signingSessionDrafts/{draft}/notes"
        first = await client.post(notes, json={"text": "call back"})
        same = await client.post(notes, json={"text": "call back"})
        other = await client.post(notes, json={"text": "signed copy"})
        missing = await client.post(notes, json={})
        async with make_client(app, app.sandbox.issue_token("someone-else")) as stranger:
            foreign = await stranger.post(notes, json={"text": "call back"})

    assert first.status_code == 200, first.text
    assert first.json() == same.json() != other.json()
    assert missing.status_code == 400
    assert error_of(missing)["innerErrors"] == [
        {"code": "RequiredField", "message": "The 'text' field is required"}
    ]
    assert foreign.status_code == 404
    assert error_of(foreign)["message"] == "Signing session draft does not exists"
    assert app.sandbox.response_violations == []


def test_sampled_answers_of_every_operation_validate() -> None:
    """Built from the schemas alone (examples ignored), every JSON answer follows the document."""
    spec = load_spec()
    handlers = generic_handlers(spec, {})
    checked = 0
    for operation_id, handler in handlers.items():
        assert isinstance(handler, GenericHandler)
        operation = spec.operations[operation_id]
        response = operation.responses[str(operation.success_status)]
        if response.json_validator is None:
            continue
        schema = spec.document["paths"][operation.path][operation.method]["responses"]
        media = spec.resolve(schema[str(operation.success_status)])["content"]
        value = sample(spec, next(iter(media.values()))["schema"], seed=operation_id)
        errors = [e.message for e in response.json_validator.iter_errors(value)]
        assert errors == [], operation_id
        assert sample(spec, next(iter(media.values()))["schema"], seed=operation_id) == value
        checked += 1
    assert checked >= 10


async def test_an_operation_removed_from_the_document_is_no_longer_served(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    document = changes.load()
    del document["paths"]["/api/signingSessions/statistics"]
    path = tmp_path / "easyink.yaml"
    changes.dump(document, path)
    caplog.set_level(logging.WARNING, logger="easyink_sandbox")

    app = create_app(SandboxConfig(validate_responses=True), spec_file=str(path))
    async with make_client(app, app.sandbox.issue_token()) as client:
        gone = await client.get("/api/signingSessions/statistics")

    assert [r.getMessage() for r in caplog.records] == [
        "sandbox handlers without an operation in the document: ['getSessionStatistics']"
    ]
    # The path now reads as GET /api/signingSessions/{signingSessionId}, and is not a uuid.
    assert gone.status_code == 400
    assert error_of(gone)["code"] == "ValidationError"
