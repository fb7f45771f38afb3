from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.api_error import ApiError


T = TypeVar("T", bound="RejectedItem")


@_attrs_define
class RejectedItem:
    """A refused item and why.

    Attributes:
        number (str | Unset): Tracking number
        carrier (int | None | Unset): The carrier of the refused item, when it had one
        error (ApiError | Unset): An error of an item or a request.
    """

    number: str | Unset = UNSET
    carrier: int | None | Unset = UNSET
    error: ApiError | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        carrier: int | None | Unset
        if isinstance(self.carrier, Unset):
            carrier = UNSET
        else:
            carrier = self.carrier

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if number is not UNSET:
            field_dict["number"] = number
        if carrier is not UNSET:
            field_dict["carrier"] = carrier
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.api_error import ApiError

        _remaining = dict(src_dict)
        number = _remaining.pop("number", UNSET)

        def _parse_carrier(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        carrier = _parse_carrier(_remaining.pop("carrier", UNSET))

        _error = _remaining.pop("error", UNSET)
        error: ApiError | Unset
        if isinstance(_error, dict):
            error = ApiError.from_dict(_error)
        else:
            error = UNSET

        rejected_item = cls(
            number=number,
            carrier=carrier,
            error=error,
        )

        rejected_item.additional_properties = _remaining
        return rejected_item

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
