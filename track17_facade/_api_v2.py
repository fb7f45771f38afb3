"""The v2.4 table: which generated endpoint of ``track17_client_v2`` each operation uses, how its
body is built from the same validated items as v1, and how its answer is read.

Statuses are names on v2.4 ("InTransit"); they map onto the same ``MainStatus``/``SubStatus``
members as v1's integers. Tracking comes as ``track_info`` (the v2 push shape), read by the same
function as v2 pushes, so ``get_track_info`` and a push of the same number give equal results.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from track17_client_v2 import AuthenticatedClient
from track17_client_v2 import models as wire  # each model imported when first named
from track17_client_v2.models import BatchResponse
from track17_client_v2.types import UNSET, Unset

from track17_facade import _fields as F  # noqa: N812 (read as F.V2TrackInfo.latest_status)
from track17_facade._batching import ItemKind, Prepared, known_carrier
from track17_facade._constants import BASE_URLS
from track17_facade._decoders import (
    ShapeError,
    carrier,
    is_unset,
    optional_integer,
    optional_str,
    text,
    tolerated,
)
from track17_facade._decoders_v2 import track_info_from_v2
from track17_facade._operations import (
    Api,
    Operation,
    TrackListPage,
    TrackListQuery,
    batch_operation,
    endpoints,
    envelope,
)
from track17_facade.errors import InvalidResponseError
from track17_facade.models import (
    REGISTRATION_FIELDS,
    V2_ONLY_CHANGES,
    Accepted,
    InfoChange,
    Quota,
    TrackInfo,
    TrackListEntry,
    parse_event_time,
)
from track17_facade.status import MainStatus, TrackingStatus

BASE_URL = BASE_URLS["v2.4"]
# The contract's names of what is read here as decoded JSON (the rest is read through the models).
CARRIER: Final = F.V2TrackInfoItem.carrier
TAG: Final = F.V2TrackInfoItem.tag
TRACK_INFO: Final = F.V2TrackInfoItem.track_info

(
    change_carrier,
    change_info,
    delete_track,
    get_quota,
    get_real_time_track_info,
    get_track_info,
    get_track_list,
    register,
    retrack,
    stop_track,
) = endpoints(
    "track17_client_v2.api.tracking",
    "change_carrier",
    "change_info",
    "delete_track",
    "get_quota",
    "get_real_time_track_info",
    "get_track_info",
    "get_track_list",
    "register",
    "retrack",
    "stop_track",
)
(push,) = endpoints("track17_client_v2.api.webhooks", "push")


def _given(value: Any) -> Any:
    return UNSET if value is None else value


def _numbers(items: Sequence[Prepared]) -> list[Any]:
    return [wire.NumberItem(number=item.number, carrier=_given(item.carrier)) for item in items]


def _registrations(items: Sequence[Prepared]) -> list[Any]:
    bodies = []
    for item in items:
        meta = item.registration
        if meta is None:
            bodies.append(wire.RegisterItem(number=item.number, carrier=_given(item.carrier)))
            continue
        # Through the generated model: each field under the contract's name, sent only when given.
        bodies.append(
            wire.RegisterItem(
                number=item.number,
                carrier=_given(item.carrier),
                final_carrier=_given(item.final_carrier),
                auto_detection=_given(meta.auto_detection),
                tag=_given(item.tag),
                order_no=_given(meta.order_no),
                order_time=_given(meta.order_time),
                lang=_given(meta.lang),
                param=_given(meta.param),
                destination_postal_code=_given(meta.destination_postal_code),
                phone_number=_given(meta.phone_number),
                ship_date=_given(meta.ship_date),
                email=_given(meta.email),
                remark=_given(meta.remark),
            )
        )
    return bodies


def _carrier_changes(items: Sequence[Prepared]) -> list[Any]:
    # carrier_old tells 17TRACK which registration to change when a number has two carriers: sent
    # whenever the caller named it (a (number, old, new) triple).
    return [
        wire.ChangeCarrierItem(
            number=item.number,
            carrier_old=_given(item.carrier_old),
            carrier_new=item.carrier or 0,
            final_carrier_old=_given(item.final_carrier_old),
            final_carrier_new=_given(item.final_carrier),
        )
        for item in items
    ]


def _tags(items: Sequence[Prepared]) -> list[Any]:
    return [
        wire.ChangeInfoItem(number=item.number, carrier=_given(item.carrier), items=_info_fields(item))
        for item in items
    ]


def _info_fields(item: Prepared) -> wire.ChangeInfoFields:
    """A pair's tag ("" clears it), or an InfoChange's fields, each sent only when given."""
    info = item.change
    if not isinstance(info, InfoChange):
        return wire.ChangeInfoFields(tag=item.tag or "")
    return wire.ChangeInfoFields(
        tag=_given(info.tag),
        order_no=_given(info.order_no),
        order_time=_given(info.order_time),
        destination_postal_code=_given(info.destination_postal_code),
        phone_number=_given(info.phone_number),
        email=_given(info.email),
        remark=_given(info.remark),
        lang=_given(info.lang),
    )


def _lookups(level: str | int | None) -> Any:
    def build(items: Sequence[Prepared]) -> list[Any]:
        return [
            wire.RealTimeItem(number=item.number, carrier=_given(item.carrier), cache_level=_given(level))
            for item in items
        ]

    return build


def _accepted(item: Any, path: str, sent: Prepared) -> Accepted:
    """v2.4 echoes the carrier it used, detected or given."""
    echoed = carrier(item.carrier, f"{path}.carrier")
    return Accepted(sent.number, echoed or known_carrier(sent.carrier))


def _track(item: Any, path: str, sent: Prepared) -> TrackInfo:
    """An accepted item of gettrackinfo (or getRealTimeTrackInfo), as decoded JSON: read once, by
    the same reader as v2 pushes."""
    return track_info_from_v2(
        sent.number,
        carrier(item.get(CARRIER), f"{path}.{CARRIER}"),
        text(item.get(TAG), f"{path}.{TAG}"),
        item.get(TRACK_INFO),
        f"{path}.{TRACK_INFO}",
    )


def _batch(name: str, kind: ItemKind, module: Any, body: Any) -> Operation[Accepted]:
    return batch_operation(name, kind, module, body, BatchResponse, _accepted)


def _realtime(level: str | int | None, batch_size: int) -> Operation[TrackInfo]:
    return Operation(
        "getRealTimeTrackInfo",
        ItemKind.LOOKUP,
        get_real_time_track_info.sync_json,
        get_real_time_track_info.asyncio_json,
        _lookups(level),
        (dict,),
        _track,
        batch_size=batch_size,
    )


def _list_body(query: TrackListQuery, page: int) -> wire.TrackListRequest:
    return wire.TrackListRequest(
        tracking_status=UNSET if query.tracking_status is None else query.tracking_status.value,
        package_status=UNSET if query.status is None else query.status.name_17track,
        page_no=page,
    )


def _enum(kind: Any, name: str | None) -> Any:
    if name is None:
        return None
    try:
        return kind(name)
    except ValueError:
        return None


_SYNCED = {"true": True, "success": True, "1": True, "false": False, "failure": False, "0": False}


def _sync_status(value: object, path: str) -> bool | None:
    """``sync_status``: a boolean in 17TRACK's examples, a word in this contract's first reading."""
    if isinstance(value, bool):
        return value
    if value is None or is_unset(value):
        return None
    said = _SYNCED.get(str(value).strip().lower())
    if said is None:
        tolerated(path, "a boolean", value)
    return said


def _read_list(parsed: object, query: TrackListQuery, page: int) -> TrackListPage:
    data: wire.TrackListData = envelope("gettracklist", (wire.TrackListResponse,), parsed)
    entries = []
    try:
        for index, item in enumerate([] if isinstance(data.accepted, Unset) else data.accepted):
            path = f"data.accepted[{index}]"
            number = optional_str(item.number, f"{path}.number")
            if not number:
                raise ShapeError(f"{path}.number", "a string", item.number)
            package = text(item.package_status, f"{path}.package_status")
            entries.append(
                TrackListEntry(
                    number,
                    carrier(item.carrier, f"{path}.carrier"),
                    _enum(TrackingStatus, text(item.tracking_status, f"{path}.tracking_status")),
                    None if package is None else MainStatus.from_name(package),
                    parse_event_time(text(item.register_time, f"{path}.register_time")),
                    text(item.tag, f"{path}.tag"),
                    _sync_status(item.sync_status, f"{path}.sync_status"),
                    text(item.stop_track_reason, f"{path}.stop_track_reason"),
                    optional_integer(item.push_status_code, f"{path}.push_status_code"),
                )
            )
    except (ShapeError, AttributeError, TypeError) as exc:
        raise InvalidResponseError(f"gettracklist: {exc}", operation="gettracklist") from None
    total = parsed.page if isinstance(parsed, wire.TrackListResponse) else None
    page_total = None if total is None or isinstance(total, Unset) else total.page_total
    if isinstance(page_total, int) and not isinstance(page_total, bool):
        return TrackListPage(entries, more=page < page_total)
    return TrackListPage(entries, more=len(entries) >= query.page_size)


def _count(value: object, path: str) -> int:
    if value is None or is_unset(value):
        return 0
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidResponseError(f"getquota: {path} is not an integer", operation="getquota")
    return value


def _read_quota(parsed: object) -> Quota:
    data: wire.Quota = envelope("getquota", (wire.QuotaResponse,), parsed)
    daily = _count(data.max_track_daily, "data.max_track_daily")
    spelt = data.free_email_quota_used
    if spelt is None or is_unset(spelt):  # 17TRACK's documentation example spells it without "_"
        spelt = data.free_email_quotaused
    return Quota(
        total=_count(data.quota_total, "data.quota_total"),
        used=_count(data.quota_used, "data.quota_used"),
        remaining=_count(data.quota_remain, "data.quota_remain"),
        today_used=_count(data.today_used, "data.today_used"),
        daily_limit=daily or None,
        free_email_total=optional_integer(data.free_email_quota, "data.free_email_quota"),
        free_email_used=optional_integer(spelt, "data.free_email_quota_used"),
    )


V2_4 = Api(
    version="v2.4",
    base_url=BASE_URL,
    client_class=AuthenticatedClient,
    register=_batch("register", ItemKind.REGISTER, register, _registrations),
    get_track_info=Operation(
        "gettrackinfo",
        ItemKind.LOOKUP,
        get_track_info.sync_json,
        get_track_info.asyncio_json,
        _numbers,
        (dict,),
        _track,
    ),
    stop_track=_batch("stoptrack", ItemKind.LOOKUP, stop_track, _numbers),
    retrack=_batch("retrack", ItemKind.LOOKUP, retrack, _numbers),
    delete_track=_batch("deletetrack", ItemKind.LOOKUP, delete_track, _numbers),
    change_carrier=_batch("changecarrier", ItemKind.CARRIER, change_carrier, _carrier_changes),
    change_info=_batch("changeinfo", ItemKind.TAG, change_info, _tags),
    push=_batch("push", ItemKind.LOOKUP, push, _numbers),
    list_sync=get_track_list.sync_detailed,
    list_async=get_track_list.asyncio_detailed,
    list_body=_list_body,
    read_list=_read_list,
    realtime=_realtime,
    quota_sync=get_quota.sync_detailed,
    quota_async=get_quota.asyncio_detailed,
    quota_body=list,  # an empty array: see the contract's getquota
    read_quota=_read_quota,
    registration_fields=frozenset(REGISTRATION_FIELDS),
    change_fields=frozenset(name for names in V2_ONLY_CHANGES.values() for name in names),
    list_filters=frozenset({"tracking_status"}),
    fixed_page_size=40,
)
