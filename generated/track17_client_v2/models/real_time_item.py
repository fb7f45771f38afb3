from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RealTimeItem")


@_attrs_define
class RealTimeItem:
    """A number to look up in real time.

    Attributes:
        number (str): Tracking number
        carrier (int | Unset): Carrier key; without it 17TRACK detects the carrier
        cache_level (int | str | Unset): "Standard" (or 1: may answer from a recent cache; the normal charge) or
            "Instant" (or 2: asks the carrier now; charged more). Sources disagree on the wire form: both are accepted.
    """

    number: str
    carrier: int | Unset = UNSET
    cache_level: int | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        carrier = self.carrier

        cache_level: int | str | Unset
        if isinstance(self.cache_level, Unset):
            cache_level = UNSET
        else:
            cache_level = self.cache_level

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
            }
        )
        if carrier is not UNSET:
            field_dict["carrier"] = carrier
        if cache_level is not UNSET:
            field_dict["cacheLevel"] = cache_level

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _remaining = dict(src_dict)
        number = _remaining.pop("number")

        carrier = _remaining.pop("carrier", UNSET)

        def _parse_cache_level(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        cache_level = _parse_cache_level(_remaining.pop("cacheLevel", UNSET))

        real_time_item = cls(
            number=number,
            carrier=carrier,
            cache_level=cache_level,
        )

        real_time_item.additional_properties = _remaining
        return real_time_item

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
