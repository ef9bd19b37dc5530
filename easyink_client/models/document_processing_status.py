from enum import Enum


class DocumentProcessingStatus(str, Enum):
    PROCESSING = "Processing"
    PROCESSINGFAILED = "ProcessingFailed"
    PROCESSINGREADY = "ProcessingReady"

    def __str__(self) -> str:
        return str(self.value)
