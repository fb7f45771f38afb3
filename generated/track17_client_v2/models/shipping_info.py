from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.address import Address


T = TypeVar("T", bound="ShippingInfo")


@_attrs_define
class ShippingInfo:
    """Where the shipment comes from and goes to.

    Attributes:
        shipper_address (Address | None | Unset):
        recipient_address (Address | None | Unset):
    """

    shipper_address: Address | None | Unset = UNSET
    recipient_address: Address | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.address import Address

        shipper_address: dict[str, Any] | None | Unset
        if isinstance(self.shipper_address, Unset):
            shipper_address = UNSET
        elif isinstance(self.shipper_address, Address):
            shipper_address = self.shipper_address.to_dict()
        else:
            shipper_address = self.shipper_address

        recipient_address: dict[str, Any] | None | Unset
        if isinstance(self.recipient_address, Unset):
            recipient_address = UNSET
        elif isinstance(self.recipient_address, Address):
            recipient_address = self.recipient_address.to_dict()
        else:
            recipient_address = self.recipient_address

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if shipper_address is not UNSET:
            field_dict["shipper_address"] = shipper_address
        if recipient_address is not UNSET:
            field_dict["recipient_address"] = recipient_address

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.address import Address

        _remaining = dict(src_dict)

        def _parse_shipper_address(data: object) -> Address | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                shipper_address_type_0 = Address.from_dict(data)

                return shipper_address_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Address | None | Unset, data)

        shipper_address = _parse_shipper_address(
            _remaining.pop("shipper_address", UNSET)
        )

        def _parse_recipient_address(data: object) -> Address | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                recipient_address_type_0 = Address.from_dict(data)

                return recipient_address_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Address | None | Unset, data)

        recipient_address = _parse_recipient_address(
            _remaining.pop("recipient_address", UNSET)
        )

        shipping_info = cls(
            shipper_address=shipper_address,
            recipient_address=recipient_address,
        )

        shipping_info.additional_properties = _remaining
        return shipping_info

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
