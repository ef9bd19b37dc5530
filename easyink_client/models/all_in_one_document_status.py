from enum import StrEnum


class AllInOneDocumentStatus(StrEnum):
    FAILED = "Failed"
    NOTAVAILABLE = "NotAvailable"
    PROCESSING = "Processing"
    READY = "Ready"

    def __str__(self) -> str:
        return str(self.value)
