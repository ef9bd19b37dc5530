"""Conformance: schemathesis drives every operation of the spec against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from easyink_sandbox import Sandbox, SandboxApp, simple_pdf, spec_path

CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def _seed_session(sandbox: Sandbox) -> dict[str, str]:
    """A draft with a document, a participant and a field, to reach past the 404s."""
    store, user = sandbox.store, sandbox.config.default_user
    session = store.create_draft(user, "Schemathesis")
    document = store.upload_document(user, session.id, simple_pdf(["x"]), "a.pdf")
    person = store.add_participant(user, session.id, {"firstName": "A", "lastName": "B"})
    return {
        "signingSessionId": session.id,
        "id": session.id,
        "documentId": document.id,
        "participantId": person.id,
    }


def test_schemathesis_conformance(app: SandboxApp, sandbox: Sandbox) -> None:
    auth = {"Authorization": f"Bearer {sandbox.issue_token()}"}
    known = _seed_session(sandbox)
    schema = schemathesis.openapi.from_path(str(spec_path()))
    failures: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        plans: list[tuple[GenerationMode, dict[str, Any] | None]] = [
            (GenerationMode.POSITIVE, None),
            (GenerationMode.NEGATIVE, None),
            (GenerationMode.POSITIVE, {k: v for k, v in known.items() if k in names}),
        ]
        for mode, path_parameters in plans:
            checks = [*CONFORMANCE]
            if mode is GenerationMode.NEGATIVE:
                checks.append(negative_data_rejection)
            current = checks
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

            @given(case=strategy)
            @settings(
                max_examples=4,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                nonlocal calls
                calls += 1
                case.headers = {**(case.headers or {}), **auth}
                case.validate_response(case.call(app=app), checks=current)  # noqa: B023 - run() is called right away

            try:
                run()
            except Exception as exc:
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:2000]}")
    assert failures == []
    assert calls >= 200
    assert sandbox.response_violations == []
    assert all(r.status is not None and r.status < 500 for r in sandbox.request_log)


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
