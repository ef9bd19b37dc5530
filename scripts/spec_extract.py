"""Derive the JSON files shipped in the packages from ``openapi/easyink.yaml``.

``easyink_ext/_request_schemas.json`` holds what request validation needs;
``easyink_sandbox/_openapi.json`` is the whole document, for the sandbox to read without
parsing YAML at start-up (with the SHA-256 of the YAML it was made from).

The OpenAPI document stays the single source of the API's constraints; this module copies the
request side of it (operations, parameters, request bodies and the component schemas they
reference, without descriptions and examples) into a JSON file shipped inside the package, so
validation needs neither PyYAML nor the repository at run time.

Regenerate after changing the spec (requires PyYAML, a development dependency)::

    python scripts/spec_extract.py            # rewrite both files
    python scripts/spec_extract.py --check    # exit 1 when one is out of date

The test suite runs the ``--check`` comparison too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "head", "patch", "options")
_DROP = frozenset({"description", "example", "examples", "title", "externalDocs", "xml", "summary"})
PACKAGE_FILE = Path(__file__).resolve().parent.parent / "easyink_ext" / "_request_schemas.json"
SANDBOX_FILE = Path(__file__).resolve().parent.parent / "easyink_sandbox" / "_openapi.json"
DEFAULT_SPEC = Path(__file__).resolve().parent.parent / "openapi" / "easyink.yaml"


def _strip(node: Any) -> Any:
    """Copy ``node`` without documentation-only keys (keeps property names intact)."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                out[key] = {name: _strip(sub) for name, sub in value.items()}
            elif key in _DROP or key.startswith("x-"):
                continue
            else:
                out[key] = _strip(value)
        return out
    if isinstance(node, list):
        return [_strip(item) for item in node]
    return node


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a ``#/components/...`` $ref of a parameter or request body."""
    while "$ref" in node:
        ref = str(node["$ref"])
        target: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for item in node:
            _refs(item, found)


def extract(spec: dict[str, Any]) -> dict[str, Any]:
    """Build the request-side document from a parsed OpenAPI document."""
    operations: list[dict[str, Any]] = []
    for path, item in spec.get("paths", {}).items():
        shared = [_resolve(spec, p) for p in item.get("parameters", [])]
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            params: dict[tuple[str, str], dict[str, Any]] = {}
            for raw in shared + [_resolve(spec, p) for p in op.get("parameters", [])]:
                params[(raw["name"], raw["in"])] = {
                    "name": raw["name"],
                    "in": raw["in"],
                    "required": bool(raw.get("required", raw["in"] == "path")),
                    "schema": _strip(raw.get("schema", {})),
                }
            body = None
            if "requestBody" in op:
                raw_body = _resolve(spec, op["requestBody"])
                body = {
                    "required": bool(raw_body.get("required", False)),
                    "content": {
                        ctype: _strip(media.get("schema", {}))
                        for ctype, media in raw_body.get("content", {}).items()
                    },
                }
            operations.append(
                {
                    "operationId": op["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "parameters": list(params.values()),
                    "body": body,
                }
            )
    components = spec.get("components", {}).get("schemas", {})
    needed: set[str] = set()
    _refs(operations, needed)
    pending = list(needed)
    while pending:
        name = pending.pop()
        found: set[str] = set()
        _refs(components[name], found)
        for extra in found - needed:
            needed.add(extra)
            pending.append(extra)
    return {
        "source": "openapi/easyink.yaml",
        "apiVersion": spec.get("info", {}).get("version"),
        "operations": operations,
        "schemas": {name: _strip(components[name]) for name in sorted(needed)},
    }


def render(spec_path: Path) -> str:
    """The JSON text for ``spec_path`` (deterministic)."""
    import yaml

    with spec_path.open(encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    return json.dumps(extract(spec), indent=1, sort_keys=True) + "\n"


def render_sandbox(spec_path: Path) -> str:
    """The sandbox's JSON form of the whole document at ``spec_path`` (deterministic)."""
    import yaml

    raw = spec_path.read_bytes()
    document = yaml.safe_load(raw.decode("utf-8"))
    prebuilt = {"sourceSha256": hashlib.sha256(raw).hexdigest(), "document": document}
    return json.dumps(prebuilt, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--output", type=Path, default=PACKAGE_FILE)
    parser.add_argument("--sandbox-output", type=Path, default=SANDBOX_FILE)
    parser.add_argument("--check", action="store_true", help="only compare, exit 1 if stale")
    args = parser.parse_args(argv)
    status = 0
    for output, text in (
        (args.output, render(args.spec)),
        (args.sandbox_output, render_sandbox(args.spec)),
    ):
        if not args.check:
            output.write_text(text, encoding="utf-8")
            continue
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            print(f"{output} is out of date; run python scripts/spec_extract.py")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
