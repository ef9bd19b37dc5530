from enum import StrEnum


class SignedDocumentStatus(StrEnum):
    FAILED = "Failed"
    PROCESSING = "Processing"
    READY = "Ready"

    def __str__(self) -> str:
        return str(self.value)
