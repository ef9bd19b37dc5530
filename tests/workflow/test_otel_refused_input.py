"""Tracing never records the values of an input refused before sending (names, e-mail
addresses, phones, subjects, file names): the field and the rule only.

Covers the ``ValueError`` of every check of ``send_for_signature``'s inputs, the
``RequestValidationError`` of the request validator (alone and as a ``WorkflowError``'s
cause) and every problem a manifest row can have.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from easyink_client.api.signing_session_drafts import add_draft_participant, create_draft
from easyink_client.models.add_draft_participant_request import AddDraftParticipantRequest
from easyink_client.models.create_draft_request import CreateDraftRequest
from easyink_client.models.delivery_method import DeliveryMethod
from easyink_client.models.language import Language
from easyink_ext import EasyInk
from easyink_ext._otel import mark_error
from easyink_ext.errors import RequestValidationError
from easyink_ext.manifest import read_manifest
from easyink_ext.workflow import FieldSpec, Signer, WorkflowError, send_for_signature
from easyink_sandbox import simple_pdf
from tests.conftest import Recorded

from .conftest import FaultyTransport

PERSONAL = ("bartholomew", "quist", "5550199", "lease of flat 4b")


def _assert_no_personal_data(recorded: Recorded) -> str:
    text = recorded.text().lower()
    for value in PERSONAL:
        assert value not in text, (value, text)
    return text


BART = "Bartholomew Quist"
OK_PDF = simple_pdf(["Lease"])

# Each case: keyword arguments of send_for_signature refused before any request, and the rule
# its message states (it stays in the recorded message; the values do not).
_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "e-mail": ({"signers": [Signer(BART, email="bart@@quist.example")]}, "valid e-mail"),
    "phone": ({"signers": [Signer(BART, phone="555019912345")]}, "phone must be 10 digits"),
    "control character": (
        {"signers": [Signer("Bartholomew\x1b Quist", email="bq@example.com")]},
        "control characters",
    ),
    "long name": (
        {"signers": [Signer("Bartholomew" * 10 + " Quist", email="bq@example.com")]},
        "at most 100 characters",
    ),
    "shared e-mail": (
        {
            "signers": [
                Signer("Ann Lee", email="bart.quist@example.com"),
                Signer("Bo Chen", email="BART.QUIST@example.com"),
            ]
        },
        "share the e-mail address",
    ),
    "no contact": ({"signers": [Signer(BART)]}, "needs an e-mail address or a phone"),
    "delivery": (
        {"signers": [Signer(BART, phone="5550199123", delivery=("Email",))]},
        "delivery by Email needs an e-mail address",
    ),
    "not a Signer": ({"signers": [(BART, "bart@quist.example")]}, "is not a Signer"),
    "field signer": (
        {
            "signers": [Signer("Ann Lee", email="ann@example.com")],
            "fields": [FieldSpec(page=1, x=1, y=1, signer="bart@quist.example")],
        },
        "matches no signer",
    ),
    "signer without field": (
        {
            "signers": [Signer("Ann Lee", email="ann@example.com"), Signer(BART, email="b@x.io")],
            "fields": [FieldSpec(page=1, x=1, y=1, signer=0)],
        },
        "has no field",
    ),
    "empty document": (
        {"documents": [("Bartholomew Quist lease.pdf", b"")]},
        "is empty",
    ),
    "missing document": (
        {"documents": ["/nonexistent/Bartholomew Quist lease.pdf"]},
        "is not a readable file",
    ),
    "subject control character": ({"subject": "Lease of flat 4B\x00"}, "control characters"),
    "long subject": ({"subject": "Lease of flat 4B " * 40}, "at most 500 characters"),
}


@pytest.mark.parametrize("case", list(_CASES))
async def test_a_refused_workflow_input_leaves_no_value_in_any_span_or_metric(
    traced: EasyInk, recorded: Recorded, transport: FaultyTransport, case: str
) -> None:
    given, rule = _CASES[case]
    kwargs: dict[str, Any] = {
        "documents": [("lease.pdf", OK_PDF)],
        "signers": [Signer("Ann Lee", email="ann@example.com")],
        "subject": "Lease",
        **given,
    }
    with pytest.raises(ValueError):
        await send_for_signature(traced, **kwargs)
    assert transport.requests == []  # refused before any request
    text = _assert_no_personal_data(recorded)
    assert rule.lower() in text  # the rule is recorded
    span = recorded.span("easyink.send_for_signature")
    assert span.attributes["error.type"] == "ValueError"


async def test_the_validator_records_the_field_and_rule_never_the_value(
    traced: EasyInk, recorded: Recorded, transport: FaultyTransport
) -> None:
    body = AddDraftParticipantRequest(
        first_name="Bartholomew",
        last_name="Quist",
        email="not-an-email-bartholomew",
        phone="5550199-quist",
        delivery_methods=[DeliveryMethod.EMAIL],
        language=Language.ENGLISH,
    )
    with pytest.raises(RequestValidationError):
        await add_draft_participant.asyncio(uuid.uuid4(), client=traced.client, body=body)
    with pytest.raises(RequestValidationError):
        long_subject = CreateDraftRequest(subject="Lease of flat 4B, Bartholomew Quist " * 20)
        await create_draft.asyncio(client=traced.client, body=long_subject)
    assert transport.requests == []
    text = _assert_no_personal_data(recorded)
    assert "body.email" in text and "body.subject" in text


def test_a_workflow_error_caused_by_a_refused_request_records_no_value(
    recorded: Recorded,
) -> None:
    refused = RequestValidationError(
        "addDraftParticipant",
        [
            "body.email: 'bart@@quist.example' does not match the pattern ^[^@]+@[^@]+$",
            "body.phone: '5550199' must be at most 10 characters (got 16)",
            "body.firstName: 'Bartholomew with a very long name that the validator cuts there"
            "...' must be at most 100 characters (got 120)",
        ],
    )
    error = WorkflowError("add participants", uuid.uuid4(), refused, "deleted")
    with recorded.tracer_provider.get_tracer("test").start_as_current_span("s") as span:
        mark_error(span, error, "RequestValidationError")
    text = _assert_no_personal_data(recorded)
    assert "body.email: <value> does not match the pattern" in text


def test_every_manifest_problem_records_no_value(recorded: Recorded, tmp_path: Path) -> None:
    (tmp_path / "lease.pdf").write_bytes(OK_PDF)
    rows = [
        "lease.pdf,Lease of flat 4B,Bartholomew Quist,bart@@quist.example,,",
        "lease.pdf,Lease of flat 4B,Bartholomew Quist,,5550199123456,",
        "lease.pdf,Lease of flat 4B,Bartholomew\tQuist,bq@example.com,,",
        "lease.pdf,Lease of flat 4B,Bartholomew Quist,bq@example.com,,maybe-quist",
        "Bartholomew Quist.pdf,Lease of flat 4B,Ann Lee,ann@example.com,,",
        "lease.pdf,Lease of flat 4B,Ann;Bo,bart.quist@example.com;BART.QUIST@example.com,,",
    ]
    header = "file,subject,signer_name,signer_email,signer_phone,sequential"
    path = tmp_path / "manifest.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    problems = [p for row in read_manifest(path).invalid for p in row.problems]
    assert len(problems) >= len(rows)
    tracer = recorded.tracer_provider.get_tracer("test")
    for problem in problems:
        with tracer.start_as_current_span("row") as span:
            mark_error(span, ValueError(problem))
    _assert_no_personal_data(recorded)
