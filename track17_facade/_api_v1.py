"""The v1 table: which generated endpoint of ``track17_client`` each operation uses, how its body
is built, and how its answer is read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from track17_client import AuthenticatedClient
from track17_client import models as wire  # each model imported when first named
from track17_client.models.batch_response import BatchResponse
from track17_client.types import UNSET

from track17_facade import _fields as F  # noqa: N812 (read as F.V2TrackInfo.latest_status)
from track17_facade import models
from track17_facade._batching import ItemKind, Prepared, known_carrier
from track17_facade._constants import BASE_URLS
from track17_facade._decoders import ShapeError, array, carrier, optional_object, optional_str, text
from track17_facade._decoders_v1 import package_status, v1_track
from track17_facade._operations import (
    Api,
    Operation,
    TrackListPage,
    TrackListQuery,
    batch_operation,
    endpoints,
    envelope,
    field,
)
from track17_facade._v1_service import (
    ECHOED_CARRIER,
    LIST_CARRIER,
    LIST_PACKAGE_STATUS,
    LIST_REGISTER_TIME,
    LIST_TAG,
    PAGE,
    PAGE_TOTAL,
)
from track17_facade.errors import InvalidResponseError
from track17_facade.models import Accepted, parse_event_time

if TYPE_CHECKING:
    from track17_facade.models import TrackInfo

BASE_URL = BASE_URLS["v1"]
# The contract's names of what is read here (the rest is 17TRACK's own: _v1_service).
NUMBER: Final = F.V1TrackInfoResponseDataAcceptedItem.number
CARRIER: Final = F.V1TrackInfoResponseDataAcceptedItem.carrier
TRACK: Final = F.V1TrackInfoResponseDataAcceptedItem.track
LISTED: Final = F.V1BatchResponseData.accepted
LISTED_NUMBER: Final = F.V1BatchResponseDataAcceptedItem.number

(
    change_carrier,
    change_info,
    delete_track,
    get_track_info,
    get_track_list,
    register_tracking,
    retrack,
    stop_track,
) = endpoints(
    "track17_client.api.tracking",
    "change_carrier",
    "change_info",
    "delete_track",
    "get_track_info",
    "get_track_list",
    "register_tracking",
    "retrack",
    "stop_track",
)
(push_notification,) = endpoints("track17_client.api.webhooks", "push_notification")


def _numbers(items: Sequence[Prepared]) -> list[Any]:
    return [wire.TrackNumberRequest(number=item.number) for item in items]


def _registrations(items: Sequence[Prepared]) -> list[Any]:
    return [
        wire.RegisterRequest(number=item.number, carrier=UNSET if item.carrier is None else item.carrier)
        for item in items
    ]


def _carrier_changes(items: Sequence[Prepared]) -> list[Any]:
    return [wire.ChangeCarrierRequest(number=item.number, carrier=item.carrier or 0) for item in items]


def _tags(items: Sequence[Prepared]) -> list[Any]:
    # A pair's None clears the tag (""); an InfoChange's None leaves it as it is (not sent).
    return [
        wire.ChangeInfoRequest(
            number=item.number, tag=UNSET if item.change is not None and item.tag is None else item.tag or ""
        )
        for item in items
    ]


def _track(item: Any, path: str, sent: Prepared) -> TrackInfo:
    """An accepted item of gettrackinfo, as decoded JSON: read once, by the same reader as v1
    pushes, in whichever v1 shape it came."""
    number = item.get(NUMBER)
    which = carrier(item.get(CARRIER), f"{path}.{CARRIER}")
    return v1_track(
        number if isinstance(number, str) else sent.number, which, item.get(TRACK), f"{path}.{TRACK}"
    )


def _accepted(item: Any, path: str, sent: Prepared) -> Accepted:
    """An acceptance with the carrier 17TRACK names (its register answers echo the one it used,
    given or detected), else the one that was sent: the contract's answers echo the number only."""
    extra = getattr(item, "additional_properties", {})
    echoed = (
        carrier(extra.get(ECHOED_CARRIER), f"{path}.{ECHOED_CARRIER}") if isinstance(extra, dict) else None
    )
    return Accepted(sent.number, echoed if echoed is not None and echoed > 0 else known_carrier(sent.carrier))


def _batch(name: str, kind: ItemKind, module: Any, body: Any) -> Operation[Any]:
    return batch_operation(name, kind, module, body, BatchResponse, _accepted)


def _list_body(query: TrackListQuery, page: int) -> wire.TrackListRequest:
    status = UNSET if query.status is None else int(query.status)
    return wire.TrackListRequest(status=status, page=page, page_size=query.page_size)


def _read_list(parsed: object, query: TrackListQuery, page: int) -> TrackListPage:
    """A gettracklist page, as decoded JSON: the contract's rows hold a number only; 17TRACK's
    also name the carrier (``w1``), the package status (``e``), the registration time (``rt``) and
    the tag, with the page count in ``page`` beside ``data``."""
    data = envelope("gettracklist", (dict,), parsed)
    entries = []
    try:
        for index, item in enumerate(array(data.get(LISTED), f"data.{LISTED}")):
            path = f"data.{LISTED}[{index}]"
            row = optional_object(item, path) or {}
            number = optional_str(row.get(LISTED_NUMBER), f"{path}.{LISTED_NUMBER}")
            if not number:
                raise ShapeError(f"{path}.{LISTED_NUMBER}", "a string", row.get(LISTED_NUMBER))
            status = row.get(LIST_PACKAGE_STATUS)
            entries.append(
                models.TrackListEntry(
                    number,
                    carrier(row.get(LIST_CARRIER), f"{path}.{LIST_CARRIER}") or None,
                    package_status=None
                    if status is None
                    else package_status(status, f"{path}.{LIST_PACKAGE_STATUS}"),
                    register_time=parse_event_time(
                        text(row.get(LIST_REGISTER_TIME), f"{path}.{LIST_REGISTER_TIME}")
                    ),
                    tag=text(row.get(LIST_TAG), f"{path}.{LIST_TAG}"),
                )
            )
    except ShapeError as exc:
        raise InvalidResponseError(f"gettracklist: {exc}", operation="gettracklist") from None
    paging = optional_object(field(parsed, PAGE), PAGE) or {}
    page_total = paging.get(PAGE_TOTAL)
    if isinstance(page_total, int) and not isinstance(page_total, bool):
        return TrackListPage(entries, more=page < page_total)
    return TrackListPage(entries, more=len(entries) >= query.page_size)


V1 = Api(
    version="v1",
    base_url=BASE_URL,
    client_class=AuthenticatedClient,
    register=_batch("register", ItemKind.REGISTER, register_tracking, _registrations),
    get_track_info=Operation(
        "gettrackinfo",
        ItemKind.NUMBER,
        get_track_info.sync_json,
        get_track_info.asyncio_json,
        _numbers,
        (dict,),
        _track,
    ),
    stop_track=_batch("stoptrack", ItemKind.NUMBER, stop_track, _numbers),
    retrack=_batch("retrack", ItemKind.NUMBER, retrack, _numbers),
    delete_track=_batch("deletetrack", ItemKind.NUMBER, delete_track, _numbers),
    change_carrier=_batch("changecarrier", ItemKind.CARRIER, change_carrier, _carrier_changes),
    change_info=_batch("changeinfo", ItemKind.TAG, change_info, _tags),
    push=_batch("push", ItemKind.NUMBER, push_notification, _numbers),
    list_sync=get_track_list.sync_json,
    list_async=get_track_list.asyncio_json,
    list_body=_list_body,
    read_list=_read_list,
)
