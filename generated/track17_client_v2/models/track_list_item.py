from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TrackListItem")


@_attrs_define
class TrackListItem:
    """One registered number.

    Attributes:
        number (str | Unset): Tracking number
        carrier (int | None | Unset):
        param (None | str | Unset):
        tag (None | str | Unset):
        order_no (None | str | Unset):
        tracking_status (None | str | Unset): Tracking or Stopped
        package_status (None | str | Unset): Main status name
        register_time (None | str | Unset): ISO 8601
        sync_status (bool | None | str | Unset): v2.4: whether the last update with the carrier succeeded. A boolean in
            17TRACK's examples; both forms are accepted
        track_time (None | str | Unset): When 17TRACK last tracked the number (ISO 8601)
        push_time (None | str | Unset): When the last push went out (ISO 8601)
        push_status_code (int | None | Unset): The HTTP status your endpoint answered the last push with
        stop_track_reason (None | str | Unset): Why tracking stopped (Expired, ByRequest, InvalidCarrier)
        is_retracked (bool | None | Unset):
        carrier_change_count (int | None | Unset):
        final_carrier (int | None | Unset):
        order_time (None | str | Unset):
        lang (None | str | Unset):
        delievery_time (None | str | Unset): The delivery time, spelt as 17TRACK's documentation spells it
        push_status (None | str | Unset): NotPushed, Success or Failure
    """

    number: str | Unset = UNSET
    carrier: int | None | Unset = UNSET
    param: None | str | Unset = UNSET
    tag: None | str | Unset = UNSET
    order_no: None | str | Unset = UNSET
    tracking_status: None | str | Unset = UNSET
    package_status: None | str | Unset = UNSET
    register_time: None | str | Unset = UNSET
    sync_status: bool | None | str | Unset = UNSET
    track_time: None | str | Unset = UNSET
    push_time: None | str | Unset = UNSET
    push_status_code: int | None | Unset = UNSET
    stop_track_reason: None | str | Unset = UNSET
    is_retracked: bool | None | Unset = UNSET
    carrier_change_count: int | None | Unset = UNSET
    final_carrier: int | None | Unset = UNSET
    order_time: None | str | Unset = UNSET
    lang: None | str | Unset = UNSET
    delievery_time: None | str | Unset = UNSET
    push_status: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        carrier: int | None | Unset
        if isinstance(self.carrier, Unset):
            carrier = UNSET
        else:
            carrier = self.carrier

        param: None | str | Unset
        if isinstance(self.param, Unset):
            param = UNSET
        else:
            param = self.param

        tag: None | str | Unset
        if isinstance(self.tag, Unset):
            tag = UNSET
        else:
            tag = self.tag

        order_no: None | str | Unset
        if isinstance(self.order_no, Unset):
            order_no = UNSET
        else:
            order_no = self.order_no

        tracking_status: None | str | Unset
        if isinstance(self.tracking_status, Unset):
            tracking_status = UNSET
        else:
            tracking_status = self.tracking_status

        package_status: None | str | Unset
        if isinstance(self.package_status, Unset):
            package_status = UNSET
        else:
            package_status = self.package_status

        register_time: None | str | Unset
        if isinstance(self.register_time, Unset):
            register_time = UNSET
        else:
            register_time = self.register_time

        sync_status: bool | None | str | Unset
        if isinstance(self.sync_status, Unset):
            sync_status = UNSET
        else:
            sync_status = self.sync_status

        track_time: None | str | Unset
        if isinstance(self.track_time, Unset):
            track_time = UNSET
        else:
            track_time = self.track_time

        push_time: None | str | Unset
        if isinstance(self.push_time, Unset):
            push_time = UNSET
        else:
            push_time = self.push_time

        push_status_code: int | None | Unset
        if isinstance(self.push_status_code, Unset):
            push_status_code = UNSET
        else:
            push_status_code = self.push_status_code

        stop_track_reason: None | str | Unset
        if isinstance(self.stop_track_reason, Unset):
            stop_track_reason = UNSET
        else:
            stop_track_reason = self.stop_track_reason

        is_retracked: bool | None | Unset
        if isinstance(self.is_retracked, Unset):
            is_retracked = UNSET
        else:
            is_retracked = self.is_retracked

        carrier_change_count: int | None | Unset
        if isinstance(self.carrier_change_count, Unset):
            carrier_change_count = UNSET
        else:
            carrier_change_count = self.carrier_change_count

        final_carrier: int | None | Unset
        if isinstance(self.final_carrier, Unset):
            final_carrier = UNSET
        else:
            final_carrier = self.final_carrier

        order_time: None | str | Unset
        if isinstance(self.order_time, Unset):
            order_time = UNSET
        else:
            order_time = self.order_time

        lang: None | str | Unset
        if isinstance(self.lang, Unset):
            lang = UNSET
        else:
            lang = self.lang

        delievery_time: None | str | Unset
        if isinstance(self.delievery_time, Unset):
            delievery_time = UNSET
        else:
            delievery_time = self.delievery_time

        push_status: None | str | Unset
        if isinstance(self.push_status, Unset):
            push_status = UNSET
        else:
            push_status = self.push_status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if number is not UNSET:
            field_dict["number"] = number
        if carrier is not UNSET:
            field_dict["carrier"] = carrier
        if param is not UNSET:
            field_dict["param"] = param
        if tag is not UNSET:
            field_dict["tag"] = tag
        if order_no is not UNSET:
            field_dict["order_no"] = order_no
        if tracking_status is not UNSET:
            field_dict["tracking_status"] = tracking_status
        if package_status is not UNSET:
            field_dict["package_status"] = package_status
        if register_time is not UNSET:
            field_dict["register_time"] = register_time
        if sync_status is not UNSET:
            field_dict["sync_status"] = sync_status
        if track_time is not UNSET:
            field_dict["track_time"] = track_time
        if push_time is not UNSET:
            field_dict["push_time"] = push_time
        if push_status_code is not UNSET:
            field_dict["push_status_code"] = push_status_code
        if stop_track_reason is not UNSET:
            field_dict["stop_track_reason"] = stop_track_reason
        if is_retracked is not UNSET:
            field_dict["is_retracked"] = is_retracked
        if carrier_change_count is not UNSET:
            field_dict["carrier_change_count"] = carrier_change_count
        if final_carrier is not UNSET:
            field_dict["final_carrier"] = final_carrier
        if order_time is not UNSET:
            field_dict["order_time"] = order_time
        if lang is not UNSET:
            field_dict["lang"] = lang
        if delievery_time is not UNSET:
            field_dict["delievery_time"] = delievery_time
        if push_status is not UNSET:
            field_dict["push_status"] = push_status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _remaining = dict(src_dict)
        number = _remaining.pop("number", UNSET)

        def _parse_carrier(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        carrier = _parse_carrier(_remaining.pop("carrier", UNSET))

        def _parse_param(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        param = _parse_param(_remaining.pop("param", UNSET))

        def _parse_tag(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tag = _parse_tag(_remaining.pop("tag", UNSET))

        def _parse_order_no(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        order_no = _parse_order_no(_remaining.pop("order_no", UNSET))

        def _parse_tracking_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tracking_status = _parse_tracking_status(
            _remaining.pop("tracking_status", UNSET)
        )

        def _parse_package_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        package_status = _parse_package_status(_remaining.pop("package_status", UNSET))

        def _parse_register_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        register_time = _parse_register_time(_remaining.pop("register_time", UNSET))

        def _parse_sync_status(data: object) -> bool | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | str | Unset, data)

        sync_status = _parse_sync_status(_remaining.pop("sync_status", UNSET))

        def _parse_track_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        track_time = _parse_track_time(_remaining.pop("track_time", UNSET))

        def _parse_push_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        push_time = _parse_push_time(_remaining.pop("push_time", UNSET))

        def _parse_push_status_code(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        push_status_code = _parse_push_status_code(
            _remaining.pop("push_status_code", UNSET)
        )

        def _parse_stop_track_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        stop_track_reason = _parse_stop_track_reason(
            _remaining.pop("stop_track_reason", UNSET)
        )

        def _parse_is_retracked(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_retracked = _parse_is_retracked(_remaining.pop("is_retracked", UNSET))

        def _parse_carrier_change_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        carrier_change_count = _parse_carrier_change_count(
            _remaining.pop("carrier_change_count", UNSET)
        )

        def _parse_final_carrier(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        final_carrier = _parse_final_carrier(_remaining.pop("final_carrier", UNSET))

        def _parse_order_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        order_time = _parse_order_time(_remaining.pop("order_time", UNSET))

        def _parse_lang(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lang = _parse_lang(_remaining.pop("lang", UNSET))

        def _parse_delievery_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        delievery_time = _parse_delievery_time(_remaining.pop("delievery_time", UNSET))

        def _parse_push_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        push_status = _parse_push_status(_remaining.pop("push_status", UNSET))

        track_list_item = cls(
            number=number,
            carrier=carrier,
            param=param,
            tag=tag,
            order_no=order_no,
            tracking_status=tracking_status,
            package_status=package_status,
            register_time=register_time,
            sync_status=sync_status,
            track_time=track_time,
            push_time=push_time,
            push_status_code=push_status_code,
            stop_track_reason=stop_track_reason,
            is_retracked=is_retracked,
            carrier_change_count=carrier_change_count,
            final_carrier=final_carrier,
            order_time=order_time,
            lang=lang,
            delievery_time=delievery_time,
            push_status=push_status,
        )

        track_list_item.additional_properties = _remaining
        return track_list_item

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
