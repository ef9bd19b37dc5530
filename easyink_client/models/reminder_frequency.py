from enum import Enum


class ReminderFrequency(str, Enum):
    DAILY = "Daily"
    NEVER = "Never"
    WEEKLY = "Weekly"

    def __str__(self) -> str:
        return str(self.value)
