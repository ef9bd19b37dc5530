"""What changed between two OpenAPI documents, operation by operation, for a Python caller.

Each operation (keyed by ``operationId``) is reduced to its *shape*: tag, method, path, the
parameters, and the request and success-response bodies flattened to fields
(``participants[].email``) with their types, formats, enum values and required-ness. Two
shapes are compared field by field.

Breaking for a caller of the generated client (it no longer imports, no longer accepts the call,
or may get a value its code does not expect):

* an operation removed, or moved to another tag (its module moves);
* a parameter removed or renamed, a required parameter added, a parameter made required;
* a request body removed or made required; a request field removed, added as required or made
  required; a request type narrowed;
* a response field removed or made optional; a response type widened (e.g. now nullable);
* an enum value removed, or a field gaining or losing its enum; a type or format changed;
* a request constraint made stricter (the client validates requests before sending, so calls
  it accepted are refused): ``maxLength``, ``maxItems`` or ``maximum`` lowered or added,
  ``minLength``, ``minItems`` or ``minimum`` raised or added, a ``pattern`` or ``multipleOf``
  added or changed, ``uniqueItems`` turned on.

Not breaking: an operation added; a method, path template or success status changed with the
same parameters (the generated function keeps its name and signature); optional parameters and
request fields added; a response field added or made required; a request type widened; an
enum value added; a request constraint made looser; a response constraint changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_UPPER = ("maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum")
_LOWER = ("minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum")
_EXACT = ("pattern", "multipleOf")
CONSTRAINTS = (*_UPPER, *_LOWER, *_EXACT, "uniqueItems")
"""The validation keywords compared: a request made stricter by one of them is breaking."""
BODY = "(body)"
_JSON_TYPES = ("application/json", "text/json")


@dataclass(frozen=True)
class Field:
    """A flattened field: its types (``string(uuid)``, ``null``), enum values, required-ness."""

    types: frozenset[str]
    required: bool
    enum: tuple[str, ...] | None = None
    limits: tuple[tuple[str, str], ...] = ()  # (keyword, value) of CONSTRAINTS, sorted


@dataclass(frozen=True)
class Shape:
    """What a Python caller sees of one operation."""

    operation_id: str
    method: str
    path: str
    tag: str
    params: Mapping[str, Field]  # "<in> <name>" -> field
    body: Mapping[str, Field] | None  # None: no request body
    response: Mapping[str, Field]
    status: str

    @property
    def title(self) -> str:
        return f"{self.method.upper()} {self.path}"


@dataclass(frozen=True, order=True)
class Change:
    """One difference; ``breaking`` for a Python caller of the generated client."""

    operation: str
    text: str
    breaking: bool = field(compare=False)


class _Document:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def resolve(self, node: Any) -> tuple[Any, str | None]:
        """``node`` with its local ``$ref`` chain followed, and the last reference followed."""
        last = None
        for _ in range(20):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            ref = node["$ref"]
            if not ref.startswith("#/"):
                break
            last = ref
            node = self.document
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, last

    def flatten(
        self,
        schema: Any,
        prefix: str,
        required: bool,
        out: dict[str, Field],
        stack: tuple[str, ...],
    ) -> None:
        """Add ``prefix`` and every field below it to ``out``."""
        resolved, ref = self.resolve(schema)
        if ref is not None and ref in stack:
            out[prefix] = Field(frozenset({f"ref:{ref.rsplit('/', 1)[-1]}"}), required)
            return
        stack = (*stack, ref) if ref else stack
        types: set[str] = set()
        enum: set[str] | None = None
        limits: dict[str, str] = {}
        for part in self._parts(resolved):
            limits.update({k: str(part[k]) for k in CONSTRAINTS if k in part})
            kinds = _types(part)
            fmt = part.get("format")
            types.update(
                f"{k}({fmt})" if fmt and k in ("string", "integer", "number") else k for k in kinds
            )
            if "enum" in part or "const" in part:
                values = part.get("enum", [part.get("const")])
                enum = (enum or set()) | {str(v) for v in values if v is not None}
                types.update("null" for v in values if v is None)
            names = set(part.get("required", []))
            for name, prop in part.get("properties", {}).items():
                child = f"{prefix}.{name}" if prefix != BODY else name
                self.flatten(prop, child, name in names, out, stack)
            if "items" in part:
                self.flatten(part["items"], f"{prefix}[]", True, out, stack)
        previous = out.get(prefix)
        if previous is not None:  # the same place reached twice (allOf): merge
            types |= previous.types
            required = required or previous.required
            limits = {**dict(previous.limits), **limits}
        out[prefix] = Field(
            frozenset(types),
            required,
            tuple(sorted(enum)) if enum is not None else None,
            tuple(sorted(limits.items())),
        )

    def _parts(self, schema: Any) -> Iterator[dict[str, Any]]:
        """The schema and its ``allOf`` / ``anyOf`` / ``oneOf`` branches, resolved, flattened."""
        if not isinstance(schema, dict):
            return
        own = {k: v for k, v in schema.items() if k not in ("allOf", "anyOf", "oneOf")}
        branches = [b for key in ("allOf", "anyOf", "oneOf") for b in schema.get(key, [])]
        if own or not branches:
            yield own
        for branch in branches:
            yield from self._parts(self.resolve(branch)[0])


def _types(schema: Mapping[str, Any]) -> list[str]:
    kinds = schema.get("type")
    if isinstance(kinds, str):
        return [kinds]
    if isinstance(kinds, list):
        return [str(k) for k in kinds]
    if "properties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return []


def _body_schema(content: Mapping[str, Any]) -> tuple[str | None, Any]:
    """The media type a Python caller deals with (JSON first) and its schema."""
    for media in sorted(content, key=lambda m: (m.lower() not in _JSON_TYPES, m)):
        return media, content[media].get("schema", {})
    return None, None


def shapes(document: Mapping[str, Any]) -> dict[str, Shape]:
    """The shape of every operation of ``document``, keyed by operationId."""
    doc = _Document(document)
    found: dict[str, Shape] = {}
    for path, raw_item in (document.get("paths") or {}).items():
        item, _ = doc.resolve(raw_item)
        for method in HTTP_METHODS:
            if method in item:
                shape = _shape(doc, path, method, item)
                found[shape.operation_id] = shape
    return found


def _shape(doc: _Document, path: str, method: str, item: Mapping[str, Any]) -> Shape:
    raw = item[method]
    params: dict[str, Field] = {}
    for entry in [*item.get("parameters", []), *raw.get("parameters", [])]:
        param, _ = doc.resolve(entry)
        flat: dict[str, Field] = {}
        key = f"{param['in']} {param['name']}"
        doc.flatten(param.get("schema", {}), key, bool(param.get("required")), flat, ())
        params.update(flat)
    body: dict[str, Field] | None = None
    request, _ = doc.resolve(raw.get("requestBody"))
    if isinstance(request, dict):
        body = {}
        media, schema = _body_schema(request.get("content", {}))
        doc.flatten(schema, BODY, bool(request.get("required")), body, ())
        body[BODY] = Field(
            body[BODY].types | {f"media:{media}"},
            body[BODY].required,
            body[BODY].enum,
            body[BODY].limits,
        )
    responses = raw.get("responses", {})
    status = min((s for s in map(str, responses) if s.startswith("2")), default="default")
    response: dict[str, Field] = {}
    resolved, _ = doc.resolve(responses.get(status, {}))
    media, schema = _body_schema(resolved.get("content", {}) if isinstance(resolved, dict) else {})
    if media is None:
        response[BODY] = Field(frozenset({"none"}), True)
    else:
        doc.flatten(schema, BODY, True, response, ())
    return Shape(
        operation_id=str(raw.get("operationId") or f"{method.upper()} {path}"),
        method=method,
        path=path,
        tag=str((raw.get("tags") or ["default"])[0]),
        params=params,
        body=body,
        response=response,
        status=status,
    )


def _template(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def _path_names(path: str) -> list[str]:
    return re.findall(r"\{([^}]*)\}", path)


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every change between two documents, sorted by operation then text."""
    before, after = shapes(old), shapes(new)
    changes: list[Change] = []
    for op_id in sorted(set(before) | set(after)):
        if op_id not in after:
            changes.append(Change(op_id, f"operation removed ({before[op_id].title})", True))
        elif op_id not in before:
            changes.append(Change(op_id, f"operation added ({after[op_id].title})", False))
        else:
            changes.extend(_compare_operation(before[op_id], after[op_id]))
    return sorted(changes)


def _compare_operation(old: Shape, new: Shape) -> Iterator[Change]:
    op = old.operation_id
    if old.tag != new.tag:
        yield Change(op, f"tag changed from {old.tag} to {new.tag} (the module moves)", True)
    if old.method != new.method:
        yield Change(op, f"method changed: {old.title} -> {new.title}", False)
    renamed: dict[str, str] = {}
    if _template(old.path) == _template(new.path):
        for before, after in zip(_path_names(old.path), _path_names(new.path), strict=True):
            if before != after:
                renamed[f"path {before}"] = f"path {after}"
                yield Change(op, f"path parameter `{before}` renamed to `{after}`", True)
    elif old.path != new.path:
        yield Change(op, f"path changed: {old.path} -> {new.path}", False)
    if old.status != new.status:
        yield Change(op, f"success status changed from {old.status} to {new.status}", False)
    old_params = {renamed.get(k, k): v for k, v in old.params.items()}
    yield from _compare_fields(op, "parameter", old_params, new.params, request=True)
    if old.body is not None and new.body is None:
        yield Change(op, "request body removed", True)
    elif old.body is None and new.body is not None:
        required = new.body[BODY].required
        yield Change(op, f"request body added ({'required' if required else 'optional'})", required)
    elif old.body is not None and new.body is not None:
        yield from _compare_fields(op, "request field", old.body, new.body, request=True)
    yield from _compare_fields(op, "response field", old.response, new.response, request=False)


def _under(name: str, parents: set[str]) -> bool:
    return any(name.startswith((f"{p}.", f"{p}[]")) for p in parents)


def _label(what: str, name: str) -> str:
    if name == BODY:
        return what.replace(" field", " body")
    if what == "parameter":
        location, _, rest = name.partition(" ")
        return f"{location} parameter `{rest}`"
    return f"{what} `{name}`"


def _compare_fields(
    op: str,
    what: str,
    old: Mapping[str, Field],
    new: Mapping[str, Field],
    *,
    request: bool,
) -> Iterator[Change]:
    removed = {n for n in old if n not in new}
    added = {n for n in new if n not in old}
    for name in sorted(removed | added):
        if _under(name, removed | added):
            continue
        if name in removed:
            yield Change(op, f"{_label(what, name)} removed", True)
        else:
            required = new[name].required
            kind = "required" if required else "optional"
            yield Change(op, f"{_label(what, name)} added ({kind})", request and required)
    for name in sorted(set(old) & set(new)):
        yield from _compare_field(op, _label(what, name), old[name], new[name], request=request)


def _compare_field(
    op: str, label: str, old: Field, new: Field, *, request: bool
) -> Iterator[Change]:
    if old.required != new.required:
        now = "required" if new.required else "optional"
        # A request field made required, or a response field made optional, breaks callers.
        yield Change(op, f"{label} is now {now}", new.required if request else not new.required)
    if old.types != new.types:
        added, removed = new.types - old.types, old.types - new.types
        narrowed_or_widened = removed if request else added
        text = f"{label} type changed: {_kinds(old.types)} -> {_kinds(new.types)}"
        yield Change(op, text, bool(narrowed_or_widened))
    if old.limits != new.limits:
        yield from _compare_limits(op, label, dict(old.limits), dict(new.limits), request=request)
    if old.enum != new.enum:
        if old.enum is None or new.enum is None:
            state = "gained" if new.enum is not None else "lost"
            yield Change(op, f"{label} {state} its enum", True)
            return
        gone = sorted(set(old.enum) - set(new.enum))
        extra = sorted(set(new.enum) - set(old.enum))
        if gone:
            yield Change(op, f"{label} enum value removed: {', '.join(gone)}", True)
        if extra:
            yield Change(op, f"{label} enum value added: {', '.join(extra)}", False)


def _compare_limits(
    op: str, label: str, old: dict[str, str], new: dict[str, str], *, request: bool
) -> Iterator[Change]:
    """One change per constraint keyword that differs; breaking when a request's is stricter."""
    for keyword in CONSTRAINTS:
        before, after = old.get(keyword), new.get(keyword)
        if before == after:
            continue
        stricter = _stricter(keyword, before, after)
        how = "stricter" if stricter else "looser"
        text = f"{label} {keyword} {before or 'none'} -> {after or 'none'} ({how})"
        yield Change(op, text, request and stricter)


def _stricter(keyword: str, before: str | None, after: str | None) -> bool:
    """Whether going from ``before`` to ``after`` refuses a value accepted before."""
    if after is None:
        return False  # the constraint is gone
    if before is None:
        return keyword != "uniqueItems" or after.lower() == "true"
    if keyword in _UPPER or keyword in _LOWER:
        try:
            lowered = float(after) < float(before)
        except ValueError:
            return True  # not comparable: assume the worst
        return lowered if keyword in _UPPER else not lowered and float(after) != float(before)
    if keyword == "uniqueItems":
        return after.lower() == "true"
    return True  # a pattern or multipleOf changed: values accepted before may be refused


def _kinds(types: frozenset[str]) -> str:
    return " | ".join(sorted(types)) or "any"
