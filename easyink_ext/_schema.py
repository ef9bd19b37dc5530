"""A small, fast JSON Schema validator for the subset of keywords the EasyInk spec uses.

Schemas are compiled once into closures. Supported keywords: ``$ref`` (local
``#/components/schemas/...``), ``type`` (string or list, so ``["string", "null"]`` works),
``enum``, ``const``, ``minLength``, ``maxLength``, ``pattern``, ``format`` (``uuid``,
``email``; other formats are annotations), ``minimum``, ``maximum``, ``exclusiveMinimum``,
``exclusiveMaximum``, ``items``, ``minItems``, ``maxItems``, ``uniqueItems``, ``properties``,
``required``, ``additionalProperties``, ``allOf``, ``anyOf``, ``oneOf``. Annotation keywords
(``description``, ``example``, ``default``...) are ignored. Any other keyword raises
:class:`UnsupportedSchemaError` at compile time, so a spec that starts using one fails loudly
instead of being validated partially.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ._contact import EMAIL  # the one e-mail rule

Check = Callable[[Any, str, list[str]], None]

_ANNOTATIONS = frozenset(
    {
        "description",
        "title",
        "example",
        "examples",
        "default",
        "readOnly",
        "writeOnly",
        "deprecated",
        "nullable",
        "contentMediaType",
        "contentEncoding",
        "discriminator",
        "xml",
        "externalDocs",
        "$comment",
    }
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "uuid": (_UUID, "is not a valid UUID"),
    "email": (EMAIL, "is not a valid email address"),
}
_MAX_SHOWN = 60


class UnsupportedSchemaError(ValueError):
    """The schema uses a keyword this validator does not implement."""


def show(value: Any) -> str:
    """Short repr of a value for an error message (a cut string keeps its closing quote, so
    tracing can tell the value from the rule around it)."""
    text = repr(value)
    if len(text) <= _MAX_SHOWN:
        return text
    if not isinstance(value, str):
        return f"a {type(value).__name__} of {len(text)} characters"
    return text[: _MAX_SHOWN - 4].rstrip("\\") + "..." + text[-1]


def _type_ok(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    raise UnsupportedSchemaError(f"unknown type {name!r}")


class SchemaCompiler:
    """Compiles schemas of one OpenAPI document (``components.schemas`` resolve ``$ref``)."""

    def __init__(self, components: Mapping[str, Any]) -> None:
        self._components = components
        self._compiled: dict[str, Check] = {}

    @property
    def components(self) -> Mapping[str, Any]:
        """The component schemas ``$ref`` resolves against."""
        return self._components

    def compile(self, schema: Mapping[str, Any] | bool) -> Check:
        """Return a check appending ``"<path>: <problem>"`` strings to the error list."""
        if schema is True or schema == {}:
            return _accept
        if schema is False:
            return _reject
        assert isinstance(schema, Mapping)
        checks: list[Check] = []
        for key, arg in schema.items():
            if key in _ANNOTATIONS or key.startswith("x-"):
                continue
            builder = _BUILDERS.get(key)
            if builder is None:
                if key in ("properties", "required", "additionalProperties"):
                    continue
                raise UnsupportedSchemaError(f"keyword {key!r} is not supported")
            checks.append(builder(self, arg, schema))
        if "properties" in schema or "required" in schema or "additionalProperties" in schema:
            checks.append(_object_check(self, schema))
        if not checks:
            return _accept
        if len(checks) == 1:
            return checks[0]

        def check_all(value: Any, path: str, errors: list[str]) -> None:
            for check in checks:
                check(value, path, errors)

        return check_all

    def ref(self, target: str) -> Check:
        """Check for ``#/components/schemas/<name>`` (resolved lazily; recursion works)."""
        prefix = "#/components/schemas/"
        if not target.startswith(prefix):
            raise UnsupportedSchemaError(f"only local component $ref is supported: {target}")
        name = target[len(prefix) :]
        if name not in self._components:
            raise UnsupportedSchemaError(f"unresolved $ref {target}")

        def check_ref(value: Any, path: str, errors: list[str]) -> None:
            compiled = self._compiled.get(name)
            if compiled is None:
                compiled = self._compiled[name] = self.compile(self._components[name])
            compiled(value, path, errors)

        return check_ref


def _accept(value: Any, path: str, errors: list[str]) -> None:
    return None


def _reject(value: Any, path: str, errors: list[str]) -> None:
    errors.append(f"{path}: no value is allowed here")


def _b_ref(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    return c.ref(str(arg))


def _b_type(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    names = [arg] if isinstance(arg, str) else list(arg)
    for name in names:
        _type_ok(None, name)
    label = " or ".join("null" if n == "null" else n for n in names)

    def check_type(value: Any, path: str, errors: list[str]) -> None:
        for name in names:
            if _type_ok(value, name):
                return
        errors.append(f"{path}: expected {label}, got {show(value)}")

    return check_type


def _b_enum(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    allowed = list(arg)

    def check_enum(value: Any, path: str, errors: list[str]) -> None:
        if not any(value == a and type(value) is type(a) for a in allowed):
            errors.append(f"{path}: {show(value)} is not one of {allowed}")

    return check_enum


def _b_const(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    return _b_enum(c, [arg], schema)


def _length_bound(
    kind: type[str] | type[list[Any]],
    limit: int,
    *,
    at_least: bool,
    problem: Callable[[Any], str],
) -> Check:
    """A check of ``len(value)`` against ``limit`` for values of ``kind`` (str or list)."""

    def check_length(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, kind):
            return
        if len(value) < limit if at_least else len(value) > limit:
            errors.append(f"{path}: {problem(value)}")

    return check_length


def _b_min_length(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    limit = int(arg)
    what = "must not be empty" if limit == 1 else f"must be at least {limit} characters"
    return _length_bound(str, limit, at_least=True, problem=lambda value: what)


def _b_max_length(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    limit = int(arg)
    return _length_bound(
        str,
        limit,
        at_least=False,
        problem=lambda value: f"must be at most {limit} characters (got {len(value)})",
    )


def _b_pattern(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    regex = re.compile(str(arg))

    def check_pattern(value: Any, path: str, errors: list[str]) -> None:
        if isinstance(value, str) and regex.search(value) is None:
            errors.append(f"{path}: {show(value)} does not match the pattern {regex.pattern}")

    return check_pattern


def _b_format(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    known = _FORMATS.get(str(arg))
    if known is None:
        return _accept
    regex, problem = known

    def check_format(value: Any, path: str, errors: list[str]) -> None:
        if isinstance(value, str) and regex.match(value) is None:
            errors.append(f"{path}: {show(value)} {problem}")

    return check_format


def _number_bound(name: str, ok: Callable[[float, float], bool], words: str) -> Any:
    def build(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
        bound = float(arg)

        def check_bound(value: Any, path: str, errors: list[str]) -> None:
            if _type_ok(value, "number") and not ok(float(value), bound):
                errors.append(f"{path}: {show(value)} must be {words} {arg}")

        check_bound.__name__ = f"check_{name}"
        return check_bound

    return build


def _b_items(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    item_check = c.compile(arg)

    def check_items(value: Any, path: str, errors: list[str]) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                item_check(item, f"{path}[{index}]", errors)

    return check_items


def _b_min_items(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    limit = int(arg)
    what = "must not be empty" if limit == 1 else f"needs at least {limit} items"
    return _length_bound(list, limit, at_least=True, problem=lambda value: what)


def _b_max_items(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    limit = int(arg)
    what = f"must have at most {limit} items"
    return _length_bound(list, limit, at_least=False, problem=lambda value: what)


def _b_unique_items(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    if not arg:
        return _accept

    def check_unique(value: Any, path: str, errors: list[str]) -> None:
        if isinstance(value, list):
            seen: list[Any] = []
            for item in value:
                if item in seen:
                    errors.append(f"{path}: {show(item)} appears more than once")
                    return
                seen.append(item)

    return check_unique


def _object_check(c: SchemaCompiler, schema: Mapping[str, Any]) -> Check:
    props = {name: c.compile(sub) for name, sub in dict(schema.get("properties", {})).items()}
    required = list(schema.get("required", []))
    extra_schema = schema.get("additionalProperties", True)
    extra: Check | None = None if extra_schema is True else c.compile(extra_schema)

    def check_object(value: Any, path: str, errors: list[str]) -> None:
        if not isinstance(value, dict):
            return
        for name in required:
            if name not in value:
                errors.append(f"{path}.{name}: is required")
        for name, item in value.items():
            sub = props.get(name)
            if sub is not None:
                sub(item, f"{path}.{name}", errors)
            elif extra is not None:
                extra(item, f"{path}.{name}", errors)

    return check_object


def _b_all_of(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    subs = [c.compile(s) for s in arg]

    def check_all_of(value: Any, path: str, errors: list[str]) -> None:
        for sub in subs:
            sub(value, path, errors)

    return check_all_of


def _b_any_of(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    subs = [c.compile(s) for s in arg]

    def check_any_of(value: Any, path: str, errors: list[str]) -> None:
        collected: list[str] = []
        for sub in subs:
            attempt: list[str] = []
            sub(value, path, attempt)
            if not attempt:
                return
            collected.extend(attempt)
        # Report the first problem of the first alternative (usually the non-null one).
        errors.append(collected[0] if collected else f"{path}: {show(value)} is not allowed")

    return check_any_of


def _b_one_of(c: SchemaCompiler, arg: Any, schema: Mapping[str, Any]) -> Check:
    subs = [c.compile(s) for s in arg]

    def check_one_of(value: Any, path: str, errors: list[str]) -> None:
        matches = 0
        first: list[str] = []
        for sub in subs:
            attempt: list[str] = []
            sub(value, path, attempt)
            if not attempt:
                matches += 1
            elif not first:
                first = attempt
        if matches == 1:
            return
        if matches == 0:
            errors.append(first[0] if first else f"{path}: {show(value)} is not allowed")
        else:
            errors.append(f"{path}: {show(value)} matches more than one allowed form")

    return check_one_of


_BUILDERS: dict[str, Callable[[SchemaCompiler, Any, Mapping[str, Any]], Check]] = {
    "$ref": _b_ref,
    "type": _b_type,
    "enum": _b_enum,
    "const": _b_const,
    "minLength": _b_min_length,
    "maxLength": _b_max_length,
    "pattern": _b_pattern,
    "format": _b_format,
    "minimum": _number_bound("minimum", lambda v, b: v >= b, ">="),
    "maximum": _number_bound("maximum", lambda v, b: v <= b, "<="),
    "exclusiveMinimum": _number_bound("exclusive_minimum", lambda v, b: v > b, ">"),
    "exclusiveMaximum": _number_bound("exclusive_maximum", lambda v, b: v < b, "<"),
    "items": _b_items,
    "minItems": _b_min_items,
    "maxItems": _b_max_items,
    "uniqueItems": _b_unique_items,
    "allOf": _b_all_of,
    "anyOf": _b_any_of,
    "oneOf": _b_one_of,
}
