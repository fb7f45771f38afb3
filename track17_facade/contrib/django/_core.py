"""The settings, the store and client they make, the webhook view, and the change feed applied to
the app's rows."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from attrs import field, frozen
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured, RequestDataTooBig
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

from track17_facade._constants import API_VERSION_NAMES
from track17_facade._secrets import checked_api_key, redacting_logger
from track17_facade.errors import InvalidInputError, SignatureError, StoreUnavailableError, WebhookParseError
from track17_facade.shipments import Receipt, ShipmentStore, StatusChange
from track17_facade.shipments._asgi import MAX_BODY

if TYPE_CHECKING:
    from track17_facade import Track17Client

logger = redacting_logger("track17.django")

ChangeHandler = Callable[[Sequence[StatusChange]], object]
"""What ``apply_changes`` calls with each batch of changes, inside the app's transaction."""

_KNOWN = ("API_KEY", "STORE_URL", "API_VERSION", "BASE_URL", "MAX_BODY", "APPLY_CHANGES", "CLIENT_OPTIONS")


def _keys(raw: object) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = (raw,)
    if not isinstance(raw, Sequence) or not raw:
        raise ImproperlyConfigured(
            "TRACK17['API_KEY'] must be your 17TRACK key, or a sequence of keys (the current one "
            f"first), got {type(raw).__name__}"
        )
    try:
        return tuple(checked_api_key(key, "TRACK17['API_KEY']") for key in raw)
    except InvalidInputError as exc:
        raise ImproperlyConfigured(str(exc)) from None


@frozen
class Track17Settings:
    """``settings.TRACK17``, checked: what the view, the commands and ``apply_changes`` use."""

    api_keys: tuple[str, ...] = field(repr=False)
    """The keys a push may be signed with, the current one first (it is the one the client
    sends); ``API_KEY`` as a string or a sequence of strings."""
    store_url: str | None = field(repr=False)
    """``STORE_URL``: the store's database URL; None (the default) for the app's own ``default``
    database (``database_url()``), which the transaction answer needs."""
    api_version: str = "v2.4"
    """``API_VERSION``: "v1" or "v2.4" (the default)."""
    base_url: str | None = None
    """``BASE_URL``: another root than 17TRACK's (a sandbox in tests)."""
    max_body: int = MAX_BODY
    """``MAX_BODY``: the largest push body taken, in bytes (413 above it)."""
    apply_changes: ChangeHandler | None = None
    """``APPLY_CHANGES``: a function (or its dotted path) given each batch of the store's status
    changes, to update the app's own rows (see ``apply_changes``); None: not used."""
    client_options: Mapping[str, Any] = field(factory=dict)
    """``CLIENT_OPTIONS``: more keyword arguments for ``Track17Client``."""


def get_settings() -> Track17Settings:
    """``settings.TRACK17`` read and checked (at each call, so that tests may override it).

    Raises:
        ImproperlyConfigured: no ``TRACK17`` setting, no key, an unknown entry, or an entry of the
            wrong kind; the message says which.
    """
    raw = getattr(django_settings, "TRACK17", None)
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured(
            'settings.TRACK17 must be a dict such as {"API_KEY": os.environ["TRACK17_API_KEY"]}, '
            f"got {type(raw).__name__}"
        )
    unknown = sorted(set(raw) - set(_KNOWN))
    if unknown:
        raise ImproperlyConfigured(f"settings.TRACK17 has unknown entries {unknown}; known: {list(_KNOWN)}")
    version = raw.get("API_VERSION", "v2.4")
    if version not in API_VERSION_NAMES:
        raise ImproperlyConfigured(
            f"TRACK17['API_VERSION'] is one of {list(API_VERSION_NAMES)}, got {version!r}"
        )
    handler = raw.get("APPLY_CHANGES")
    if isinstance(handler, str):
        handler = import_string(handler)
    if handler is not None and not callable(handler):
        raise ImproperlyConfigured(
            f"TRACK17['APPLY_CHANGES'] must be a function or its dotted path, got {handler!r}"
        )
    max_body = raw.get("MAX_BODY", MAX_BODY)
    if not isinstance(max_body, int) or max_body < 1:
        raise ImproperlyConfigured(
            f"TRACK17['MAX_BODY'] must be a positive number of bytes, got {max_body!r}"
        )
    return Track17Settings(
        _keys(raw.get("API_KEY")),
        raw.get("STORE_URL"),
        version,
        raw.get("BASE_URL"),
        max_body,
        handler,
        dict(raw.get("CLIENT_OPTIONS") or {}),
    )


def database_url(alias: str = "default") -> str:
    """The SQLAlchemy URL of one of the app's Django databases (PostgreSQL through psycopg, or
    SQLite), as its connection is set now: under a test runner, the test database.

    Raises:
        ImproperlyConfigured: another database engine (the store speaks PostgreSQL and SQLite).
    """
    import sqlalchemy as sa  # noqa: PLC0415 (only a store needs it)

    conf = connections[alias].settings_dict
    engine = str(conf["ENGINE"])
    if engine.endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    if engine.endswith("postgresql"):
        url = sa.URL.create(
            "postgresql+psycopg",
            username=conf.get("USER") or None,
            password=conf.get("PASSWORD") or None,
            host=conf.get("HOST") or None,
            port=int(conf["PORT"]) if conf.get("PORT") else None,
            database=conf.get("NAME") or None,
        )
        return url.render_as_string(hide_password=False)
    raise ImproperlyConfigured(
        f"the store lives in PostgreSQL or SQLite; database {alias!r} is {engine}: set TRACK17['STORE_URL']"
    )


_stores: dict[str, ShipmentStore] = {}
_stores_lock = threading.Lock()


def get_store() -> ShipmentStore:
    """The store ``settings.TRACK17`` names, opened once per URL for the process (created or
    upgraded on first use)."""
    url = get_settings().store_url or database_url()
    with _stores_lock:
        store = _stores.get(url)
        if store is None:
            store = _stores[url] = ShipmentStore(url)
        return store


def close_stores() -> None:
    """Close every store ``get_store`` opened (a test's teardown, or before the database goes)."""
    with _stores_lock:
        for store in _stores.values():
            store.close()
        _stores.clear()


def get_client() -> Track17Client:
    """A ``Track17Client`` for the current key, version and base URL (close it when done)."""
    from track17_facade import Track17Client  # noqa: PLC0415 (the view needs no client)

    conf = get_settings()
    return Track17Client(
        conf.api_keys[0],
        api_version=conf.api_version,  # type: ignore[arg-type]  # checked in get_settings
        base_url=conf.base_url,
        **conf.client_options,
    )


def receive(body: bytes, sign: str | None, keys: Sequence[str]) -> Receipt:
    """``store.receive`` with each key in turn until one verifies the push (a key being rotated:
    the new and the old both). The signature is checked before anything is written."""
    store = get_store()
    for key in keys[:-1]:
        try:
            return store.receive(body, sign, key)
        except SignatureError:
            continue
    return store.receive(body, sign, keys[-1])


def apply_changes(handler: ChangeHandler | None = None, *, name: str = "default", batch: int = 500) -> int:
    """Bring the app's own rows up to the store's change feed; returns how many changes applied.

    Each batch of changes (oldest first) goes to ``handler`` (default: ``APPLY_CHANGES``) in one
    transaction of the app's database together with the cursor ``name`` (``ChangeCursor``): both
    commit, or neither does and the same changes come again at the next call. The cursor's row
    is locked for the transaction, so two callers at once (two pushes) apply each change once,
    in order: an older status never lands over a newer one. Call it after each push (the view
    does) and after ``sync`` (``track17_sync`` does); a failed call loses nothing.

    Raises:
        ImproperlyConfigured: no handler given or configured.
    """
    from track17_facade.contrib.django.models import ChangeCursor  # noqa: PLC0415 (needs the app registry)

    handler = handler or get_settings().apply_changes
    if handler is None:
        raise ImproperlyConfigured("apply_changes needs a handler, or TRACK17['APPLY_CHANGES']")
    store, applied = get_store(), 0
    while True:
        with transaction.atomic():
            ChangeCursor.objects.get_or_create(name=name)
            cursor = ChangeCursor.objects.select_for_update().get(name=name)
            changes = list(itertools.islice(store.changes(after=cursor.change_id), batch))
            if not changes:
                return applied
            handler(changes)
            cursor.change_id = changes[-1].id
            cursor.save(update_fields=["change_id"])
        applied += len(changes)


def _json(status: int, payload: Mapping[str, str], **headers: str) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), status=status, content_type="application/json")
    for header, value in headers.items():
        response[header.replace("_", "-")] = value
    return response


def _answer(request: HttpRequest) -> HttpResponse:
    """The answer to one request, as ``webhook_app`` gives it."""
    if request.method != "POST":
        return _json(405, {"error": "pushes are POSTed"}, Allow="POST")
    conf = get_settings()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    try:
        body = b"" if declared > conf.max_body else request.body
    except RequestDataTooBig:  # Django's own DATA_UPLOAD_MAX_MEMORY_SIZE, when lower
        declared = conf.max_body + 1
    if declared > conf.max_body or len(body) > conf.max_body:
        return _json(413, {"error": f"the body is larger than {conf.max_body} bytes"})
    try:
        receipt = receive(body, request.headers.get("sign"), conf.api_keys)
    except SignatureError as exc:
        return _json(401, {"error": str(exc)})
    except WebhookParseError as exc:
        return _json(400, {"error": str(exc)})
    except StoreUnavailableError as exc:
        logger.warning("push not stored: %s", exc)
        return _json(503, {"error": "the store is unavailable; deliver again later"}, Retry_After="30")
    if conf.apply_changes is not None:
        try:
            apply_changes(conf.apply_changes)
        except Exception:  # the push is stored: the next push or track17_sync applies it
            logger.exception("the store's changes were not applied to the app's rows")
    return _json(200, {"outcome": str(receipt.outcome), "number": receipt.number})


@csrf_exempt  # type: ignore[untyped-decorator]  # Django ships no types
def webhook_view(request: HttpRequest) -> HttpResponse:
    """The push endpoint: route it (``path("webhooks/17track", webhook_view)``) and 17TRACK's
    pushes go into the store ``settings.TRACK17`` names, verified with its key(s).

    CSRF-exempt (17TRACK sends no token; the signature is the check), reading the raw body, and
    answering as ``webhook_app``: **200** with ``{"outcome", "number"}`` once stored (applied,
    duplicate, stale, stopped or ignored); **401** for a missing or wrong signature; **400** for a
    body that is not a push; **413** over ``MAX_BODY`` bytes; **503** (``Retry-After: 30``) when
    the store's database is unavailable, so that 17TRACK delivers it again; **405** to anything
    but POST. With ``APPLY_CHANGES`` set, the app's rows are brought up to the store's change
    feed after each push (``apply_changes``).
    """
    return _answer(request)


@csrf_exempt  # type: ignore[untyped-decorator]  # Django ships no types
async def async_webhook_view(request: HttpRequest) -> HttpResponse:
    """``webhook_view`` for an ASGI deployment: the same answers, its database work in a worker
    thread (``sync_to_async``), so that the event loop keeps serving."""
    from asgiref.sync import sync_to_async  # noqa: PLC0415 (Django's own dependency)

    answer: HttpResponse = await sync_to_async(_answer, thread_sensitive=True)(request)
    return answer
