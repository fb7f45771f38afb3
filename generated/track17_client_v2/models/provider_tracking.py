from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.provider import Provider
    from ..models.provider_tip import ProviderTip
    from ..models.track_event import TrackEvent


T = TypeVar("T", bound="ProviderTracking")


@_attrs_define
class ProviderTracking:
    """One carrier's events.

    Attributes:
        provider (None | Provider | Unset):
        service_type (None | str | Unset):
        latest_sync_status (None | str | Unset):
        latest_sync_time (None | str | Unset):
        events_hash (int | None | Unset):
        events (list[TrackEvent] | None | Unset): Newest first
        provider_lang (None | str | Unset): The language the carrier's events are in (v2.4)
        provider_tips (list[ProviderTip] | None | Unset): This carrier's notices (v2.4). aio17track reads them per
            provider, 17TRACK's documentation table lists provider_tips on track_info, and both places are read.
    """

    provider: None | Provider | Unset = UNSET
    service_type: None | str | Unset = UNSET
    latest_sync_status: None | str | Unset = UNSET
    latest_sync_time: None | str | Unset = UNSET
    events_hash: int | None | Unset = UNSET
    events: list[TrackEvent] | None | Unset = UNSET
    provider_lang: None | str | Unset = UNSET
    provider_tips: list[ProviderTip] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.provider import Provider

        provider: dict[str, Any] | None | Unset
        if isinstance(self.provider, Unset):
            provider = UNSET
        elif isinstance(self.provider, Provider):
            provider = self.provider.to_dict()
        else:
            provider = self.provider

        service_type: None | str | Unset
        if isinstance(self.service_type, Unset):
            service_type = UNSET
        else:
            service_type = self.service_type

        latest_sync_status: None | str | Unset
        if isinstance(self.latest_sync_status, Unset):
            latest_sync_status = UNSET
        else:
            latest_sync_status = self.latest_sync_status

        latest_sync_time: None | str | Unset
        if isinstance(self.latest_sync_time, Unset):
            latest_sync_time = UNSET
        else:
            latest_sync_time = self.latest_sync_time

        events_hash: int | None | Unset
        if isinstance(self.events_hash, Unset):
            events_hash = UNSET
        else:
            events_hash = self.events_hash

        events: list[dict[str, Any]] | None | Unset
        if isinstance(self.events, Unset):
            events = UNSET
        elif isinstance(self.events, list):
            events = []
            for events_type_0_item_data in self.events:
                # still the decoded JSON (it did not fit the model): given back as it came
                if isinstance(events_type_0_item_data, dict):
                    events.append(events_type_0_item_data)
                    continue
                events_type_0_item = events_type_0_item_data.to_dict()
                events.append(events_type_0_item)

        else:
            events = self.events

        provider_lang: None | str | Unset
        if isinstance(self.provider_lang, Unset):
            provider_lang = UNSET
        else:
            provider_lang = self.provider_lang

        provider_tips: list[dict[str, Any]] | None | Unset
        if isinstance(self.provider_tips, Unset):
            provider_tips = UNSET
        elif isinstance(self.provider_tips, list):
            provider_tips = []
            for provider_tips_type_0_item_data in self.provider_tips:
                # still the decoded JSON (it did not fit the model): given back as it came
                if isinstance(provider_tips_type_0_item_data, dict):
                    provider_tips.append(provider_tips_type_0_item_data)
                    continue
                provider_tips_type_0_item = provider_tips_type_0_item_data.to_dict()
                provider_tips.append(provider_tips_type_0_item)

        else:
            provider_tips = self.provider_tips

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if provider is not UNSET:
            field_dict["provider"] = provider
        if service_type is not UNSET:
            field_dict["service_type"] = service_type
        if latest_sync_status is not UNSET:
            field_dict["latest_sync_status"] = latest_sync_status
        if latest_sync_time is not UNSET:
            field_dict["latest_sync_time"] = latest_sync_time
        if events_hash is not UNSET:
            field_dict["events_hash"] = events_hash
        if events is not UNSET:
            field_dict["events"] = events
        if provider_lang is not UNSET:
            field_dict["provider_lang"] = provider_lang
        if provider_tips is not UNSET:
            field_dict["provider_tips"] = provider_tips

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.provider import Provider
        from ..models.provider_tip import ProviderTip
        from ..models.track_event import TrackEvent

        _remaining = dict(src_dict)

        def _parse_provider(data: object) -> None | Provider | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                provider_type_0 = Provider.from_dict(data)

                return provider_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Provider | Unset, data)

        provider = _parse_provider(_remaining.pop("provider", UNSET))

        def _parse_service_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        service_type = _parse_service_type(_remaining.pop("service_type", UNSET))

        def _parse_latest_sync_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        latest_sync_status = _parse_latest_sync_status(
            _remaining.pop("latest_sync_status", UNSET)
        )

        def _parse_latest_sync_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        latest_sync_time = _parse_latest_sync_time(
            _remaining.pop("latest_sync_time", UNSET)
        )

        def _parse_events_hash(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        events_hash = _parse_events_hash(_remaining.pop("events_hash", UNSET))

        def _parse_events(data: object) -> list[TrackEvent] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                events_type_0 = []
                _events_type_0 = data
                for events_type_0_item_data in (
                    _events_type_0 if isinstance(_events_type_0, list) else []
                ):
                    if not isinstance(events_type_0_item_data, dict):
                        continue
                    events_type_0_item = TrackEvent.from_dict(events_type_0_item_data)

                    events_type_0.append(events_type_0_item)

                return events_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[TrackEvent] | None | Unset, data)

        events = _parse_events(_remaining.pop("events", UNSET))

        def _parse_provider_lang(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        provider_lang = _parse_provider_lang(_remaining.pop("provider_lang", UNSET))

        def _parse_provider_tips(data: object) -> list[ProviderTip] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                provider_tips_type_0 = []
                _provider_tips_type_0 = data
                for provider_tips_type_0_item_data in (
                    _provider_tips_type_0
                    if isinstance(_provider_tips_type_0, list)
                    else []
                ):
                    if not isinstance(provider_tips_type_0_item_data, dict):
                        continue
                    provider_tips_type_0_item = ProviderTip.from_dict(
                        provider_tips_type_0_item_data
                    )

                    provider_tips_type_0.append(provider_tips_type_0_item)

                return provider_tips_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ProviderTip] | None | Unset, data)

        provider_tips = _parse_provider_tips(_remaining.pop("provider_tips", UNSET))

        provider_tracking = cls(
            provider=provider,
            service_type=service_type,
            latest_sync_status=latest_sync_status,
            latest_sync_time=latest_sync_time,
            events_hash=events_hash,
            events=events,
            provider_lang=provider_lang,
            provider_tips=provider_tips,
        )

        provider_tracking.additional_properties = _remaining
        return provider_tracking

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
