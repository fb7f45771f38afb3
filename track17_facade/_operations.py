"""What the clients drive, whatever the API version: one typed ``Operation`` per batch endpoint
(generated call, body builder, answer reader) and one ``Api`` table per version, chosen once when
a client is built. The tables themselves are in ``_api_v1`` and ``_api_v2``. Pure, shared by both
clients."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from track17_facade import _fields as F  # noqa: N812 (read as F.V2TrackInfo.latest_status)
from track17_facade import _telemetry
from track17_facade._batching import ItemKind, Outcome, Prepared, known_carrier
from track17_facade._decoders import (
    ShapeError,
    carrier,
    integer,
    is_unset,
    optional_str,
    same_name,
    text,
    tolerated,
)
from track17_facade._records import Record
from track17_facade._v1_service import ECHOED_CARRIER, ERROR_CODE, ERROR_MESSAGE, REQUEST_ERRORS
from track17_facade.codes import ErrorCode
from track17_facade.errors import APIError, AuthenticationError, InvalidResponseError
from track17_facade.models import Accepted, Rejection
from track17_facade.retry import Answer
from track17_facade.status import MainStatus, TrackingStatus

if TYPE_CHECKING:
    from track17_facade.models import Quota, TrackInfo, TrackListEntry

AUTH_CODES = frozenset(
    {
        ErrorCode.IP_NOT_WHITELISTED,
        ErrorCode.INVALID_SECURITY_KEY,
        ErrorCode.ACCOUNT_DISABLED,
        ErrorCode.UNAUTHORIZED_ACCESS,
    }
)

ALREADY_DONE: Final[Mapping[str, frozenset[ErrorCode]]] = {
    "register": frozenset({ErrorCode.ALREADY_REGISTERED}),
    "stoptrack": frozenset({ErrorCode.STOP_ONLY_TRACKING}),
    "retrack": frozenset({ErrorCode.RETRACK_ONLY_STOPPED, ErrorCode.RETRACK_ONLY_ONCE}),
    "deletetrack": frozenset({ErrorCode.NOT_REGISTERED}),
    "changecarrier": frozenset({ErrorCode.SAME_CARRIER}),
}
"""``Operation.already_done`` of each batch endpoint that has such codes, by its name: the same in
both API versions."""

HTTP_UNAUTHORIZED = 401
"""A top-level ``code`` 17TRACK's v1 sends, with HTTP 200, for a key it refuses."""

# The envelope's names, one for both versions (``same_name`` fails at import if a contract
# renames one), from the contracts' table; v1's request errors are 17TRACK's own (_v1_service).
CODE: Final = same_name(F.V1BatchResponse.code, F.V2BatchResponse.code, F.V2TrackInfoResponse.code)
DATA: Final = same_name(F.V1BatchResponse.data, F.V2BatchResponse.data, F.V2TrackInfoResponse.data)
ACCEPTED: Final = same_name(
    F.V1BatchResponseData.accepted,
    F.V1TrackInfoResponseData.accepted,
    F.V2BatchData.accepted,
    F.V2TrackInfoData.accepted,
)
REJECTED: Final = same_name(
    F.V1BatchResponseData.rejected,
    F.V1TrackInfoResponseData.rejected,
    F.V2BatchData.rejected,
    F.V2TrackInfoData.rejected,
)
NUMBER: Final = same_name(
    F.V1BatchResponseDataAcceptedItem.number,
    F.V1BatchResponseDataRejectedItem.number,
    F.V2AcceptedItem.number,
    F.V2RejectedItem.number,
    F.V2TrackInfoItem.number,
)
ERROR: Final = same_name(F.V1BatchResponseDataRejectedItem.error, F.V2RejectedItem.error)
ITEM_CODE: Final = same_name(F.V1BatchResponseDataRejectedItemError.code, F.V2ApiError.code)
ITEM_MESSAGE: Final = same_name(F.V1BatchResponseDataRejectedItemError.message, F.V2ApiError.message)
ERRORS: Final = same_name(F.V2BatchData.errors, F.V2TrackInfoData.errors, REQUEST_ERRORS)
ERRORS_CODE: Final = same_name(F.V2ApiError.code, ERROR_CODE)
ERRORS_MESSAGE: Final = same_name(F.V2ApiError.message, ERROR_MESSAGE)
REJECTED_CARRIER: Final = same_name(F.V2RejectedItem.carrier, ECHOED_CARRIER)

R = TypeVar("R", Accepted, "TrackInfo")
SyncCall = Callable[..., Answer]
AsyncCall = Callable[..., Awaitable[Answer]]
ReadAccepted = Callable[[Any, str, Prepared], R]
"""(a generated accepted item, its path in the answer, the item sent) -> the facade's result."""


class Operation(Record, Generic[R]):
    """One batch endpoint of one API version, as the facade drives it."""

    __slots__ = (
        "already_done",
        "answer",
        "async_call",
        "batch_size",
        "body",
        "kind",
        "name",
        "read",
        "sync_call",
    )
    name: str
    kind: ItemKind
    sync_call: SyncCall
    async_call: AsyncCall
    body: Callable[[Sequence[Prepared]], Any]
    answer: tuple[type, ...]
    """The generated classes a 200 answer may parse into; ``(dict,)`` for an operation whose calls
    are the endpoint's ``*_json`` functions, whose answers are read as decoded JSON."""
    read: ReadAccepted[R]
    already_done: frozenset[ErrorCode]
    """Per-item codes that mean "already in the state asked for": after an attempt that may have
    taken effect, they confirm success rather than report a rejection."""
    batch_size: int
    """Numbers per request."""

    def __init__(
        self,
        name: str,
        kind: ItemKind,
        sync_call: SyncCall,
        async_call: AsyncCall,
        body: Callable[[Sequence[Prepared]], Any],
        answer: tuple[type, ...],
        read: ReadAccepted[R],
        already_done: frozenset[ErrorCode] = frozenset(),
        batch_size: int = 40,
    ) -> None:
        self._assign(locals())

    def with_body(self, body: Callable[[Sequence[Prepared]], Any]) -> Operation[R]:
        """The same operation with another body builder (for per-call options)."""
        return self.evolve(body=body)


def batch_operation(
    name: str, kind: ItemKind, module: Any, body: Any, answer: type, read: ReadAccepted[R]
) -> Operation[R]:
    """The batch endpoint ``name`` of a generated endpoint ``module``, called through its
    ``*_detailed`` functions and answered as ``answer`` (the version's batch response model), with
    its ``ALREADY_DONE`` codes."""
    return Operation(
        name,
        kind,
        module.sync_detailed,
        module.asyncio_detailed,
        body,
        (answer,),
        read,
        ALREADY_DONE.get(name, frozenset()),
    )


class TrackListQuery(Record):
    """The filters of one ``iter_track_list`` call, checked."""

    __slots__ = ("page_size", "status", "tracking_status")
    status: MainStatus | None
    tracking_status: TrackingStatus | None
    page_size: int

    def __init__(
        self, status: MainStatus | None, tracking_status: TrackingStatus | None, page_size: int
    ) -> None:
        self._assign(locals())


class TrackListPage(Record):
    """One page of gettracklist: its entries, and whether another page follows."""

    __slots__ = ("entries", "more")
    entries: list[TrackListEntry]
    more: bool

    def __init__(self, entries: list[TrackListEntry], more: bool) -> None:
        self._assign(locals())


class Api(Record):
    """Everything that differs between API versions, chosen once at construction."""

    __slots__ = (
        "base_url",
        "change_carrier",
        "change_fields",
        "change_info",
        "client_class",
        "delete_track",
        "fixed_page_size",
        "get_track_info",
        "list_async",
        "list_body",
        "list_filters",
        "list_sync",
        "push",
        "quota_async",
        "quota_body",
        "quota_sync",
        "read_list",
        "read_quota",
        "realtime",
        "register",
        "registration_fields",
        "retrack",
        "stop_track",
        "version",
    )

    version: str
    base_url: str
    client_class: type
    """The generated ``AuthenticatedClient`` of this version's package."""
    register: Operation[Accepted]
    get_track_info: Operation[TrackInfo]
    stop_track: Operation[Accepted]
    retrack: Operation[Accepted]
    delete_track: Operation[Accepted]
    change_carrier: Operation[Accepted]
    change_info: Operation[Accepted]
    push: Operation[Accepted]
    list_sync: SyncCall
    list_async: AsyncCall
    list_body: Callable[[TrackListQuery, int], Any]
    """(query, page number) -> the generated request body."""
    read_list: Callable[[object, TrackListQuery, int], TrackListPage]
    realtime: Callable[[str | int | None, int], Operation[TrackInfo]] | None
    """(cacheLevel as sent, numbers per request) -> getRealTimeTrackInfo; None where the version
    lacks it."""
    quota_sync: SyncCall | None
    quota_async: AsyncCall | None
    quota_body: Callable[[], Any] | None
    read_quota: Callable[[object], Quota] | None
    registration_fields: frozenset[str]
    """The ``Registration`` fields beyond number and carrier that this version can send."""
    change_fields: frozenset[str]
    """The ``CarrierChange``/``InfoChange`` fields of ``V2_ONLY_CHANGES`` this version can send."""
    list_filters: frozenset[str]
    """``iter_track_list`` filters beyond ``status`` that this version understands."""
    fixed_page_size: int | None
    """The page size of gettracklist when the version does not let the caller choose it."""

    def __init__(
        self,
        *,
        version: str,
        base_url: str,
        client_class: type,
        register: Operation[Accepted],
        get_track_info: Operation[TrackInfo],
        stop_track: Operation[Accepted],
        retrack: Operation[Accepted],
        delete_track: Operation[Accepted],
        change_carrier: Operation[Accepted],
        change_info: Operation[Accepted],
        push: Operation[Accepted],
        list_sync: SyncCall,
        list_async: AsyncCall,
        list_body: Callable[[TrackListQuery, int], Any],
        read_list: Callable[[object, TrackListQuery, int], TrackListPage],
        realtime: Callable[[str | int | None, int], Operation[TrackInfo]] | None = None,
        quota_sync: SyncCall | None = None,
        quota_async: AsyncCall | None = None,
        quota_body: Callable[[], Any] | None = None,
        read_quota: Callable[[object], Quota] | None = None,
        registration_fields: frozenset[str] = frozenset(),
        change_fields: frozenset[str] = frozenset(),
        list_filters: frozenset[str] = frozenset(),
        fixed_page_size: int | None = None,
    ) -> None:
        self._assign(locals())

    @property
    def bulk(self) -> dict[str, Operation[Any]]:
        """The bulk operations by their client method's name (what ``stream`` can run)."""
        return {
            "register": self.register,
            "get_track_info": self.get_track_info,
            "stop_track": self.stop_track,
            "retrack": self.retrack,
            "delete_track": self.delete_track,
            "push": self.push,
            "change_carrier": self.change_carrier,
            "change_info": self.change_info,
        }


def field(value: object, name: str) -> Any:
    """A field of a generated model, or of the same object as decoded JSON (None when absent): the
    tracking answers are read as JSON (see ``Operation.answer``), the others as models."""
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None)


def request_error(data: object) -> tuple[int | None, str | None]:
    """The code and message of a refused request's first ``data.errors`` entry (either version's
    shape), each None when absent."""
    errors = field(data, ERRORS)
    if errors is None or is_unset(errors):
        extra = getattr(data, "additional_properties", {})
        errors = extra.get(ERRORS) if isinstance(extra, dict) else None
    if not isinstance(errors, list) or not errors:
        return None, None
    first = errors[0]
    message = (
        field(first, ERRORS_MESSAGE) if isinstance(first, Mapping) else getattr(first, ERRORS_MESSAGE, None)
    )
    code = field(first, ERRORS_CODE) if isinstance(first, Mapping) else getattr(first, ERRORS_CODE, None)
    return integer(code), message if isinstance(message, str) and message else None


def check_code(operation: str, code: object, detail: tuple[int | None, str | None] = (None, None)) -> None:
    """Raise for a non-zero top-level code: AuthenticationError for key problems (an
    authentication code at the top or in ``data.errors``, or a top-level 401, which 17TRACK's v1
    sends with HTTP 200 for a bad key), else APIError."""
    if code is None or is_unset(code) or code == 0:
        return
    if not isinstance(code, int) or isinstance(code, bool):
        raise InvalidResponseError(f"{operation}: 'code' is not an integer", operation=operation)
    error_code = ErrorCode(code)
    detail_code, detail_message = detail
    named = ErrorCode(detail_code) if detail_code is not None else error_code
    message = f"{operation} refused by 17TRACK: {named.name} ({named.raw}): {detail_message or named.meaning}"
    error: APIError | AuthenticationError
    if error_code in AUTH_CODES or named in AUTH_CODES or code == HTTP_UNAUTHORIZED:
        error = AuthenticationError(message, status_code=200, operation=operation)
    else:
        error = APIError(message, code=error_code, operation=operation)
    _telemetry.refused(operation, error, code)
    raise error


def envelope(name: str, answer: tuple[type, ...], parsed: object) -> Any:
    """The ``data`` of a 200 answer, after checking its type and its top-level code.

    Raises:
        AuthenticationError, APIError: the whole request was refused.
        InvalidResponseError: the answer is not of the contract's shape.
    """
    if not isinstance(parsed, answer):
        raise InvalidResponseError(f"{name}: the answer has no JSON object", operation=name)
    data = field(parsed, DATA)
    check_code(name, field(parsed, CODE), (None, None) if is_unset(data) else request_error(data))
    if data is None or is_unset(data) or (isinstance(parsed, Mapping) and not isinstance(data, Mapping)):
        raise InvalidResponseError(f"{name}: the answer has no 'data' object", operation=name)
    return data


def _listed(value: object, path: str) -> list[Any]:
    if isinstance(value, list):
        return value
    if value is not None and not is_unset(value):
        tolerated(path, "an array", value)
    return []


def batch_outcomes(operation: Operation[R], items: Sequence[Prepared], parsed: object) -> dict[str, Outcome]:
    """Per-number outcomes from a 200 answer.

    Raises:
        AuthenticationError, APIError: the whole request was refused.
        InvalidResponseError: the answer is not of the contract's shape.
    """
    data = envelope(operation.name, operation.answer, parsed)
    sent = {item.number.upper(): item for item in items}  # an answer may spell a number in capitals
    outcomes: dict[str, Outcome] = {}
    try:
        for index, accepted in enumerate(_listed(field(data, ACCEPTED), f"{DATA}.{ACCEPTED}")):
            path = f"{DATA}.{ACCEPTED}[{index}]"
            number = optional_str(field(accepted, NUMBER), f"{path}.{NUMBER}")
            item = None if number is None else sent.get(number.upper())
            if item is None:
                continue
            outcomes[item.number] = operation.read(accepted, path, item)
        for index, rejected in enumerate(_listed(field(data, REJECTED), f"{DATA}.{REJECTED}")):
            path = f"{DATA}.{REJECTED}[{index}]"
            answered = optional_str(field(rejected, NUMBER), f"{path}.{NUMBER}")
            item = None if answered is None else sent.get(answered.upper())
            if item is None:
                continue
            number = item.number
            error = field(rejected, ERROR)
            absent = error is None or is_unset(error)
            code = _error_code(None if absent else field(error, ITEM_CODE), f"{path}.{ERROR}.{ITEM_CODE}")
            message = None if absent else text(field(error, ITEM_MESSAGE), f"{path}.{ERROR}.{ITEM_MESSAGE}")
            named = carrier(_extra(rejected, REJECTED_CARRIER), f"{path}.{REJECTED_CARRIER}")
            outcomes[number] = Rejection(
                number,
                code,
                message or code.meaning,
                carrier=named if named is not None and named > 0 else None,
            )
    except (ShapeError, TypeError, AttributeError) as exc:
        raise InvalidResponseError(f"{operation.name}: {exc}", operation=operation.name) from None
    return outcomes


def _extra(item: object, name: str) -> object:
    """A field of an item as decoded JSON or as a generated model (where a field the contract
    does not name is kept in ``additional_properties``)."""
    value = field(item, name)
    if value is None or is_unset(value):
        extra = getattr(item, "additional_properties", None)
        value = extra.get(name) if isinstance(extra, dict) else None
    return value


def _error_code(value: object, path: str) -> ErrorCode:
    """A rejected item's code, read tolerantly: its text, or UNKNOWN keeping what came."""
    number = integer(value)
    if number is not None:
        return ErrorCode(number)
    tolerated(path, "an integer error code", value)
    return ErrorCode.unknown(0, value if isinstance(value, str) else repr(value)[:40])


def confirm_already_done(
    operation: Operation[Any], items: Sequence[Prepared], outcomes: dict[str, Outcome]
) -> dict[str, Outcome]:
    """After an attempt that may have taken effect, turn "already done" rejections into
    ``Accepted(recovered=True)``: the operation happened once, through the earlier attempt."""
    for item in items:
        outcome = outcomes.get(item.number)
        if isinstance(outcome, Rejection) and outcome.code in operation.already_done:
            # The carrier 17TRACK names beside "already registered" is the one it registered with.
            named = outcome.carrier or known_carrier(item.carrier)
            outcomes[item.number] = Accepted(item.number, named, recovered=True)
    return outcomes


class Endpoint:
    """A generated endpoint module, imported when one of its functions is first called: each pulls
    in its own answer models, and a one-number call should pay for its operation's alone."""

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, function: str) -> Callable[..., Any]:
        module = self._module

        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(importlib.import_module(module), function)(*args, **kwargs)

        call.__name__ = call.__qualname__ = function
        return call

    def __repr__(self) -> str:
        return f"<Endpoint {self._module}>"


def endpoints(package: str, *names: str) -> tuple[Endpoint, ...]:
    """The endpoint modules ``names`` of ``package``, each imported when first called."""
    return tuple(Endpoint(f"{package}.{name}") for name in names)


class _ApiTables(Mapping[str, Api]):
    """The API table of each version, imported when first asked for: a version's generated
    package takes tens of milliseconds to import, and only a process that builds a client of that
    version (or reads its answers) pays for it."""

    _where: Final = {"v1": ("track17_facade._api_v1", "V1"), "v2.4": ("track17_facade._api_v2", "V2_4")}

    def __getitem__(self, version: str) -> Api:
        module, name = self._where[version]
        table: Api = getattr(importlib.import_module(module), name)
        return table

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


API_VERSIONS: Final[Mapping[str, Api]] = _ApiTables()
