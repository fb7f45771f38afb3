from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.track_info_response_data_accepted_item_track_z0 import (
        TrackInfoResponseDataAcceptedItemTrackZ0,
    )
    from ..models.track_info_response_data_accepted_item_track_z1_item import (
        TrackInfoResponseDataAcceptedItemTrackZ1Item,
    )


T = TypeVar("T", bound="TrackInfoResponseDataAcceptedItemTrack")


@_attrs_define
class TrackInfoResponseDataAcceptedItemTrack:
    """
    Attributes:
        z0 (TrackInfoResponseDataAcceptedItemTrackZ0 | Unset): Latest tracking event
        z1 (list[TrackInfoResponseDataAcceptedItemTrackZ1Item] | Unset): Historical tracking events in chronological
            order
    """

    z0: TrackInfoResponseDataAcceptedItemTrackZ0 | Unset = UNSET
    z1: list[TrackInfoResponseDataAcceptedItemTrackZ1Item] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        z0: dict[str, Any] | Unset = UNSET
        if not isinstance(self.z0, Unset):
            z0 = self.z0.to_dict()

        z1: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.z1, Unset):
            z1 = []
            for z1_item_data in self.z1:
                # still the decoded JSON (it did not fit the model): given back as it came
                if isinstance(z1_item_data, dict):
                    z1.append(z1_item_data)
                    continue
                z1_item = z1_item_data.to_dict()
                z1.append(z1_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if z0 is not UNSET:
            field_dict["z0"] = z0
        if z1 is not UNSET:
            field_dict["z1"] = z1

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.track_info_response_data_accepted_item_track_z0 import (
            TrackInfoResponseDataAcceptedItemTrackZ0,
        )
        from ..models.track_info_response_data_accepted_item_track_z1_item import (
            TrackInfoResponseDataAcceptedItemTrackZ1Item,
        )

        _remaining = dict(src_dict)
        _z0 = _remaining.pop("z0", UNSET)
        z0: TrackInfoResponseDataAcceptedItemTrackZ0 | Unset
        if isinstance(_z0, dict):
            z0 = TrackInfoResponseDataAcceptedItemTrackZ0.from_dict(_z0)
        else:
            z0 = UNSET

        _z1 = _remaining.pop("z1", UNSET)
        z1: list[TrackInfoResponseDataAcceptedItemTrackZ1Item] | Unset = UNSET
        if isinstance(_z1, list):
            z1 = []
            for z1_item_data in _z1:
                if not isinstance(z1_item_data, dict):
                    continue
                z1_item = TrackInfoResponseDataAcceptedItemTrackZ1Item.from_dict(
                    z1_item_data
                )

                z1.append(z1_item)

        track_info_response_data_accepted_item_track = cls(
            z0=z0,
            z1=z1,
        )

        track_info_response_data_accepted_item_track.additional_properties = _remaining
        return track_info_response_data_accepted_item_track

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
