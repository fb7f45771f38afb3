from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TrackListRequest")


@_attrs_define
class TrackListRequest:
    """
    Attributes:
        status (int | Unset): Filter by tracking status code
        page (int | Unset): Page number for pagination Default: 1.
        page_size (int | Unset): Number of results per page Default: 40.
    """

    status: int | Unset = UNSET
    page: int | Unset = 1
    page_size: int | Unset = 40
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        page = self.page

        page_size = self.page_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status
        if page is not UNSET:
            field_dict["page"] = page
        if page_size is not UNSET:
            field_dict["page_size"] = page_size

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _remaining = dict(src_dict)
        status = _remaining.pop("status", UNSET)

        page = _remaining.pop("page", UNSET)

        page_size = _remaining.pop("page_size", UNSET)

        track_list_request = cls(
            status=status,
            page=page,
            page_size=page_size,
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
