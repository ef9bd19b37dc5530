"""The compiled validity predicates (easyink_sandbox/_fastcheck.py) agree with jsonschema.

Every schema the sandbox validates against is checked on valid values built from it and on many
broken variants of them (each leaf replaced by values of every JSON type, properties removed or
added), and on a few hand-written schemas for the keywords the document does not use yet.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator, oas31_format_checker

from easyink_sandbox import load_spec
from easyink_sandbox._fastcheck import compile_check
from easyink_sandbox._generic import sample
from easyink_sandbox._spec import Validator

_REPLACEMENTS: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    1,
    -1,
    1.0,
    -0.5,
    1e300,
    "",
    "x",
    "x" * 600,
    "2024-01-01T00:00:00Z",
    "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "3fa85f645717-4562-b3fc-2c963f66afa6x",
    "not an email",
    "someone@example.com",
    "Email",
    "Signature",
    [],
    ["x"],
    [1, 1],
    {},
    {"x": 1},
)


def _variants(value: Any) -> Iterator[Any]:
    """``value`` itself, then copies with one part replaced, removed or added."""
    yield value
    yield from _REPLACEMENTS
    if isinstance(value, dict):
        for key in value:
            removed = {k: v for k, v in value.items() if k != key}
            yield removed
            for inner in _variants(value[key]):
                changed = copy.copy(value)
                changed[key] = inner
                yield changed
        yield {**value, "unexpectedProperty": 1}
    elif isinstance(value, list):
        yield [*value, *value]
        for index, item in enumerate(value):
            for inner in _variants(item):
                changed = list(value)
                changed[index] = inner
                yield changed


def _validators() -> Iterator[tuple[str, Validator]]:
    spec = load_spec()
    for operation_id, operation in sorted(spec.operations.items()):
        for param in operation.params:
            yield f"{operation_id} parameter {param.name}", param.validator
        for media, validator in operation.body_media.items():
            if validator is not None:
                yield f"{operation_id} body {media}", validator
        for status, response in operation.responses.items():
            if response.json_validator is not None:
                yield f"{operation_id} response {status}", response.json_validator


def _agree(validator: Validator, value: Any) -> None:
    expected = validator.validator.is_valid(value)
    assert validator.is_valid(value) == expected, value
    assert (list(validator.iter_errors(value)) == []) == expected, value


def test_most_schemas_of_the_document_get_a_predicate() -> None:
    validators = list(_validators())
    compiled = [name for name, v in validators if compile_check(v.validator) is not None]
    assert len(compiled) >= 0.9 * len(validators)


@pytest.mark.parametrize(
    ("name", "validator"), [pytest.param(name, v, id=name) for name, v in _validators()]
)
def test_the_predicate_agrees_with_jsonschema(name: str, validator: Validator) -> None:
    spec = load_spec()
    check = compile_check(validator.validator)
    valid = sample(spec, validator.schema, seed=name)
    if check is not None:
        assert check(valid), name
        for value in _variants(valid):
            assert check(value) == bool(validator.validator.is_valid(value)), (name, value)
    # With a predicate or without one (jsonschema alone), the sandbox answers as jsonschema.
    for value in [valid, *_variants(valid)]:
        _agree(validator, value)


@pytest.mark.parametrize(
    ("schema", "values"),
    [
        ({"type": ["string", "null"], "minLength": 2}, ["ab", "a", None, 3]),
        ({"type": "integer", "maximum": 3, "exclusiveMinimum": 0}, [0, 1, 3, 4, 2.0, 2.5, True]),
        ({"type": "number", "exclusiveMaximum": 1}, [0.5, 1, 1.0, False]),
        ({"enum": [1, "a", None]}, [1, True, 1.0, "a", None, 0]),
        ({"enum": ["a", "b"]}, ["a", "c", 1, None, ["a"]]),
        ({"const": 0}, [0, False, 0.0, None]),
        ({"pattern": "^\\d{3}$"}, ["123", "12", 123]),
        (
            {"uniqueItems": True, "minItems": 1, "maxItems": 2},
            [[], [1], [1, 1], [1, True], [1, 2, 3]],
        ),
        (
            {"properties": {"a": {"type": "string"}}, "additionalProperties": False},
            [{}, {"a": "x"}, {"a": 1}, {"b": 1}, "not an object"],
        ),
        (
            {"additionalProperties": {"type": "integer"}, "properties": {"a": {}}},
            [{"a": "x", "b": 1}, {"b": "x"}],
        ),
        ({"anyOf": [{"type": "string"}, {"minimum": 3}]}, ["x", 4, 2, None]),
        ({"oneOf": [{"type": "integer"}, {"minimum": 3}]}, [1, 4, 3.5, "x"]),
        ({"allOf": [{"minimum": 1}, {"maximum": 2}], "not": {"const": 2}}, [0, 1, 2, 3]),
        ({"items": {"format": "uuid"}}, [["3fa85f64-5717-4562-b3fc-2c963f66afa6"], ["x"], "x"]),
        ({"format": "email"}, ["a@example.com", "nope", 1]),
        ({"format": "date-time"}, ["2024-01-01T00:00:00Z", "2024-01-01", None]),
        ({"type": "object", "required": ["a"], "x-vendor": 1}, [{"a": 1}, {}, []]),
        (True, [1, None]),
        (False, [1, None]),
    ],
)
def test_every_supported_keyword_agrees_with_jsonschema(schema: Any, values: list[Any]) -> None:
    validator = OAS31Validator(schema, format_checker=oas31_format_checker)
    check = compile_check(validator)
    assert check is not None
    for value in values:
        assert check(value) == validator.is_valid(value), value


@pytest.mark.parametrize(
    "schema",
    [
        {"$ref": "#/$defs/x", "$defs": {"x": {"type": "string"}}},
        {"if": {"type": "string"}, "then": {"minLength": 1}},
        {"patternProperties": {"^x": {"type": "string"}}, "additionalProperties": False},
        {"prefixItems": [{"type": "string"}], "items": {"type": "integer"}},
        {"properties": {"a": {"$schema": "https://json-schema.org/draft/2020-12/schema"}}},
        {"type": "unknown"},
    ],
)
def test_other_keywords_get_no_predicate(schema: Any) -> None:
    assert compile_check(OAS31Validator(schema, format_checker=oas31_format_checker)) is None
