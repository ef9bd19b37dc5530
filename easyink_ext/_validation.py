"""Pre-flight request validation against the OpenAPI document's constraints.

The transport calls :class:`RequestValidator` on every outgoing request before anything is
sent. It finds the operation from the method and URL path, then checks the path parameters,
the query parameters and the JSON body against the schemas copied from
``openapi/easyink.yaml`` into ``_request_schemas.json`` (see ``scripts/spec_extract.py``),
plus the few cross-field rules a schema cannot express (:data:`CROSS_FIELD_RULES`). Problems
raise :class:`~easyink_ext.errors.RequestValidationError` listing every violation.

Validators are compiled once per process; requests to paths the spec does not describe are
left alone.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from ._schema import Check, SchemaCompiler
from .errors import RequestValidationError

SCHEMAS_FILE = Path(__file__).with_name("_request_schemas.json")
_PARAM = re.compile(r"\{([^}/]+)\}")

CrossFieldRule = Callable[[Any], list[str]]


def _contact_rule(body: Any) -> list[str]:
    """Email delivery needs an email address, Sms delivery a phone number."""
    if not isinstance(body, dict):
        return []
    methods = body.get("deliveryMethods") or []
    problems: list[str] = []
    if "Email" in methods and not body.get("email"):
        problems.append("body.email: is required when deliveryMethods includes 'Email'")
    if "Sms" in methods and not body.get("phone"):
        problems.append("body.phone: is required when deliveryMethods includes 'Sms'")
    return problems


def _field_options_rule(body: Any) -> list[str]:
    """A signature field's ``options.forType`` must equal the field's ``type``."""
    field = body.get("field") if isinstance(body, dict) else None
    if not isinstance(field, dict):
        return []
    options = field.get("options")
    if (
        isinstance(options, dict)
        and "forType" in options
        and options["forType"] != field.get("type")
    ):
        return [
            f"body.field.options.forType: {options['forType']!r} must equal the field type "
            f"{field.get('type')!r}"
        ]
    return []


def _void_reason_rule(body: Any) -> list[str]:
    """Voiding needs a non-blank reason ("A reason for voiding is required.")."""
    reason = body.get("reason") if isinstance(body, dict) else None
    if not isinstance(reason, str) or not reason.strip():
        return ["body.reason: a reason for voiding is required"]
    return []


def _recreate_reason_rule(body: Any) -> list[str]:
    """Recreating voids the original, so it needs a non-blank void reason too."""
    reason = body.get("voidReason") if isinstance(body, dict) else None
    if isinstance(reason, str) and not reason.strip():
        return ["body.voidReason: must not be blank"]
    return []


CROSS_FIELD_RULES: dict[str, list[CrossFieldRule]] = {
    "addDraftParticipant": [_contact_rule],
    "updateDraftParticipant": [_contact_rule],
    "updateSessionParticipant": [_contact_rule],
    "addDraftSignatureField": [_field_options_rule],
    "voidSession": [_void_reason_rule],
    "recreateSession": [_recreate_reason_rule],
}


def _coerce(raw: str, schema: Mapping[str, Any]) -> Any:
    """Turn a query/path string into the JSON value its schema describes (best effort)."""
    kinds = schema.get("type")
    names = [kinds] if isinstance(kinds, str) else list(kinds or [])
    try:
        if "integer" in names:
            return int(raw)
        if "number" in names:
            return float(raw)
    except ValueError:
        return raw
    if "boolean" in names and raw in ("true", "false"):
        return raw == "true"
    return raw


class _Parameter:
    __slots__ = ("array", "check", "item_schema", "location", "name", "required", "schema")

    def __init__(self, raw: Mapping[str, Any], compiler: SchemaCompiler) -> None:
        self.name: str = raw["name"]
        self.location: str = raw["in"]
        self.required: bool = raw["required"]
        self.schema: Mapping[str, Any] = raw["schema"]
        self.array = self.schema.get("type") == "array"
        items = self.schema.get("items", {})
        if "$ref" in items:
            items = compiler.components.get(str(items["$ref"]).rsplit("/", 1)[1], {})
        self.item_schema: Mapping[str, Any] = items
        self.check: Check = compiler.compile(self.schema)


class _Operation:
    __slots__ = (
        "body_check",
        "body_required",
        "name",
        "path",
        "path_params",
        "query_params",
        "rules",
    )

    def __init__(self, raw: Mapping[str, Any], compiler: SchemaCompiler) -> None:
        self.name: str = raw["operationId"]
        self.path: str = raw["path"]  # the template, e.g. /api/signingSessions/{signingSessionId}
        params = [_Parameter(p, compiler) for p in raw["parameters"]]
        self.path_params = {p.name: p for p in params if p.location == "path"}
        self.query_params = [p for p in params if p.location == "query"]
        body = raw.get("body")
        self.body_required = bool(body and body["required"])
        json_schema = (body or {}).get("content", {}).get("application/json")
        self.body_check: Check | None = (
            compiler.compile(json_schema) if json_schema is not None else None
        )
        self.rules = CROSS_FIELD_RULES.get(self.name, [])


def _route_regex(path: str) -> re.Pattern[str]:
    pattern = ""
    last = 0
    for match in _PARAM.finditer(path):
        pattern += re.escape(path[last : match.start()]) + f"(?P<{match.group(1)}>[^/]*)"
        last = match.end()
    pattern += re.escape(path[last:])
    return re.compile(pattern + "$")


class RequestValidator:
    """Callable checking an ``httpx.Request``; raises RequestValidationError on problems."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        compiler = SchemaCompiler(document["schemas"])
        routes: list[tuple[str, int, re.Pattern[str], _Operation]] = []
        for raw in document["operations"]:
            regex = _route_regex(raw["path"])
            depth = raw["path"].count("/")
            routes.append((raw["method"], depth, regex, _Operation(raw, compiler)))
        # Literal segments win over templates ("/statistics" before "/{signingSessionId}").
        routes.sort(key=lambda route: route[2].groups)
        self._routes: dict[str, list[tuple[re.Pattern[str], _Operation]]] = {}
        # Fast path: routes indexed by method and number of "/" in the template.
        self._by_depth: dict[tuple[str, int], list[tuple[re.Pattern[str], _Operation]]] = {}
        for method, depth, regex, op in routes:
            self._routes.setdefault(method, []).append((regex, op))
            self._by_depth.setdefault((method, depth), []).append((regex, op))

    def match(self, method: str, path: str) -> tuple[_Operation, dict[str, str]] | None:
        """The operation serving ``method path`` and its path parameter values, if any."""
        for regex, op in self._by_depth.get((method, path.count("/")), ()):
            found = regex.match(path)
            if found is not None:
                return op, found.groupdict()
        # A base URL with a path prefix: search every route of the method.
        for regex, op in self._routes.get(method, ()):
            found = regex.search(path)
            if found is not None:
                return op, found.groupdict()
        return None

    def __call__(self, request: httpx.Request) -> None:
        matched = self.match(request.method, request.url.path)
        if matched is None:
            return
        op, path_values = matched
        problems: list[str] = []
        for name, value in path_values.items():
            param = op.path_params.get(name)
            if param is not None:
                param.check(_coerce(value, param.schema), f"path.{name}", problems)
        if op.query_params:
            self._check_query(op, request.url.params, problems)
        if op.body_check is not None or op.rules:
            self._check_body(op, request, problems)
        if problems:
            raise RequestValidationError(op.name, problems)

    @staticmethod
    def _check_query(op: _Operation, params: httpx.QueryParams, problems: list[str]) -> None:
        for param in op.query_params:
            values = params.get_list(param.name)
            where = f"query.{param.name}"
            if not values:
                if param.required:
                    problems.append(f"{where}: is required")
                continue
            if param.array:
                param.check([_coerce(v, param.item_schema) for v in values], where, problems)
            else:
                param.check(_coerce(values[-1], param.schema), where, problems)

    @staticmethod
    def _check_body(op: _Operation, request: httpx.Request, problems: list[str]) -> None:
        content_type = request.headers.get("Content-Type", "")
        if not content_type.startswith("application/json"):
            if op.body_required and op.body_check is not None and not content_type:
                problems.append("body: a JSON request body is required")
            return
        try:
            body = json.loads(request.content)
        except (httpx.RequestNotRead, ValueError):
            return
        if op.body_check is not None:
            op.body_check(body, "body", problems)
        for rule in op.rules:
            problems.extend(rule(body))


@functools.lru_cache(maxsize=1)
def default_validator() -> RequestValidator:
    """The process-wide validator built from the packaged ``_request_schemas.json``."""
    with SCHEMAS_FILE.open(encoding="utf-8") as handle:
        return RequestValidator(json.load(handle))


def route(method: str, path: str) -> tuple[str, str, dict[str, str]] | None:
    """The operation id, path template and path parameter values of ``method path``.

    ``None`` when the spec does not describe the request. Used by logging and tracing, so
    that operation names, templates and ids come from the same table as validation.
    """
    matched = default_validator().match(method, path)
    if matched is None:
        return None
    op, values = matched
    return op.name, op.path, values
