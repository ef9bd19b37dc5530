"""Field rules: signature fields placed on document pages."""

from __future__ import annotations

from .._errors import (
    FIELD_OPTIONS_TYPE,
    PARTICIPANT_ID_REQUIRED,
    POSITION_X_NEGATIVE,
    POSITION_Y_NEGATIVE,
    validation,
)
from .._state import (
    Document,
    Placement,
    SignatureField,
    new_id,
)
from ._core import StoreCore


class FieldRules(StoreCore):
    """Signature fields of a draft."""

    @staticmethod
    def _check_placement(document: Document, placement: Placement) -> None:
        if placement.x < 0:
            raise validation(POSITION_X_NEGATIVE)
        if placement.y < 0:
            raise validation(POSITION_Y_NEGATIVE)
        if placement.width <= 0 or placement.height <= 0:
            raise validation("Field size must be greater than 0")
        pages = len(document.pages)
        if not 1 <= placement.page <= pages:
            raise validation(
                f"Page {placement.page} does not exist in document '{document.id}': "
                f"it has {pages} page{'s' if pages != 1 else ''}"
            )
        width, height = document.pages[placement.page - 1]
        right, top = placement.x + placement.width, placement.y + placement.height
        if right > width or top > height:
            raise validation(
                f"The field does not fit on page {placement.page} of document '{document.id}' "
                f"({width:g} x {height:g} points): it spans x {placement.x:g}..{right:g} and "
                f"y {placement.y:g}..{top:g}"
            )

    def add_field(
        self,
        user: str,
        session_id: str,
        *,
        participant_id: str | None,
        document_id: str,
        field_type: str,
        placement: Placement,
        is_required: bool,
        for_type: str | None,
        depends_on: str | None,
    ) -> SignatureField:
        """Add a signature field for a participant on a document page."""
        session = self.editable_draft(user, session_id)
        if not participant_id:
            raise validation(PARTICIPANT_ID_REQUIRED)
        self.participant(session, participant_id)
        document = self.ready_document(self.document(session, document_id))
        if for_type is not None and for_type != field_type:
            raise validation(FIELD_OPTIONS_TYPE)
        self._check_placement(document, placement)
        if depends_on is not None:
            self.field(session, depends_on)
        field = SignatureField(
            id=new_id(),
            participant_id=participant_id,
            document_id=document_id,
            type=field_type,
            placement=placement,
            is_required=is_required,
            for_type=field_type,
            depends_on=depends_on,
        )
        session.fields[field.id] = field
        return field

    def remove_field(self, user: str, session_id: str, field_id: str) -> list[str]:
        """Remove a field and every field depending on it (transitively); the removed ids."""
        session = self.editable_draft(user, session_id)
        self.field(session, field_id)
        return self._remove_fields(session, [field_id])

    def update_field_options(
        self, user: str, session_id: str, field_id: str, is_required: bool, for_type: str | None
    ) -> SignatureField:
        """Change whether a field is required; the options must target the field's type."""
        session = self.editable_draft(user, session_id)
        field = self.field(session, field_id)
        if for_type is not None and for_type != field.type:
            raise validation(FIELD_OPTIONS_TYPE)
        field.is_required = is_required
        return field

    def update_field_placement(
        self, user: str, session_id: str, field_id: str, placement: Placement
    ) -> SignatureField:
        """Move or resize a field; it must fit on an existing page of its document."""
        session = self.editable_draft(user, session_id)
        field = self.field(session, field_id)
        self._check_placement(self.document(session, field.document_id), placement)
        field.placement = placement
        return field
