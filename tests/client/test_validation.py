"""Pre-flight validation: bad input is refused before any request, with clear messages."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import jsonschema  # type: ignore[import-untyped]
import pytest

from easyink_client.api.signing_session_drafts import (
    add_draft_participant,
    add_draft_signature_field,
    create_draft,
    get_draft,
    update_draft_signature_field_placement,
)
from easyink_client.api.signing_sessions import search_sessions, void_session
from easyink_client.models import (
    AddDraftParticipantRequest,
    AddDraftSignatureFieldRequest,
    CreateDraftRequest,
    DeliveryMethod,
    ElementPlacement,
    SignatureFieldDeclaration,
    SignatureFieldOptions,
    SignatureFieldType,
    VoidSessionRequest,
)
from easyink_ext import EasyInk, RequestValidationError
from easyink_ext._schema import SchemaCompiler, UnsupportedSchemaError
from easyink_ext._validation import SCHEMAS_FILE, default_validator

from ..conftest import BASE_URL, DRAFT_ID, OTHER_ID, TOKEN, MockAPI

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "easyink.yaml"


def _participant(**kw: Any) -> AddDraftParticipantRequest:
    base: dict[str, Any] = {
        "first_name": "Ann",
        "last_name": "Lee",
        "email": "ann@example.com",
        "delivery_methods": [DeliveryMethod.EMAIL],
    }
    base.update(kw)
    return AddDraftParticipantRequest(**base)


async def _refused(api: MockAPI, call: Any, *fragments: str) -> RequestValidationError:
    with pytest.raises(RequestValidationError) as info:
        await call
    assert api.count == 0, "nothing may be sent"
    for fragment in fragments:
        assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)
    return info.value


async def test_non_uuid_path_id(api: MockAPI, ei: EasyInk) -> None:
    await _refused(
        api,
        get_draft.asyncio("not-a-uuid", client=ei.client),  # type: ignore[arg-type]
        "getDraft",
        "path.signingSessionId: 'not-a-uuid' is not a valid UUID",
    )


async def test_phone_must_have_10_digits(api: MockAPI, ei: EasyInk) -> None:
    body = _participant(phone="12345", delivery_methods=[DeliveryMethod.SMS])
    await _refused(
        api,
        add_draft_participant.asyncio(UUID(DRAFT_ID), client=ei.client, body=body),
        "body.phone: '12345' does not match the pattern ^\\d{10}$",
    )


async def test_email_required_for_email_delivery(api: MockAPI, ei: EasyInk) -> None:
    body = _participant(email=None)
    await _refused(
        api,
        add_draft_participant.asyncio(UUID(DRAFT_ID), client=ei.client, body=body),
        "body.email: is required when deliveryMethods includes 'Email'",
    )


async def test_phone_required_for_sms_delivery(api: MockAPI, ei: EasyInk) -> None:
    body = _participant(delivery_methods=[DeliveryMethod.SMS])
    await _refused(
        api,
        add_draft_participant.asyncio(UUID(DRAFT_ID), client=ei.client, body=body),
        "body.phone: is required when deliveryMethods includes 'Sms'",
    )


async def test_several_problems_are_all_listed(api: MockAPI, ei: EasyInk) -> None:
    body = _participant(first_name="", email="not-an-email", delivery_methods=[])
    err = await _refused(
        api, add_draft_participant.asyncio(UUID(DRAFT_ID), client=ei.client, body=body)
    )
    assert err.problems == [
        "body.firstName: must not be empty",
        "body.email: 'not-an-email' is not a valid email address",
        "body.deliveryMethods: must not be empty",
    ]


async def test_negative_coordinates(api: MockAPI, ei: EasyInk) -> None:
    placement = ElementPlacement(page=0, position_x=-1, position_y=5, size_x=0.0, size_y=10)
    await _refused(
        api,
        update_draft_signature_field_placement.asyncio_detailed(
            UUID(DRAFT_ID), UUID(OTHER_ID), client=ei.client, body=placement
        ),
        "body.page: 0 must be >= 1",
        "body.positionX: -1 must be >= 0",
        "body.sizeX: 0.0 must be >= 0.1",
    )


async def test_field_options_must_target_the_field_type(api: MockAPI, ei: EasyInk) -> None:
    body = AddDraftSignatureFieldRequest(
        document_id=UUID(OTHER_ID),
        participant_id=None,
        field=SignatureFieldDeclaration(
            type_=SignatureFieldType.SIGNATURE,
            placement=ElementPlacement(page=1, position_x=1, position_y=1, size_x=10, size_y=10),
            options=SignatureFieldOptions(is_required=True, for_type=SignatureFieldType.DATE),
        ),
    )
    await _refused(
        api,
        add_draft_signature_field.asyncio(UUID(DRAFT_ID), client=ei.client, body=body),
        "body.field.options.forType: 'Date' must equal the field type 'Signature'",
    )


@pytest.mark.parametrize("reason", ["", "   ", None])
async def test_void_reason_required(api: MockAPI, ei: EasyInk, reason: str | None) -> None:
    await _refused(
        api,
        void_session.asyncio_detailed(
            UUID(DRAFT_ID), client=ei.client, body=VoidSessionRequest(reason=reason)
        ),
        "body.reason:",
    )


async def test_subject_over_500_chars(api: MockAPI, ei: EasyInk) -> None:
    await _refused(
        api,
        create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject="x" * 501)),
        "body.subject: must be at most 500 characters (got 501)",
    )


async def test_query_parameters(api: MockAPI, ei: EasyInk) -> None:
    await _refused(
        api,
        search_sessions.asyncio(client=ei.client, page_size=101, sorting_properties=["name"]),
        "query.pageSize: 101 must be <= 100",
        "query.sorting.properties[0]: 'name' does not match",
    )


async def test_valid_requests_pass(api: MockAPI, ei: EasyInk) -> None:
    await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject="x" * 500))
    await add_draft_participant.asyncio(UUID(DRAFT_ID), client=ei.client, body=_participant())
    api.steps = [
        httpx.Response(
            200,
            json={
                "items": [],
                "totalItemsCount": 0,
                "pagesCount": 0,
                "pageIndex": 0,
                "pageSize": 100,
            },
        )
    ]
    await search_sessions.asyncio(
        client=ei.client, page_size=100, sorting_properties=["created:desc", "status"]
    )
    assert api.count == 3


async def test_validation_can_be_disabled(api: MockAPI) -> None:
    async with EasyInk(
        base_url=BASE_URL, token=TOKEN, transport=api.transport(), validate_requests=False
    ) as ei:
        await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject="x" * 501))
    assert api.count == 1


def test_unknown_paths_are_not_validated() -> None:
    validator = default_validator()
    validator(httpx.Request("POST", "http://x/sandbox/signingSessions/abc/expire"))
    assert validator.match("GET", "/api/signingSessions/statistics") is not None
    op, params = validator.match("GET", "/api/signingSessions/statistics")  # type: ignore[misc]
    assert op.name == "getSessionStatistics"
    assert params == {}


def test_packaged_schemas_match_the_spec() -> None:
    if not SPEC.exists():
        pytest.skip("not running from the repository")
    extract = SPEC.parents[1] / "scripts" / "spec_extract.py"  # a build step, not shipped
    loaded = importlib.util.spec_from_file_location("spec_extract", extract)
    assert loaded is not None and loaded.loader is not None
    spec_extract = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(spec_extract)
    assert SCHEMAS_FILE.read_text(encoding="utf-8") == spec_extract.render(SPEC), (
        "run: python scripts/spec_extract.py"
    )


def test_unsupported_keyword_fails_loudly() -> None:
    with pytest.raises(UnsupportedSchemaError):
        SchemaCompiler({}).compile({"type": "string", "dependentRequired": {}})


SAMPLES: list[Any] = [
    None,
    "",
    "x",
    "a" * 101,
    0,
    -1,
    1.5,
    0.05,
    True,
    [],
    ["Email"],
    ["Fax"],
    {},
    {"firstName": ""},
    {"phone": "0123456789"},
    {"phone": "012345678a"},
    {"email": "a@b.c", "deliveryMethods": ["Email", "Sms"]},
    {"deliveryMethods": None},
    {"page": 1, "positionX": 0, "positionY": 0, "sizeX": 0.1, "sizeY": 0.1},
    {"page": 1.0, "positionX": 0, "positionY": 0, "sizeX": 0.09, "sizeY": 1},
    {"type": "Signature", "placement": {"page": 1}, "options": {"forType": "Date"}},
    {"participantId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "documentId": "nope"},
    {"subject": None, "initiator": {"language": "Klingon"}},
    {"subject": "s", "initiator": None},
    {"participantsOrder": []},
    {"participantsOrder": ["3fa85f64-5717-4562-b3fc-2c963f66afa6"]},
]


@pytest.mark.parametrize("name", sorted(json.loads(SCHEMAS_FILE.read_text())["schemas"]))
def test_small_validator_agrees_with_jsonschema(name: str) -> None:
    document = json.loads(SCHEMAS_FILE.read_text())
    schemas = document["schemas"]
    compiled = SchemaCompiler(schemas).compile({"$ref": f"#/components/schemas/{name}"})
    reference = jsonschema.Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": {"schemas": schemas}},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    for sample in SAMPLES:
        problems: list[str] = []
        compiled(sample, "body", problems)
        assert (not problems) == reference.is_valid(sample), (name, sample, problems)


async def test_base_url_with_path_prefix_is_validated(api: MockAPI) -> None:
    async with EasyInk(base_url=f"{BASE_URL}/v1", token=TOKEN, transport=api.transport()) as ei:
        with pytest.raises(RequestValidationError, match="getDraft"):
            await get_draft.asyncio("nope", client=ei.client)  # type: ignore[arg-type]
        await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject="ok"))
    assert [r.url.path for r in api.requests] == ["/v1/api/signingSessionDrafts"]


@pytest.mark.parametrize(
    ("email", "valid"),
    [
        ("ann@example.com", True),
        ("first.last+tag@sub.example.co.uk", True),
        ("jöhn@exämple.de", True),
        ("<ann@example.com>", False),
        ("Ann <ann@example.com>", False),
        ("ann lee@example.com", False),
        ("ann@example", False),
        ("a,b@example.com", False),
    ],
)
async def test_email_format_refuses_header_syntax(
    api: MockAPI, ei: EasyInk, email: str, valid: bool
) -> None:
    body = _participant(email=email)
    call = add_draft_participant.asyncio(UUID(DRAFT_ID), client=ei.client, body=body)
    if valid:
        await call
        assert len(api.requests) == 1
    else:
        err = await _refused(api, call)
        assert err.problems == [f"body.email: {email!r} is not a valid email address"]
