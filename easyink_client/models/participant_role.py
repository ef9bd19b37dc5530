from enum import Enum


class ParticipantRole(str, Enum):
    INITIATOR = "Initiator"
    SIGNER = "Signer"

    def __str__(self) -> str:
        return str(self.value)
