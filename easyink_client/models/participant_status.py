from enum import Enum


class ParticipantStatus(str, Enum):
    DECLINED = "Declined"
    OPENED = "Opened"
    PENDING = "Pending"
    SIGNED = "Signed"
    WAITING = "Waiting"

    def __str__(self) -> str:
        return str(self.value)
