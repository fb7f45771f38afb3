from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.address import Address
    from ..models.description_translation import DescriptionTranslation
    from ..models.time_raw import TimeRaw


T = TypeVar("T", bound="TrackEvent")


@_attrs_define
class TrackEvent:
    """One checkpoint.

    Attributes:
        time_iso (None | str | Unset): ISO 8601 with the event's offset
        time_utc (None | str | Unset): The same instant in UTC
        time_raw (None | TimeRaw | Unset):
        description (None | str | Unset):
        location (None | str | Unset):
        stage (None | str | Unset): Milestone stage name, e.g. PickedUp or Delivered
        sub_status (None | str | Unset): Sub-status name, e.g. InTransit_PickedUp
        address (Address | None | Unset):
        description_translation (DescriptionTranslation | None | Unset):
    """

    time_iso: None | str | Unset = UNSET
    time_utc: None | str | Unset = UNSET
    time_raw: None | TimeRaw | Unset = UNSET
    description: None | str | Unset = UNSET
    location: None | str | Unset = UNSET
    stage: None | str | Unset = UNSET
    sub_status: None | str | Unset = UNSET
    address: Address | None | Unset = UNSET
    description_translation: DescriptionTranslation | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.address import Address
        from ..models.description_translation import DescriptionTranslation
        from ..models.time_raw import TimeRaw

        time_iso: None | str | Unset
        if isinstance(self.time_iso, Unset):
            time_iso = UNSET
        else:
            time_iso = self.time_iso

        time_utc: None | str | Unset
        if isinstance(self.time_utc, Unset):
            time_utc = UNSET
        else:
            time_utc = self.time_utc

        time_raw: dict[str, Any] | None | Unset
        if isinstance(self.time_raw, Unset):
            time_raw = UNSET
        elif isinstance(self.time_raw, TimeRaw):
            time_raw = self.time_raw.to_dict()
        else:
            time_raw = self.time_raw

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        stage: None | str | Unset
        if isinstance(self.stage, Unset):
            stage = UNSET
        else:
            stage = self.stage

        sub_status: None | str | Unset
        if isinstance(self.sub_status, Unset):
            sub_status = UNSET
        else:
            sub_status = self.sub_status

        address: dict[str, Any] | None | Unset
        if isinstance(self.address, Unset):
            address = UNSET
        elif isinstance(self.address, Address):
            address = self.address.to_dict()
        else:
            address = self.address

        description_translation: dict[str, Any] | None | Unset
        if isinstance(self.description_translation, Unset):
            description_translation = UNSET
        elif isinstance(self.description_translation, DescriptionTranslation):
            description_translation = self.description_translation.to_dict()
        else:
            description_translation = self.description_translation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if time_iso is not UNSET:
            field_dict["time_iso"] = time_iso
        if time_utc is not UNSET:
            field_dict["time_utc"] = time_utc
        if time_raw is not UNSET:
            field_dict["time_raw"] = time_raw
        if description is not UNSET:
            field_dict["description"] = description
        if location is not UNSET:
            field_dict["location"] = location
        if stage is not UNSET:
            field_dict["stage"] = stage
        if sub_status is not UNSET:
            field_dict["sub_status"] = sub_status
        if address is not UNSET:
            field_dict["address"] = address
        if description_translation is not UNSET:
            field_dict["description_translation"] = description_translation

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.address import Address
        from ..models.description_translation import DescriptionTranslation
        from ..models.time_raw import TimeRaw

        _remaining = dict(src_dict)

        def _parse_time_iso(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        time_iso = _parse_time_iso(_remaining.pop("time_iso", UNSET))

        def _parse_time_utc(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        time_utc = _parse_time_utc(_remaining.pop("time_utc", UNSET))

        def _parse_time_raw(data: object) -> None | TimeRaw | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                time_raw_type_0 = TimeRaw.from_dict(data)

                return time_raw_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TimeRaw | Unset, data)

        time_raw = _parse_time_raw(_remaining.pop("time_raw", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(_remaining.pop("description", UNSET))

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(_remaining.pop("location", UNSET))

        def _parse_stage(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        stage = _parse_stage(_remaining.pop("stage", UNSET))

        def _parse_sub_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sub_status = _parse_sub_status(_remaining.pop("sub_status", UNSET))

        def _parse_address(data: object) -> Address | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                address_type_0 = Address.from_dict(data)

                return address_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Address | None | Unset, data)

        address = _parse_address(_remaining.pop("address", UNSET))

        def _parse_description_translation(
            data: object,
        ) -> DescriptionTranslation | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                description_translation_type_0 = DescriptionTranslation.from_dict(data)

                return description_translation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DescriptionTranslation | None | Unset, data)

        description_translation = _parse_description_translation(
            _remaining.pop("description_translation", UNSET)
        )

        track_event = cls(
            time_iso=time_iso,
            time_utc=time_utc,
            time_raw=time_raw,
            description=description,
            location=location,
            stage=stage,
            sub_status=sub_status,
            address=address,
            description_translation=description_translation,
        )

        track_event.additional_properties = _remaining
        return track_event

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
