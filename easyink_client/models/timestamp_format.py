from enum import StrEnum


class TimestampFormat(StrEnum):
    SPANISH = "Spanish"
    USA = "Usa"

    def __str__(self) -> str:
        return str(self.value)
