from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.latest_status import LatestStatus
    from ..models.milestone import Milestone
    from ..models.misc_info import MiscInfo
    from ..models.provider_tip import ProviderTip
    from ..models.shipping_info import ShippingInfo
    from ..models.time_metrics import TimeMetrics
    from ..models.track_event import TrackEvent
    from ..models.tracking import Tracking


T = TypeVar("T", bound="TrackInfo")


@_attrs_define
class TrackInfo:
    """A shipment's tracking, as in gettrackinfo and TRACKING_UPDATED pushes.

    Attributes:
        shipping_info (None | ShippingInfo | Unset):
        latest_status (LatestStatus | None | Unset):
        latest_event (None | TrackEvent | Unset):
        time_metrics (None | TimeMetrics | Unset):
        milestone (list[Milestone] | None | Unset):
        misc_info (MiscInfo | None | Unset):
        tracking (None | Tracking | Unset):
        provider_tips (list[ProviderTip] | None | Unset): Carrier notices (v2.4), as 17TRACK's documentation table
            places them
    """

    shipping_info: None | ShippingInfo | Unset = UNSET
    latest_status: LatestStatus | None | Unset = UNSET
    latest_event: None | TrackEvent | Unset = UNSET
    time_metrics: None | TimeMetrics | Unset = UNSET
    milestone: list[Milestone] | None | Unset = UNSET
    misc_info: MiscInfo | None | Unset = UNSET
    tracking: None | Tracking | Unset = UNSET
    provider_tips: list[ProviderTip] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.latest_status import LatestStatus
        from ..models.misc_info import MiscInfo
        from ..models.shipping_info import ShippingInfo
        from ..models.time_metrics import TimeMetrics
        from ..models.track_event import TrackEvent
        from ..models.tracking import Tracking

        shipping_info: dict[str, Any] | None | Unset
        if isinstance(self.shipping_info, Unset):
            shipping_info = UNSET
        elif isinstance(self.shipping_info, ShippingInfo):
            shipping_info = self.shipping_info.to_dict()
        else:
            shipping_info = self.shipping_info

        latest_status: dict[str, Any] | None | Unset
        if isinstance(self.latest_status, Unset):
            latest_status = UNSET
        elif isinstance(self.latest_status, LatestStatus):
            latest_status = self.latest_status.to_dict()
        else:
            latest_status = self.latest_status

        latest_event: dict[str, Any] | None | Unset
        if isinstance(self.latest_event, Unset):
            latest_event = UNSET
        elif isinstance(self.latest_event, TrackEvent):
            latest_event = self.latest_event.to_dict()
        else:
            latest_event = self.latest_event

        time_metrics: dict[str, Any] | None | Unset
        if isinstance(self.time_metrics, Unset):
            time_metrics = UNSET
        elif isinstance(self.time_metrics, TimeMetrics):
            time_metrics = self.time_metrics.to_dict()
        else:
            time_metrics = self.time_metrics

        milestone: list[dict[str, Any]] | None | Unset
        if isinstance(self.milestone, Unset):
            milestone = UNSET
        elif isinstance(self.milestone, list):
            milestone = []
            for milestone_type_0_item_data in self.milestone:
                # still the decoded JSON (it did not fit the model): given back as it came
                if isinstance(milestone_type_0_item_data, dict):
                    milestone.append(milestone_type_0_item_data)
                    continue
                milestone_type_0_item = milestone_type_0_item_data.to_dict()
                milestone.append(milestone_type_0_item)

        else:
            milestone = self.milestone

        misc_info: dict[str, Any] | None | Unset
        if isinstance(self.misc_info, Unset):
            misc_info = UNSET
        elif isinstance(self.misc_info, MiscInfo):
            misc_info = self.misc_info.to_dict()
        else:
            misc_info = self.misc_info

        tracking: dict[str, Any] | None | Unset
        if isinstance(self.tracking, Unset):
            tracking = UNSET
        elif isinstance(self.tracking, Tracking):
            tracking = self.tracking.to_dict()
        else:
            tracking = self.tracking

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
        if shipping_info is not UNSET:
            field_dict["shipping_info"] = shipping_info
        if latest_status is not UNSET:
            field_dict["latest_status"] = latest_status
        if latest_event is not UNSET:
            field_dict["latest_event"] = latest_event
        if time_metrics is not UNSET:
            field_dict["time_metrics"] = time_metrics
        if milestone is not UNSET:
            field_dict["milestone"] = milestone
        if misc_info is not UNSET:
            field_dict["misc_info"] = misc_info
        if tracking is not UNSET:
            field_dict["tracking"] = tracking
        if provider_tips is not UNSET:
            field_dict["provider_tips"] = provider_tips

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.latest_status import LatestStatus
        from ..models.milestone import Milestone
        from ..models.misc_info import MiscInfo
        from ..models.provider_tip import ProviderTip
        from ..models.shipping_info import ShippingInfo
        from ..models.time_metrics import TimeMetrics
        from ..models.track_event import TrackEvent
        from ..models.tracking import Tracking

        _remaining = dict(src_dict)

        def _parse_shipping_info(data: object) -> None | ShippingInfo | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                shipping_info_type_0 = ShippingInfo.from_dict(data)

                return shipping_info_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ShippingInfo | Unset, data)

        shipping_info = _parse_shipping_info(_remaining.pop("shipping_info", UNSET))

        def _parse_latest_status(data: object) -> LatestStatus | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                latest_status_type_0 = LatestStatus.from_dict(data)

                return latest_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LatestStatus | None | Unset, data)

        latest_status = _parse_latest_status(_remaining.pop("latest_status", UNSET))

        def _parse_latest_event(data: object) -> None | TrackEvent | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                latest_event_type_0 = TrackEvent.from_dict(data)

                return latest_event_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrackEvent | Unset, data)

        latest_event = _parse_latest_event(_remaining.pop("latest_event", UNSET))

        def _parse_time_metrics(data: object) -> None | TimeMetrics | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                time_metrics_type_0 = TimeMetrics.from_dict(data)

                return time_metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TimeMetrics | Unset, data)

        time_metrics = _parse_time_metrics(_remaining.pop("time_metrics", UNSET))

        def _parse_milestone(data: object) -> list[Milestone] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                milestone_type_0 = []
                _milestone_type_0 = data
                for milestone_type_0_item_data in (
                    _milestone_type_0 if isinstance(_milestone_type_0, list) else []
                ):
                    if not isinstance(milestone_type_0_item_data, dict):
                        continue
                    milestone_type_0_item = Milestone.from_dict(
                        milestone_type_0_item_data
                    )

                    milestone_type_0.append(milestone_type_0_item)

                return milestone_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Milestone] | None | Unset, data)

        milestone = _parse_milestone(_remaining.pop("milestone", UNSET))

        def _parse_misc_info(data: object) -> MiscInfo | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                misc_info_type_0 = MiscInfo.from_dict(data)

                return misc_info_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MiscInfo | None | Unset, data)

        misc_info = _parse_misc_info(_remaining.pop("misc_info", UNSET))

        def _parse_tracking(data: object) -> None | Tracking | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tracking_type_0 = Tracking.from_dict(data)

                return tracking_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Tracking | Unset, data)

        tracking = _parse_tracking(_remaining.pop("tracking", UNSET))

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

        track_info = cls(
            shipping_info=shipping_info,
            latest_status=latest_status,
            latest_event=latest_event,
            time_metrics=time_metrics,
            milestone=milestone,
            misc_info=misc_info,
            tracking=tracking,
            provider_tips=provider_tips,
        )

        track_info.additional_properties = _remaining
        return track_info

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
