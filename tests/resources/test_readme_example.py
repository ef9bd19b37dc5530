"""README's client example runs against the sandbox, as shown."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

import easyink_ext
from easyink_sandbox import Sandbox, SandboxApp, simple_pdf

from ..conftest import SANDBOX_URL
from .conftest import finished_session

ROOT = Path(__file__).resolve().parents[2]


def _client_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## The client: `easyink_ext.EasyInk`\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


async def test_the_client_example_runs(
    app: SandboxApp,
    token: str,
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    transport = httpx.ASGITransport(app=app)

    class SandboxEasyInk(easyink_ext.EasyInk):
        """The example's client, sent to the sandbox in process."""

        def __init__(self, **options: Any) -> None:
            options.update(base_url=SANDBOX_URL, transport=transport)
            super().__init__(**options)

    async with easyink_ext.EasyInk(base_url=SANDBOX_URL, token=token, transport=transport) as ei:
        finished = await finished_session(ei, sandbox)
    (tmp_path / "nda.pdf").write_bytes(simple_pdf(["NDA"]))
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(easyink_ext, "EasyInk", SandboxEasyInk)

    code = "async def example():\n" + textwrap.indent(_client_example(), "    ")
    namespace: dict[str, Any] = {"access_token": token, "session_id": finished.draft_id}
    exec(compile(code, "README.md", "exec"), namespace)
    await namespace["example"]()

    assert (tmp_path / "out" / "nda.pdf").read_bytes().startswith(b"%PDF")
    subjects = [item.subject for item in sandbox.store.sessions.values()]
    assert "NDA" in subjects
