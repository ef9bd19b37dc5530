from enum import StrEnum


class SortableProperty(StrEnum):
    CREATED = "created"
    STATUS = "status"
    SUBJECT = "subject"

    def __str__(self) -> str:
        return str(self.value)
