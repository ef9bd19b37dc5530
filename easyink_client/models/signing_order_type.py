from enum import Enum


class SigningOrderType(str, Enum):
    ALLATONCE = "AllAtOnce"
    ONEBYONE = "OneByOne"

    def __str__(self) -> str:
        return str(self.value)
