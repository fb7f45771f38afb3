"""Integer enums that never raise on values they do not know.

17TRACK adds statuses, error codes and carriers over time. Parsing must not fail on them, and the
value that arrived must not be lost: looking up an unknown value returns a pseudo-member named
``UNKNOWN`` that is still an instance of the enum and keeps what was received in ``raw``.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Self

UNKNOWN_NAME = "UNKNOWN"


class LenientIntEnum(IntEnum):
    """An IntEnum whose unknown values become ``UNKNOWN`` pseudo-members instead of ValueError."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return cls.unknown(value, value)
        return None

    @classmethod
    def unknown(cls, value: int, raw: int | str) -> Self:
        """A pseudo-member named UNKNOWN with the integer ``value``, remembering ``raw`` as received."""
        member = int.__new__(cls, value)
        member._name_ = UNKNOWN_NAME
        member._value_ = value
        vars(member)["_raw"] = raw
        return member

    @property
    def raw(self) -> int | str:
        """The value as 17TRACK sent it: the integer, or the name for an unknown status name."""
        raw: int | str = getattr(self, "_raw", self._value_)
        return raw

    @property
    def is_known(self) -> bool:
        """False for an UNKNOWN pseudo-member."""
        return self._name_ != UNKNOWN_NAME

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self._name_}: {self.raw!r}>"
