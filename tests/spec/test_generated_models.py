"""Every JSON response example parses into the generated models and serialises back unchanged."""

from __future__ import annotations

import importlib
import pkgutil
import re
import uuid
from datetime import datetime
from typing import Any

import pytest

import easyink_client.api
from easyink_client import models

from ._examples import iter_examples, load_spec

SPEC = load_spec()
RESPONSE_EXAMPLES = [
    e for e in iter_examples(SPEC) if e.is_response_body and e.media_type == "application/json"
]
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")


def _normalise(value: Any) -> Any:
    """Same document, compared by meaning: date-times by instant, numbers by value."""
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, str) and _DATETIME.match(value):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def test_there_are_response_examples() -> None:
    assert len(RESPONSE_EXAMPLES) >= 40


@pytest.mark.parametrize("example", RESPONSE_EXAMPLES, ids=lambda e: e.where)
def test_response_example_round_trips(example: Any) -> None:
    schema = example.schema
    if "$ref" in schema:
        model = getattr(models, schema["$ref"].rsplit("/", 1)[-1])
        parsed = model.from_dict(example.value)
        assert _normalise(parsed.to_dict()) == _normalise(example.value)
    elif schema.get("type") == "array":
        assert schema["items"] == {"type": "string", "format": "uuid"}
        assert [str(uuid.UUID(v)) for v in example.value] == example.value
    else:
        assert schema == {"type": "string", "format": "uuid"}
        assert str(uuid.UUID(example.value)) == example.value


def test_round_trip_would_notice_a_lost_field() -> None:
    example = {
        "sessionsToSignCount": 3,
        "draftsCount": 5,
        "readyToStartCount": 2,
        "inProgressCount": 12,
        "needsActionCount": 1,
        "unknownField": 1,
    }
    parsed = models.SigningSessionStatistics.from_dict(example)
    assert parsed.to_dict() == example  # unknown fields are kept as additional properties
    shortened = dict(example)
    del shortened["draftsCount"]
    with pytest.raises(KeyError):
        models.SigningSessionStatistics.from_dict(shortened)


def _operation_modules() -> list[str]:
    names = []
    for tag in pkgutil.iter_modules(easyink_client.api.__path__):
        package = importlib.import_module(f"easyink_client.api.{tag.name}")
        names += [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    return names


def test_every_operation_has_sync_and_async_variants() -> None:
    modules = _operation_modules()
    assert len(modules) == 34
    for name in modules:
        module = importlib.import_module(name)
        for fn in ("sync_detailed", "asyncio_detailed"):
            assert callable(getattr(module, fn)), (name, fn)
    from easyink_client.api.signing_session_drafts import create_draft

    assert callable(create_draft.asyncio)
    assert callable(create_draft.sync)
