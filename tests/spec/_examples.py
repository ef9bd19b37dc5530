"""Collects every example of the OpenAPI document together with the schema it illustrates."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "easyink.yaml"
_BASE = "urn:easyink:spec"
HTTP_METHODS = ("get", "put", "post", "delete", "head", "patch", "options")


def load_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        spec: dict[str, Any] = yaml.safe_load(fh)
    return spec


@attrs.frozen
class Example:
    """One example value and the schema it must satisfy."""

    where: str
    value: Any
    schema: dict[str, Any]
    is_response_body: bool = False
    media_type: str | None = None


def _deref(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node and len(node) == 1:
        pointer = node["$ref"].removeprefix("#/").split("/")
        target: Any = spec
        for part in pointer:
            target = target[part]
        node = target
    return node


def _media_examples(where: str, media: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    if "example" in media:
        yield where, media["example"]
    for name, ex in (media.get("examples") or {}).items():
        yield f"{where} examples.{name}", ex["value"]


def iter_examples(spec: dict[str, Any]) -> Iterator[Example]:
    """Yield every example in the document: bodies, parameters, headers and schema-level ones."""
    for item in spec["paths"].values():
        common = item.get("parameters", [])
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            op_id = op["operationId"]
            for raw_param in [*common, *op.get("parameters", [])]:
                param = _deref(spec, raw_param)
                if "example" in param:
                    yield Example(
                        f"{op_id} param {param['name']}", param["example"], param["schema"]
                    )
            body = _deref(spec, op.get("requestBody", {}))
            for mt, media in (body.get("content") or {}).items():
                for where, value in _media_examples(f"{op_id} request {mt}", media):
                    yield Example(where, value, media["schema"], media_type=mt)
            for status, raw_resp in op["responses"].items():
                resp = _deref(spec, raw_resp)
                for mt, media in (resp.get("content") or {}).items():
                    for where, value in _media_examples(f"{op_id} {status} {mt}", media):
                        yield Example(where, value, media["schema"], True, mt)
                for hname, raw_header in (resp.get("headers") or {}).items():
                    header = _deref(spec, raw_header)
                    if "example" in header:
                        yield Example(
                            f"{op_id} {status} header {hname}", header["example"], header["schema"]
                        )
    for name, schema in spec["components"]["schemas"].items():
        yield from _schema_level_examples(f"schema {name}", schema)


def _schema_level_examples(where: str, schema: Any) -> Iterator[Example]:
    if not isinstance(schema, dict):
        return
    for value in schema.get("examples", []) if isinstance(schema.get("examples"), list) else []:
        yield Example(where, value, schema)
    for key, sub in (schema.get("properties") or {}).items():
        yield from _schema_level_examples(f"{where}.{key}", sub)


def _absolutise(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (
                _BASE + v
                if k == "$ref" and isinstance(v, str) and v.startswith("#")
                else _absolutise(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_absolutise(v) for v in node]
    return node


def make_validator(spec: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """A JSON Schema 2020-12 validator (with format checks) whose `$ref`s resolve into the spec."""
    registry: Registry = Registry().with_resource(
        _BASE, Resource(contents=_absolutise(copy.deepcopy(spec)), specification=DRAFT202012)
    )
    return Draft202012Validator(
        _absolutise(schema),
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
