"""The ``easyink`` command facing hostile text: markup, escape codes, huge messages, bad input."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from easyink_client.api.signing_session_drafts import add_draft_participant, create_draft
from easyink_client.models.add_draft_participant_request import AddDraftParticipantRequest
from easyink_client.models.create_draft_request import CreateDraftRequest
from easyink_client.models.delivery_method import DeliveryMethod
from easyink_ext import EasyInk
from tests.cli.conftest import Cli, Server, isolated_env, pdf_file, run, server

from ._server import HostileServer, answer, echo_token, json_answer, redirect

__all__ = ["isolated_env", "pdf_file", "run", "server"]  # fixtures shared with tests/cli

pytestmark = pytest.mark.integration

ESC = "\x1b"
HOSTILE = f"Deal [/] final NDA [v2] [link=https://evil.example]click[/link] {ESC}[31mred{ESC}[0m"
_SESSION = re.compile(r"^Started session ([0-9a-f-]{36})$", re.MULTILINE)
# Free-text fields of the session views (every other string is an id, a date or an enum).
_FREE_TEXT = {"subject", "title", "firstName", "lastName", "email", "fileName", "name"}


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide enough that rich does not shorten the table cells under test."""
    monkeypatch.setenv("COLUMNS", "400")


def _assert_literal(output: str) -> None:
    assert ESC not in output
    for piece in ("Deal [/] final", "NDA [v2]", "[link=https://evil.example]click[/link]"):
        assert piece in output, output


def test_send_with_markup_in_the_subject_prints_the_id(
    run: Cli, server: Server, pdf_file: Path
) -> None:
    result = run(
        *server.flags,
        "send",
        str(pdf_file),
        "--signer",
        "Ann Lee <ann@example.com>",
        "--subject",
        "Deal [/] final NDA [v2]",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("Started session ")
    found = _SESSION.search(result.stdout)
    assert found is not None
    assert server.sandbox.store.sessions[found.group(1)].subject == "Deal [/] final NDA [v2]"
    assert "Deal [/] final NDA [v2]" in result.stdout


async def _hostile_draft(server: Server) -> uuid.UUID:
    async with EasyInk(base_url=server.url, token=server.token) as ei:
        draft = await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(HOSTILE))
        assert isinstance(draft, uuid.UUID)
        person = AddDraftParticipantRequest(
            first_name=f"{ESC}]0;pwned{ESC}\\Ann [bold]",
            last_name=HOSTILE[:90],
            email="ann@example.com",
            delivery_methods=[DeliveryMethod.EMAIL],
        )
        await add_draft_participant.asyncio(draft, client=ei.client, body=person)
        return draft


def test_sessions_created_through_the_api_are_listed_literally(run: Cli, server: Server) -> None:
    draft = anyio.run(_hostile_draft, server)
    listed = run(*server.flags, "sessions", "list")
    assert listed.exit_code == 0, listed.output
    assert str(draft) in listed.stdout
    _assert_literal(" ".join(listed.stdout.split()))
    shown = run(*server.flags, "sessions", "show", str(draft))
    assert shown.exit_code == 0, shown.output
    _assert_literal(" ".join(shown.stdout.split()))
    assert "]0;pwned" in shown.stdout and "Ann [bold]" in shown.stdout


def _signed_session(run: Cli, server: Server, pdf: Path, *extra: str) -> str:
    """Send ``pdf`` to one signer with ``easyink send``, sign it, return the session id."""
    sent = run(*server.flags, "send", str(pdf), "--signer", "Ann Lee <ann@example.com>", *extra)
    assert sent.exit_code == 0, sent.output
    found = _SESSION.search(sent.stdout)
    assert found is not None, sent.stdout
    session_id = found.group(1)
    for participant in list(server.sandbox.store.sessions[session_id].participants):
        server.sandbox.sign(session_id, participant)
    return session_id


def _poison(node: Any, key: str = "") -> Any:
    if isinstance(node, dict):
        return {k: _poison(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_poison(v, key) for v in node]
    if isinstance(node, str) and key in _FREE_TEXT:
        return HOSTILE
    return node


def test_markup_and_escapes_in_every_text_field_of_a_hostile_server(
    run: Cli, server: Server, pdf_file: Path
) -> None:
    session_id = _signed_session(run, server, pdf_file)
    headers = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(base_url=server.url, headers=headers) as http:
        view = http.get(f"/api/signingSessions/{session_id}").json()
        page = http.get("/api/signingSessions", params={"pageSize": 5}).json()
    with HostileServer() as hostile:
        hostile.behave(json_answer(_poison(page)), "/api/signingSessions")
        hostile.behave(json_answer(_poison(view)), f"/api/signingSessions/{session_id}")
        flags = ["--base-url", hostile.url, "--token", "t"]
        listed = run(*flags, "sessions", "list")
        shown = run(*flags, "sessions", "show", session_id)
    for result in (listed, shown):
        assert result.exit_code == 0, result.output
        _assert_literal(" ".join(result.stdout.split()))
    assert shown.stdout.count("Deal [/] final") >= 4  # subject, names, e-mail, titles


def test_server_errors_print_as_one_bounded_line(run: Cli) -> None:
    session = uuid.uuid4()
    with HostileServer() as hostile:
        hostile.behave(echo_token(400, padding=30_000), f"/api/signingSessions/{session}")
        token = "echo-me-" + "z" * 20
        result = run("--base-url", hostile.url, "--token", token, "sessions", "show", str(session))
        doc = {"error": {"code": "ValidationError", "message": f"{HOSTILE}\n" * 3}}
        hostile.behave(json_answer(doc, 400), f"/api/signingSessions/{session}")
        escaped = run("--base-url", hostile.url, "--token", "t", "sessions", "show", str(session))
    assert result.exit_code == 1
    assert token not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and len(result.stderr) < 3000
    assert escaped.exit_code == 1
    assert ESC not in escaped.stderr and len(escaped.stderr.splitlines()) == 1


def test_a_redirect_is_reported_with_its_status_and_host(run: Cli) -> None:
    session = uuid.uuid4()
    with HostileServer() as hostile:
        target = "https://login.example/callback?code=SECRET"
        hostile.behave(redirect(target), f"/api/signingSessions/{session}")
        result = run("--base-url", hostile.url, "--token", "t", "sessions", "show", str(session))
    assert result.exit_code == 1
    assert "302" in result.stderr and "login.example" in result.stderr
    assert "SECRET" not in result.stderr and "no session" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--field", "1:nan:10"], "finite"),
        (["--field", "1:10:inf"], "finite"),
        (["--field", "1:10:10:0"], "start at 1"),
        (["--subject", "NUL\x00here"], "control characters"),
        (["--subject", f"{ESC}[2Jclear"], "control characters"),
        (["--signer", f"Eve{ESC}[8m <eve@example.com>"], "control characters"),
    ],
)
def test_bad_input_is_refused_before_any_request(
    run: Cli, pdf_file: Path, args: list[str], message: str
) -> None:
    with HostileServer() as hostile:
        hostile.behave(answer(500, b"{}"))
        signer = [] if "--signer" in args else ["--signer", "Ann Lee <ann@example.com>"]
        result = run(
            "--base-url", hostile.url, "--token", "t", "send", str(pdf_file), *signer, *args
        )
        assert hostile.requests == []
    assert result.exit_code != 0
    assert message in result.stderr
    assert ESC not in result.stderr and "\x00" not in result.stderr


def test_download_refuses_to_overwrite_and_copes_with_long_subjects(
    run: Cli, server: Server, pdf_file: Path, tmp_path: Path
) -> None:
    session_id = _signed_session(run, server, pdf_file, "--subject", "S" * 251)
    out = tmp_path / "out"
    first = run(*server.flags, "download", session_id, "--output", str(out))
    assert first.exit_code == 0, first.output
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 2 and all(len(n.encode()) <= 130 for n in names)
    before = {n: (out / n).stat().st_mtime_ns for n in names}
    again = run(*server.flags, "download", session_id, "--output", str(out))
    assert again.exit_code == 1 and "--overwrite" in again.stderr
    assert {n: (out / n).stat().st_mtime_ns for n in names} == before
    forced = run(*server.flags, "download", session_id, "--output", str(out), "--overwrite")
    assert forced.exit_code == 0, forced.output
    assert sorted(p.name for p in out.iterdir()) == names


def test_json_poisoning_helper_touches_only_free_text() -> None:
    doc = {"id": "x", "subject": "s", "items": [{"title": "t", "status": "Ready"}]}
    assert json.loads(json.dumps(_poison(doc))) == {
        "id": "x",
        "subject": HOSTILE,
        "items": [{"title": HOSTILE, "status": "Ready"}],
    }
