from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ChangeCarrierRequest")


@_attrs_define
class ChangeCarrierRequest:
    """
    Attributes:
        number (str): Tracking number Example: 1Z999AA10123456784.
        carrier (int): New carrier numeric ID to assign Example: 100003.
    """

    number: str
    carrier: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        carrier = self.carrier

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "carrier": carrier,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _remaining = dict(src_dict)
        number = _remaining.pop("number")

        carrier = _remaining.pop("carrier")

        change_carrier_request = cls(
            number=number,
            carrier=carrier,
        )

        change_carrier_request.additional_properties = _remaining
        return change_carrier_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
