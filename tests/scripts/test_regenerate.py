"""The committed easyink_client package matches what scripts/regenerate.sh generates."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
import re
import shutil
from pathlib import Path
from types import ModuleType

import pytest
import yaml

import easyink_client
import easyink_client.api
from tests._regen import REPO as _REPO
from tests._regen import run_script as _run_script
from tests._regen import share_tool_cache

_SPEC = _REPO / "openapi" / "easyink.yaml"
_PACKAGE = "easyink_client"
_RESOURCES = "easyink_ext/resources"
_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
_VARIANTS = ("sync", "sync_detailed", "asyncio", "asyncio_detailed")


def _snake_case(name: str) -> str:
    """`createDraft` -> `create_draft`, `SigningSessionDrafts` -> `signing_session_drafts`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _spec_operation_modules() -> set[str]:
    """`<tag>.<operation>` module names the generator makes from openapi/easyink.yaml."""
    spec = yaml.safe_load(_SPEC.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for path_item in spec["paths"].values():
        for method, operation in path_item.items():
            if method in _HTTP_METHODS:
                tag = _snake_case(operation["tags"][0])
                modules.add(f"{tag}.{_snake_case(operation['operationId'])}")
    return modules


def _generated_operation_modules() -> dict[str, ModuleType]:
    """Every operation module under easyink_client.api, keyed `<tag>.<operation>`."""
    modules: dict[str, ModuleType] = {}
    prefix = easyink_client.api.__name__ + "."
    for info in pkgutil.walk_packages(easyink_client.api.__path__, prefix):
        if not info.ispkg:
            modules[info.name.removeprefix(prefix)] = importlib.import_module(info.name)
    return modules


def _bodyless_operation_modules() -> set[str]:
    """Operations none of whose answers has a body (HEAD): the generator gives them only the
    ``*_detailed`` variants, since there is nothing to parse."""
    spec = yaml.safe_load(_SPEC.read_text(encoding="utf-8"))
    responses = spec["components"]["responses"]
    modules: set[str] = set()
    for path_item in spec["paths"].values():
        for method, operation in path_item.items():
            if method not in _HTTP_METHODS:
                continue
            declared = [
                responses[r["$ref"].rsplit("/", 1)[-1]] if "$ref" in r else r
                for r in operation["responses"].values()
            ]
            if not any(r.get("content") for r in declared):
                tag = _snake_case(operation["tags"][0])
                modules.add(f"{tag}.{_snake_case(operation['operationId'])}")
    return modules


def test_every_operation_has_sync_and_async_variants() -> None:
    modules = _generated_operation_modules()
    bodyless = _bodyless_operation_modules()

    assert modules
    assert bodyless == {"signing_session_drafts.draft_exists", "signing_sessions.session_exists"}
    for name, module in modules.items():
        for variant in _VARIANTS:
            if name in bodyless and not variant.endswith("_detailed"):
                assert getattr(module, variant, None) is None, f"{name} has {variant}()"
                continue
            function = getattr(module, variant, None)
            assert callable(function), f"{name} has no {variant}()"
            is_async = variant.startswith("asyncio")
            assert inspect.iscoroutinefunction(function) is is_async, f"{name}.{variant}"


def test_generated_operations_match_the_spec() -> None:
    assert set(_generated_operation_modules()) == _spec_operation_modules()


def test_package_is_marked_typed() -> None:
    assert (_REPO / _PACKAGE / "py.typed").is_file()


def _tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file below `root` (bytecode caches excluded), keyed by relative path."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


# Derived from the spec by scripts/spec_extract.py (run and checked by regenerate.sh).
_DERIVED = (
    Path("easyink_ext") / "_request_schemas.json",
    Path("easyink_sandbox") / "_openapi.json",
)


def _copy_inputs(destination: Path) -> None:
    """Copy what regenerate.sh reads (and the committed package) to another folder."""
    shutil.copytree(_REPO / "openapi", destination / "openapi")
    shutil.copytree(_REPO / "scripts", destination / "scripts")
    shutil.copy2(_REPO / "generator-config.yml", destination / "generator-config.yml")
    for derived in _DERIVED:
        (destination / derived).parent.mkdir(exist_ok=True)
        shutil.copy2(_REPO / derived, destination / derived)
    shutil.copytree(
        _REPO / _PACKAGE, destination / _PACKAGE, ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(
        _REPO / _RESOURCES,
        destination / _RESOURCES,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    share_tool_cache(destination)


@pytest.mark.slow
def test_committed_client_is_up_to_date() -> None:
    result = _run_script(_REPO, "--check")

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_generation_is_byte_identical_in_another_folder(tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "repo"
    copy.mkdir(parents=True)
    _copy_inputs(copy)
    shutil.rmtree(copy / _PACKAGE)
    shutil.rmtree(copy / _RESOURCES)
    for derived in _DERIVED:
        (copy / derived).unlink()

    result = _run_script(copy)

    assert result.returncode == 0, result.stdout + result.stderr
    assert _tree_digest(copy / _PACKAGE) == _tree_digest(_REPO / _PACKAGE)
    assert _tree_digest(copy / _RESOURCES) == _tree_digest(_REPO / _RESOURCES)
    for derived in _DERIVED:
        assert (copy / derived).read_bytes() == (_REPO / derived).read_bytes()


@pytest.mark.slow
def test_check_reports_a_stale_client(tmp_path: Path) -> None:
    _copy_inputs(tmp_path)
    stale = tmp_path / _PACKAGE / "types.py"
    stale.write_text(stale.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")

    result = _run_script(tmp_path, "--check")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "+# edited by hand" not in result.stdout
    assert "-# edited by hand" in result.stdout
    assert "types.py" in result.stdout


@pytest.mark.slow
def test_check_reports_edited_resources(tmp_path: Path) -> None:
    _copy_inputs(tmp_path)
    edited = tmp_path / _RESOURCES / "drafts.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")

    result = _run_script(tmp_path, "--check")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "-# edited by hand" in result.stdout
    assert "drafts.py" in result.stdout
    assert "easyink_ext/resources/ differs" in result.stderr


def _add_operation(spec_path: Path, operation_id: str) -> None:
    """Give the spec one more operation (a copy of getSessionStatistics on another path)."""
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    path_item = {"get": {**spec["paths"]["/api/signingSessions/statistics"]["get"]}}
    path_item["get"]["operationId"] = operation_id
    spec["paths"]["/api/signingSessions/archive"] = path_item
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")


@pytest.mark.slow
def test_an_operation_without_a_resource_name_fails_check(tmp_path: Path) -> None:
    _copy_inputs(tmp_path)
    _add_operation(tmp_path / "openapi" / "easyink.yaml", "getArchive")

    result = _run_script(tmp_path, "--check")

    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "operation getArchive (GET /api/signingSessions/archive) has no resource method: "
        "name it in scripts/resources.yaml under `operations`"
    ) in result.stderr


@pytest.mark.slow
def test_a_named_new_operation_gets_its_method(tmp_path: Path) -> None:
    _copy_inputs(tmp_path)
    _add_operation(tmp_path / "openapi" / "easyink.yaml", "getArchive")
    table = tmp_path / "scripts" / "resources.yaml"
    text = table.read_text(encoding="utf-8")
    table.write_text(
        text.replace("operations:\n", "operations:\n  getArchive: sessions.archive\n", 1),
        encoding="utf-8",
    )

    result = _run_script(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    generated = (tmp_path / _RESOURCES / "sessions.py").read_text(encoding="utf-8")
    assert "    async def archive(\n" in generated
    assert "    def archive(\n" in generated  # the blocking twin
    assert '"getArchive"' in generated
    assert ") -> SigningSessionStatistics:" in generated.split("async def archive(")[1]


@pytest.mark.slow
def test_a_name_for_a_missing_operation_fails_check(tmp_path: Path) -> None:
    _copy_inputs(tmp_path)
    table = tmp_path / "scripts" / "resources.yaml"
    text = table.read_text(encoding="utf-8")
    table.write_text(
        text.replace("operations:\n", "operations:\n  getArchive: sessions.archive\n", 1),
        encoding="utf-8",
    )

    result = _run_script(tmp_path, "--check")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "names operation getArchive, which openapi/easyink.yaml does not have" in result.stderr


def _replace_in_table(repo: Path, old: str, new: str) -> None:
    """Replace the committed naming table's ``old`` text (which must be there) in ``repo``."""
    table = repo / "scripts" / "resources.yaml"
    text = table.read_text(encoding="utf-8")
    assert old in text
    table.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.slow
def test_an_answer_id_the_answer_lacks_fails_regeneration(tmp_path: Path) -> None:
    _copy_inputs(tmp_path)
    _replace_in_table(
        tmp_path,
        "    method: sessions.get\n    answer_id: signingSessionId\n",
        "    method: sessions.get\n    answer_id: sessionIdentifier\n",
    )
    committed = (tmp_path / _RESOURCES / "sessions.py").read_bytes()

    result = _run_script(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "scripts/resources.yaml: getSession -> answer_id 'sessionIdentifier': the answer "
        "(SigningView) has no field 'sessionIdentifier' (its fields: "
    ) in result.stderr
    assert "signingSessionId" in result.stderr
    assert (tmp_path / _RESOURCES / "sessions.py").read_bytes() == committed


@pytest.mark.slow
def test_the_answer_id_check_is_generated(tmp_path: Path) -> None:
    _copy_inputs(tmp_path)
    _replace_in_table(
        tmp_path,
        "  getDraft:\n    method: drafts.get\n    answer_id: signingSessionId\n",
        "  getDraft: drafts.get\n",
    )

    result = _run_script(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    drafts = (tmp_path / _RESOURCES / "drafts.py").read_text(encoding="utf-8")
    assert "require_answer_id" not in drafts
    committed = (_REPO / _RESOURCES / "drafts.py").read_text(encoding="utf-8")
    assert 'require_answer_id("getDraft", draft_id, answer.signing_session_id)' in committed
