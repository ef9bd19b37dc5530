"""The OpenAPI document: located, loaded and compiled once per process, then used to validate.

The document is ``easyink_sandbox/_spec/easyink.yaml`` inside an installed wheel, else the
repository's ``openapi/easyink.yaml``. It is read from ``_openapi.json`` beside this module, the
same document in JSON (written by ``scripts/regenerate.sh``), when that file was made from
exactly these YAML bytes (its SHA-256); otherwise the YAML is parsed, with libyaml's
``CSafeLoader`` when PyYAML has it. Compiling builds, per operation, JSON Schema validators
(OpenAPI 3.1 dialect, ``openapi-schema-validator``) for its parameters, request body and
responses, with local ``$ref`` inlined once at compile time (only a recursive ``$ref`` is left
for the ``referencing`` registry). A request is then validated with a few dictionary look-ups and
schema checks, without any per-request parsing of the document or ``$ref`` resolution.

Violations become one ``ValidationError`` inner error per field (``RequiredField`` or
``InvalidField``). A few violations carry the documented business message as the error's message
(e.g. a ``subject`` longer than 500 characters answers "Subject cannot exceed 500 characters").
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from starlette.datastructures import UploadFile
from starlette.requests import Request

from ._errors import (
    POSITION_X_NEGATIVE,
    POSITION_Y_NEGATIVE,
    SUBJECT_TOO_LONG,
    VALIDATION_FAILED,
    VOID_REASON_REQUIRED,
    validation,
)
from ._fastcheck import Check, compile_check

_BASE_URI = "urn:easyink:openapi"
SchemaError = Any  # a jsonschema ValidationError
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_JSON_TYPES = ("application/json", "text/json")
_OVERRIDES = {
    ("subject", "maxLength"): SUBJECT_TOO_LONG,
    ("positionX", "minimum"): POSITION_X_NEGATIVE,
    ("positionY", "minimum"): POSITION_Y_NEGATIVE,
    ("reason", "minLength"): VOID_REASON_REQUIRED,
    ("voidReason", "minLength"): VOID_REASON_REQUIRED,
    ("reason", "required"): VOID_REASON_REQUIRED,
    ("voidReason", "required"): VOID_REASON_REQUIRED,
    ("reason", "type"): VOID_REASON_REQUIRED,
    ("voidReason", "type"): VOID_REASON_REQUIRED,
}
# Keywords whose values are data, not schemas: never searched for $ref.
_LITERAL_KEYWORDS = frozenset({"enum", "const", "default", "example", "examples", "required"})
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})
_BODY_REQUIRED_OVERRIDES = {
    "voidSession": VOID_REASON_REQUIRED,
    "recreateSession": VOID_REASON_REQUIRED,
}


class Validator:
    """An ``OAS31Validator`` that first asks a compiled predicate whether the value is valid.

    Valid values (nearly every request) skip ``jsonschema``'s machinery; for any other value the
    errors are the validator's own (:mod:`easyink_sandbox._fastcheck`).
    """

    __slots__ = ("_fast", "schema", "validator")

    def __init__(self, validator: Any) -> None:
        self.validator = validator
        self.schema: Any = validator.schema
        self._fast: Check | None = compile_check(validator)

    def _surely_valid(self, instance: Any) -> bool:
        if self._fast is None:
            return False
        try:
            return self._fast(instance)
        except Exception:  # whatever it was, the full validator decides
            return False

    def is_valid(self, instance: Any) -> bool:
        """Whether ``instance`` conforms to the schema."""
        return self._surely_valid(instance) or bool(self.validator.is_valid(instance))

    def iter_errors(self, instance: Any) -> Iterator[SchemaError]:
        """The validator's errors for ``instance`` (none when it conforms)."""
        if self._surely_valid(instance):
            return iter(())
        errors: Iterator[SchemaError] = self.validator.iter_errors(instance)
        return errors


def spec_path() -> Path:
    """The OpenAPI document: packaged copy first, then the repository's ``openapi/``."""
    here = Path(__file__).resolve().parent
    packaged = here / "_spec" / "easyink.yaml"
    if packaged.is_file():
        return packaged
    return here.parent / "openapi" / "easyink.yaml"


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@attrs.frozen
class Parsed:
    """A validated request: path parameters (in template order), query values and body."""

    path: list[str]
    query: dict[str, Any]
    body: Any
    files: dict[str, tuple[str, bytes]]


@attrs.frozen
class _Param:
    name: str
    location: str
    required: bool
    validator: Validator
    kind: str  # scalar type used for query coercion
    is_array: bool


@attrs.frozen
class _Response:
    media_types: tuple[str, ...]
    json_validator: Validator | None
    required_headers: tuple[str, ...]


@attrs.frozen
class Operation:
    """One compiled operation of the document."""

    operation_id: str
    method: str
    path: str
    path_names: tuple[str, ...]
    params: tuple[_Param, ...]
    body_required: bool
    body_media: Mapping[str, Validator | None]
    body_properties: Mapping[str, tuple[bool, bool]]  # multipart: name -> (required, binary)
    responses: Mapping[str, _Response]
    success_status: int

    async def parse(self, request: Request) -> Parsed:
        """Validate the request; raise a 400 ValidationError when it breaks the document."""
        problems: list[_Problem] = []
        path_values = [str(request.path_params.get(n, "")) for n in self.path_names]
        query: dict[str, Any] = {}
        for param in self.params:
            if param.location == "path":
                value: Any = request.path_params.get(param.name)
            elif param.location == "query":
                raw = request.query_params.getlist(param.name)
                if not raw:
                    if param.required:
                        problems.append(_Problem(param.name, "required", None))
                    continue
                value = (
                    [_coerce(v, param.kind) for v in raw]
                    if param.is_array
                    else _coerce(raw[-1], param.kind)
                )
                query[param.name] = value
            elif param.location == "header":
                value = request.headers.get(param.name)
                if value is None:
                    if param.required:
                        problems.append(_Problem(param.name, "required", None))
                    continue
            else:
                continue
            problems.extend(_problems(param.validator, value, param.name))
        body, files = await self._parse_body(request, problems)
        if problems:
            raise _to_error(problems)
        return Parsed(path=path_values, query=query, body=body, files=files)

    async def _parse_body(
        self, request: Request, problems: list[_Problem]
    ) -> tuple[Any, dict[str, tuple[str, bytes]]]:
        if not self.body_media:
            return None, {}
        content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type == "multipart/form-data" and content_type in self.body_media:
            return await self._parse_multipart(request, problems)
        raw = await request.body()
        if not raw.strip():
            if self.body_required:
                override = _BODY_REQUIRED_OVERRIDES.get(self.operation_id)
                problems.append(_Problem("body", "required", None, override))
            return None, {}
        json_media = [m for m in self.body_media if m in _JSON_TYPES or m.endswith("+json")]
        if content_type not in self.body_media and not (
            json_media
            and (content_type in _JSON_TYPES or content_type.endswith("+json") or not content_type)
        ):
            problems.append(
                _Problem("body", "contentType", f"unsupported content type '{content_type}'")
            )
            return None, {}
        try:
            body = json.loads(raw)
        except ValueError:
            problems.append(_Problem("body", "json", "the body is not valid JSON"))
            return None, {}
        validator = self.body_media.get(content_type) or next(
            (self.body_media[m] for m in json_media if self.body_media[m] is not None), None
        )
        if validator is not None:
            problems.extend(_problems(validator, body, ""))
        return body, {}

    async def _parse_multipart(
        self, request: Request, problems: list[_Problem]
    ) -> tuple[Any, dict[str, tuple[str, bytes]]]:
        try:
            form = await request.form()
        except Exception:
            problems.append(_Problem("body", "multipart", "the multipart body is malformed"))
            return None, {}
        files: dict[str, tuple[str, bytes]] = {}
        fields: dict[str, str] = {}
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[name] = (value.filename or name, await value.read())
            else:
                fields[name] = value
        await form.close()
        for name, (required, binary) in self.body_properties.items():
            if binary and name not in files and name in fields:
                files[name] = (name, fields[name].encode())
            present = name in files or name in fields
            if required and not present:
                problems.append(_Problem(name, "required", None))
        return fields, files

    def check_response(
        self, status: int, headers: Mapping[str, str], body: bytes | None
    ) -> list[str]:
        """Every way the response breaks the document (empty when it conforms)."""
        spec = (
            self.responses.get(str(status))
            or self.responses.get(f"{str(status)[0]}XX")
            or self.responses.get("default")
        )
        if spec is None:
            return [f"status {status} is not documented for {self.operation_id}"]
        violations: list[str] = []
        lowered = {k.lower(): v for k, v in headers.items()}
        for header in spec.required_headers:
            if header.lower() not in lowered:
                violations.append(f"required header {header} is missing")
        media = lowered.get("content-type", "").split(";", 1)[0].strip().lower()
        if self.method == "head" or status in (204, 304):
            return violations
        if not spec.media_types:
            if body:
                violations.append(f"status {status} documents no body but one was sent")
            return violations
        if media not in spec.media_types:
            violations.append(f"content type '{media}' is not one of {list(spec.media_types)}")
            return violations
        if spec.json_validator is not None and body is not None:
            try:
                value = json.loads(body)
            except ValueError:
                return [*violations, "the body is not valid JSON"]
            for error in spec.json_validator.iter_errors(value):
                location = "/".join(str(p) for p in error.absolute_path) or "<root>"
                violations.append(f"body at {location}: {error.message[:300]}")
        return violations


@attrs.frozen
class _Problem:
    field: str
    keyword: str
    detail: str | None
    override: str | None = None


def _coerce(value: str, kind: str) -> Any:
    if kind == "integer":
        try:
            return int(value)
        except ValueError:
            return value
    if kind == "number":
        try:
            return float(value)
        except ValueError:
            return value
    if kind == "boolean":
        return {"true": True, "false": False}.get(value.lower(), value)
    return value


def _leaves(error: SchemaError) -> Iterator[SchemaError]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        branches: dict[Any, list[SchemaError]] = defaultdict(list)
        for sub in error.context:
            branches[sub.relative_schema_path[0]].append(sub)
        relevant = [
            errs
            for errs in branches.values()
            if not all(e.validator == "type" and not e.relative_path for e in errs)
        ]
        if len(relevant) == 1:
            for sub in relevant[0]:
                yield from _leaves(sub)
            return
    yield error


def _name(prefix: str, path: Any) -> str:
    name = prefix
    for part in path:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name = f"{name}.{part}" if name else str(part)
    return name


def _describe(error: SchemaError) -> str:
    keyword, value = str(error.validator), error.validator_value
    if keyword == "type":
        kinds = [value] if isinstance(value, str) else list(value)
        return "must be of type " + " or ".join(str(k) for k in kinds)
    if keyword == "enum" and isinstance(value, list):
        return "must be one of: " + ", ".join(str(v) for v in value)
    templates = {
        "maxLength": "must be at most {} characters",
        "minLength": "must be at least {} characters",
        "minimum": "must be greater than or equal to {}",
        "maximum": "must be less than or equal to {}",
        "exclusiveMinimum": "must be greater than {}",
        "exclusiveMaximum": "must be less than {}",
        "format": "must be a valid {}",
        "pattern": "must match the pattern {}",
        "minItems": "must have at least {} items",
        "maxItems": "must have at most {} items",
    }
    template = templates.get(keyword)
    return template.format(value) if template else str(error.message)[:200]


def _problems(validator: Validator, value: Any, prefix: str) -> list[_Problem]:
    found: list[_Problem] = []
    for top in validator.iter_errors(value):
        for error in _leaves(top):
            if error.validator == "required" and isinstance(error.instance, dict):
                for prop in error.validator_value:
                    if prop not in error.instance:
                        field = _name(prefix, [*error.absolute_path, prop])
                        override = _OVERRIDES.get((str(prop), "required"))
                        found.append(_Problem(field, "required", None, override))
                continue
            if error.validator == "additionalProperties":
                found.append(
                    _Problem(
                        _name(prefix, error.absolute_path) or "body",
                        "additionalProperties",
                        error.message[:200],
                    )
                )
                continue
            path = list(error.absolute_path)
            field = _name(prefix, path) or "body"
            last = str(path[-1]) if path else prefix
            override = _OVERRIDES.get((last, str(error.validator)))
            found.append(_Problem(field, str(error.validator), _describe(error), override))
    return found


def _to_error(problems: list[_Problem]) -> Exception:
    inner: list[tuple[str, str]] = []
    seen: set[str] = set()
    message = VALIDATION_FAILED
    for problem in problems:
        if problem.override is not None and message == VALIDATION_FAILED:
            message = problem.override
        if problem.field in seen:
            continue
        seen.add(problem.field)
        if problem.keyword == "required":
            text = (
                "The request body is required"
                if problem.field == "body"
                else f"The '{problem.field}' field is required"
            )
            inner.append(("RequiredField", text))
        else:
            inner.append(
                ("InvalidField", f"The '{problem.field}' field is invalid: {problem.detail}")
            )
    return validation(message, inner)


class CompiledSpec:
    """The document with every operation compiled for validation."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = DRAFT202012.create_resource(document)
        self._registry: Registry[Any] = Registry().with_resource(_BASE_URI, resource)
        self.operations: dict[str, Operation] = {}
        for path, item in document.get("paths", {}).items():
            for method in _METHODS:
                if method in item:
                    operation = self._compile(path, method, item)
                    self.operations[operation.operation_id] = operation

    def _validator(self, *pointer: str) -> Validator:
        try:
            node: Any = self.document
            for part in pointer:
                node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(node, (dict, bool)):
            # Local $refs inlined once here, so validating a request does no $ref look-ups.
            schema: Any = self._inline(node, ())
        else:
            schema = {"$ref": f"{_BASE_URI}#/{_pointer(*pointer)}"}
        return Validator(
            OAS31Validator(schema, registry=self._registry, format_checker=oas31_format_checker)
        )

    def _inline(self, node: Any, stack: tuple[str, ...], *, names: bool = False) -> Any:
        """``node`` with every local ``$ref`` replaced by its target (recursion kept as a $ref).

        A ``$ref`` with sibling keywords becomes ``allOf`` (same meaning in JSON Schema 2020-12;
        errors come from the same keywords). A ``$ref`` back into one of its own ancestors is
        kept, made absolute so that the registry still resolves it.
        """
        if isinstance(node, list):
            return [self._inline(item, stack) for item in node]
        if not isinstance(node, dict):
            return node
        if names:  # a name -> schema map ("properties"): no keyword among the keys
            return {key: self._inline(value, stack) for key, value in node.items()}
        out: dict[str, Any] = {
            key: value
            if key in _LITERAL_KEYWORDS
            else self._inline(value, stack, names=key in _SCHEMA_MAPS)
            for key, value in node.items()
            if key != "$ref"
        }
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return out
        if not ref.startswith("#/") or ref in stack:
            out["$ref"] = f"{_BASE_URI}{ref}" if ref.startswith("#") else ref
            return out
        target = self._inline(self.resolve({"$ref": ref}), (*stack, ref))
        if not out:
            return target
        out["allOf"] = [*out.get("allOf", []), target]
        return out

    def resolve(self, node: Any) -> Any:
        """``node`` with its local ``$ref`` chain followed (any other node is returned as is)."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                break
            node = self.document
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            seen += 1
        return node

    def _kind(self, schema: Any) -> tuple[str, bool]:
        schema = self.resolve(schema)
        types = schema.get("type", "string") if isinstance(schema, dict) else "string"
        if isinstance(types, list):
            types = next((t for t in types if t != "null"), "string")
        if types == "array":
            inner = self.resolve(schema.get("items", {}))
            inner_type = inner.get("type", "string") if isinstance(inner, dict) else "string"
            if isinstance(inner_type, list):
                inner_type = next((t for t in inner_type if t != "null"), "string")
            return str(inner_type), True
        return str(types), False

    def _compile(self, path: str, method: str, item: dict[str, Any]) -> Operation:
        raw = item[method]
        operation_id = raw["operationId"]
        params: dict[tuple[str, str], tuple[_Param, ...]] = {}
        for source, entries in (
            ("item", item.get("parameters", [])),
            ("op", raw.get("parameters", [])),
        ):
            base = ("paths", path) if source == "item" else ("paths", path, method)
            for index, entry in enumerate(entries):
                resolved = self.resolve(entry)
                kind, is_array = self._kind(resolved.get("schema", {}))
                pointer = (*base, "parameters", str(index), "schema")
                if "$ref" in entry:
                    pointer = (*entry["$ref"][2:].split("/"), "schema")
                    pointer = tuple(p.replace("~1", "/").replace("~0", "~") for p in pointer)
                param = _Param(
                    name=resolved["name"],
                    location=resolved["in"],
                    required=bool(resolved.get("required", False)),
                    validator=self._validator(*pointer),
                    kind=kind,
                    is_array=is_array,
                )
                params[(param.name, param.location)] = (param,)
        body_media: dict[str, Validator | None] = {}
        body_properties: dict[str, tuple[bool, bool]] = {}
        body = self.resolve(raw.get("requestBody", {}))
        for raw_media, content in body.get("content", {}).items():
            media = raw_media.lower()
            if "schema" not in content:
                body_media[media] = None
                continue
            body_ref = ("paths", path, method, "requestBody", "content", media, "schema")
            if "$ref" in raw.get("requestBody", {}):
                ref = raw["requestBody"]["$ref"][2:].split("/")
                body_ref = (*ref, "content", media, "schema")
            if media == "multipart/form-data":
                schema = self.resolve(content["schema"])
                required = set(schema.get("required", []))
                for name, raw_prop in schema.get("properties", {}).items():
                    prop = self.resolve(raw_prop)
                    binary = prop.get("format") == "binary" or "contentMediaType" in prop
                    body_properties[name] = (name in required, binary)
                body_media[media] = None
            else:
                body_media[media] = self._validator(*body_ref)
        responses: dict[str, _Response] = {}
        for status, response in raw.get("responses", {}).items():
            resolved = self.resolve(response)
            pointer = ("paths", path, method, "responses", str(status))
            if "$ref" in response:
                pointer = tuple(response["$ref"][2:].split("/"))
            media_types = tuple(m.lower() for m in resolved.get("content", {}))
            json_media = next(
                (m for m in media_types if m in _JSON_TYPES or m.endswith("+json")), None
            )
            validator = None
            if json_media is not None and "schema" in resolved["content"][json_media]:
                validator = self._validator(*pointer, "content", json_media, "schema")
            required_headers = tuple(
                name
                for name, header in resolved.get("headers", {}).items()
                if self.resolve(header).get("required")
            )
            responses[str(status)] = _Response(media_types, validator, required_headers)
        success = min((int(s) for s in responses if s.isdigit() and s.startswith("2")), default=200)
        return Operation(
            operation_id=operation_id,
            method=method,
            path=path,
            path_names=tuple(part[1:-1] for part in path.split("/") if part.startswith("{")),
            params=tuple(p for group in params.values() for p in group),
            body_required=bool(body.get("required", False)),
            body_media=body_media,
            body_properties=body_properties,
            responses=responses,
            success_status=success,
        )


PREBUILT = Path(__file__).resolve().parent / "_openapi.json"


def _prebuilt(raw: bytes) -> dict[str, Any] | None:
    """The JSON form of the YAML ``raw``, when the packaged one was made from these bytes."""
    try:
        prebuilt = json.loads(PREBUILT.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(prebuilt, dict):
        return None
    if prebuilt.get("sourceSha256") != hashlib.sha256(raw).hexdigest():
        return None
    document = prebuilt.get("document")
    return document if isinstance(document, dict) else None


def read_document(location: Path) -> dict[str, Any]:
    """The OpenAPI document at ``location``: its prebuilt JSON form, else the YAML parsed."""
    raw = location.read_bytes()
    document = _prebuilt(raw)
    if document is not None:
        return document
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: about 8x faster
    parsed: dict[str, Any] = yaml.load(raw.decode("utf-8"), Loader=loader)  # a safe loader
    return parsed


@functools.cache
def load_spec(path: str | None = None) -> CompiledSpec:
    """The compiled document (cached: loaded and compiled once per process)."""
    location = Path(path) if path is not None else spec_path()
    return CompiledSpec(read_document(location))
