from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LatestStatus")


@_attrs_define
class LatestStatus:
    """The current status.

    Attributes:
        status (None | str | Unset): Main status name, e.g. InTransit
        sub_status (None | str | Unset): Sub-status name, e.g. InTransit_PickedUp
        sub_status_descr (None | str | Unset):
    """

    status: None | str | Unset = UNSET
    sub_status: None | str | Unset = UNSET
    sub_status_descr: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        sub_status: None | str | Unset
        if isinstance(self.sub_status, Unset):
            sub_status = UNSET
        else:
            sub_status = self.sub_status

        sub_status_descr: None | str | Unset
        if isinstance(self.sub_status_descr, Unset):
            sub_status_descr = UNSET
        else:
            sub_status_descr = self.sub_status_descr

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status
        if sub_status is not UNSET:
            field_dict["sub_status"] = sub_status
        if sub_status_descr is not UNSET:
            field_dict["sub_status_descr"] = sub_status_descr

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _remaining = dict(src_dict)

        def _parse_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status = _parse_status(_remaining.pop("status", UNSET))

        def _parse_sub_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sub_status = _parse_sub_status(_remaining.pop("sub_status", UNSET))

        def _parse_sub_status_descr(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sub_status_descr = _parse_sub_status_descr(
            _remaining.pop("sub_status_descr", UNSET)
        )

        latest_status = cls(
            status=status,
            sub_status=sub_status,
            sub_status_descr=sub_status_descr,
        )

        latest_status.additional_properties = _remaining
        return latest_status

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
