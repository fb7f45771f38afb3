from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RegisterItem")


@_attrs_define
class RegisterItem:
    """A number to register and its metadata.

    Attributes:
        number (str): Tracking number, 5 to 50 letters and digits
        carrier (int | Unset): Carrier key; without it 17TRACK detects the carrier
        final_carrier (int | Unset): Last-mile carrier key
        auto_detection (bool | Unset): Detect the carrier when none is given
        tag (str | Unset): Your own label, e.g. an order reference (echoed in pushes and lists)
        order_no (str | Unset): Order number
        order_time (str | Unset): Order time, e.g. 2026-01-05 08:00
        lang (str | Unset): Translate events into this language (e.g. "en"); costs 1 more quota
        param (str | Unset): Extra carrier parameter (postal code, phone, ...); v2.4 prefers the named fields below
        destination_postal_code (str | Unset): Recipient's postal code, for carriers that need it
        phone_number (str | Unset): Phone number, for carriers that need it
        ship_date (str | Unset): Shipping date, for carriers that need it
        email (str | Unset): E-mail address for 17TRACK's e-mail notifications
        remark (str | Unset): Free text
    """

    number: str
    carrier: int | Unset = UNSET
    final_carrier: int | Unset = UNSET
    auto_detection: bool | Unset = UNSET
    tag: str | Unset = UNSET
    order_no: str | Unset = UNSET
    order_time: str | Unset = UNSET
    lang: str | Unset = UNSET
    param: str | Unset = UNSET
    destination_postal_code: str | Unset = UNSET
    phone_number: str | Unset = UNSET
    ship_date: str | Unset = UNSET
    email: str | Unset = UNSET
    remark: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        carrier = self.carrier

        final_carrier = self.final_carrier

        auto_detection = self.auto_detection

        tag = self.tag

        order_no = self.order_no

        order_time = self.order_time

        lang = self.lang

        param = self.param

        destination_postal_code = self.destination_postal_code

        phone_number = self.phone_number

        ship_date = self.ship_date

        email = self.email

        remark = self.remark

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
            }
        )
        if carrier is not UNSET:
            field_dict["carrier"] = carrier
        if final_carrier is not UNSET:
            field_dict["final_carrier"] = final_carrier
        if auto_detection is not UNSET:
            field_dict["auto_detection"] = auto_detection
        if tag is not UNSET:
            field_dict["tag"] = tag
        if order_no is not UNSET:
            field_dict["order_no"] = order_no
        if order_time is not UNSET:
            field_dict["order_time"] = order_time
        if lang is not UNSET:
            field_dict["lang"] = lang
        if param is not UNSET:
            field_dict["param"] = param
        if destination_postal_code is not UNSET:
            field_dict["destination_postal_code"] = destination_postal_code
        if phone_number is not UNSET:
            field_dict["phone_number"] = phone_number
        if ship_date is not UNSET:
            field_dict["ship_date"] = ship_date
        if email is not UNSET:
            field_dict["email"] = email
        if remark is not UNSET:
            field_dict["remark"] = remark

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _remaining = dict(src_dict)
        number = _remaining.pop("number")

        carrier = _remaining.pop("carrier", UNSET)

        final_carrier = _remaining.pop("final_carrier", UNSET)

        auto_detection = _remaining.pop("auto_detection", UNSET)

        tag = _remaining.pop("tag", UNSET)

        order_no = _remaining.pop("order_no", UNSET)

        order_time = _remaining.pop("order_time", UNSET)

        lang = _remaining.pop("lang", UNSET)

        param = _remaining.pop("param", UNSET)

        destination_postal_code = _remaining.pop("destination_postal_code", UNSET)

        phone_number = _remaining.pop("phone_number", UNSET)

        ship_date = _remaining.pop("ship_date", UNSET)

        email = _remaining.pop("email", UNSET)

        remark = _remaining.pop("remark", UNSET)

        register_item = cls(
            number=number,
            carrier=carrier,
            final_carrier=final_carrier,
            auto_detection=auto_detection,
            tag=tag,
            order_no=order_no,
            order_time=order_time,
            lang=lang,
            param=param,
            destination_postal_code=destination_postal_code,
            phone_number=phone_number,
            ship_date=ship_date,
            email=email,
            remark=remark,
        )

        register_item.additional_properties = _remaining
        return register_item

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
