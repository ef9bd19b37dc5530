"""A spec change as a regenerating CI pipeline meets it, in a temporary copy of the repository.

One regeneration serves the additive change (an added operation and an added optional request
field): the generated client, the sandbox, the existing tests, ``--report`` and ``--check`` are
checked on it. The breaking changes are reported without regenerating (the report compares the
spec whatever the package holds); tests/scripts/test_spec_report.py covers each kind directly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests import _spec_changes as changes
from tests._regen import CHECK, REPORT, git, git_copy, run_script

pytestmark = pytest.mark.slow

_SPEC = Path("openapi") / "easyink.yaml"
# Existing behaviour, run by the copy's own tests against its changed spec and regenerated client.
_EXISTING_TESTS = (
    "tests/sandbox/test_lifecycle.py",
    "tests/sandbox/test_rules.py",
    "tests/integration/test_waiters_downloads_batch.py",
    "tests/cli/test_demo.py",
    "tests/scripts/test_regenerate.py::test_generated_operations_match_the_spec",
)


def _in_copy(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run this interpreter in ``copy`` with the copy's packages first on the path."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=copy,
        env={**os.environ, "PYTHONPATH": str(copy)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _change_spec(copy: Path, *edits: Callable[[dict[str, Any]], None]) -> None:
    document = changes.load()
    for edit in edits:
        edit(document)
    changes.dump(document, copy / _SPEC)


@pytest.fixture(scope="module")
def additive_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = git_copy(tmp_path_factory.mktemp("additive") / "repo")
    _change_spec(copy, changes.add_audit_trail_operation, changes.add_optional_request_field)
    changes.name_audit_trail_operation(copy / "scripts" / "resources.yaml")
    result = run_script(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    return copy


def test_regeneration_generates_the_new_operation_and_field(additive_copy: Path) -> None:
    module = additive_copy / "easyink_client/api/signing_sessions/get_session_audit_trail.py"
    request = additive_copy / "easyink_client/models/create_draft_request.py"

    assert module.is_file()
    assert "external_reference" in request.read_text(encoding="utf-8")
    resources = (additive_copy / "easyink_ext/resources/sessions.py").read_text(encoding="utf-8")
    method = changes.AUDIT_TRAIL_METHOD.rpartition(".")[2]
    assert f"    async def {method}(\n" in resources
    assert "-> GetSessionAuditTrailResponse200:" in resources
    drafts = (additive_copy / "easyink_ext/resources/drafts.py").read_text(encoding="utf-8")
    assert "external_reference: None | str | Unset = UNSET," in drafts


def _report(copy: Path, exit_code: int) -> str:
    """``--report``'s Markdown, once its exit status is checked."""
    result = run_script(copy, REPORT)
    assert result.returncode == exit_code, result.stdout + result.stderr
    return result.stdout


def test_report_names_the_additions_and_exits_0(additive_copy: Path) -> None:
    report = _report(additive_copy, 0)

    assert "**Not breaking**" in report
    assert "`getSessionAuditTrail`: operation added" in report
    assert "request field `externalReference` added (optional)" in report


def test_check_accepts_the_regenerated_additive_change(additive_copy: Path) -> None:
    result = run_script(additive_copy, CHECK)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "follow the release rule" in result.stderr


def test_sandbox_serves_the_new_operation_to_the_generated_client(additive_copy: Path) -> None:
    result = _in_copy(additive_copy, "-m", "tests.scripts._changed_spec_probe")

    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["status"] == 200
    assert probe["behavior"] == "generic"
    assert probe["parsed_type"] == "GetSessionAuditTrailResponse200"
    assert probe["parsed_session"] == probe["session"]
    assert probe["event_at_is_datetime"] is True
    assert probe["event_action"] == "Created"
    assert probe["stable"] is True
    assert probe["participants"] == 1
    assert probe["generic_operations"] == [changes.AUDIT_TRAIL_OPERATION]
    assert probe["violations"] == []


def test_existing_behaviour_still_works(additive_copy: Path) -> None:
    result = _in_copy(
        additive_copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", *_EXISTING_TESTS
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_removed_response_field_is_breaking(tmp_path: Path) -> None:
    copy = git_copy(tmp_path / "repo")
    _change_spec(copy, changes.remove_response_field)

    report = _report(copy, 3)

    assert "**Breaking" in report
    assert "`getSession`: response field `signedDocuments[].title` removed" in report
    assert "## What to do" in report


def test_report_usage_errors_exit_2(tmp_path: Path) -> None:
    copy = git_copy(tmp_path / "repo")

    unknown = run_script(copy, REPORT, "no-such-revision")
    extra = run_script(copy, REPORT, "HEAD", "HEAD")

    assert unknown.returncode == 2
    assert "unknown git revision" in unknown.stderr
    assert extra.returncode == 2
    assert git(copy, "status", "--porcelain", "--untracked-files=no") == ""


def test_regenerated_rename_shows_in_the_python_api(tmp_path: Path) -> None:
    copy = git_copy(tmp_path / "repo")
    _change_spec(copy, changes.rename_path_parameter)
    assert run_script(copy).returncode == 0

    report = _report(copy, 3)

    assert "`voidSession`: path parameter `id` renamed to `signingSessionId`" in report
    api = report.split("## Python API", 1)[1]
    module = "easyink_client.api.signing_sessions.void_session"
    assert f"`{module}.asyncio`: Parameter was removed (`id`)" in api
    assert f"`{module}.asyncio`: Parameter was added as required (`signing_session_id`)" in api
