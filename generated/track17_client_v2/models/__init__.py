"""Contains all the data models used in inputs/outputs.

Each model's module is imported when the model is first named (PEP 562), so that a process pays
for the models it uses, not for every model of the contract.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .accepted_item import AcceptedItem
    from .address import Address
    from .api_error import ApiError
    from .batch_data import BatchData
    from .batch_response import BatchResponse
    from .change_carrier_item import ChangeCarrierItem
    from .change_info_fields import ChangeInfoFields
    from .change_info_item import ChangeInfoItem
    from .coordinates import Coordinates
    from .description_translation import DescriptionTranslation
    from .error_response import ErrorResponse
    from .estimated_delivery import EstimatedDelivery
    from .latest_status import LatestStatus
    from .milestone import Milestone
    from .misc_info import MiscInfo
    from .number_item import NumberItem
    from .page import Page
    from .provider import Provider
    from .provider_tip import ProviderTip
    from .provider_tracking import ProviderTracking
    from .push import Push
    from .push_data import PushData
    from .quota import Quota
    from .quota_response import QuotaResponse
    from .real_time_item import RealTimeItem
    from .register_item import RegisterItem
    from .rejected_item import RejectedItem
    from .shipping_info import ShippingInfo
    from .time_metrics import TimeMetrics
    from .time_raw import TimeRaw
    from .track_event import TrackEvent
    from .track_info import TrackInfo
    from .track_info_data import TrackInfoData
    from .track_info_item import TrackInfoItem
    from .track_info_response import TrackInfoResponse
    from .track_list_data import TrackListData
    from .track_list_item import TrackListItem
    from .track_list_request import TrackListRequest
    from .track_list_response import TrackListResponse
    from .tracking import Tracking

__all__ = (
    "AcceptedItem",
    "Address",
    "ApiError",
    "BatchData",
    "BatchResponse",
    "ChangeCarrierItem",
    "ChangeInfoFields",
    "ChangeInfoItem",
    "Coordinates",
    "DescriptionTranslation",
    "ErrorResponse",
    "EstimatedDelivery",
    "LatestStatus",
    "Milestone",
    "MiscInfo",
    "NumberItem",
    "Page",
    "Provider",
    "ProviderTip",
    "ProviderTracking",
    "Push",
    "PushData",
    "Quota",
    "QuotaResponse",
    "RealTimeItem",
    "RegisterItem",
    "RejectedItem",
    "ShippingInfo",
    "TimeMetrics",
    "TimeRaw",
    "TrackEvent",
    "TrackInfo",
    "TrackInfoData",
    "TrackInfoItem",
    "TrackInfoResponse",
    "TrackListData",
    "TrackListItem",
    "TrackListRequest",
    "TrackListResponse",
    "Tracking",
)

_MODULES = {
    "AcceptedItem": ".accepted_item",
    "Address": ".address",
    "ApiError": ".api_error",
    "BatchData": ".batch_data",
    "BatchResponse": ".batch_response",
    "ChangeCarrierItem": ".change_carrier_item",
    "ChangeInfoFields": ".change_info_fields",
    "ChangeInfoItem": ".change_info_item",
    "Coordinates": ".coordinates",
    "DescriptionTranslation": ".description_translation",
    "ErrorResponse": ".error_response",
    "EstimatedDelivery": ".estimated_delivery",
    "LatestStatus": ".latest_status",
    "Milestone": ".milestone",
    "MiscInfo": ".misc_info",
    "NumberItem": ".number_item",
    "Page": ".page",
    "Provider": ".provider",
    "ProviderTip": ".provider_tip",
    "ProviderTracking": ".provider_tracking",
    "Push": ".push",
    "PushData": ".push_data",
    "Quota": ".quota",
    "QuotaResponse": ".quota_response",
    "RealTimeItem": ".real_time_item",
    "RegisterItem": ".register_item",
    "RejectedItem": ".rejected_item",
    "ShippingInfo": ".shipping_info",
    "TimeMetrics": ".time_metrics",
    "TimeRaw": ".time_raw",
    "TrackEvent": ".track_event",
    "TrackInfo": ".track_info",
    "TrackInfoData": ".track_info_data",
    "TrackInfoItem": ".track_info_item",
    "TrackInfoResponse": ".track_info_response",
    "TrackListData": ".track_list_data",
    "TrackListItem": ".track_list_item",
    "TrackListRequest": ".track_list_request",
    "TrackListResponse": ".track_list_response",
    "Tracking": ".tracking",
}


def __getattr__(name: str) -> object:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
