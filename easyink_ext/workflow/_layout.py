"""Default placement of signature fields: stacked from the bottom-left margin of a page."""

from __future__ import annotations

import math
from collections.abc import Sequence
from uuid import UUID

from easyink_client.models.signing_configuration import SigningConfiguration

from ..errors import EasyInkError
from ._inputs import DEFAULT_FIELD_HEIGHT, DEFAULT_FIELD_WIDTH, _PlannedField

_PAGE_MARGIN = 36.0
_FIELD_GAP = 12.0


def default_field_placements(
    count: int,
    page_width: float,
    page_height: float,
    *,
    width: float = DEFAULT_FIELD_WIDTH,
    height: float = DEFAULT_FIELD_HEIGHT,
) -> list[tuple[float, float, float, float]]:
    """``count`` non-overlapping ``(x, y, width, height)`` boxes inside a page, in points.

    Boxes are stacked upwards from the bottom-left margin, then in further columns; they are
    shrunk when the page is too small to hold them at the requested size.
    """
    if count <= 0:
        return []
    margin = min(_PAGE_MARGIN, page_width / 10, page_height / 10)
    usable_w, usable_h = page_width - 2 * margin, page_height - 2 * margin
    gap = min(_FIELD_GAP, usable_h / (4 * count))
    width = min(width, usable_w)
    rows = max(1, int((usable_h + gap) // (height + gap)))
    columns = max(1, int((usable_w + gap) // (width + gap)))
    if rows * columns < count:
        columns = max(1, min(count, int((usable_w + gap) // (min(width, 60.0) + gap))))
        rows = math.ceil(count / columns)
        width = (usable_w - gap * (columns - 1)) / columns
        height = min(height, (usable_h - gap * (rows - 1)) / rows)
    boxes: list[tuple[float, float, float, float]] = []
    for index in range(count):
        column, row = divmod(index, rows)
        x = margin + column * (width + gap)
        y = margin + row * (height + gap)
        boxes.append((x, y, width, height))
    return boxes


def _plan_default_fields(
    config: SigningConfiguration, document_ids: Sequence[UUID], signer_count: int
) -> tuple[_PlannedField, ...]:
    by_id = {d.id: d for d in config.documents or []}
    planned: list[_PlannedField] = []
    for doc_index, doc_id in enumerate(document_ids):
        doc = by_id.get(doc_id)
        pages = list(doc.pages or []) if doc is not None else []
        if not pages:
            raise EasyInkError(f"getDraft reports no pages for document {doc_id}")
        last = max(pages, key=lambda p: p.page_number)
        boxes = default_field_placements(signer_count, last.width, last.height)
        for signer_index, (x, y, w, h) in enumerate(boxes):
            planned.append(
                _PlannedField(signer_index, doc_index, "Signature", last.page_number, x, y, w, h)
            )
    return tuple(planned)
