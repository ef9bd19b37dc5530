from enum import StrEnum


class ParticipantStatus(StrEnum):
    DECLINED = "Declined"
    OPENED = "Opened"
    PENDING = "Pending"
    SIGNED = "Signed"
    WAITING = "Waiting"

    def __str__(self) -> str:
        return str(self.value)
