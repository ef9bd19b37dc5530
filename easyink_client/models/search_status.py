from enum import Enum


class SearchStatus(str, Enum):
    DECLINED = "Declined"
    DRAFT = "Draft"
    EXPIRED = "Expired"
    FINISHED = "Finished"
    INPROGRESS = "InProgress"
    NEEDSACTION = "NeedsAction"
    NEEDTOSIGN = "NeedToSign"
    READYTOSTART = "ReadyToStart"
    VOIDED = "Voided"

    def __str__(self) -> str:
        return str(self.value)
