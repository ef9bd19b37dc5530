from enum import StrEnum


class DeliveryMethod(StrEnum):
    EMAIL = "Email"
    SMS = "Sms"

    def __str__(self) -> str:
        return str(self.value)
