from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ChangeCarrierItem")


@_attrs_define
class ChangeCarrierItem:
    """A carrier change.

    Attributes:
        number (str): Tracking number
        carrier_new (int): The carrier to use from now on
        carrier_old (int | Unset): The carrier it is registered with
        final_carrier_old (int | Unset): The current last-mile carrier
        final_carrier_new (int | Unset): The new last-mile carrier
    """

    number: str
    carrier_new: int
    carrier_old: int | Unset = UNSET
    final_carrier_old: int | Unset = UNSET
    final_carrier_new: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        carrier_new = self.carrier_new

        carrier_old = self.carrier_old

        final_carrier_old = self.final_carrier_old

        final_carrier_new = self.final_carrier_new

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "carrier_new": carrier_new,
            }
        )
        if carrier_old is not UNSET:
            field_dict["carrier_old"] = carrier_old
        if final_carrier_old is not UNSET:
            field_dict["final_carrier_old"] = final_carrier_old
        if final_carrier_new is not UNSET:
            field_dict["final_carrier_new"] = final_carrier_new

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _remaining = dict(src_dict)
        number = _remaining.pop("number")

        carrier_new = _remaining.pop("carrier_new")

        carrier_old = _remaining.pop("carrier_old", UNSET)

        final_carrier_old = _remaining.pop("final_carrier_old", UNSET)

        final_carrier_new = _remaining.pop("final_carrier_new", UNSET)

        change_carrier_item = cls(
            number=number,
            carrier_new=carrier_new,
            carrier_old=carrier_old,
            final_carrier_old=final_carrier_old,
            final_carrier_new=final_carrier_new,
        )

        change_carrier_item.additional_properties = _remaining
        return change_carrier_item

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
