"""A user's program over every namespace type-checks with no cast or assert, and runs.

``_user_program.py`` is checked with ``mypy --strict`` and pyright (strict) from a folder of
its own, as a user's code would be, and then run against the sandbox (async in process, the
blocking twins over a served sandbox), checking the runtime types of what it returned.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path
from uuid import UUID

import httpx
import pytest

from easyink_client.models import (
    SessionStatus,
    SigningConfiguration,
    SigningConfigurationParticipant,
    SigningSessionItem,
    SigningSessionSearchResult,
    SigningSessionStatistics,
    SigningView,
)
from easyink_ext import DownloadResult, EasyInk, EasyInkSync, RawResponse
from easyink_sandbox import Sandbox, SandboxApp, SandboxThread, simple_pdf

from ..conftest import SANDBOX_URL
from . import _user_program as program

PROGRAM = Path(program.__file__)


def _checked_copy(folder: Path) -> Path:
    target = folder / "user_program.py"
    shutil.copy2(PROGRAM, target)
    return target


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_the_program_uses_no_cast_and_no_assert() -> None:
    tree = ast.parse(PROGRAM.read_text(encoding="utf-8"))
    asserts = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert asserts == []
    assert "cast" not in names | attributes
    assert "# type: ignore" not in PROGRAM.read_text(encoding="utf-8")
    assert "# pyright: strict" in PROGRAM.read_text(encoding="utf-8")


# Mistakes the checkers must report (so that the clean results above mean something).
_MISTAKES = """
from uuid import UUID

from easyink_ext import EasyInk, EasyInkSync


async def mistakes(ei: EasyInk) -> None:
    count: int = await ei.drafts.create(subject="NDA")
    print(count)
    await ei.drafts.participants.add(UUID(int=1), frist_name="Ann")
    EasyInkSync(base_ur="http://127.0.0.1:8765", token="t")
"""


def _mypy(folder: Path, name: str) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", name], folder)


def _pyright(folder: Path, name: str) -> subprocess.CompletedProcess[str]:
    pyright = shutil.which("pyright", path=str(Path(sys.executable).parent))
    if pyright is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pyright is not installed (it is in the dev extra)")
        pytest.skip("pyright is not installed (pip install -e '.[dev]')")
    (folder / "pyrightconfig.json").write_text(
        '{"typeCheckingMode": "strict", "pythonVersion": "3.10"}', encoding="utf-8"
    )
    return _run([pyright, "--pythonpath", sys.executable, name], folder)


@pytest.mark.slow
def test_mypy_strict_finds_no_error(tmp_path: Path) -> None:
    result = _mypy(tmp_path, _checked_copy(tmp_path).name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found in 1 source file" in result.stdout


@pytest.mark.slow
def test_pyright_strict_finds_no_error(tmp_path: Path) -> None:
    result = _pyright(tmp_path, _checked_copy(tmp_path).name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings" in result.stdout


@pytest.mark.slow
def test_both_checkers_report_the_mistakes(tmp_path: Path) -> None:
    (tmp_path / "mistakes.py").write_text(_MISTAKES, encoding="utf-8")
    mypy = _mypy(tmp_path, "mistakes.py")
    assert "Found 3 errors" in mypy.stdout, mypy.stdout
    assert '"UUID", variable has type "int"' in mypy.stdout
    assert '"frist_name"' in mypy.stdout and '"base_ur"' in mypy.stdout
    pyright = _pyright(tmp_path, "mistakes.py")
    assert "3 errors" in pyright.stdout, pyright.stdout
    assert "frist_name" in pyright.stdout and "base_ur" in pyright.stdout


def _check_outcome(outcome: program.Outcome) -> None:
    assert isinstance(outcome.draft_id, UUID)
    assert isinstance(outcome.document_id, UUID)
    assert isinstance(outcome.participant_id, UUID)
    assert isinstance(outcome.me, SigningConfigurationParticipant)
    assert isinstance(outcome.field_id, UUID)
    assert outcome.removed_fields and all(isinstance(i, UUID) for i in outcome.removed_fields)
    assert isinstance(outcome.config, SigningConfiguration)
    assert outcome.exists is True and outcome.missing is False
    assert isinstance(outcome.raw, RawResponse) and outcome.raw.status_code == 200
    assert isinstance(outcome.raw.parsed, SigningConfiguration)
    assert (outcome.raw_missing.status_code, outcome.raw_missing.parsed) == (404, False)
    assert isinstance(outcome.page, SigningSessionSearchResult)
    assert outcome.items and all(isinstance(i, SigningSessionItem) for i in outcome.items)
    assert isinstance(outcome.statistics, SigningSessionStatistics)
    assert isinstance(outcome.view, SigningView)
    assert outcome.view.status in (SessionStatus.PENDING, SessionStatus.INPROGRESS)
    assert all(isinstance(d, DownloadResult) and d.bytes_written > 0 for d in outcome.downloads)
    assert isinstance(outcome.copy_id, UUID) and isinstance(outcome.recreated_id, UUID)


async def test_the_program_runs_against_the_sandbox(
    app: SandboxApp, token: str, sandbox: Sandbox, tmp_path: Path
) -> None:
    transport = httpx.ASGITransport(app=app)
    async with EasyInk(base_url=SANDBOX_URL, token=token, transport=transport) as ei:
        outcome = await program.run_async(ei, simple_pdf(["NDA"]), tmp_path)
        _check_outcome(outcome)
        assert (await ei.sessions.get(outcome.draft_id)).status == SessionStatus.VOIDED

        # The recreated draft, started and signed: every download of a finished session.
        session = outcome.recreated_id
        await ei.drafts.convert(session)
        await ei.sessions.start(session)
        for participant_id in [outcome.participant_id]:
            view = await ei.sessions.get(session)
            ids = [p.participant_id for p in view.participants or []]
            assert len(ids) == 1 and participant_id not in ids  # a copy has new ids
            sandbox.sign(str(session), str(ids[0]))
        results = await program.finished_downloads(ei, session, tmp_path)
        assert len(results) == 2  # one signed document and the all-in-one PDF
        assert all(isinstance(r, DownloadResult) and r.bytes_written > 0 for r in results)

        other = await program.run_async(ei, simple_pdf(["Other"]), tmp_path)
        await ei.drafts.convert(other.recreated_id)
        await ei.sessions.start(other.recreated_id)
        voided = await program.void(ei, other.recreated_id)
        assert isinstance(voided, SigningView) and voided.status == SessionStatus.VOIDED


@pytest.mark.integration
def test_the_blocking_program_runs_against_the_sandbox(
    sandbox_server: SandboxThread, tmp_path: Path
) -> None:
    sandbox = sandbox_server.sandbox
    with EasyInkSync(base_url=sandbox_server.url, token=sandbox.issue_token()) as ei:
        outcome = program.run_blocking(ei, simple_pdf(["NDA"]), tmp_path)
        _check_outcome(outcome)
        assert ei.sessions.get(outcome.draft_id).status == SessionStatus.VOIDED

        again = program.run_blocking(ei, simple_pdf(["NDA"]), tmp_path)
        ei.drafts.convert(again.recreated_id)
        ei.sessions.start(again.recreated_id)
        assert program.void_blocking(ei, again.recreated_id).status == SessionStatus.VOIDED

        last = program.run_blocking(ei, simple_pdf(["NDA"]), tmp_path)
        session = last.recreated_id
        ei.drafts.convert(session)
        ei.sessions.start(session)
        view = ei.sessions.get(session)
        for participant in view.participants or []:
            sandbox.sign(str(session), str(participant.participant_id))
        assert program.finished_downloads_blocking(ei, session, tmp_path) > 0
