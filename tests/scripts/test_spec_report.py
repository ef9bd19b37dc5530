"""scripts/spec_report: classification of spec changes, griffe breakages, the release rule."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from spec_report import cli, operations, python_api, release

from tests import _spec_changes as changes
from tests._regen import REPO, git, git_copy

Edit = Callable[[dict[str, Any]], None]
_SPEC = changes.SPEC_PATH.relative_to(REPO)

# (edit, the one change expected, breaking?)
_CASES: list[tuple[Edit, str, bool]] = [
    (
        changes.add_audit_trail_operation,
        "`getSessionAuditTrail`: operation added "
        "(GET /api/signingSessions/{signingSessionId}/auditTrail)",
        False,
    ),
    (
        changes.add_optional_request_field,
        "`createDraft`: request field `externalReference` added (optional)",
        False,
    ),
    (
        changes.remove_response_field,
        "`getSession`: response field `signedDocuments[].title` removed",
        True,
    ),
    (
        changes.make_request_field_required,
        "`duplicateSession`: request field `subject` is now required",
        True,
    ),
    (
        changes.rename_path_parameter,
        "`voidSession`: path parameter `id` renamed to `signingSessionId`",
        True,
    ),
    (
        changes.remove_enum_value,
        "`getSession`: response field `participants[].status` enum value removed: Opened",
        True,
    ),
    (
        changes.change_type,
        "`getSession`: response field `allInOneDocument.title` type changed: "
        "null | string -> integer | null",
        True,
    ),
]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return changes.load()


def _changed(document: dict[str, Any], *edits: Edit) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    for edit in edits:
        edit(changed)
    return changed


def _report(found: list[operations.Change]) -> cli.Report:
    return cli.Report("HEAD", "0" * 40, found, [])


@pytest.mark.parametrize(
    ("edit", "expected", "breaking"), _CASES, ids=[c[0].__name__ for c in _CASES]
)
def test_each_change_is_classified(
    document: dict[str, Any], edit: Edit, expected: str, breaking: bool
) -> None:
    found = operations.compare(document, _changed(document, edit))

    assert [f"`{c.operation}`: {c.text}" for c in found] == [expected]
    assert [c.breaking for c in found] == [breaking]
    assert _report(found).exit_code == (3 if breaking else 0)


def test_an_unchanged_document_has_no_change(document: dict[str, Any]) -> None:
    assert operations.compare(document, copy.deepcopy(document)) == []


def _search_parameter(required: bool) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        parameter = {
            "name": "owner",
            "in": "query",
            "required": required,
            "schema": {"type": "string"},
        }
        document["paths"]["/api/signingSessions"]["get"].setdefault("parameters", []).append(
            parameter
        )

    return edit


@pytest.mark.parametrize(
    ("edit", "expected", "breaking"),
    [
        (lambda d: d["paths"].pop("/api/signingSessions/statistics"), "operation removed", True),
        (
            lambda d: d["components"]["schemas"]["SignedDocument"]["properties"].update(
                {"pageCount": {"type": "integer"}}
            ),
            "response field `signedDocuments[].pageCount` added (optional)",
            False,
        ),
        (
            lambda d: d["components"]["schemas"]["ParticipantStatus"]["enum"].append("Expired"),
            "enum value added: Expired",
            False,
        ),
        (_search_parameter(required=False), "query parameter `owner` added (optional)", False),
        (_search_parameter(required=True), "query parameter `owner` added (required)", True),
        (
            lambda d: d["components"]["schemas"]["SignedDocument"]["required"].clear(),
            "response field `signedDocuments[].signedDocumentId` is now optional",
            True,
        ),
    ],
    ids=[
        "removed-operation",
        "added-response-field",
        "added-enum-value",
        "added-optional-query-parameter",
        "added-required-query-parameter",
        "response-field-made-optional",
    ],
)
def test_other_changes(document: dict[str, Any], edit: Edit, expected: str, breaking: bool) -> None:
    found = operations.compare(document, _changed(document, edit))

    assert found
    assert all(expected in c.text for c in found), found
    assert all(c.breaking is breaking for c in found)


def test_report_is_sorted_markdown_and_deterministic(document: dict[str, Any]) -> None:
    every = [edit for edit, _text, _breaking in _CASES]
    found = operations.compare(document, _changed(document, *every))
    report = cli.Report("main", "a" * 40, found, ["`easyink_ext.f`: Parameter was removed (`x`)"])

    text = cli.render(report)

    assert text == cli.render(
        cli.Report("main", "a" * 40, list(reversed(found)), report.python_api)
    )
    assert text.startswith("# API change report\n")
    assert "**Breaking: 6 breaking change(s)**" in text
    breaking = text.index("### Breaking")
    not_breaking = text.index("### Not breaking")
    assert breaking < text.index("`voidSession`: path parameter") < not_breaking
    assert not_breaking < text.index("`getSessionAuditTrail`: operation added")
    assert "- `easyink_ext.f`: Parameter was removed (`x`)" in text
    assert report.exit_code == 3


def test_griffe_finds_python_api_breakages(tmp_path: Path) -> None:
    for side, source in (
        ("old", "def send(session_id: str, subject: str) -> int:\n    return 1\n\nLIMIT = 1\n"),
        ("new", "def send(session_id: str, *, title: str) -> int:\n    return 1\n"),
    ):
        (tmp_path / side / "easyink_ext").mkdir(parents=True)
        (tmp_path / side / "easyink_ext" / "__init__.py").write_text(source, encoding="utf-8")

    found = python_api.breakages(tmp_path / "old", tmp_path / "new", ["easyink_ext"])

    assert found == [
        "`easyink_ext.LIMIT`: Public object was removed",
        "`easyink_ext.send`: Parameter was added as required (`title`)",
        "`easyink_ext.send`: Parameter was removed (`subject`)",
    ]


@pytest.mark.parametrize(
    ("old", "new", "accepted"),
    [
        ("0.1.0", "0.2.0", True),
        ("0.1.0", "1.0.0", True),
        ("0.1.0", "0.1.1", False),
        ("0.1.0", "0.1.0", False),
        ("1.4.2", "1.5.0", False),
        ("1.4.2", "2.0.0", True),
    ],
)
def test_breaking_changes_need_a_minor_bump_below_1(old: str, new: str, accepted: bool) -> None:
    assert release.is_breaking_bump(old, new) is accepted


def test_release_rule_needs_the_bump_and_a_changelog_section() -> None:
    old = '[project]\nname = "easyink"\nversion = "0.1.0"\n\n[tool.x]\nversion = "9.9.9"\n'
    new = old.replace('version = "0.1.0"', 'version = "0.2.0"')

    assert release.project_version(old) == "0.1.0"
    assert release.release_problems(old, new, "# Changelog\n\n## [0.2.0] - 2026-12-01\n") == []
    assert len(release.release_problems(old, old, "## [0.1.0]\n")) == 1
    assert len(release.release_problems(old, new, "## [Unreleased]\n")) == 1
    assert len(release.release_problems(old, old, None)) == 2


def test_the_current_version_has_a_changelog_section() -> None:
    version = release.project_version((REPO / "pyproject.toml").read_text(encoding="utf-8"))

    assert version is not None
    assert release.has_changelog_entry((REPO / "CHANGELOG.md").read_text("utf-8"), version)


def test_check_release_refuses_a_breaking_change_until_released(
    tmp_path: Path, document: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = git_copy(tmp_path / "repo")
    changes.dump(_changed(document, changes.remove_enum_value), repo / _SPEC)
    args = ["--repo", str(repo), "check-release", "HEAD"]

    refused = cli.main(args)
    problems = capsys.readouterr().err
    pyproject = repo / "pyproject.toml"
    version = release.project_version(pyproject.read_text(encoding="utf-8"))
    assert version is not None
    major, minor, _patch = (int(n) for n in version.split("."))
    bumped = f"{major}.{minor + 1}.0"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace(
            f'version = "{version}"', f'version = "{bumped}"'
        ),
        encoding="utf-8",
    )
    changelog = repo / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text(encoding="utf-8").replace(
            "## [Unreleased]", f"## [Unreleased]\n\n## [{bumped}] - 2026-12-01\n\n### Removed\n", 1
        ),
        encoding="utf-8",
    )
    accepted = cli.main(args)

    assert refused == 1
    assert "minor version bump" in problems
    assert accepted == 0
    assert cli.main(["--repo", str(repo), "report", "no-such-ref"]) == 2
    assert git(repo, "rev-parse", "HEAD").strip()


def test_report_works_when_the_sdk_is_a_folder_of_a_larger_repository(
    tmp_path: Path, document: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    outer = tmp_path / "monorepo"
    sdk = git_copy(outer / "sdk")
    shutil.rmtree(sdk / ".git")
    git(outer, "init", "--quiet")
    git(outer, "add", "--all")
    git(outer, "commit", "--quiet", "-m", "base")
    changes.dump(_changed(document, changes.remove_enum_value), sdk / _SPEC)

    status = cli.main(["--repo", str(sdk), "report"])

    assert status == 3
    assert "enum value removed: Opened" in capsys.readouterr().out


def test_griffe_sees_the_generated_resources(tmp_path: Path) -> None:
    """A resource method losing a keyword (e.g. a request field removed) is a breakage."""
    repo = Path(__file__).resolve().parents[2]
    resources = repo / "easyink_ext" / "resources"
    for side in ("old", "new"):
        target = tmp_path / side / "easyink_ext" / "resources"
        shutil.copytree(resources, target, ignore=shutil.ignore_patterns("__pycache__"))
        (tmp_path / side / "easyink_ext" / "__init__.py").write_text("", encoding="utf-8")
    drafts = tmp_path / "new" / "easyink_ext" / "resources" / "drafts.py"
    text = drafts.read_text(encoding="utf-8")
    drafts.write_text(
        text.replace("        initiator: DraftInitiator | None | Unset = UNSET,\n", "")
    )

    found = python_api.breakages(tmp_path / "old", tmp_path / "new", ["easyink_ext"])

    assert "`easyink_ext.resources.drafts.Drafts.create`: Parameter was removed (`initiator`)" in (
        found
    )
    assert (
        "`easyink_ext.resources.drafts.DraftsSync.create`: Parameter was removed (`initiator`)"
        in (found)
    )
