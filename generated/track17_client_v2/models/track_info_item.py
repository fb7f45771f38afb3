from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.track_info import TrackInfo


T = TypeVar("T", bound="TrackInfoItem")


@_attrs_define
class TrackInfoItem:
    """A number and its tracking, with the carrier parameters given at registration echoed.

    Attributes:
        number (str | Unset): Tracking number
        carrier (int | None | Unset): Carrier key
        param (None | str | Unset):
        origin_country (None | str | Unset):
        destination_country (None | str | Unset):
        destination_postal_code (None | str | Unset):
        phone_number_last_4 (None | str | Unset):
        ship_date (None | str | Unset):
        tag (None | str | Unset):
        track_info (None | TrackInfo | Unset):
    """

    number: str | Unset = UNSET
    carrier: int | None | Unset = UNSET
    param: None | str | Unset = UNSET
    origin_country: None | str | Unset = UNSET
    destination_country: None | str | Unset = UNSET
    destination_postal_code: None | str | Unset = UNSET
    phone_number_last_4: None | str | Unset = UNSET
    ship_date: None | str | Unset = UNSET
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

        origin_country: None | str | Unset
        if isinstance(self.origin_country, Unset):
            origin_country = UNSET
        else:
            origin_country = self.origin_country

        destination_country: None | str | Unset
        if isinstance(self.destination_country, Unset):
            destination_country = UNSET
        else:
            destination_country = self.destination_country

        destination_postal_code: None | str | Unset
        if isinstance(self.destination_postal_code, Unset):
            destination_postal_code = UNSET
        else:
            destination_postal_code = self.destination_postal_code

        phone_number_last_4: None | str | Unset
        if isinstance(self.phone_number_last_4, Unset):
            phone_number_last_4 = UNSET
        else:
            phone_number_last_4 = self.phone_number_last_4

        ship_date: None | str | Unset
        if isinstance(self.ship_date, Unset):
            ship_date = UNSET
        else:
            ship_date = self.ship_date

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
        if origin_country is not UNSET:
            field_dict["origin_country"] = origin_country
        if destination_country is not UNSET:
            field_dict["destination_country"] = destination_country
        if destination_postal_code is not UNSET:
            field_dict["destination_postal_code"] = destination_postal_code
        if phone_number_last_4 is not UNSET:
            field_dict["phone_number_last_4"] = phone_number_last_4
        if ship_date is not UNSET:
            field_dict["ship_date"] = ship_date
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

        def _parse_origin_country(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        origin_country = _parse_origin_country(_remaining.pop("origin_country", UNSET))

        def _parse_destination_country(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        destination_country = _parse_destination_country(
            _remaining.pop("destination_country", UNSET)
        )

        def _parse_destination_postal_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        destination_postal_code = _parse_destination_postal_code(
            _remaining.pop("destination_postal_code", UNSET)
        )

        def _parse_phone_number_last_4(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone_number_last_4 = _parse_phone_number_last_4(
            _remaining.pop("phone_number_last_4", UNSET)
        )

        def _parse_ship_date(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ship_date = _parse_ship_date(_remaining.pop("ship_date", UNSET))

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

        track_info_item = cls(
            number=number,
            carrier=carrier,
            param=param,
            origin_country=origin_country,
            destination_country=destination_country,
            destination_postal_code=destination_postal_code,
            phone_number_last_4=phone_number_last_4,
            ship_date=ship_date,
            tag=tag,
            track_info=track_info,
        )

        track_info_item.additional_properties = _remaining
        return track_info_item

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
