from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.track_info_response_data_rejected_item_error import (
        TrackInfoResponseDataRejectedItemError,
    )


T = TypeVar("T", bound="TrackInfoResponseDataRejectedItem")


@_attrs_define
class TrackInfoResponseDataRejectedItem:
    """
    Attributes:
        number (str | Unset):
        error (TrackInfoResponseDataRejectedItemError | Unset):
    """

    number: str | Unset = UNSET
    error: TrackInfoResponseDataRejectedItemError | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if number is not UNSET:
            field_dict["number"] = number
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.track_info_response_data_rejected_item_error import (
            TrackInfoResponseDataRejectedItemError,
        )

        _remaining = dict(src_dict)
        number = _remaining.pop("number", UNSET)

        _error = _remaining.pop("error", UNSET)
        error: TrackInfoResponseDataRejectedItemError | Unset
        if isinstance(_error, dict):
            error = TrackInfoResponseDataRejectedItemError.from_dict(_error)
        else:
            error = UNSET

        track_info_response_data_rejected_item = cls(
            number=number,
            error=error,
        )

        track_info_response_data_rejected_item.additional_properties = _remaining
        return track_info_response_data_rejected_item

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
