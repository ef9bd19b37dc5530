"""scripts/spec_report: a request constraint made stricter is breaking, a looser one is not.

The generated client validates every request against the spec before sending, so a tightened
constraint makes it refuse calls it accepted (``RequestValidationError``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from spec_report import cli, operations

from tests import _spec_changes as changes

Edit = Callable[[dict[str, Any]], None]


def _schema(name: str, field: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda d: d["components"]["schemas"][name]["properties"][field]


_SUBJECT = _schema("CreateDraftRequest", "subject")
_FIRST_NAME = _schema("AddDraftParticipantRequest", "firstName")
_PHONE = _schema("AddDraftParticipantRequest", "phone")
_DELIVERY = _schema("AddDraftParticipantRequest", "deliveryMethods")
_RESPONSE_SUBJECT = _schema("SigningView", "subject")


def _set(where: Callable[[dict[str, Any]], dict[str, Any]], **values: Any) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        target = where(document)
        for key, value in values.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value

    return edit


def _page_size(maximum: int) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        for parameter in document["paths"]["/api/signingSessions"]["get"]["parameters"]:
            if parameter["name"] == "pageSize":
                parameter["schema"]["maximum"] = maximum

    return edit


# (edit, operation, the change's text, breaking?)
CASES: list[tuple[Edit, str, str, bool]] = [
    (
        _set(_SUBJECT, maxLength=50),
        "createDraft",
        "request field `subject` maxLength 500 -> 50",
        True,
    ),
    (_set(_SUBJECT, maxLength=5000), "createDraft", "maxLength 500 -> 5000 (looser)", False),
    (_set(_SUBJECT, maxLength=None), "createDraft", "maxLength 500 -> none (looser)", False),
    (
        _set(_SUBJECT, minLength=3),
        "createDraft",
        "request field `subject` minLength none -> 3",
        True,
    ),
    (_set(_FIRST_NAME, minLength=2), "addDraftParticipant", "minLength 1 -> 2 (stricter)", True),
    (
        _set(_FIRST_NAME, minLength=None),
        "addDraftParticipant",
        "minLength 1 -> none (looser)",
        False,
    ),
    (_set(_SUBJECT, pattern="^[A-Z]"), "createDraft", "pattern none -> ^[A-Z] (stricter)", True),
    (_set(_PHONE, pattern="^\\d{11}$"), "addDraftParticipant", "(stricter)", True),
    (_set(_PHONE, pattern=None), "addDraftParticipant", "-> none (looser)", False),
    (_set(_DELIVERY, maxItems=1), "addDraftParticipant", "maxItems none -> 1 (stricter)", True),
    (_set(_DELIVERY, uniqueItems=True), "addDraftParticipant", "uniqueItems", True),
    (_page_size(50), "searchSessions", "query parameter `pageSize` maximum 100 -> 50", True),
    (_page_size(500), "searchSessions", "maximum 100 -> 500 (looser)", False),
    # A response constraint binds the server, not the caller.
    (
        _set(_RESPONSE_SUBJECT, maxLength=10),
        "getSession",
        "response field `subject` maxLength",
        False,
    ),
]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return changes.load()


@pytest.mark.parametrize(("edit", "operation", "text", "breaking"), CASES)
def test_a_stricter_request_constraint_is_breaking_a_looser_one_is_not(
    document: dict[str, Any], edit: Edit, operation: str, text: str, breaking: bool
) -> None:
    changed = copy.deepcopy(document)
    edit(changed)
    found = [c for c in operations.compare(document, changed) if c.operation == operation]
    assert found, operations.compare(document, changed)
    assert all(text in c.text for c in found), found
    assert [c.breaking for c in found] == [breaking] * len(found)
    report = cli.Report("HEAD", "0" * 40, operations.compare(document, changed), [])
    assert report.exit_code == (3 if breaking else 0)  # --check refuses the breaking ones


def test_an_enum_value_removed_from_a_request_is_breaking(document: dict[str, Any]) -> None:
    changed = copy.deepcopy(document)
    changed["components"]["schemas"]["DeliveryMethod"]["enum"].remove("Sms")
    found = [c for c in operations.compare(document, changed) if "request" in c.text]
    assert found and all(c.breaking and "enum value removed: Sms" in c.text for c in found)
