from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.track_info import TrackInfo


T = TypeVar("T", bound="PushData")


@_attrs_define
class PushData:
    """The number a push is about, and its tracking.

    Attributes:
        number (str | Unset):
        carrier (int | None | Unset):
        param (None | str | Unset):
        tag (None | str | Unset):
        track_info (None | TrackInfo | Unset):
    """

    number: str | Unset = UNSET
    carrier: int | None | Unset = UNSET
    param: None | str | Unset = UNSET
    tag: None | str | Unset = UNSET
    track_info: None | TrackInfo | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.track_info import TrackInfo

        number = self.number

        carrier: int | None | Unset
        if isinstance(self.carrier, Unset):
            carrier = UNSET
        else:
            carrier = self.carrier

        param: None | str | Unset
        if isinstance(self.param, Unset):
            param = UNSET
        else:
            param = self.param

        tag: None | str | Unset
        if isinstance(self.tag, Unset):
            tag = UNSET
        else:
            tag = self.tag

        track_info: dict[str, Any] | None | Unset
        if isinstance(self.track_info, Unset):
            track_info = UNSET
        elif isinstance(self.track_info, TrackInfo):
            track_info = self.track_info.to_dict()
        else:
            track_info = self.track_info

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if number is not UNSET:
            field_dict["number"] = number
        if carrier is not UNSET:
            field_dict["carrier"] = carrier
        if param is not UNSET:
            field_dict["param"] = param
        if tag is not UNSET:
            field_dict["tag"] = tag
        if track_info is not UNSET:
            field_dict["track_info"] = track_info

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.track_info import TrackInfo

        _remaining = dict(src_dict)
        number = _remaining.pop("number", UNSET)

        def _parse_carrier(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        carrier = _parse_carrier(_remaining.pop("carrier", UNSET))

        def _parse_param(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        param = _parse_param(_remaining.pop("param", UNSET))

        def _parse_tag(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tag = _parse_tag(_remaining.pop("tag", UNSET))

        def _parse_track_info(data: object) -> None | TrackInfo | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                track_info_type_0 = TrackInfo.from_dict(data)

                return track_info_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrackInfo | Unset, data)

        track_info = _parse_track_info(_remaining.pop("track_info", UNSET))

        push_data = cls(
            number=number,
            carrier=carrier,
            param=param,
            tag=tag,
            track_info=track_info,
        )

        push_data.additional_properties = _remaining
        return push_data

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
