"""Contains all the data models used in inputs/outputs.

Each model's module is imported when the model is first named (PEP 562), so that a process pays
for the models it uses, not for every model of the contract.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .batch_response import BatchResponse
    from .batch_response_data import BatchResponseData
    from .batch_response_data_accepted_item import BatchResponseDataAcceptedItem
    from .batch_response_data_rejected_item import BatchResponseDataRejectedItem
    from .batch_response_data_rejected_item_error import (
        BatchResponseDataRejectedItemError,
    )
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
    from .track_info_response_data_accepted_item import (
        TrackInfoResponseDataAcceptedItem,
    )
    from .track_info_response_data_accepted_item_track import (
        TrackInfoResponseDataAcceptedItemTrack,
    )
    from .track_info_response_data_accepted_item_track_z0 import (
        TrackInfoResponseDataAcceptedItemTrackZ0,
    )
    from .track_info_response_data_accepted_item_track_z1_item import (
        TrackInfoResponseDataAcceptedItemTrackZ1Item,
    )
    from .track_info_response_data_rejected_item import (
        TrackInfoResponseDataRejectedItem,
    )
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

_MODULES = {
    "BatchResponse": ".batch_response",
    "BatchResponseData": ".batch_response_data",
    "BatchResponseDataAcceptedItem": ".batch_response_data_accepted_item",
    "BatchResponseDataRejectedItem": ".batch_response_data_rejected_item",
    "BatchResponseDataRejectedItemError": ".batch_response_data_rejected_item_error",
    "ChangeCarrierRequest": ".change_carrier_request",
    "ChangeCarrierResponse401": ".change_carrier_response_401",
    "ChangeCarrierResponse429": ".change_carrier_response_429",
    "ChangeCarrierResponse500": ".change_carrier_response_500",
    "ChangeInfoRequest": ".change_info_request",
    "ChangeInfoResponse401": ".change_info_response_401",
    "ChangeInfoResponse429": ".change_info_response_429",
    "ChangeInfoResponse500": ".change_info_response_500",
    "DeleteTrackResponse401": ".delete_track_response_401",
    "DeleteTrackResponse429": ".delete_track_response_429",
    "DeleteTrackResponse500": ".delete_track_response_500",
    "GetTrackInfoResponse401": ".get_track_info_response_401",
    "GetTrackInfoResponse429": ".get_track_info_response_429",
    "GetTrackInfoResponse500": ".get_track_info_response_500",
    "GetTrackListResponse401": ".get_track_list_response_401",
    "GetTrackListResponse429": ".get_track_list_response_429",
    "GetTrackListResponse500": ".get_track_list_response_500",
    "PushNotificationResponse401": ".push_notification_response_401",
    "PushNotificationResponse429": ".push_notification_response_429",
    "PushNotificationResponse500": ".push_notification_response_500",
    "RegisterRequest": ".register_request",
    "RegisterTrackingResponse401": ".register_tracking_response_401",
    "RegisterTrackingResponse429": ".register_tracking_response_429",
    "RegisterTrackingResponse500": ".register_tracking_response_500",
    "RegisterTrackingResponse503": ".register_tracking_response_503",
    "RetrackResponse401": ".retrack_response_401",
    "RetrackResponse429": ".retrack_response_429",
    "RetrackResponse500": ".retrack_response_500",
    "StopTrackResponse401": ".stop_track_response_401",
    "StopTrackResponse429": ".stop_track_response_429",
    "StopTrackResponse500": ".stop_track_response_500",
    "TrackInfoResponse": ".track_info_response",
    "TrackInfoResponseData": ".track_info_response_data",
    "TrackInfoResponseDataAcceptedItem": ".track_info_response_data_accepted_item",
    "TrackInfoResponseDataAcceptedItemTrack": ".track_info_response_data_accepted_item_track",
    "TrackInfoResponseDataAcceptedItemTrackZ0": ".track_info_response_data_accepted_item_track_z0",
    "TrackInfoResponseDataAcceptedItemTrackZ1Item": ".track_info_response_data_accepted_item_track_z1_item",
    "TrackInfoResponseDataRejectedItem": ".track_info_response_data_rejected_item",
    "TrackInfoResponseDataRejectedItemError": ".track_info_response_data_rejected_item_error",
    "TrackListRequest": ".track_list_request",
    "TrackNumberRequest": ".track_number_request",
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
