"""The nine operations: which generated endpoint each uses, how its body is built from validated
items, and how an answer becomes per-number outcomes. Pure, shared by both clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from attrs import frozen
from track17_client.api.tracking import (
    change_carrier,
    change_info,
    delete_track,
    get_track_info,
    get_track_list,
    register_tracking,
    retrack,
    stop_track,
)
from track17_client.api.webhooks import push_notification
from track17_client.models.batch_response import BatchResponse
from track17_client.models.change_carrier_request import ChangeCarrierRequest
from track17_client.models.change_info_request import ChangeInfoRequest
from track17_client.models.register_request import RegisterRequest
from track17_client.models.track_info_response import TrackInfoResponse
from track17_client.models.track_number_request import TrackNumberRequest
from track17_client.types import UNSET, Response, Unset

from track17_facade._batching import ItemKind, Outcome, Prepared, known_carrier
from track17_facade._mapping import ShapeError, optional_str, track_info_from_generated
from track17_facade.codes import ErrorCode
from track17_facade.errors import APIError, AuthenticationError, InvalidResponseError
from track17_facade.models import Accepted, Rejection

AUTH_CODES = frozenset(
    {
        ErrorCode.IP_NOT_WHITELISTED,
        ErrorCode.INVALID_SECURITY_KEY,
        ErrorCode.ACCOUNT_DISABLED,
        ErrorCode.UNAUTHORIZED_ACCESS,
    }
)


@frozen
class Operation:
    """One batch endpoint of the API, as the facade drives it."""

    name: str
    kind: ItemKind
    sync_call: Callable[..., Response[Any]]
    async_call: Callable[..., Awaitable[Response[Any]]]
    body: Callable[[Sequence[Prepared]], list[Any]]
    already_done: frozenset[ErrorCode] = frozenset()
    """Per-item codes that mean "already in the state asked for": after an attempt that may have
    taken effect, they confirm success rather than report a rejection."""


def _numbers(items: Sequence[Prepared]) -> list[Any]:
    return [TrackNumberRequest(number=item.number) for item in items]


def _registrations(items: Sequence[Prepared]) -> list[Any]:
    return [
        RegisterRequest(number=item.number, carrier=UNSET if item.carrier is None else item.carrier)
        for item in items
    ]


def _carrier_changes(items: Sequence[Prepared]) -> list[Any]:
    return [ChangeCarrierRequest(number=item.number, carrier=item.carrier or 0) for item in items]


def _tags(items: Sequence[Prepared]) -> list[Any]:
    return [ChangeInfoRequest(number=item.number, tag=item.tag or "") for item in items]


REGISTER = Operation(
    "register",
    ItemKind.REGISTER,
    register_tracking.sync_detailed,
    register_tracking.asyncio_detailed,
    _registrations,
    frozenset({ErrorCode.ALREADY_REGISTERED}),
)
GET_TRACK_INFO = Operation(
    "gettrackinfo",
    ItemKind.NUMBER,
    get_track_info.sync_detailed,
    get_track_info.asyncio_detailed,
    _numbers,
)
STOP_TRACK = Operation(
    "stoptrack",
    ItemKind.NUMBER,
    stop_track.sync_detailed,
    stop_track.asyncio_detailed,
    _numbers,
    frozenset({ErrorCode.STOP_ONLY_TRACKING}),
)
RETRACK = Operation(
    "retrack",
    ItemKind.NUMBER,
    retrack.sync_detailed,
    retrack.asyncio_detailed,
    _numbers,
    frozenset({ErrorCode.RETRACK_ONLY_STOPPED, ErrorCode.RETRACK_ONLY_ONCE}),
)
DELETE_TRACK = Operation(
    "deletetrack",
    ItemKind.NUMBER,
    delete_track.sync_detailed,
    delete_track.asyncio_detailed,
    _numbers,
    frozenset({ErrorCode.NOT_REGISTERED}),
)
CHANGE_CARRIER = Operation(
    "changecarrier",
    ItemKind.CARRIER,
    change_carrier.sync_detailed,
    change_carrier.asyncio_detailed,
    _carrier_changes,
    frozenset({ErrorCode.SAME_CARRIER}),
)
CHANGE_INFO = Operation(
    "changeinfo",
    ItemKind.TAG,
    change_info.sync_detailed,
    change_info.asyncio_detailed,
    _tags,
)
PUSH = Operation(
    "push",
    ItemKind.NUMBER,
    push_notification.sync_detailed,
    push_notification.asyncio_detailed,
    _numbers,
)
TRACK_LIST_SYNC = get_track_list.sync_detailed
TRACK_LIST_ASYNC = get_track_list.asyncio_detailed


def check_code(operation: str, code: object, errors: object) -> None:
    """Raise for a non-zero top-level code: AuthenticationError for key problems, else APIError."""
    if isinstance(code, Unset) or code is None or code == 0:
        return
    if not isinstance(code, int) or isinstance(code, bool):
        raise InvalidResponseError(f"{operation}: 'code' is not an integer", operation=operation)
    error_code = ErrorCode(code)
    detail = error_code.meaning
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        detail = str(errors[0].get("message") or detail)
    message = f"{operation} refused by 17TRACK: {error_code.name} ({code}): {detail}"
    if error_code in AUTH_CODES:
        raise AuthenticationError(message, status_code=200, operation=operation)
    raise APIError(message, code=error_code, operation=operation)


def batch_outcomes(operation: Operation, items: Sequence[Prepared], parsed: object) -> dict[str, Outcome]:
    """Per-number outcomes from a 200 answer (BatchResponse or TrackInfoResponse).

    Raises:
        AuthenticationError, APIError: the whole request was refused.
        InvalidResponseError: the answer is not of the contract's shape.
    """
    if not isinstance(parsed, (BatchResponse, TrackInfoResponse)):
        raise InvalidResponseError(
            f"{operation.name}: the answer has no JSON object", operation=operation.name
        )
    data = parsed.data
    errors = None if isinstance(data, Unset) else data.additional_properties.get("errors")
    check_code(operation.name, parsed.code, errors)
    if isinstance(data, Unset):
        raise InvalidResponseError(f"{operation.name}: the answer has no 'data'", operation=operation.name)
    sent = {item.number: item for item in items}
    outcomes: dict[str, Outcome] = {}
    # The two answer types hold different generated item classes with the same fields.
    accepted_items: list[Any] = [] if isinstance(data.accepted, Unset) else list(data.accepted)
    rejected_items: list[Any] = [] if isinstance(data.rejected, Unset) else list(data.rejected)
    try:
        for index, accepted in enumerate(accepted_items):
            path = f"data.accepted[{index}]"
            number = optional_str(accepted.number, f"{path}.number")
            if number is None or number not in sent:
                continue
            if isinstance(parsed, TrackInfoResponse):
                outcomes[number] = track_info_from_generated(accepted, path)
            else:
                outcomes[number] = Accepted(number, known_carrier(sent[number].carrier))
        for index, rejected in enumerate(rejected_items):
            path = f"data.rejected[{index}]"
            number = optional_str(rejected.number, f"{path}.number")
            if number is None or number not in sent:
                continue
            error = rejected.error
            raw_code = 0 if isinstance(error, Unset) else error.code
            if isinstance(raw_code, Unset) or not isinstance(raw_code, int):
                raise ShapeError(f"{path}.error.code", "an integer", raw_code)
            message = "" if isinstance(error, Unset) else optional_str(error.message, f"{path}.error.message")
            code = ErrorCode(raw_code)
            outcomes[number] = Rejection(number, code, message or code.meaning)
    except (ShapeError, TypeError, AttributeError) as exc:
        raise InvalidResponseError(f"{operation.name}: {exc}", operation=operation.name) from None
    return outcomes


def confirm_already_done(
    operation: Operation, items: Sequence[Prepared], outcomes: dict[str, Outcome]
) -> dict[str, Outcome]:
    """After an attempt that may have taken effect, turn "already done" rejections into
    ``Accepted(recovered=True)``: the operation happened once, through the earlier attempt."""
    carriers = {item.number: item.carrier for item in items}
    for number, outcome in list(outcomes.items()):
        if isinstance(outcome, Rejection) and outcome.code in operation.already_done:
            outcomes[number] = Accepted(number, known_carrier(carriers.get(number)), recovered=True)
    return outcomes


def track_list_numbers(parsed: object) -> list[str]:
    """The numbers of one gettracklist page."""
    if not isinstance(parsed, BatchResponse):
        raise InvalidResponseError("gettracklist: the answer has no JSON object", operation="gettracklist")
    data = parsed.data
    errors = None if isinstance(data, Unset) else data.additional_properties.get("errors")
    check_code("gettracklist", parsed.code, errors)
    if isinstance(data, Unset) or isinstance(data.accepted, Unset):
        return []
    numbers = []
    for index, item in enumerate(data.accepted):
        number = item.number
        if not isinstance(number, str):
            raise InvalidResponseError(
                f"gettracklist: data.accepted[{index}].number is not a string",
                operation="gettracklist",
            )
        numbers.append(number)
    return numbers
