"""Fixture changes of the OpenAPI document, as a CI pipeline regenerating the client meets them.

Each function takes the parsed document (a dict) and changes it in place. The additive ones
(:func:`add_audit_trail_operation`, :func:`add_optional_request_field`) are what a newer API
version typically brings; the others each break a Python caller in one way.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi" / "easyink.yaml"
AUDIT_TRAIL_PATH = "/api/signingSessions/{signingSessionId}/auditTrail"
AUDIT_TRAIL_OPERATION = "getSessionAuditTrail"
# Its name in the resource layer's naming table (scripts/resources.yaml).
AUDIT_TRAIL_METHOD = "sessions.audit_trail"
NEW_REQUEST_FIELD = ("CreateDraftRequest", "externalReference")
REMOVED_RESPONSE_FIELD = ("SignedDocument", "title")
NEWLY_REQUIRED_FIELD = ("DuplicateSessionRequest", "subject")
RENAMED_PATH = ("/api/signingSessions/{id}/voided", "id", "signingSessionId")
REMOVED_ENUM_VALUE = ("ParticipantStatus", "Opened")
RETYPED_FIELD = ("AllInOneDocument", "title")

_AUDIT_TRAIL: dict[str, Any] = {
    "parameters": [{"$ref": "#/components/parameters/SessionId"}],
    "get": {
        "operationId": AUDIT_TRAIL_OPERATION,
        "tags": ["SigningSessions"],
        "summary": "Get session audit trail",
        "description": "Every recorded event of a signing session, oldest first.",
        "responses": {
            "200": {
                "description": "The audit trail.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["signingSessionId", "events"],
                            "properties": {
                                "signingSessionId": {"type": "string", "format": "uuid"},
                                "events": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["eventId", "at", "action"],
                                        "properties": {
                                            "eventId": {"type": "string", "format": "uuid"},
                                            "at": {"type": "string", "format": "date-time"},
                                            "action": {
                                                "type": "string",
                                                "enum": ["Created", "Started", "Signed"],
                                            },
                                            "actorEmail": {
                                                "type": ["string", "null"],
                                                "format": "email",
                                            },
                                        },
                                    },
                                },
                            },
                        }
                    }
                },
            },
            "400": {"$ref": "#/components/responses/ValidationFailed"},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "404": {"$ref": "#/components/responses/SessionNotFound"},
        },
    },
}


def load() -> dict[str, Any]:
    """The repository's document, parsed."""
    document: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return document


def dump(document: dict[str, Any], path: Path) -> None:
    """Write ``document`` as YAML (key order kept)."""
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "utf-8")


def _schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def add_audit_trail_operation(document: dict[str, Any]) -> None:
    """A new GET operation on a session, with no example (its answer is built from the schema)."""
    document["paths"][AUDIT_TRAIL_PATH] = copy.deepcopy(_AUDIT_TRAIL)


def name_audit_trail_operation(table: Path) -> None:
    """Name the new operation in the naming table of a copy (``scripts/resources.yaml``)."""
    text = table.read_text(encoding="utf-8")
    entry = f"operations:\n  {AUDIT_TRAIL_OPERATION}: {AUDIT_TRAIL_METHOD}\n"
    table.write_text(text.replace("operations:\n", entry, 1), encoding="utf-8")


def add_optional_request_field(document: dict[str, Any]) -> None:
    """``CreateDraftRequest.externalReference``: an optional string."""
    schema, field = NEW_REQUEST_FIELD
    _schema(document, schema)["properties"][field] = {"type": ["string", "null"], "maxLength": 100}


def remove_response_field(document: dict[str, Any]) -> None:
    """``SignedDocument.title`` disappears from the answers."""
    schema, field = REMOVED_RESPONSE_FIELD
    del _schema(document, schema)["properties"][field]


def make_request_field_required(document: dict[str, Any]) -> None:
    """``DuplicateSessionRequest.subject`` becomes required."""
    schema, field = NEWLY_REQUIRED_FIELD
    target = _schema(document, schema)
    assert field not in target.get("required", []), f"{schema}.{field} is already required"
    target["required"] = sorted({*target.get("required", []), field})


def rename_path_parameter(document: dict[str, Any]) -> None:
    """``/api/signingSessions/{id}/voided`` -> ``{signingSessionId}``."""
    old_path, _old, new = RENAMED_PATH
    item = document["paths"].pop(old_path)
    item["parameters"] = [{"$ref": "#/components/parameters/SessionId"}]
    document["paths"][old_path.replace("{id}", "{" + new + "}")] = item


def remove_enum_value(document: dict[str, Any]) -> None:
    """``ParticipantStatus`` loses ``Opened``."""
    schema, value = REMOVED_ENUM_VALUE
    target = _schema(document, schema)
    target["enum"] = [v for v in target["enum"] if v != value]


def change_type(document: dict[str, Any]) -> None:
    """``AllInOneDocument.title`` becomes an integer."""
    schema, field = RETYPED_FIELD
    _schema(document, schema)["properties"][field] = {"type": ["integer", "null"]}
