from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Page")


@_attrs_define
class Page:
    """Where this page is.

    Attributes:
        data_total (int | None | Unset):
        page_total (int | None | Unset):
        page_no (int | None | Unset):
        page_size (int | None | Unset):
    """

    data_total: int | None | Unset = UNSET
    page_total: int | None | Unset = UNSET
    page_no: int | None | Unset = UNSET
    page_size: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data_total: int | None | Unset
        if isinstance(self.data_total, Unset):
            data_total = UNSET
        else:
            data_total = self.data_total

        page_total: int | None | Unset
        if isinstance(self.page_total, Unset):
            page_total = UNSET
        else:
            page_total = self.page_total

        page_no: int | None | Unset
        if isinstance(self.page_no, Unset):
            page_no = UNSET
        else:
            page_no = self.page_no

        page_size: int | None | Unset
        if isinstance(self.page_size, Unset):
            page_size = UNSET
        else:
            page_size = self.page_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if data_total is not UNSET:
            field_dict["data_total"] = data_total
        if page_total is not UNSET:
            field_dict["page_total"] = page_total
        if page_no is not UNSET:
            field_dict["page_no"] = page_no
        if page_size is not UNSET:
            field_dict["page_size"] = page_size

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _remaining = dict(src_dict)

        def _parse_data_total(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        data_total = _parse_data_total(_remaining.pop("data_total", UNSET))

        def _parse_page_total(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        page_total = _parse_page_total(_remaining.pop("page_total", UNSET))

        def _parse_page_no(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        page_no = _parse_page_no(_remaining.pop("page_no", UNSET))

        def _parse_page_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        page_size = _parse_page_size(_remaining.pop("page_size", UNSET))

        page = cls(
            data_total=data_total,
            page_total=page_total,
            page_no=page_no,
            page_size=page_size,
        )

        page.additional_properties = _remaining
        return page

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
