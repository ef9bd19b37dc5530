from enum import StrEnum


class Language(StrEnum):
    ENGLISH = "English"
    SPANISH = "Spanish"

    def __str__(self) -> str:
        return str(self.value)
