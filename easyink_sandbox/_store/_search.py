"""Search rules: the session list, its status filters and sorting, and the statistics."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from .._errors import (
    VALIDATION_FAILED,
    validation,
)
from .._state import (
    ACTIVE_STATUSES,
    SESSION_STATUS_ORDER,
    Session,
    user_email,
)
from ._core import StoreCore

_SEARCH_STATUS_MATCH = {
    "Draft": ("Draft",),
    "ReadyToStart": ("ReadyToStart",),
    "InProgress": ("Pending", "InProgress"),
    "Finished": ("Finished",),
    "Declined": ("Declined",),
    "Voided": ("Voided",),
    "Expired": ("Expired",),
}
_SORTABLE = ("created", "subject", "status")


class SearchRules(StoreCore):
    """Search and statistics over the caller's sessions."""

    def has_notification_errors(self, session: Session) -> bool:
        """An active session with a participant still to sign who has no delivery method."""
        return session.status in ACTIVE_STATUSES and any(
            p.status in ("Pending", "Opened", "Waiting") and not p.delivery_methods
            for p in session.signers
        )

    def need_to_sign(self, user: str, session: Session) -> bool:
        """The caller (by e-mail) is a participant of the active session who has not signed."""
        email = user_email(user).lower()
        return session.status in ACTIVE_STATUSES and any(
            (p.email or "").lower() == email and p.status in ("Pending", "Opened")
            for p in session.participants.values()
        )

    def _matches(self, user: str, session: Session, statuses: Sequence[str]) -> bool:
        for status in statuses:
            if status == "NeedToSign" and self.need_to_sign(user, session):
                return True
            if status == "NeedsAction" and (
                session.status == "Declined" or self.has_notification_errors(session)
            ):
                return True
            if session.status in _SEARCH_STATUS_MATCH.get(status, ()):
                return True
        return False

    @staticmethod
    def parse_sorting(values: Sequence[str]) -> list[tuple[str, bool]]:
        """``"<property>"`` or ``"<property>:asc|desc"`` -> ``(property, descending)``."""
        keys: list[tuple[str, bool]] = []
        for value in values:
            name, _, direction = value.partition(":")
            name, direction = name.strip(), direction.strip().lower()
            if name not in _SORTABLE or direction not in ("", "asc", "desc"):
                raise validation(
                    VALIDATION_FAILED,
                    [
                        (
                            "InvalidField",
                            f"The 'sorting.properties' field is invalid: '{value}' (use "
                            "created, subject or status, optionally followed by :asc or :desc)",
                        )
                    ],
                )
            keys.append((name, direction == "desc"))
        return keys

    def search(
        self,
        user: str,
        page_index: int,
        page_size: int,
        statuses: Sequence[str],
        sorting: Sequence[tuple[str, bool]],
    ) -> tuple[list[Session], int, int]:
        """A page of the caller's sessions: ``(items, total, pages)``."""
        found = [s for s in self.sessions.values() if s.owner == user]
        if statuses:
            found = [s for s in found if self._matches(user, s, statuses)]
        found.sort(key=lambda s: s.id)
        found.sort(key=lambda s: s.created, reverse=True)
        for name, descending in reversed(list(sorting)):
            key: Callable[[Session], Any]
            if name == "created":
                key = lambda s: s.created  # noqa: E731
            elif name == "subject":
                key = lambda s: (s.subject or "").casefold()  # noqa: E731
            else:
                key = lambda s: SESSION_STATUS_ORDER.index(s.status)  # noqa: E731
            found.sort(key=key, reverse=descending)
        total = len(found)
        pages = math.ceil(total / page_size) if total else 0
        start = page_index * page_size
        return found[start : start + page_size], total, pages

    def statistics(self, user: str) -> dict[str, int]:
        """Counts of the caller's sessions by status group."""
        own = [s for s in self.sessions.values() if s.owner == user]
        return {
            "sessionsToSignCount": sum(self.need_to_sign(user, s) for s in own),
            "draftsCount": sum(s.status == "Draft" for s in own),
            "readyToStartCount": sum(s.status == "ReadyToStart" for s in own),
            "inProgressCount": sum(s.status in ACTIVE_STATUSES for s in own),
            "needsActionCount": sum(
                s.status == "Declined" or self.has_notification_errors(s) for s in own
            ),
        }
