"""Generic answers for operations of the OpenAPI document that have no hand-written handler.

When the document gains an operation before the sandbox learns its rules, the sandbox still
serves it, so a regenerated client can be tested at once:

* The request goes through the same steps as every other operation: authentication (401 without
  a valid token) and validation against the document (400 ``ValidationError``).
* Ownership: in ``/api/signingSessionDrafts/{x}/...`` and ``/api/signingSessions/{x}/...`` the
  path parameter right after the collection names a session (whatever its name). It must exist
  and belong to the caller, else 404 with the message the hand-written handlers use.
* The answer has the documented success status. Its body is the response's example when the
  example validates against the response schema, else a value built from the schema: required
  and optional properties, the first enum value, formats (``uuid``, ``date-time``, ``date``,
  ``email``, ``uri``), minimum lengths, items and bounds. A string property named like a path
  parameter echoes the request's value. UUIDs are derived from the operation, the place in the
  schema and the request (path, query and body), so equal requests get equal answers. A binary
  body (PDF) is a small fixed PDF; a HEAD or body-less response has no body.
* Every generic answer carries ``X-EasyInk-Sandbox-Behavior: generic``, and the app logs the
  list of such operations at start-up (``Sandbox.generic_operations`` holds it).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from ._call import Call, Handler
from ._pdf import simple_pdf
from ._spec import CompiledSpec, Operation

GENERIC_HEADER = "X-EasyInk-Sandbox-Behavior"
GENERIC_VALUE = "generic"
# RFC 3339 with a numeric offset: Python 3.10's datetime.fromisoformat rejects a trailing "Z".
FIXED_DATE_TIME = "2024-01-01T00:00:00+00:00"
_SESSION_COLLECTIONS = {"signingSessionDrafts": "draft", "signingSessions": "session"}
_JSON_TYPES = ("application/json", "text/json")
# Optional properties are filled down to this nesting depth (required ones always are, down to
# _MAX_DEPTH, where a schema that requires itself ends).
_OPTIONAL_DEPTH = 4
_MAX_DEPTH = 16
_STRING_FORMATS = {
    "date-time": FIXED_DATE_TIME,
    "date": "2024-01-01",
    "time": "00:00:00+00:00",
    "email": "sandbox-user@example.com",
    "uri": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "127.0.0.1",
    "binary": "",
    "byte": "",
}


def session_kind(path: str) -> str | None:
    """``"draft"`` or ``"session"`` when the path's first parameter names one, else None."""
    parts = path.strip("/").split("/")
    if len(parts) < 3 or parts[0] != "api" or parts[1] not in _SESSION_COLLECTIONS:
        return None
    if not (parts[2].startswith("{") and parts[2].endswith("}")):
        return None
    return _SESSION_COLLECTIONS[parts[1]]


@functools.cache
def _generic_pdf() -> bytes:
    """One PDF per process, so equal requests get equal bytes."""
    return simple_pdf(["Generic answer of the EasyInk sandbox."])


class _Sampler:
    """One deterministic value for a schema; ``seed`` makes the generated ids request-specific."""

    def __init__(self, spec: CompiledSpec, seed: str, echo: Mapping[str, str]) -> None:
        self._spec = spec
        self._seed = seed
        self._echo = echo

    def _uuid(self, where: str) -> str:
        digest = hashlib.sha256(f"{self._seed}|{where}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))

    def value(self, raw: Any, where: str = "", depth: int = 0) -> Any:
        schema = self._spec.resolve(raw)
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return None
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return next((v for v in schema["enum"] if v is not None), None)
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return schema["examples"][0]
        if "example" in schema:
            return schema["example"]
        if "allOf" in schema:
            return self._all_of(schema, where, depth)
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                branches = [self._spec.resolve(b) for b in schema[keyword]]
                chosen = next((b for b in branches if b.get("type") != "null"), branches[0])
                return self.value(chosen, where, depth)
        kind = _type_of(schema)
        if kind == "object":
            return self._object(schema, where, depth)
        if kind == "array":
            count = max(1, int(schema.get("minItems", 0)))
            if depth >= _OPTIONAL_DEPTH and not schema.get("minItems"):
                return []
            return [
                self.value(schema.get("items", {}), f"{where}[{i}]", depth + 1)
                for i in range(count)
            ]
        if kind in ("integer", "number"):
            return _number(schema, kind)
        if kind == "boolean":
            return False
        if kind == "null":
            return None
        return self._string(schema, where)

    def _all_of(self, schema: dict[str, Any], where: str, depth: int) -> Any:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            resolved = self._spec.resolve(part)
            if not isinstance(resolved, dict):
                continue
            for key, value in resolved.items():
                if key == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **value}
                elif key == "required":
                    merged["required"] = [*merged.get("required", []), *value]
                else:
                    merged.setdefault(key, value)
        return self.value(merged, where, depth)

    def _object(self, schema: dict[str, Any], where: str, depth: int) -> dict[str, Any]:
        required = set(schema.get("required", []))
        out: dict[str, Any] = {}
        for name, prop in schema.get("properties", {}).items():
            if name not in required and depth >= _OPTIONAL_DEPTH:
                continue
            resolved = self._spec.resolve(prop)
            if name in self._echo and depth == 0 and "string" in _types(resolved):
                out[name] = self._echo[name]
            else:
                out[name] = self.value(prop, f"{where}/{name}", depth + 1)
        return out

    def _string(self, schema: dict[str, Any], where: str) -> str:
        fmt = schema.get("format")
        if fmt == "uuid":
            return self._uuid(where)
        text = _STRING_FORMATS.get(str(fmt), "sample")
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and not re.search(pattern, text):
            text = _from_pattern(pattern)
        low = int(schema.get("minLength", 0))
        high = schema.get("maxLength")
        text = text.ljust(low, "x")
        return text[: int(high)] if high is not None else text


def sample(
    spec: CompiledSpec, schema: Any, *, seed: str, echo: Mapping[str, str] | None = None
) -> Any:
    """A deterministic value of ``schema`` (see the module docstring); equal seeds, equal values."""
    return _Sampler(spec, seed, echo or {}).value(schema)


def _types(schema: Any) -> list[str]:
    if not isinstance(schema, dict):
        return []
    kinds = schema.get("type")
    if isinstance(kinds, str):
        return [kinds]
    return [str(k) for k in kinds] if isinstance(kinds, list) else []


def _type_of(schema: dict[str, Any]) -> str:
    kinds = [k for k in _types(schema) if k != "null"]
    if kinds:
        return kinds[0]
    if _types(schema) == ["null"]:
        return "null"
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def _number(schema: dict[str, Any], kind: str) -> int | float:
    low = schema.get("minimum")
    if low is None and schema.get("exclusiveMinimum") is not None:
        low = schema["exclusiveMinimum"] + 1
    high = schema.get("maximum")
    value = low if low is not None else 0
    if high is not None and value > high:
        value = high
    return int(value) if kind == "integer" else float(value)


def _from_pattern(pattern: str) -> str:
    """A string for the simple patterns of the document: ``^\\d{n}$`` and ``^(a|b)...``."""
    digits = re.fullmatch(r"\^\\d\{(\d+)\}\$", pattern)
    if digits:
        return "0" * int(digits.group(1))
    alternatives = re.match(r"\^\(([\w-]+)\|", pattern)
    return alternatives.group(1) if alternatives else "sample"


def _seed(call: Call) -> str:
    parsed = call.parsed
    inputs = {"path": parsed.path, "query": parsed.query, "body": parsed.body}
    return call.operation.operation_id + "|" + json.dumps(inputs, sort_keys=True, default=str)


class GenericHandler:
    """The generic handler of one operation (see the module docstring)."""

    def __init__(self, spec: CompiledSpec, operation: Operation) -> None:
        self.spec = spec
        self.operation = operation
        raw = spec.document["paths"][operation.path][operation.method]
        response = spec.resolve(raw.get("responses", {}).get(str(operation.success_status), {}))
        self._response: dict[str, Any] = response if isinstance(response, dict) else {}
        content = self._response.get("content", {})
        self.media_type = next(iter(content), None)
        media = content.get(self.media_type, {}) if self.media_type else {}
        self._schema = media.get("schema")
        self._example = self._valid_example(media)
        self._session_kind = session_kind(operation.path)

    def _valid_example(self, media: dict[str, Any]) -> tuple[Any] | None:
        """The media type's example, kept only when it validates against the response schema."""
        candidates = [e for e in [media.get("example")] if e is not None]
        for example in (media.get("examples") or {}).values():
            resolved = self.spec.resolve(example)
            if isinstance(resolved, dict) and "value" in resolved:
                candidates.append(resolved["value"])
        spec = self.operation.responses.get(str(self.operation.success_status))
        validator = spec.json_validator if spec is not None else None
        for candidate in candidates:
            if validator is None or validator.is_valid(candidate):
                return (candidate,)
        return None

    def _check_owner(self, call: Call) -> None:
        """404 unless the session named by the first path parameter is the caller's."""
        if self._session_kind == "draft":
            call.store.draft(call.user, call.path[0])
        elif self._session_kind == "session":
            call.store.session(call.user, call.path[0])

    def _headers(self) -> dict[str, str]:
        headers = {GENERIC_HEADER: GENERIC_VALUE}
        for name, raw in self._response.get("headers", {}).items():
            header = self.spec.resolve(raw)
            if name.lower() == "content-length" or not header.get("required"):
                continue
            value = header.get("example", header.get("schema", {}).get("example", "generic"))
            headers[name] = str(value)
        return headers

    def body(self, call: Call) -> Any:
        """The JSON answer: the valid example, else a value built from the schema."""
        if self._example is not None:
            return self._example[0]
        echo = dict(zip(self.operation.path_names, call.path, strict=True))
        return sample(self.spec, self._schema, seed=_seed(call), echo=echo)

    def __call__(self, call: Call) -> Response:
        self._check_owner(call)
        status = self.operation.success_status
        headers = self._headers()
        if call.request.method == "HEAD" or self.media_type is None:
            return Response(status_code=status, headers=headers)
        media = self.media_type.lower()
        if not (media in _JSON_TYPES or media.endswith("+json")):
            if media.startswith("text/"):
                return Response("generic", status_code=status, media_type=media, headers=headers)
            return Response(_generic_pdf(), status_code=status, media_type=media, headers=headers)
        return Response(
            json.dumps(self.body(call), separators=(",", ":")),
            status_code=status,
            media_type="application/json",
            headers=headers,
        )


def generic_handlers(spec: CompiledSpec, known: Mapping[str, Handler]) -> dict[str, Handler]:
    """A generic handler for every operation of ``spec`` that ``known`` lacks."""
    return {
        operation_id: GenericHandler(spec, operation)
        for operation_id, operation in sorted(spec.operations.items())
        if operation_id not in known
    }
