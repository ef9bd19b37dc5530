from enum import StrEnum


class SignatureFieldType(StrEnum):
    DATE = "Date"
    INITIALS = "Initials"
    NAME = "Name"
    SIGNATURE = "Signature"
    TEXT = "Text"

    def __str__(self) -> str:
        return str(self.value)
