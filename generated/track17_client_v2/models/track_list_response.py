from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.page import Page
    from ..models.track_list_data import TrackListData


T = TypeVar("T", bound="TrackListResponse")


@_attrs_define
class TrackListResponse:
    """The answer of gettracklist.

    Attributes:
        code (int | Unset):
        data (TrackListData | Unset): One page of numbers.
        page (None | Page | Unset):
    """

    code: int | Unset = UNSET
    data: TrackListData | Unset = UNSET
    page: None | Page | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.page import Page

        code = self.code

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        page: dict[str, Any] | None | Unset
        if isinstance(self.page, Unset):
            page = UNSET
        elif isinstance(self.page, Page):
            page = self.page.to_dict()
        else:
            page = self.page

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if data is not UNSET:
            field_dict["data"] = data
        if page is not UNSET:
            field_dict["page"] = page

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.page import Page
        from ..models.track_list_data import TrackListData

        _remaining = dict(src_dict)
        code = _remaining.pop("code", UNSET)

        _data = _remaining.pop("data", UNSET)
        data: TrackListData | Unset
        if isinstance(_data, dict):
            data = TrackListData.from_dict(_data)
        else:
            data = UNSET

        def _parse_page(data: object) -> None | Page | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                page_type_0 = Page.from_dict(data)

                return page_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Page | Unset, data)

        page = _parse_page(_remaining.pop("page", UNSET))

        track_list_response = cls(
            code=code,
            data=data,
            page=page,
        )

        track_list_response.additional_properties = _remaining
        return track_list_response

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
