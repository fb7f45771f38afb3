from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.change_info_fields import ChangeInfoFields


T = TypeVar("T", bound="ChangeInfoItem")


@_attrs_define
class ChangeInfoItem:
    """New registration fields for a number.

    Attributes:
        number (str): Tracking number
        items (ChangeInfoFields): The registration fields to change.
        carrier (int | Unset): Carrier key
    """

    number: str
    items: ChangeInfoFields
    carrier: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        items = self.items.to_dict()

        carrier = self.carrier

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "items": items,
            }
        )
        if carrier is not UNSET:
            field_dict["carrier"] = carrier

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.change_info_fields import ChangeInfoFields

        _remaining = dict(src_dict)
        number = _remaining.pop("number")

        items = ChangeInfoFields.from_dict(_remaining.pop("items"))

        carrier = _remaining.pop("carrier", UNSET)

        change_info_item = cls(
            number=number,
            items=items,
            carrier=carrier,
        )

        change_info_item.additional_properties = _remaining
        return change_info_item

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
