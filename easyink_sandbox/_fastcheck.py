"""Fast validity predicates for the JSON Schemas of the OpenAPI document.

A ``jsonschema`` validator builds an evolved validator and a generator for every keyword of
every subschema it visits, even when the instance is valid: most of the cost of validating a
request. :func:`compile_check` turns a validator's schema into plain nested closures that only
answer "valid or not", with the validator's own semantics: the type checks are the validator's
type checker functions, ``format`` is its format checker, and the rarer leaf keywords (``enum``,
``pattern``, ``uniqueItems``, ...) call the validator's own keyword functions. Keywords the
validator does not know are ignored, as it ignores them.

A schema using a keyword outside that set (``$ref``, ``if``, ``patternProperties``, ...) gets
no predicate (``None``). Callers run the predicate first and, when it answers False, the full
validator for the errors, so a predicate only ever saves work: the errors reported are always
the validator's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

# Keywords that only annotate (the OpenAPI dialect registers some as no-op validators).
_NO_OPS = frozenset(
    {"description", "discriminator", "xml", "externalDocs", "example", "examples", "title"}
)
# Keywords that look at the instance alone (no subschema): their own functions are called.
_LEAVES = frozenset(
    {
        "enum",
        "const",
        "pattern",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "dependentRequired",
    }
)
# Keywords that change how the validator resolves or which class validates the subschema.
_SCOPE_KEYWORDS = frozenset({"$schema", "$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor"})


class _Unsupported(Exception):
    """The schema uses a keyword the compiler does not handle."""


def _always(_: Any) -> bool:
    return True


def _never(_: Any) -> bool:
    return False


def compile_check(validator: Any) -> Check | None:
    """A predicate equal to ``validator.is_valid``, or None when the schema is not supported."""
    try:
        return _Compiler(validator).compile(validator.schema)
    except _Unsupported:
        return None


class _Compiler:
    def __init__(self, validator: Any) -> None:
        self._validator = validator
        self._keywords: Mapping[str, Any] = validator.VALIDATORS
        self._is_string = self._type_check("string")
        self._is_number = self._type_check("number")
        self._is_object = self._type_check("object")
        self._is_array = self._type_check("array")
        self._format_checker = validator.format_checker

    def _type_check(self, name: str) -> Check:
        checker = self._validator.TYPE_CHECKER
        try:
            checker.is_type(None, name)
        except Exception:  # an unknown type: the validator raises UnknownType for it
            raise _Unsupported(f"type {name}") from None
        # The checker's own function for the type, without its per-call look-up by name.
        function = getattr(checker, "_type_checkers", {}).get(name)
        if function is None:
            return functools.partial(checker.is_type, type=name)
        return functools.partial(function, checker)

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise _Unsupported("schema is not an object")
        checks: list[Check] = []
        for keyword, value in schema.items():
            if keyword in _SCOPE_KEYWORDS:
                raise _Unsupported(keyword)
            if keyword not in self._keywords or keyword in _NO_OPS:
                continue
            checks.append(self._keyword(keyword, value, schema))
        if not checks:
            return _always
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            first, second = checks
            return lambda instance: first(instance) and second(instance)
        all_checks = tuple(checks)
        return lambda instance: all(check(instance) for check in all_checks)

    def _keyword(self, keyword: str, value: Any, schema: dict[str, Any]) -> Check:
        if keyword == "type":
            return self._type(value)
        if keyword == "properties":
            return self._properties(value)
        if keyword == "required":
            return self._required(value)
        if keyword == "additionalProperties":
            return self._additional(value, schema)
        if keyword == "items":
            return self._items(value, schema)
        if keyword in ("allOf", "anyOf", "oneOf"):
            return self._combinator(keyword, value)
        if keyword == "not":
            inner = self.compile(value)
            return lambda instance: not inner(instance)
        if keyword == "format":
            return self._format(value)
        if keyword in ("minLength", "maxLength"):
            return self._length(keyword, value)
        if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            return self._bound(keyword, value)
        if keyword == "enum" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            # jsonschema compares a string with == only, and nothing else equals a string.
            choices = frozenset(value)
            return lambda instance: isinstance(instance, str) and instance in choices
        if keyword in _LEAVES:
            return self._leaf(keyword, value, schema)
        raise _Unsupported(keyword)

    def _type(self, value: Any) -> Check:
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names:
            raise _Unsupported("type")
        checks = tuple(self._type_check(str(name)) for name in names)
        if len(checks) == 1:
            return checks[0]
        return lambda instance: any(check(instance) for check in checks)

    def _properties(self, value: Any) -> Check:
        if not isinstance(value, dict):
            raise _Unsupported("properties")
        props = tuple((name, self.compile(sub)) for name, sub in value.items())
        is_object = self._is_object

        def check(instance: Any) -> bool:
            if not is_object(instance):
                return True
            return all(name not in instance or sub(instance[name]) for name, sub in props)

        return check

    def _required(self, value: Any) -> Check:
        if not isinstance(value, list):
            raise _Unsupported("required")
        names = tuple(value)
        is_object = self._is_object
        return lambda instance: not is_object(instance) or all(n in instance for n in names)

    def _additional(self, value: Any, schema: dict[str, Any]) -> Check:
        if "patternProperties" in schema:
            raise _Unsupported("patternProperties")
        known = frozenset(schema.get("properties", {}))
        is_object = self._is_object
        if value is True:
            return _always
        if value is False:
            return lambda instance: not is_object(instance) or all(k in known for k in instance)
        sub = self.compile(value)
        return lambda instance: (
            not is_object(instance) or all(sub(v) for k, v in instance.items() if k not in known)
        )

    def _items(self, value: Any, schema: dict[str, Any]) -> Check:
        if "prefixItems" in schema or value is False:
            raise _Unsupported("prefixItems")
        sub = self.compile(value)
        is_array = self._is_array
        return lambda instance: not is_array(instance) or all(sub(item) for item in instance)

    def _combinator(self, keyword: str, value: Any) -> Check:
        if not isinstance(value, list):
            raise _Unsupported(keyword)
        subs = tuple(self.compile(sub) for sub in value)
        if keyword == "allOf":
            return lambda instance: all(sub(instance) for sub in subs)
        if keyword == "anyOf":
            return lambda instance: any(sub(instance) for sub in subs)
        return lambda instance: sum(1 for sub in subs if sub(instance)) == 1

    def _format(self, value: Any) -> Check:
        checker = self._format_checker
        if checker is None:
            return _always
        return lambda instance: bool(checker.conforms(instance, value))

    def _length(self, keyword: str, value: Any) -> Check:
        if not isinstance(value, int):
            raise _Unsupported(keyword)
        is_string = self._is_string
        if keyword == "minLength":
            return lambda instance: not is_string(instance) or len(instance) >= value
        return lambda instance: not is_string(instance) or len(instance) <= value

    def _bound(self, keyword: str, value: Any) -> Check:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Unsupported(keyword)
        is_number = self._is_number
        if keyword == "minimum":
            return lambda instance: not is_number(instance) or not instance < value
        if keyword == "maximum":
            return lambda instance: not is_number(instance) or not instance > value
        if keyword == "exclusiveMinimum":
            return lambda instance: not is_number(instance) or not instance <= value
        return lambda instance: not is_number(instance) or not instance >= value

    def _leaf(self, keyword: str, value: Any, schema: dict[str, Any]) -> Check:
        function = self._keywords[keyword]
        validator = self._validator

        def check(instance: Any) -> bool:
            errors = function(validator, value, instance, schema) or ()
            return next(iter(errors), None) is None

        return check
