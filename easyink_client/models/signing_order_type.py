from enum import StrEnum


class SigningOrderType(StrEnum):
    ALLATONCE = "AllAtOnce"
    ONEBYONE = "OneByOne"

    def __str__(self) -> str:
        return str(self.value)
