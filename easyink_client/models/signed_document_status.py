from enum import Enum


class SignedDocumentStatus(str, Enum):
    FAILED = "Failed"
    PROCESSING = "Processing"
    READY = "Ready"

    def __str__(self) -> str:
        return str(self.value)
