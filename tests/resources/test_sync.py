"""The blocking twins on ``EasyInkSync``, against the sandbox served on 127.0.0.1."""

from __future__ import annotations

import inspect
import io
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from easyink_client.api.signing_sessions import get_session
from easyink_client.models import (
    SigningConfiguration,
    SigningSessionItem,
    SigningSessionStatistics,
)
from easyink_ext import EasyInk, EasyInkOptions, EasyInkSync, RawResponse, resources
from easyink_ext.errors import NotFoundError
from easyink_sandbox import SandboxThread, simple_pdf

pytestmark = pytest.mark.integration


@pytest.fixture
def ei(sandbox_server: SandboxThread, backend: str) -> Iterator[EasyInkSync]:
    token = sandbox_server.sandbox.issue_token()
    with EasyInkSync(base_url=sandbox_server.url, token=token, backend=backend) as client:
        yield client


def test_blocking_calls_return_the_same_types(ei: EasyInkSync, tmp_path: Path) -> None:
    draft_id = ei.drafts.create(subject="Blocking")
    assert isinstance(draft_id, UUID)
    assert ei.drafts.exists(draft_id) is True
    assert ei.drafts.exists(uuid.uuid4()) is False
    document_id = ei.drafts.documents.upload(draft_id, file=("a.pdf", simple_pdf(["A"])))
    assert isinstance(document_id, UUID)
    config = ei.drafts.get(draft_id)
    assert isinstance(config, SigningConfiguration) and config.subject == "Blocking"
    result = ei.drafts.documents.download(draft_id, document_id, to=tmp_path / "a.pdf")
    assert result.bytes_written == (tmp_path / "a.pdf").stat().st_size > 0

    raw = ei.drafts.with_raw_response.get(draft_id)
    assert isinstance(raw, RawResponse) and raw.status_code == 200
    assert isinstance(raw.parsed, SigningConfiguration)
    missing = ei.sessions.with_raw_response.exists(uuid.uuid4())
    assert (missing.status_code, missing.parsed) == (404, False)

    assert isinstance(ei.sessions.statistics(), SigningSessionStatistics)
    listed = list(ei.sessions.list(page_size=1))
    assert [item.id for item in listed] == [draft_id]
    assert all(isinstance(item, SigningSessionItem) for item in listed)
    with pytest.raises(NotFoundError):
        ei.drafts.get(uuid.uuid4())

    view = ei.with_options(timeout=5)
    buffer = io.BytesIO()
    view.drafts.documents.download(draft_id, document_id, to=buffer)
    assert buffer.getvalue() == (tmp_path / "a.pdf").read_bytes()


def _public_methods(cls: type) -> dict[str, Callable[..., Any]]:
    return {
        name: member
        for name, member in vars(cls).items()
        if callable(member) and not name.startswith("_")
    }


def test_every_async_method_has_a_blocking_twin_with_the_same_arguments() -> None:
    classes = {name: getattr(resources, name) for name in resources.__all__}
    async_classes = [c for n, c in classes.items() if not n.endswith(("Sync", "Response"))]
    assert len(async_classes) == 12
    for cls in async_classes:
        twin = classes[cls.__name__ + "Sync"]
        methods, blocking = _public_methods(cls), _public_methods(twin)
        assert set(methods) == set(blocking), cls.__name__
        for name, method in methods.items():
            ours = inspect.signature(method).parameters
            theirs = inspect.signature(blocking[name]).parameters
            assert list(ours) == list(theirs), f"{cls.__name__}.{name}"
            assert [p.default for p in ours.values()] == [p.default for p in theirs.values()]


def test_easyinksync_takes_the_keyword_arguments_of_easyink() -> None:
    parameters = inspect.signature(EasyInk).parameters
    assert set(EasyInkOptions.__annotations__) == set(parameters)
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    for name, annotation in EasyInkOptions.__annotations__.items():
        text = str(getattr(annotation, "__forward_arg__", annotation))
        assert text == parameters[name].annotation, name
    with pytest.raises(TypeError):
        EasyInkSync(base_url="http://127.0.0.1:1", tokn="x")  # type: ignore[call-arg]


def test_resources_need_an_open_client() -> None:
    client = EasyInkSync(base_url="http://127.0.0.1:1", token="t")
    with pytest.raises(RuntimeError, match="not open yet"):
        client.drafts.create(subject="x")


async def test_generated_sync_functions_point_to_the_resources(
    sandbox_server: SandboxThread,
) -> None:
    token = sandbox_server.sandbox.issue_token()
    async with EasyInk(base_url=sandbox_server.url, token=token) as ei:
        with pytest.raises(TypeError, match=r"use the resources instead"):
            get_session.sync(uuid.uuid4(), client=ei.client)
        with pytest.raises(TypeError, match=r"ei\.sessions\.get"):
            get_session.sync_detailed(uuid.uuid4(), client=ei.client)
    assert sandbox_server.sandbox.request_log == []
