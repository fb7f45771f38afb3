from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_response_data_accepted_item import BatchResponseDataAcceptedItem
    from ..models.batch_response_data_rejected_item import BatchResponseDataRejectedItem


T = TypeVar("T", bound="BatchResponseData")


@_attrs_define
class BatchResponseData:
    """
    Attributes:
        accepted (list[BatchResponseDataAcceptedItem] | Unset): Successfully processed items
        rejected (list[BatchResponseDataRejectedItem] | Unset): Items that could not be processed with error details
    """

    accepted: list[BatchResponseDataAcceptedItem] | Unset = UNSET
    rejected: list[BatchResponseDataRejectedItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accepted: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.accepted, Unset):
            accepted = []
            for accepted_item_data in self.accepted:
                # still the decoded JSON (it did not fit the model): given back as it came
                if isinstance(accepted_item_data, dict):
                    accepted.append(accepted_item_data)
                    continue
                accepted_item = accepted_item_data.to_dict()
                accepted.append(accepted_item)

        rejected: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rejected, Unset):
            rejected = []
            for rejected_item_data in self.rejected:
                # still the decoded JSON (it did not fit the model): given back as it came
                if isinstance(rejected_item_data, dict):
                    rejected.append(rejected_item_data)
                    continue
                rejected_item = rejected_item_data.to_dict()
                rejected.append(rejected_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if accepted is not UNSET:
            field_dict["accepted"] = accepted
        if rejected is not UNSET:
            field_dict["rejected"] = rejected

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.batch_response_data_accepted_item import (
            BatchResponseDataAcceptedItem,
        )
        from ..models.batch_response_data_rejected_item import (
            BatchResponseDataRejectedItem,
        )

        _remaining = dict(src_dict)
        _accepted = _remaining.pop("accepted", UNSET)
        accepted: list[BatchResponseDataAcceptedItem] | Unset = UNSET
        if isinstance(_accepted, list):
            accepted = []
            for accepted_item_data in _accepted:
                if not isinstance(accepted_item_data, dict):
                    continue
                accepted_item = BatchResponseDataAcceptedItem.from_dict(
                    accepted_item_data
                )

                accepted.append(accepted_item)

        _rejected = _remaining.pop("rejected", UNSET)
        rejected: list[BatchResponseDataRejectedItem] | Unset = UNSET
        if isinstance(_rejected, list):
            rejected = []
            for rejected_item_data in _rejected:
                if not isinstance(rejected_item_data, dict):
                    continue
                rejected_item = BatchResponseDataRejectedItem.from_dict(
                    rejected_item_data
                )

                rejected.append(rejected_item)

        batch_response_data = cls(
            accepted=accepted,
            rejected=rejected,
        )

        batch_response_data.additional_properties = _remaining
        return batch_response_data

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
