from enum import StrEnum


class ReminderFrequency(StrEnum):
    DAILY = "Daily"
    NEVER = "Never"
    WEEKLY = "Weekly"

    def __str__(self) -> str:
        return str(self.value)
