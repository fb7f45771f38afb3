from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.track_info_response_data_accepted_item_track import (
        TrackInfoResponseDataAcceptedItemTrack,
    )


T = TypeVar("T", bound="TrackInfoResponseDataAcceptedItem")


@_attrs_define
class TrackInfoResponseDataAcceptedItem:
    """
    Attributes:
        number (str | Unset): Tracking number
        carrier (int | Unset): Carrier ID
        track (TrackInfoResponseDataAcceptedItemTrack | Unset):
    """

    number: str | Unset = UNSET
    carrier: int | Unset = UNSET
    track: TrackInfoResponseDataAcceptedItemTrack | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        carrier = self.carrier

        track: dict[str, Any] | Unset = UNSET
        if not isinstance(self.track, Unset):
            track = self.track.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if number is not UNSET:
            field_dict["number"] = number
        if carrier is not UNSET:
            field_dict["carrier"] = carrier
        if track is not UNSET:
            field_dict["track"] = track

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.track_info_response_data_accepted_item_track import (
            TrackInfoResponseDataAcceptedItemTrack,
        )

        _remaining = dict(src_dict)
        number = _remaining.pop("number", UNSET)

        carrier = _remaining.pop("carrier", UNSET)

        _track = _remaining.pop("track", UNSET)
        track: TrackInfoResponseDataAcceptedItemTrack | Unset
        if isinstance(_track, dict):
            track = TrackInfoResponseDataAcceptedItemTrack.from_dict(_track)
        else:
            track = UNSET

        track_info_response_data_accepted_item = cls(
            number=number,
            carrier=carrier,
            track=track,
        )

        track_info_response_data_accepted_item.additional_properties = _remaining
        return track_info_response_data_accepted_item

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
