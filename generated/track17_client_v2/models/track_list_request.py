from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TrackListRequest")


@_attrs_define
class TrackListRequest:
    """Filters and page of a track list.

    Attributes:
        number (str | Unset): Comma-separated numbers to look up (up to 200)
        carrier (int | Unset): Only numbers of this carrier
        tracking_status (str | Unset): Tracking or Stopped
        package_status (str | Unset): A main status name, e.g. InTransit or Delivered
        register_time_from (str | Unset): Registered at or after, e.g. 2026-01-05 00:00:00
        register_time_to (str | Unset): Registered at or before
        page_no (int | Unset): Page number, from 1
    """

    number: str | Unset = UNSET
    carrier: int | Unset = UNSET
    tracking_status: str | Unset = UNSET
    package_status: str | Unset = UNSET
    register_time_from: str | Unset = UNSET
    register_time_to: str | Unset = UNSET
    page_no: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        carrier = self.carrier

        tracking_status = self.tracking_status

        package_status = self.package_status

        register_time_from = self.register_time_from

        register_time_to = self.register_time_to

        page_no = self.page_no

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if number is not UNSET:
            field_dict["number"] = number
        if carrier is not UNSET:
            field_dict["carrier"] = carrier
        if tracking_status is not UNSET:
            field_dict["tracking_status"] = tracking_status
        if package_status is not UNSET:
            field_dict["package_status"] = package_status
        if register_time_from is not UNSET:
            field_dict["register_time_from"] = register_time_from
        if register_time_to is not UNSET:
            field_dict["register_time_to"] = register_time_to
        if page_no is not UNSET:
            field_dict["page_no"] = page_no

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _remaining = dict(src_dict)
        number = _remaining.pop("number", UNSET)

        carrier = _remaining.pop("carrier", UNSET)

        tracking_status = _remaining.pop("tracking_status", UNSET)

        package_status = _remaining.pop("package_status", UNSET)

        register_time_from = _remaining.pop("register_time_from", UNSET)

        register_time_to = _remaining.pop("register_time_to", UNSET)

        page_no = _remaining.pop("page_no", UNSET)

        track_list_request = cls(
            number=number,
            carrier=carrier,
            tracking_status=tracking_status,
            package_status=package_status,
            register_time_from=register_time_from,
            register_time_to=register_time_to,
            page_no=page_no,
        )

        track_list_request.additional_properties = _remaining
        return track_list_request

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
