from enum import Enum


class DeliveryMethod(str, Enum):
    EMAIL = "Email"
    SMS = "Sms"

    def __str__(self) -> str:
        return str(self.value)
