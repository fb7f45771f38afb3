"""Contains all the data models used in inputs/outputs"""

from .batch_response import BatchResponse
from .batch_response_data import BatchResponseData
from .batch_response_data_accepted_item import BatchResponseDataAcceptedItem
from .batch_response_data_rejected_item import BatchResponseDataRejectedItem
from .batch_response_data_rejected_item_error import BatchResponseDataRejectedItemError
from .change_carrier_request import ChangeCarrierRequest
from .change_carrier_response_401 import ChangeCarrierResponse401
from .change_carrier_response_429 import ChangeCarrierResponse429
from .change_carrier_response_500 import ChangeCarrierResponse500
from .change_info_request import ChangeInfoRequest
from .change_info_response_401 import ChangeInfoResponse401
from .change_info_response_429 import ChangeInfoResponse429
from .change_info_response_500 import ChangeInfoResponse500
from .delete_track_response_401 import DeleteTrackResponse401
from .delete_track_response_429 import DeleteTrackResponse429
from .delete_track_response_500 import DeleteTrackResponse500
from .get_track_info_response_401 import GetTrackInfoResponse401
from .get_track_info_response_429 import GetTrackInfoResponse429
from .get_track_info_response_500 import GetTrackInfoResponse500
from .get_track_list_response_401 import GetTrackListResponse401
from .get_track_list_response_429 import GetTrackListResponse429
from .get_track_list_response_500 import GetTrackListResponse500
from .push_notification_response_401 import PushNotificationResponse401
from .push_notification_response_429 import PushNotificationResponse429
from .push_notification_response_500 import PushNotificationResponse500
from .register_request import RegisterRequest
from .register_tracking_response_401 import RegisterTrackingResponse401
from .register_tracking_response_429 import RegisterTrackingResponse429
from .register_tracking_response_500 import RegisterTrackingResponse500
from .register_tracking_response_503 import RegisterTrackingResponse503
from .retrack_response_401 import RetrackResponse401
from .retrack_response_429 import RetrackResponse429
from .retrack_response_500 import RetrackResponse500
from .stop_track_response_401 import StopTrackResponse401
from .stop_track_response_429 import StopTrackResponse429
from .stop_track_response_500 import StopTrackResponse500
from .track_info_response import TrackInfoResponse
from .track_info_response_data import TrackInfoResponseData
from .track_info_response_data_accepted_item import TrackInfoResponseDataAcceptedItem
from .track_info_response_data_accepted_item_track import (
    TrackInfoResponseDataAcceptedItemTrack,
)
from .track_info_response_data_accepted_item_track_z0 import (
    TrackInfoResponseDataAcceptedItemTrackZ0,
)
from .track_info_response_data_accepted_item_track_z1_item import (
    TrackInfoResponseDataAcceptedItemTrackZ1Item,
)
from .track_info_response_data_rejected_item import TrackInfoResponseDataRejectedItem
from .track_info_response_data_rejected_item_error import (
    TrackInfoResponseDataRejectedItemError,
)
from .track_list_request import TrackListRequest
from .track_number_request import TrackNumberRequest

__all__ = (
    "BatchResponse",
    "BatchResponseData",
    "BatchResponseDataAcceptedItem",
    "BatchResponseDataRejectedItem",
    "BatchResponseDataRejectedItemError",
    "ChangeCarrierRequest",
    "ChangeCarrierResponse401",
    "ChangeCarrierResponse429",
    "ChangeCarrierResponse500",
    "ChangeInfoRequest",
    "ChangeInfoResponse401",
    "ChangeInfoResponse429",
    "ChangeInfoResponse500",
    "DeleteTrackResponse401",
    "DeleteTrackResponse429",
    "DeleteTrackResponse500",
    "GetTrackInfoResponse401",
    "GetTrackInfoResponse429",
    "GetTrackInfoResponse500",
    "GetTrackListResponse401",
    "GetTrackListResponse429",
    "GetTrackListResponse500",
    "PushNotificationResponse401",
    "PushNotificationResponse429",
    "PushNotificationResponse500",
    "RegisterRequest",
    "RegisterTrackingResponse401",
    "RegisterTrackingResponse429",
    "RegisterTrackingResponse500",
    "RegisterTrackingResponse503",
    "RetrackResponse401",
    "RetrackResponse429",
    "RetrackResponse500",
    "StopTrackResponse401",
    "StopTrackResponse429",
    "StopTrackResponse500",
    "TrackInfoResponse",
    "TrackInfoResponseData",
    "TrackInfoResponseDataAcceptedItem",
    "TrackInfoResponseDataAcceptedItemTrack",
    "TrackInfoResponseDataAcceptedItemTrackZ0",
    "TrackInfoResponseDataAcceptedItemTrackZ1Item",
    "TrackInfoResponseDataRejectedItem",
    "TrackInfoResponseDataRejectedItemError",
    "TrackListRequest",
    "TrackNumberRequest",
)
