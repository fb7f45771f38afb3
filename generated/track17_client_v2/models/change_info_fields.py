from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ChangeInfoFields")


@_attrs_define
class ChangeInfoFields:
    """The registration fields to change.

    Attributes:
        tag (str | Unset): Your label
        order_no (str | Unset): Order number
        order_time (str | Unset): Order time
        destination_postal_code (str | Unset): Recipient's postal code
        phone_number (str | Unset): Phone number
        email (str | Unset): E-mail address
        remark (str | Unset): Free text
        lang (str | Unset): Translate events into this language from now on (e.g. "en"), as at registration
    """

    tag: str | Unset = UNSET
    order_no: str | Unset = UNSET
    order_time: str | Unset = UNSET
    destination_postal_code: str | Unset = UNSET
    phone_number: str | Unset = UNSET
    email: str | Unset = UNSET
    remark: str | Unset = UNSET
    lang: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tag = self.tag

        order_no = self.order_no

        order_time = self.order_time

        destination_postal_code = self.destination_postal_code

        phone_number = self.phone_number

        email = self.email

        remark = self.remark

        lang = self.lang

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if tag is not UNSET:
            field_dict["tag"] = tag
        if order_no is not UNSET:
            field_dict["order_no"] = order_no
        if order_time is not UNSET:
            field_dict["order_time"] = order_time
        if destination_postal_code is not UNSET:
            field_dict["destination_postal_code"] = destination_postal_code
        if phone_number is not UNSET:
            field_dict["phone_number"] = phone_number
        if email is not UNSET:
            field_dict["email"] = email
        if remark is not UNSET:
            field_dict["remark"] = remark
        if lang is not UNSET:
            field_dict["lang"] = lang

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _remaining = dict(src_dict)
        tag = _remaining.pop("tag", UNSET)

        order_no = _remaining.pop("order_no", UNSET)

        order_time = _remaining.pop("order_time", UNSET)

        destination_postal_code = _remaining.pop("destination_postal_code", UNSET)

        phone_number = _remaining.pop("phone_number", UNSET)

        email = _remaining.pop("email", UNSET)

        remark = _remaining.pop("remark", UNSET)

        lang = _remaining.pop("lang", UNSET)

        change_info_fields = cls(
            tag=tag,
            order_no=order_no,
            order_time=order_time,
            destination_postal_code=destination_postal_code,
            phone_number=phone_number,
            email=email,
            remark=remark,
            lang=lang,
        )

        change_info_fields.additional_properties = _remaining
        return change_info_fields

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
