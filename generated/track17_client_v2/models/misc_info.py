from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MiscInfo")


@_attrs_define
class MiscInfo:
    """Everything else the carrier tells.

    Attributes:
        risk_factor (int | None | Unset):
        service_type (None | str | Unset):
        weight_raw (None | str | Unset):
        weight_kg (None | str | Unset):
        pieces (None | str | Unset):
        dimensions (None | str | Unset):
        customer_number (None | str | Unset):
        reference_number (None | str | Unset):
        local_number (None | str | Unset):
        local_provider (None | str | Unset):
        local_key (int | None | Unset):
    """

    risk_factor: int | None | Unset = UNSET
    service_type: None | str | Unset = UNSET
    weight_raw: None | str | Unset = UNSET
    weight_kg: None | str | Unset = UNSET
    pieces: None | str | Unset = UNSET
    dimensions: None | str | Unset = UNSET
    customer_number: None | str | Unset = UNSET
    reference_number: None | str | Unset = UNSET
    local_number: None | str | Unset = UNSET
    local_provider: None | str | Unset = UNSET
    local_key: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        risk_factor: int | None | Unset
        if isinstance(self.risk_factor, Unset):
            risk_factor = UNSET
        else:
            risk_factor = self.risk_factor

        service_type: None | str | Unset
        if isinstance(self.service_type, Unset):
            service_type = UNSET
        else:
            service_type = self.service_type

        weight_raw: None | str | Unset
        if isinstance(self.weight_raw, Unset):
            weight_raw = UNSET
        else:
            weight_raw = self.weight_raw

        weight_kg: None | str | Unset
        if isinstance(self.weight_kg, Unset):
            weight_kg = UNSET
        else:
            weight_kg = self.weight_kg

        pieces: None | str | Unset
        if isinstance(self.pieces, Unset):
            pieces = UNSET
        else:
            pieces = self.pieces

        dimensions: None | str | Unset
        if isinstance(self.dimensions, Unset):
            dimensions = UNSET
        else:
            dimensions = self.dimensions

        customer_number: None | str | Unset
        if isinstance(self.customer_number, Unset):
            customer_number = UNSET
        else:
            customer_number = self.customer_number

        reference_number: None | str | Unset
        if isinstance(self.reference_number, Unset):
            reference_number = UNSET
        else:
            reference_number = self.reference_number

        local_number: None | str | Unset
        if isinstance(self.local_number, Unset):
            local_number = UNSET
        else:
            local_number = self.local_number

        local_provider: None | str | Unset
        if isinstance(self.local_provider, Unset):
            local_provider = UNSET
        else:
            local_provider = self.local_provider

        local_key: int | None | Unset
        if isinstance(self.local_key, Unset):
            local_key = UNSET
        else:
            local_key = self.local_key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if risk_factor is not UNSET:
            field_dict["risk_factor"] = risk_factor
        if service_type is not UNSET:
            field_dict["service_type"] = service_type
        if weight_raw is not UNSET:
            field_dict["weight_raw"] = weight_raw
        if weight_kg is not UNSET:
            field_dict["weight_kg"] = weight_kg
        if pieces is not UNSET:
            field_dict["pieces"] = pieces
        if dimensions is not UNSET:
            field_dict["dimensions"] = dimensions
        if customer_number is not UNSET:
            field_dict["customer_number"] = customer_number
        if reference_number is not UNSET:
            field_dict["reference_number"] = reference_number
        if local_number is not UNSET:
            field_dict["local_number"] = local_number
        if local_provider is not UNSET:
            field_dict["local_provider"] = local_provider
        if local_key is not UNSET:
            field_dict["local_key"] = local_key

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _remaining = dict(src_dict)

        def _parse_risk_factor(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        risk_factor = _parse_risk_factor(_remaining.pop("risk_factor", UNSET))

        def _parse_service_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        service_type = _parse_service_type(_remaining.pop("service_type", UNSET))

        def _parse_weight_raw(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        weight_raw = _parse_weight_raw(_remaining.pop("weight_raw", UNSET))

        def _parse_weight_kg(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        weight_kg = _parse_weight_kg(_remaining.pop("weight_kg", UNSET))

        def _parse_pieces(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pieces = _parse_pieces(_remaining.pop("pieces", UNSET))

        def _parse_dimensions(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dimensions = _parse_dimensions(_remaining.pop("dimensions", UNSET))

        def _parse_customer_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer_number = _parse_customer_number(
            _remaining.pop("customer_number", UNSET)
        )

        def _parse_reference_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reference_number = _parse_reference_number(
            _remaining.pop("reference_number", UNSET)
        )

        def _parse_local_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        local_number = _parse_local_number(_remaining.pop("local_number", UNSET))

        def _parse_local_provider(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        local_provider = _parse_local_provider(_remaining.pop("local_provider", UNSET))

        def _parse_local_key(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        local_key = _parse_local_key(_remaining.pop("local_key", UNSET))

        misc_info = cls(
            risk_factor=risk_factor,
            service_type=service_type,
            weight_raw=weight_raw,
            weight_kg=weight_kg,
            pieces=pieces,
            dimensions=dimensions,
            customer_number=customer_number,
            reference_number=reference_number,
            local_number=local_number,
            local_provider=local_provider,
            local_key=local_key,
        )

        misc_info.additional_properties = _remaining
        return misc_info

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
