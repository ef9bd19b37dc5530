from enum import Enum


class TimestampFormat(str, Enum):
    SPANISH = "Spanish"
    USA = "Usa"

    def __str__(self) -> str:
        return str(self.value)
