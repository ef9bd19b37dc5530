"""``easyink demo``: in process with CliRunner and as a real subprocess."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from .conftest import Cli

ROOT = Path(__file__).resolve().parents[2]


def _text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _check_output(folder: Path, names: list[str]) -> None:
    pdfs = sorted(folder.glob("*.pdf"))
    assert len(pdfs) == len(names) + 1
    for name in names:
        signed = [p for p in pdfs if f"- {name} (Signed)" in p.name]
        assert len(signed) == 1, pdfs
        assert f"Signature: {name}" in _text(signed[0])
    everything = [p for p in pdfs if "All Signatures" in p.name]
    assert len(everything) == 1
    combined = _text(everything[0])
    for name in names:
        assert f"Signature: {name}" in combined


def test_demo_in_process(run: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("demo", "--signers", "2", "--output", str(out))
    assert result.exit_code == 0, result.output
    _check_output(out, ["Ada Lovelace", "Alan Turing"])
    assert str(out.resolve()) in result.stdout
    assert "finished" in result.stdout


@pytest.mark.integration
def test_demo_as_subprocess(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EASYINK_")}
    env["EASYINK_CONFIG"] = str(tmp_path / "none.toml")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-m", "easyink_ext.cli", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    _check_output(tmp_path / "easyink-demo-output", ["Ada Lovelace", "Alan Turing", "Grace Hopper"])
    assert "Traceback" not in done.stderr


def test_demo_without_sandbox_extra_says_what_to_install(
    run: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "easyink_sandbox", None)
    result = run("demo", "--output", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "easyink: the embedded sandbox needs the sandbox extra: pip install 'easyink[cli,sandbox]'"
    ]
    assert not (tmp_path / "out").exists()


def test_demo_rejects_bad_signer_count(run: Cli) -> None:
    result = run("demo", "--signers", "0")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--signers" in result.stderr
