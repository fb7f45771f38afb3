from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.provider_tracking import ProviderTracking


T = TypeVar("T", bound="Tracking")


@_attrs_define
class Tracking:
    """Events by carrier.

    Attributes:
        providers_hash (int | None | Unset):
        providers (list[ProviderTracking] | None | Unset):
    """

    providers_hash: int | None | Unset = UNSET
    providers: list[ProviderTracking] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        providers_hash: int | None | Unset
        if isinstance(self.providers_hash, Unset):
            providers_hash = UNSET
        else:
            providers_hash = self.providers_hash

        providers: list[dict[str, Any]] | None | Unset
        if isinstance(self.providers, Unset):
            providers = UNSET
        elif isinstance(self.providers, list):
            providers = []
            for providers_type_0_item_data in self.providers:
                # still the decoded JSON (it did not fit the model): given back as it came
                if isinstance(providers_type_0_item_data, dict):
                    providers.append(providers_type_0_item_data)
                    continue
                providers_type_0_item = providers_type_0_item_data.to_dict()
                providers.append(providers_type_0_item)

        else:
            providers = self.providers

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if providers_hash is not UNSET:
            field_dict["providers_hash"] = providers_hash
        if providers is not UNSET:
            field_dict["providers"] = providers

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.provider_tracking import ProviderTracking

        _remaining = dict(src_dict)

        def _parse_providers_hash(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        providers_hash = _parse_providers_hash(_remaining.pop("providers_hash", UNSET))

        def _parse_providers(data: object) -> list[ProviderTracking] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                providers_type_0 = []
                _providers_type_0 = data
                for providers_type_0_item_data in (
                    _providers_type_0 if isinstance(_providers_type_0, list) else []
                ):
                    if not isinstance(providers_type_0_item_data, dict):
                        continue
                    providers_type_0_item = ProviderTracking.from_dict(
                        providers_type_0_item_data
                    )

                    providers_type_0.append(providers_type_0_item)

                return providers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ProviderTracking] | None | Unset, data)

        providers = _parse_providers(_remaining.pop("providers", UNSET))

        tracking = cls(
            providers_hash=providers_hash,
            providers=providers,
        )

        tracking.additional_properties = _remaining
        return tracking

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
