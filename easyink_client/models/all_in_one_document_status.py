from enum import Enum


class AllInOneDocumentStatus(str, Enum):
    FAILED = "Failed"
    NOTAVAILABLE = "NotAvailable"
    PROCESSING = "Processing"
    READY = "Ready"

    def __str__(self) -> str:
        return str(self.value)
