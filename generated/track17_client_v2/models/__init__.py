"""Contains all the data models used in inputs/outputs"""

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
