"""The sandbox reads its OpenAPI document from the prebuilt JSON, or parses the YAML."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from easyink_sandbox import _spec

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "easyink.yaml"


def _spec_extract() -> object:
    path = ROOT / "scripts" / "spec_extract.py"  # a build step, not shipped
    loaded = importlib.util.spec_from_file_location("spec_extract", path)
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return module


def test_the_prebuilt_json_is_up_to_date() -> None:
    render = _spec_extract().render_sandbox  # type: ignore[attr-defined]
    assert _spec.PREBUILT.read_text(encoding="utf-8") == render(SPEC), (
        "run: python scripts/spec_extract.py (or scripts/regenerate.sh)"
    )


def test_the_prebuilt_document_is_the_yaml_document() -> None:
    assert _spec.read_document(SPEC) == yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def test_another_yaml_is_parsed_not_replaced_by_the_prebuilt_json(tmp_path: Path) -> None:
    changed = tmp_path / "easyink.yaml"
    changed.write_text(
        SPEC.read_text(encoding="utf-8").replace(
            "  title: EasyInk Public API", "  title: Changed API", 1
        ),
        encoding="utf-8",
    )
    assert _spec.read_document(changed)["info"]["title"] == "Changed API"


def test_a_stale_prebuilt_json_falls_back_to_the_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "_openapi.json"
    broken.write_text(json.dumps({"sourceSha256": "0" * 64, "document": {}}), encoding="utf-8")
    monkeypatch.setattr(_spec, "PREBUILT", broken)
    assert _spec.read_document(SPEC)["info"]["title"] == "EasyInk Public API"


def test_reading_the_packaged_document_parses_no_yaml() -> None:
    probe = (
        "import sys\n"
        "from easyink_sandbox import _spec\n"
        "document = _spec.read_document(_spec.spec_path())\n"
        "assert document['openapi'].startswith('3.1')\n"
        "print('yaml' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "False"
