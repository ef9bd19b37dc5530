"""``easyink send``, ``sessions``, ``download``, ``void``, ``batch`` and ``login``."""

from __future__ import annotations

import re
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from easyink_ext.cli._config import read_config, resolve_settings, write_config
from easyink_ext.cli._parse import parse_signer
from easyink_ext.errors import NotFoundError

from .._secrets import assert_no_secret
from .conftest import Cli, Server

pytestmark = pytest.mark.integration

_SESSION = re.compile(r"Started session ([0-9a-f-]{36})")


def _send(run: Cli, server: Server, pdf: Path, *extra: str) -> str:
    result = run(
        *server.flags,
        "send",
        str(pdf),
        "--signer",
        "Jane Doe <jane@example.com>",
        "--signer",
        "Joe Roe <555-123-4567>",
        *extra,
    )
    assert result.exit_code == 0, result.output
    found = _SESSION.search(result.stdout)
    assert found is not None, result.stdout
    return found.group(1)


def test_send_starts_a_session(run: Cli, server: Server, pdf_file: Path) -> None:
    session_id = _send(
        run,
        server,
        pdf_file,
        "--subject",
        "Lease",
        "--sequential",
        "--field",
        "1:72:72",
        "--field",
        "2:300:72",
    )
    session = server.sandbox.store.sessions[session_id]
    assert (session.status, session.subject, session.order_type) == ("Pending", "Lease", "OneByOne")
    people = list(session.participants.values())
    assert [(p.first_name, p.last_name, p.email, p.phone) for p in people] == [
        ("Jane", "Doe", "jane@example.com", None),
        ("Joe", "Roe", None, "5551234567"),
    ]
    fields = sorted(session.fields.values(), key=lambda f: f.placement.page)
    assert [(f.placement.page, f.participant_id) for f in fields] == [
        (1, people[0].id),
        (2, people[1].id),
    ]


def test_send_without_base_url_uses_embedded_sandbox(run: Cli, pdf_file: Path) -> None:
    result = run("send", str(pdf_file), "--signer", "Jane Doe <jane@example.com>")
    assert result.exit_code == 0, result.output
    assert "embedded in-process sandbox" in result.stderr
    assert _SESSION.search(result.stdout)


def test_sessions_list_and_show(run: Cli, server: Server, pdf_file: Path) -> None:
    first = _send(run, server, pdf_file, "--subject", "First")
    second = _send(run, server, pdf_file, "--subject", "Second")
    listed = run(*server.flags, "sessions", "list")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.index(second) < listed.stdout.index(first)  # newest first
    limited = run(*server.flags, "sessions", "list", "--limit", "1", "--status", "InProgress")
    assert second in limited.stdout and first not in limited.stdout
    none = run(*server.flags, "sessions", "list", "--status", "Finished")
    assert none.exit_code == 0, none.output
    assert none.stdout.strip() == "No sessions found."
    shown = run(*server.flags, "sessions", "show", first)
    assert shown.exit_code == 0, shown.output
    assert "Pending" in shown.stdout and "jane@example.com" in shown.stdout
    assert "Jane Doe" in shown.stdout


def test_download_signed_pdfs(run: Cli, server: Server, pdf_file: Path, tmp_path: Path) -> None:
    session_id = _send(run, server, pdf_file)
    early = run(*server.flags, "download", session_id, "--output", str(tmp_path / "early"))
    assert early.exit_code == 1
    assert early.stderr.strip() == (
        f"easyink: session {session_id} is Pending: no signed PDF is ready yet"
    )
    assert "Downloading" not in early.output  # refused before any progress bar
    for participant in list(server.sandbox.store.sessions[session_id].participants):
        server.sandbox.sign(session_id, participant)
    out = tmp_path / "out"
    result = run(*server.flags, "download", session_id, "--output", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 3
    assert sum("(Signed)" in n for n in names) == 2
    assert all((out / n).read_bytes().startswith(b"%PDF") for n in names)


def test_void(run: Cli, server: Server, pdf_file: Path) -> None:
    session_id = _send(run, server, pdf_file)
    result = run(*server.flags, "void", session_id, "--reason", "Wrong version")
    assert result.exit_code == 0, result.output
    session = server.sandbox.store.sessions[session_id]
    assert (session.status, session.void_reason) == ("Voided", "Wrong version")
    again = run(*server.flags, "void", session_id, "--reason", "Twice")
    assert again.exit_code == 1
    assert len(again.stderr.strip().splitlines()) == 1
    assert "already in Voided status" in again.stderr


def _manifest(tmp_path: Path, pdf: Path, rows: list[str]) -> Path:
    path = tmp_path / "manifest.csv"
    header = "file,subject,signer_name,signer_email,signer_phone,sequential"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "a.pdf").write_bytes(pdf.read_bytes())
    return path


def test_batch_sends_every_row_and_resumes(
    run: Cli, server: Server, pdf_file: Path, tmp_path: Path
) -> None:
    manifest = _manifest(
        tmp_path,
        pdf_file,
        [
            "docs/a.pdf,One,Ann Lee,ann@example.com,,no",
            f"{pdf_file},Two,Bo Chen;Cy Dee,bo@example.com;,;5551234567,yes",
            "docs/a.pdf,,Di Eve,di@example.com,,",
        ],
    )
    ledger = tmp_path / "ledger.sqlite"
    result = run(
        *server.flags, "batch", str(manifest), "-c", "2", "--ledger", str(ledger), "--rate", "500"
    )
    assert result.exit_code == 0, result.output
    assert "3 rows: 3 started, 0 failed, 0 unknown" in result.stdout
    sessions = {s.subject: s for s in server.sandbox.store.sessions.values()}
    assert set(sessions) == {"One", "Two", "a"}
    two = sessions["Two"]
    assert two.order_type == "OneByOne"
    assert [(p.email, p.phone) for p in two.participants.values()] == [
        ("bo@example.com", None),
        (None, "5551234567"),
    ]
    again = run(*server.flags, "batch", str(manifest), "--ledger", str(ledger))
    assert again.exit_code == 0, again.output
    assert "3 rows: 3 started" in again.stdout and "started  " not in again.stdout
    assert len(server.sandbox.store.sessions) == 3
    status = run(*server.flags, "batch", str(manifest), "--ledger", str(ledger), "--status")
    assert status.exit_code == 0 and "3 rows: 3 started" in status.stdout


@pytest.mark.parametrize(
    ("option", "installed", "expected"),
    [
        ([], True, "aiohttp"),
        ([], False, "httpx"),
        (["--backend", "httpx"], True, "httpx"),
        (["--backend", "aiohttp"], True, "aiohttp"),
    ],
)
def test_batch_uses_aiohttp_when_installed_unless_told_otherwise(  # noqa: PLR0917 - fixtures
    run: Cli,
    server: Server,
    pdf_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    option: list[str],
    installed: bool,
    expected: str,
) -> None:
    from easyink_ext import _client

    used: list[str] = []
    original = _client.EasyInk

    def recording(**options: Any) -> Any:
        used.append(options.get("backend", "httpx"))
        return original(**options)

    # The commands import the client when they run: patch it where they find it.
    monkeypatch.setattr(_client, "aiohttp_available", lambda: installed)
    monkeypatch.setattr(_client, "EasyInk", recording)
    manifest = _manifest(tmp_path, pdf_file, ["docs/a.pdf,One,Ann Lee,ann@example.com,,no"])
    result = run(*server.flags, "batch", str(manifest), *option)
    assert result.exit_code == 0, result.output
    assert "1 started, 0 failed" in result.stdout
    assert used == [expected]


def test_batch_reports_failed_rows(
    run: Cli, server: Server, pdf_file: Path, tmp_path: Path
) -> None:
    bad_pdf = tmp_path / "docs" / "broken.pdf"
    manifest = _manifest(
        tmp_path,
        pdf_file,
        [
            "docs/a.pdf,Fine,Ann Lee,ann@example.com,,",
            "docs/broken.pdf,Broken,Bo Chen,bo@example.com,,",
        ],
    )
    bad_pdf.write_bytes(b"%PDF-1.4 but then no PDF at all")
    result = run(*server.flags, "batch", str(manifest))
    assert result.exit_code == 3
    assert "2 rows: 1 started, 1 failed" in result.stdout
    assert result.stderr.strip() == (
        "easyink: 1 row(s) failed: see the failed rows; run with --retry-failed (and --reconcile) "
        "to send them again"
    )
    assert [s.subject for s in server.sandbox.store.sessions.values()] == ["Fine"]
    assert (tmp_path / "manifest.csv.ledger.sqlite").is_file()  # the default ledger


def test_batch_lists_every_invalid_row_and_sends_nothing(
    run: Cli, server: Server, pdf_file: Path, tmp_path: Path
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "text.pdf").write_text("not a PDF")
    manifest = _manifest(
        tmp_path,
        pdf_file,
        [
            "docs/a.pdf,Fine,Ann Lee,ann@example.com,,",
            "missing.pdf,S,Ann,ann@example.com,,",
            "docs/a.pdf,S,,ann@example.com,,",
            "docs/a.pdf,S,Ann,ann@example,,maybe",
            "docs/text.pdf,S,Bo Chen,,555,",
            f"docs/a.pdf,{'x' * 501},Cy Dee,cy@example.com,,",
            "docs/a.pdf,Fine,Ann Lee,ann@example.com,,",
        ],
    )
    result = run(*server.flags, "batch", str(manifest))
    assert result.exit_code == 3  # as with --skip-invalid and --status (docs/batches.md)
    invalid = [line for line in result.stdout.splitlines() if line.startswith("invalid")]
    assert [line.split(":")[0] for line in invalid] == [
        f"invalid  row {n}" for n in (2, 3, 4, 5, 6, 7, 8)
    ]
    text = "\n".join(invalid)
    for expected in (
        "missing.pdf' does not exist",
        "the 'signer_name' column is empty",
        "'ann@example' is not a valid e-mail address",
        "'sequential' must be yes or no, got 'maybe'",
        "is not a PDF",
        "phone must be 10 digits",
        "longer than 500 characters",
        "duplicate content",
    ):
        assert expected in text
    assert result.stderr.strip() == (
        "easyink: 7 invalid row(s), nothing sent: fix them, or pass --skip-invalid to send "
        "the others"
    )
    assert server.sandbox.store.sessions == {}
    assert server.sandbox.request_log == []
    skipped = run(*server.flags, "batch", str(manifest), "--skip-invalid")
    assert skipped.exit_code == 3
    assert "7 rows: 0 started" in skipped.stdout and "7 invalid" in skipped.stdout
    assert server.sandbox.store.sessions == {}  # the only valid rows were duplicates


def test_batch_manifest_without_required_column_is_one_line(
    run: Cli, server: Server, tmp_path: Path
) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,subject\na.pdf,S\n")
    result = run(*server.flags, "batch", str(manifest))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"easyink: manifest {manifest} has no 'signer_name' column"


def test_login_against_local_sandbox_saves_token_privately(
    run: Cli, server: Server, isolated_env: Path, pdf_file: Path
) -> None:
    result = run("--base-url", server.url, "login", "--user", "alice")
    assert result.exit_code == 0, result.output
    assert "Logged in" in result.stdout
    mode = stat.S_IMODE(isolated_env.stat().st_mode)
    assert mode == 0o600
    values = read_config(isolated_env)
    assert values["base_url"] == server.url
    assert_no_secret(result.output, values["token"])
    # The saved settings alone are enough for the next commands, as user "alice".
    sent = run("send", str(pdf_file), "--signer", "Jane Doe <jane@example.com>")
    assert sent.exit_code == 0, sent.output
    owners = {s.owner for s in server.sandbox.store.sessions.values()}
    assert owners == {"alice"}


def test_saved_login_refreshes_an_expired_token_and_saves_it_privately(
    run: Cli, server: Server, isolated_env: Path
) -> None:
    assert run("--base-url", server.url, "login").exit_code == 0
    before = read_config(isolated_env)
    server.sandbox.advance_time(2 * server.sandbox.config.token_ttl)  # the saved token expired
    listed = run("sessions", "list")
    assert listed.exit_code == 0, listed.output
    after = read_config(isolated_env)
    assert after["token"] != before["token"]
    assert after["refresh_token"]
    assert stat.S_IMODE(isolated_env.stat().st_mode) == 0o600
    assert_no_secret(listed.output, before["token"], after["token"], after["refresh_token"])
    # The renewed token works as saved, without another refresh.
    refreshes = [r for r in server.sandbox.request_log if r[1] == "/connect/token"]
    assert len(refreshes) == 2  # the login's code exchange and the refresh
    assert run("sessions", "list").exit_code == 0
    assert [r for r in server.sandbox.request_log if r[1] == "/connect/token"] == refreshes


def test_a_token_given_on_the_command_line_is_not_refreshed(
    run: Cli, server: Server, isolated_env: Path
) -> None:
    assert run("--base-url", server.url, "login").exit_code == 0
    server.sandbox.advance_time(2 * server.sandbox.config.token_ttl)
    saved = read_config(isolated_env)
    result = run("--base-url", server.url, "--token", saved["token"], "sessions", "list")
    assert result.exit_code == 1
    assert "401 Unauthorized" in result.stderr
    assert read_config(isolated_env) == saved


def test_a_saved_token_is_only_sent_to_the_server_it_was_saved_for(isolated_env: Path) -> None:
    write_config(isolated_env, {"base_url": "http://127.0.0.1:8765", "token": "saved-token"})
    same = resolve_settings(base_url=None, token=None, config=None)
    assert (same.base_url, same.token, same.token_source) == (
        "http://127.0.0.1:8765",
        "saved-token",
        "config",
    )
    assert resolve_settings(base_url="http://127.0.0.1:8765/", token=None, config=None).token
    other = resolve_settings(base_url="https://api.easyink.io", token=None, config=None)
    assert (other.token, other.token_source) == (None, None)
    flagged = resolve_settings(base_url="https://api.easyink.io", token="mine", config=None)
    assert (flagged.token, flagged.token_source) == ("mine", "flag")


def test_login_against_remote_prompts_for_the_code(run: Cli, server: Server) -> None:
    result = run(
        "--base-url",
        "https://api.easyink.io",
        "login",
        "--client-id",
        "my-client",
        "--client-secret",
        "s3cret",
    )
    # No input: the prompt is aborted, after the authorize URL was printed.
    assert "https://identity.easyink.io/connect/authorize?" in result.stdout
    assert "code_challenge_method=S256" in result.stdout
    assert_no_secret(result.output, "s3cret")
    assert result.exit_code != 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["send", "nope.pdf", "--signer", "A <a@example.com>"], "does not exist"),
        (["send", "{pdf}", "--signer", "Just A Name"], 'expected "Name <email>"'),
        (["send", "{pdf}", "--signer", "A <a@example.com>", "--field", "x:1:2"], "PAGE must be"),
        (["sessions", "show", "not-a-uuid"], "is not a valid UUID"),
        (["sessions", "show", "00000000-0000-0000-0000-000000000001"], "404 NotFound"),
        (["void", "00000000-0000-0000-0000-000000000001", "--reason", " "], "--reason must be"),
        (["download", "00000000-0000-0000-0000-000000000001"], "404 NotFound"),
    ],
)
def test_bad_input_is_one_line_on_stderr(
    run: Cli, server: Server, pdf_file: Path, args: list[str], message: str
) -> None:
    args = [a.replace("{pdf}", str(pdf_file)) for a in args]
    result = run(*server.flags, *args)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("easyink: ")
    assert message in lines[0]
    assert "Traceback" not in result.output


def test_missing_token_for_configured_url(run: Cli, server: Server) -> None:
    result = run("--base-url", server.url, "sessions", "list")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("easyink: no access token for ")


def test_debug_shows_the_traceback(run: Cli, server: Server) -> None:
    with pytest.raises(NotFoundError, match="404"):
        run(*server.flags, "--debug", "sessions", "show", "00000000-0000-0000-0000-000000000001")


def test_config_file_fallback_parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from easyink_ext.cli import _config

    path = tmp_path / "c.toml"
    _config.write_config(path, {"base_url": "http://127.0.0.1:1", "token": 'a"b\\c'})
    monkeypatch.setattr(sys, "version_info", (3, 10, 0))
    assert _config.read_config(path) == {"base_url": "http://127.0.0.1:1", "token": 'a"b\\c'}


@pytest.mark.parametrize(
    ("text", "name", "email"),
    [
        ("<jane@example.com>", "jane", "jane@example.com"),
        (" jane@example.com ", "jane", "jane@example.com"),
        ("Jane Doe <jane@example.com>", "Jane Doe", "jane@example.com"),
    ],
)
def test_signer_forms(text: str, name: str, email: str) -> None:
    signer = parse_signer(text)
    assert (signer.name, signer.email) == (name, email)


@pytest.mark.parametrize("text", ["<a@example.com", "a@example.com>", "<<a@example.com>>"])
def test_malformed_signer_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        parse_signer(text)


def test_cli_workflow_and_requests_share_one_email_and_one_phone_rule() -> None:
    from easyink_ext import _contact
    from easyink_ext._schema import _FORMATS
    from easyink_ext.workflow import Signer, _check_signer

    assert _FORMATS["email"][0] is _contact.EMAIL
    for text in ("Joe Roe <(555) 123-4567>", "Joe <555.123.4567>"):
        signer = parse_signer(text)
        assert signer.normalized_phone == "5551234567"
        _check_signer(0, signer)  # what the CLI parses, the workflow accepts
    with pytest.raises(ValueError, match="expected"):
        parse_signer("bob@localhost")  # no dot in the domain: refused by the one e-mail rule
    with pytest.raises(ValueError, match="e-mail"):
        _check_signer(0, Signer("Bob", email="bob@localhost"))


def test_unexpected_error_is_one_line_without_traceback(
    run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path) -> dict[str, str]:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr("easyink_ext.cli._config.load_config", broken)
    result = run("sessions", "list")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "easyink: unexpected error: RuntimeError: boom second line "
        "(run with --debug for the traceback)"
    ]
    with pytest.raises(RuntimeError, match="boom"):
        run("--debug", "sessions", "list")
