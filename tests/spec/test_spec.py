"""The OpenAPI document: valid, complete against the operations table, and its examples honest."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from ._examples import HTTP_METHODS, SPEC_PATH, iter_examples, load_spec, make_validator

NOTES = Path(__file__).resolve().parents[3] / "shared" / "easyink-api-notes.md"
SPEC = load_spec()
EXAMPLES = list(iter_examples(SPEC))

# The operations table of the API notes, kept here too so the test runs where shared/ is absent.
OPERATIONS_TABLE: dict[tuple[str, str], bool] = {
    ("POST", "/api/signingSessionDrafts"): False,
    ("POST", "/api/signingSessionDrafts/{signingSessionId}/documents"): False,
    ("POST", "/api/signingSessionDrafts/{id}/participants"): False,
    ("POST", "/api/signingSessionDrafts/{id}/signatureFields"): True,
    ("GET", "/api/signingSessionDrafts/{signingSessionId}/documents/{documentId}"): True,
    ("DELETE", "/api/signingSessionDrafts/{signingSessionId}/documents/{documentId}"): True,
    ("GET", "/api/signingSessionDrafts/{signingSessionId}/attachments/{attachmentId}"): True,
    ("DELETE", "/api/signingSessionDrafts/{signingSessionId}/attachments/{attachmentId}"): True,
    ("POST", "/api/signingSessionDrafts/{signingSessionId}/participants/me"): True,
    ("PUT", "/api/signingSessionDrafts/{signingSessionId}/participants/{participantId}"): True,
    ("DELETE", "/api/signingSessionDrafts/{signingSessionId}/participants/{participantId}"): True,
    ("PUT", "/api/signingSessionDrafts/{id}/signingOrder/oneByOne"): False,
    ("PUT", "/api/signingSessionDrafts/{signingSessionId}/signingOrder/allAtOnce"): False,
    (
        "DELETE",
        "/api/signingSessionDrafts/{signingSessionId}/signatureFields/{signatureFieldId}",
    ): True,
    (
        "PUT",
        "/api/signingSessionDrafts/{signingSessionId}/signatureFields/{signatureFieldId}/options",
    ): True,
    (
        "PUT",
        "/api/signingSessionDrafts/{signingSessionId}/signatureFields/{signatureFieldId}/placement",
    ): True,
    ("HEAD", "/api/signingSessionDrafts/{signingSessionId}"): True,
    ("GET", "/api/signingSessionDrafts/{signingSessionId}"): True,
    ("PUT", "/api/signingSessionDrafts/{signingSessionId}"): True,
    ("DELETE", "/api/signingSessionDrafts/{signingSessionId}"): True,
    ("POST", "/api/signingSessionDrafts/{signingSessionId}/convert"): True,
    ("POST", "/api/signingSessions/{signingSessionId}/duplicate"): True,
    ("POST", "/api/signingSessions/{signingSessionId}/recreate"): True,
    ("HEAD", "/api/signingSessions/{signingSessionId}"): True,
    ("GET", "/api/signingSessions/{signingSessionId}"): True,
    ("POST", "/api/signingSessions/{signingSessionId}/start"): True,
    ("PUT", "/api/signingSessions/{signingSessionId}/participants/{participantId}"): False,
    ("GET", "/api/signingSessions/{signingSessionId}/attachments/{attachmentId}"): True,
    ("GET", "/api/signingSessions/{signingSessionId}/documents/{documentId}"): True,
    ("POST", "/api/signingSessions/{id}/voided"): False,
    ("GET", "/api/signingSessions"): True,
    ("GET", "/api/signingSessions/statistics"): True,
    ("GET", "/api/signingSessions/{signingSessionId}/signedDocuments/{documentId}"): True,
    ("GET", "/api/signingSessions/{signingSessionId}/allInOneDocument"): True,
}


_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def _operations() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): op
        for path, item in SPEC["paths"].items()
        for method in HTTP_METHODS
        if (op := item.get(method)) is not None
    }


def test_spec_is_valid_openapi() -> None:
    spec_dict, base_uri = read_from_filename(str(SPEC_PATH))
    validate(spec_dict, base_uri=base_uri)


def test_operations_match_the_table_exactly() -> None:
    ops = _operations()
    assert len(OPERATIONS_TABLE) == 34
    assert set(ops) == set(OPERATIONS_TABLE)
    for key, inferred in OPERATIONS_TABLE.items():
        assert bool(ops[key].get("x-easyink-inferred", False)) is inferred, key


@pytest.mark.skipif(not NOTES.exists(), reason="shared API notes not present beside the repository")
def test_table_copy_matches_the_api_notes() -> None:
    rows = re.findall(
        r"^\| \d+ \| [^|]+\| (GET|POST|PUT|DELETE|HEAD) (\S+) \| (confirmed|inferred) \|",
        NOTES.read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    assert {(m, p): src == "inferred" for m, p, src in rows} == OPERATIONS_TABLE


def test_operation_ids_are_unique_python_friendly_and_tagged() -> None:
    ops = _operations()
    ids = [op["operationId"] for op in ops.values()]
    assert len(set(ids)) == len(ids)
    for (_, path), op in ops.items():
        assert re.fullmatch(r"[a-z][A-Za-z]+", op["operationId"])
        expected = (
            "SigningSessionDrafts"
            if path.startswith("/api/signingSessionDrafts")
            else "SigningSessions"
        )
        assert op["tags"] == [expected]


def test_every_operation_declares_auth_and_server_errors() -> None:
    for key, op in _operations().items():
        for status in ("401", "403", "429", "500"):
            assert status in op["responses"], (key, status)
        addressed = "{" in key[1]
        assert ("404" in op["responses"]) is addressed, key


def test_error_bodies_are_api_errors() -> None:
    for key, op in _operations().items():
        for status, declared in op["responses"].items():
            if int(status) < 400:
                continue
            resp = declared
            if "$ref" in declared:
                resp = SPEC["components"]["responses"][declared["$ref"].rsplit("/", 1)[-1]]
            for media in (resp.get("content") or {}).values():
                assert media["schema"] == {"$ref": "#/components/schemas/ApiErrorResponse"}, (
                    key,
                    status,
                )


def test_security_schemes() -> None:
    schemes = SPEC["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        **schemes["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    flow = schemes["oauth2"]["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "https://identity.easyink.io/connect/authorize"
    assert flow["tokenUrl"] == "https://identity.easyink.io/connect/token"
    assert set(flow["scopes"]) == {"openid", "hermes_api", "hermes_idp", "profile"}
    staging = schemes["oauth2Staging"]["flows"]["authorizationCode"]
    assert staging["tokenUrl"] == "https://identity-staging.easyink.io/connect/token"
    urls = [s["url"] for s in SPEC["servers"]]
    assert urls[:2] == ["https://api.easyink.io", "https://api-staging.easyink.io"]


def test_there_are_examples_for_the_seed_bodies() -> None:
    # each JSON request example of the reference, each id response and each error message shown
    assert len([e for e in EXAMPLES if e.media_type == "application/json"]) >= 60


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.where)
def test_example_validates_against_its_schema(example: Any) -> None:
    validator = make_validator(SPEC, example.schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(example.value)]
    assert not errors, errors


def test_head_operations_declare_no_bodies() -> None:
    for (method, path), op in _operations().items():
        if method == "HEAD":
            for status, declared in op["responses"].items():
                assert "content" not in declared, (path, status)


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def test_every_component_is_used() -> None:
    used = _refs(SPEC)
    for kind, components in SPEC["components"].items():
        if kind in ("securitySchemes",):
            continue
        for name in components:
            assert f"#/components/{kind}/{name}" in used, f"unused component {kind}/{name}"


def test_draft_not_found_promises_404_for_the_draft_only() -> None:
    description = SPEC["components"]["responses"]["DraftNotFound"]["description"]
    assert "or a resource addressed inside it" not in description
    assert "400" in description


@pytest.mark.parametrize(
    ("schema_name", "bad"),
    [
        ("AddDraftParticipantRequest", {"phone": "12345"}),
        ("AddDraftParticipantRequest", {"email": "not-an-email"}),
        ("AddDraftParticipantRequest", {"deliveryMethods": []}),
        ("AddDraftParticipantRequest", {"deliveryMethods": ["Fax"]}),
        ("AddDraftParticipantRequest", {"firstName": ""}),
        ("CreateDraftRequest", {"subject": "x" * 501}),
        ("ElementPlacement", {"page": 0, "positionX": 0, "positionY": 0, "sizeX": 1, "sizeY": 1}),
        ("ElementPlacement", {"page": 1, "positionX": -1, "positionY": 0, "sizeX": 1, "sizeY": 1}),
        (
            "ElementPlacement",
            {"page": 1, "positionX": 0, "positionY": 0, "sizeX": 0.05, "sizeY": 1},
        ),
        ("ElementPlacement", {"page": 1, "positionX": 0, "positionY": 0, "sizeX": 1}),
        ("VoidSessionRequest", {"reason": ""}),
        ("VoidSessionRequest", {}),
        ("VoidSessionRequest", {"reason": None}),
        ("RecreateSessionRequest", {"voidReason": "x" * 1001}),
        ("RecreateSessionRequest", {"subject": "copy"}),
        ("OneByOneSigningOrderRequest", {"participantsOrder": [_ID, _ID]}),
        (
            "SigningSessionSearchResult",
            {"items": [], "totalItemsCount": 0, "pagesCount": 0, "pageIndex": 0, "pageSize": 0},
        ),
        ("SigningConfigurationParticipant", {"id": "not-a-uuid"}),
        ("ApiErrorResponse", {"error": {"code": "NotFound"}}),
    ],
)
def test_constraints_reject_bad_documents(schema_name: str, bad: Any) -> None:
    validator = make_validator(SPEC, {"$ref": f"#/components/schemas/{schema_name}"})
    assert list(validator.iter_errors(bad)), f"{schema_name} accepted {bad!r}"


# The download headers of the API reference: (Content-Disposition example, lists Content-Type).
DOWNLOAD_HEADERS = {
    "downloadDraftDocument": ("Employment_Agreement.pdf", False),
    "downloadDraftAttachment": ("Employee_Handbook.pdf", False),
    "downloadSessionAttachment": ("Company_Policy_Handbook.pdf", True),
    "downloadSessionDocument": ("Employment_Agreement_Original.pdf", True),
    "downloadSignedDocument": ("Employment_Agreement_John_Smith_Signed.pdf", True),
    "downloadAllInOneDocument": ("Employment_Agreement_All_Signatures.pdf", True),
}


@pytest.mark.parametrize("operation_id", sorted(DOWNLOAD_HEADERS))
def test_download_headers_follow_the_reference(operation_id: str) -> None:
    filename, lists_content_type = DOWNLOAD_HEADERS[operation_id]
    (op,) = [op for op in _operations().values() if op["operationId"] == operation_id]
    ok = op["responses"]["200"]
    assert set(ok["content"]) == {"application/pdf"}
    headers = ok["headers"]
    assert headers["Content-Disposition"]["example"] == f'attachment; filename="{filename}"'
    assert headers["Content-Length"]["schema"] == {"type": "integer", "minimum": 0}
    if lists_content_type:
        assert headers["Content-Type"]["example"] == "application/pdf"
    else:
        assert "Content-Type" not in headers
