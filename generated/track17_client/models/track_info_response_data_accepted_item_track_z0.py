from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TrackInfoResponseDataAcceptedItemTrackZ0")


@_attrs_define
class TrackInfoResponseDataAcceptedItemTrackZ0:
    """Latest tracking event

    Attributes:
        z (int | Unset): Main status code (0-8)
        s (int | Unset): Sub-status code
        a (str | Unset): Event location
        c (str | Unset): Event description
        d (str | Unset): Event date and time
    """

    z: int | Unset = UNSET
    s: int | Unset = UNSET
    a: str | Unset = UNSET
    c: str | Unset = UNSET
    d: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        z = self.z

        s = self.s

        a = self.a

        c = self.c

        d = self.d

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if z is not UNSET:
            field_dict["z"] = z
        if s is not UNSET:
            field_dict["s"] = s
        if a is not UNSET:
            field_dict["a"] = a
        if c is not UNSET:
            field_dict["c"] = c
        if d is not UNSET:
            field_dict["d"] = d

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _remaining = dict(src_dict)
        z = _remaining.pop("z", UNSET)

        s = _remaining.pop("s", UNSET)

        a = _remaining.pop("a", UNSET)

        c = _remaining.pop("c", UNSET)

        d = _remaining.pop("d", UNSET)

        track_info_response_data_accepted_item_track_z0 = cls(
            z=z,
            s=s,
            a=a,
            c=c,
            d=d,
        )

        track_info_response_data_accepted_item_track_z0.additional_properties = (
            _remaining
        )
        return track_info_response_data_accepted_item_track_z0

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
