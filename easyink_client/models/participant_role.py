from enum import StrEnum


class ParticipantRole(StrEnum):
    INITIATOR = "Initiator"
    SIGNER = "Signer"

    def __str__(self) -> str:
        return str(self.value)
