from enum import Enum


class SignatureFieldType(str, Enum):
    DATE = "Date"
    INITIALS = "Initials"
    NAME = "Name"
    SIGNATURE = "Signature"
    TEXT = "Text"

    def __str__(self) -> str:
        return str(self.value)
