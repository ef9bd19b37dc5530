from enum import StrEnum


class DocumentProcessingStatus(StrEnum):
    PROCESSING = "Processing"
    PROCESSINGFAILED = "ProcessingFailed"
    PROCESSINGREADY = "ProcessingReady"

    def __str__(self) -> str:
        return str(self.value)
