from enum import Enum


class SortableProperty(str, Enum):
    CREATED = "created"
    STATUS = "status"
    SUBJECT = "subject"

    def __str__(self) -> str:
        return str(self.value)
