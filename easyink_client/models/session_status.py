from enum import Enum


class SessionStatus(str, Enum):
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
