from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.time_raw import TimeRaw


T = TypeVar("T", bound="Milestone")


@_attrs_define
class Milestone:
    """When a key stage was reached.

    Attributes:
        key_stage (None | str | Unset):
        time_iso (None | str | Unset):
        time_utc (None | str | Unset):
        time_raw (None | TimeRaw | Unset):
    """

    key_stage: None | str | Unset = UNSET
    time_iso: None | str | Unset = UNSET
    time_utc: None | str | Unset = UNSET
    time_raw: None | TimeRaw | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.time_raw import TimeRaw

        key_stage: None | str | Unset
        if isinstance(self.key_stage, Unset):
            key_stage = UNSET
        else:
            key_stage = self.key_stage

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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if key_stage is not UNSET:
            field_dict["key_stage"] = key_stage
        if time_iso is not UNSET:
            field_dict["time_iso"] = time_iso
        if time_utc is not UNSET:
            field_dict["time_utc"] = time_utc
        if time_raw is not UNSET:
            field_dict["time_raw"] = time_raw

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.time_raw import TimeRaw

        _remaining = dict(src_dict)

        def _parse_key_stage(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key_stage = _parse_key_stage(_remaining.pop("key_stage", UNSET))

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

        milestone = cls(
            key_stage=key_stage,
            time_iso=time_iso,
            time_utc=time_utc,
            time_raw=time_raw,
        )

        milestone.additional_properties = _remaining
        return milestone

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
