from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.track_info_response_data import TrackInfoResponseData


T = TypeVar("T", bound="TrackInfoResponse")


@_attrs_define
class TrackInfoResponse:
    """
    Attributes:
        code (int | Unset): Response status code (0 for success) Example: 0.
        data (TrackInfoResponseData | Unset):
    """

    code: int | Unset = UNSET
    data: TrackInfoResponseData | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.track_info_response_data import TrackInfoResponseData

        _remaining = dict(src_dict)
        code = _remaining.pop("code", UNSET)

        _data = _remaining.pop("data", UNSET)
        data: TrackInfoResponseData | Unset
        if isinstance(_data, dict):
            data = TrackInfoResponseData.from_dict(_data)
        else:
            data = UNSET

        track_info_response = cls(
            code=code,
            data=data,
        )

        track_info_response.additional_properties = _remaining
        return track_info_response

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
