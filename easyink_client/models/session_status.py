from enum import StrEnum


class SessionStatus(StrEnum):
    DECLINED = "Declined"
    DRAFT = "Draft"
    EXPIRED = "Expired"
    FINISHED = "Finished"
    INPROGRESS = "InProgress"
    PENDING = "Pending"
    READYTOSTART = "ReadyToStart"
    VOIDED = "Voided"

    def __str__(self) -> str:
        return str(self.value)
