from enum import Enum


class Language(str, Enum):
    ENGLISH = "English"
    SPANISH = "Spanish"

    def __str__(self) -> str:
        return str(self.value)
