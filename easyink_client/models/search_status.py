from enum import StrEnum


class SearchStatus(StrEnum):
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
