from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.estimated_delivery import EstimatedDelivery


T = TypeVar("T", bound="TimeMetrics")


@_attrs_define
class TimeMetrics:
    """Durations and the estimated delivery.

    Attributes:
        days_after_order (int | None | Unset):
        days_of_transit (int | None | Unset):
        days_of_transit_done (int | None | Unset):
        days_after_last_update (int | None | Unset):
        estimated_delivery_date (EstimatedDelivery | None | Unset):
    """

    days_after_order: int | None | Unset = UNSET
    days_of_transit: int | None | Unset = UNSET
    days_of_transit_done: int | None | Unset = UNSET
    days_after_last_update: int | None | Unset = UNSET
    estimated_delivery_date: EstimatedDelivery | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.estimated_delivery import EstimatedDelivery

        days_after_order: int | None | Unset
        if isinstance(self.days_after_order, Unset):
            days_after_order = UNSET
        else:
            days_after_order = self.days_after_order

        days_of_transit: int | None | Unset
        if isinstance(self.days_of_transit, Unset):
            days_of_transit = UNSET
        else:
            days_of_transit = self.days_of_transit

        days_of_transit_done: int | None | Unset
        if isinstance(self.days_of_transit_done, Unset):
            days_of_transit_done = UNSET
        else:
            days_of_transit_done = self.days_of_transit_done

        days_after_last_update: int | None | Unset
        if isinstance(self.days_after_last_update, Unset):
            days_after_last_update = UNSET
        else:
            days_after_last_update = self.days_after_last_update

        estimated_delivery_date: dict[str, Any] | None | Unset
        if isinstance(self.estimated_delivery_date, Unset):
            estimated_delivery_date = UNSET
        elif isinstance(self.estimated_delivery_date, EstimatedDelivery):
            estimated_delivery_date = self.estimated_delivery_date.to_dict()
        else:
            estimated_delivery_date = self.estimated_delivery_date

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if days_after_order is not UNSET:
            field_dict["days_after_order"] = days_after_order
        if days_of_transit is not UNSET:
            field_dict["days_of_transit"] = days_of_transit
        if days_of_transit_done is not UNSET:
            field_dict["days_of_transit_done"] = days_of_transit_done
        if days_after_last_update is not UNSET:
            field_dict["days_after_last_update"] = days_after_last_update
        if estimated_delivery_date is not UNSET:
            field_dict["estimated_delivery_date"] = estimated_delivery_date

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.estimated_delivery import EstimatedDelivery

        _remaining = dict(src_dict)

        def _parse_days_after_order(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        days_after_order = _parse_days_after_order(
            _remaining.pop("days_after_order", UNSET)
        )

        def _parse_days_of_transit(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        days_of_transit = _parse_days_of_transit(
            _remaining.pop("days_of_transit", UNSET)
        )

        def _parse_days_of_transit_done(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        days_of_transit_done = _parse_days_of_transit_done(
            _remaining.pop("days_of_transit_done", UNSET)
        )

        def _parse_days_after_last_update(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        days_after_last_update = _parse_days_after_last_update(
            _remaining.pop("days_after_last_update", UNSET)
        )

        def _parse_estimated_delivery_date(
            data: object,
        ) -> EstimatedDelivery | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                estimated_delivery_date_type_0 = EstimatedDelivery.from_dict(data)

                return estimated_delivery_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EstimatedDelivery | None | Unset, data)

        estimated_delivery_date = _parse_estimated_delivery_date(
            _remaining.pop("estimated_delivery_date", UNSET)
        )

        time_metrics = cls(
            days_after_order=days_after_order,
            days_of_transit=days_of_transit,
            days_of_transit_done=days_of_transit_done,
            days_after_last_update=days_after_last_update,
            estimated_delivery_date=estimated_delivery_date,
        )

        time_metrics.additional_properties = _remaining
        return time_metrics

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
