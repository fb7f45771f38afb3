from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.push_data import PushData


T = TypeVar("T", bound="Push")


@_attrs_define
class Push:
    """A push (webhook) body.

    Attributes:
        event (str | Unset): TRACKING_UPDATED or TRACKING_STOPPED (others may come; they are kept verbatim)
        data (PushData | Unset): The number a push is about, and its tracking.
    """

    event: str | Unset = UNSET
    data: PushData | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event = self.event

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if event is not UNSET:
            field_dict["event"] = event
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.push_data import PushData

        _remaining = dict(src_dict)
        event = _remaining.pop("event", UNSET)

        _data = _remaining.pop("data", UNSET)
        data: PushData | Unset
        if isinstance(_data, dict):
            data = PushData.from_dict(_data)
        else:
            data = UNSET

        push = cls(
            event=event,
            data=data,
        )

        push.additional_properties = _remaining
        return push

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
