from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.api_error import ApiError


T = TypeVar("T", bound="Quota")


@_attrs_define
class Quota:
    """The quota balance.

    Attributes:
        quota_total (int | None | Unset): Quota bought
        quota_used (int | None | Unset):
        quota_remain (int | None | Unset):
        today_used (int | None | Unset):
        max_track_daily (int | None | Unset): Daily registration limit (0: none)
        free_email_quota (int | None | Unset):
        free_email_quota_used (int | None | Unset):
        free_email_quotaused (int | None | Unset): free_email_quota_used as 17TRACK's documentation example spells it;
            either may come
        errors (list[ApiError] | Unset): Request-level errors, when the request was refused
    """

    quota_total: int | None | Unset = UNSET
    quota_used: int | None | Unset = UNSET
    quota_remain: int | None | Unset = UNSET
    today_used: int | None | Unset = UNSET
    max_track_daily: int | None | Unset = UNSET
    free_email_quota: int | None | Unset = UNSET
    free_email_quota_used: int | None | Unset = UNSET
    free_email_quotaused: int | None | Unset = UNSET
    errors: list[ApiError] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        quota_total: int | None | Unset
        if isinstance(self.quota_total, Unset):
            quota_total = UNSET
        else:
            quota_total = self.quota_total

        quota_used: int | None | Unset
        if isinstance(self.quota_used, Unset):
            quota_used = UNSET
        else:
            quota_used = self.quota_used

        quota_remain: int | None | Unset
        if isinstance(self.quota_remain, Unset):
            quota_remain = UNSET
        else:
            quota_remain = self.quota_remain

        today_used: int | None | Unset
        if isinstance(self.today_used, Unset):
            today_used = UNSET
        else:
            today_used = self.today_used

        max_track_daily: int | None | Unset
        if isinstance(self.max_track_daily, Unset):
            max_track_daily = UNSET
        else:
            max_track_daily = self.max_track_daily

        free_email_quota: int | None | Unset
        if isinstance(self.free_email_quota, Unset):
            free_email_quota = UNSET
        else:
            free_email_quota = self.free_email_quota

        free_email_quota_used: int | None | Unset
        if isinstance(self.free_email_quota_used, Unset):
            free_email_quota_used = UNSET
        else:
            free_email_quota_used = self.free_email_quota_used

        free_email_quotaused: int | None | Unset
        if isinstance(self.free_email_quotaused, Unset):
            free_email_quotaused = UNSET
        else:
            free_email_quotaused = self.free_email_quotaused

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                # still the decoded JSON (it did not fit the model): given back as it came
                if isinstance(errors_item_data, dict):
                    errors.append(errors_item_data)
                    continue
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if quota_total is not UNSET:
            field_dict["quota_total"] = quota_total
        if quota_used is not UNSET:
            field_dict["quota_used"] = quota_used
        if quota_remain is not UNSET:
            field_dict["quota_remain"] = quota_remain
        if today_used is not UNSET:
            field_dict["today_used"] = today_used
        if max_track_daily is not UNSET:
            field_dict["max_track_daily"] = max_track_daily
        if free_email_quota is not UNSET:
            field_dict["free_email_quota"] = free_email_quota
        if free_email_quota_used is not UNSET:
            field_dict["free_email_quota_used"] = free_email_quota_used
        if free_email_quotaused is not UNSET:
            field_dict["free_email_quotaused"] = free_email_quotaused
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.api_error import ApiError

        _remaining = dict(src_dict)

        def _parse_quota_total(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        quota_total = _parse_quota_total(_remaining.pop("quota_total", UNSET))

        def _parse_quota_used(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        quota_used = _parse_quota_used(_remaining.pop("quota_used", UNSET))

        def _parse_quota_remain(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        quota_remain = _parse_quota_remain(_remaining.pop("quota_remain", UNSET))

        def _parse_today_used(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        today_used = _parse_today_used(_remaining.pop("today_used", UNSET))

        def _parse_max_track_daily(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_track_daily = _parse_max_track_daily(
            _remaining.pop("max_track_daily", UNSET)
        )

        def _parse_free_email_quota(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        free_email_quota = _parse_free_email_quota(
            _remaining.pop("free_email_quota", UNSET)
        )

        def _parse_free_email_quota_used(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        free_email_quota_used = _parse_free_email_quota_used(
            _remaining.pop("free_email_quota_used", UNSET)
        )

        def _parse_free_email_quotaused(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        free_email_quotaused = _parse_free_email_quotaused(
            _remaining.pop("free_email_quotaused", UNSET)
        )

        _errors = _remaining.pop("errors", UNSET)
        errors: list[ApiError] | Unset = UNSET
        if isinstance(_errors, list):
            errors = []
            for errors_item_data in _errors:
                if not isinstance(errors_item_data, dict):
                    continue
                errors_item = ApiError.from_dict(errors_item_data)

                errors.append(errors_item)

        quota = cls(
            quota_total=quota_total,
            quota_used=quota_used,
            quota_remain=quota_remain,
            today_used=today_used,
            max_track_daily=max_track_daily,
            free_email_quota=free_email_quota,
            free_email_quota_used=free_email_quota_used,
            free_email_quotaused=free_email_quotaused,
            errors=errors,
        )

        quota.additional_properties = _remaining
        return quota

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
