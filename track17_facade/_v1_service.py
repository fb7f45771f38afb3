"""The keys the facade reads that no contract defines: what 17TRACK's v1 service really sends.

Every other wire name the facade reads or sends comes from the contracts' table
(``track17_facade._fields``, written by ``generator/contract_fields.py``). These do not: the v1
contract (``openapi.yaml``, 17TRACK's seed text) does not name them, yet every public capture of
the v1 service carries them (``tests/data/real/v1``; the sources are in its README). They stay
here, in one place, so that a contract change never touches them and a reader never spells them
twice. Where a key's letters coincide with a contract field's (``z0``, ``z1``, an event's ``z``,
``a``, ``c``, ``d``), the service gives them another meaning (see ``_decoders_v1``), so they are
read under these names, not the contract's.
"""

from __future__ import annotations

from typing import Final

# -- a track (gettrackinfo's data.accepted[].track, and a push's data.track) ---------------------
# seen in 17track-doc-gettrackinfo-RM101474005CN.json, py17track-gettrackinfo_*.json and
# live-push-tracking-updated-usps.json
PACKAGE_STATUS: Final = "e"
"""The package status number (0 NotFound ... 50 Alert)."""
SECOND_STATUS: Final = "f"
"""A second status number, meaning unpublished."""
ORIGIN_CARRIER: Final = "w1"
DESTINATION_CARRIER: Final = "w2"
ORIGIN_COUNTRY: Final = "b"
"""17TRACK's country number of the origin."""
DESTINATION_COUNTRY: Final = "c"
LATEST: Final = "z0"
"""The latest event (may be ``{}``)."""
ORIGIN_EVENTS: Final = "z1"
"""The origin carrier's events, newest first."""
DESTINATION_EVENTS: Final = "z2"
"""The destination carrier's events, newest first."""
OTHER_EVENTS: Final = "z9"
"""Events of neither leg, newest first (read when present)."""
EVENT_LISTS: Final = (LATEST, ORIGIN_EVENTS, DESTINATION_EVENTS)
"""Where ``shape_of`` looks for events."""

# -- an event of those lists ----------------------------------------------------------------------
EVENT_TIME: Final = "a"
"""Local time, "2015-05-29 09:00" (may be "")."""
EVENT_PLACE: Final = "c"
EVENT_MORE_PLACE: Final = "d"
"""More location ("ANN ARBOR, MI 48104")."""
EVENT_DESCRIPTION: Final = "z"

# -- answers beside the tracks ----------------------------------------------------------------------
ECHOED_CARRIER: Final = "carrier"
"""The carrier register echoes in ``data.accepted[]`` (given or detected) and a refusal names in
``data.rejected[]``: py17track-register_success_response.json, py17track-register_existing_response.json."""
REQUEST_ERRORS: Final = "errors"
"""``data.errors[]`` (each ``code`` and ``message``) of a refused request: py17track-error_response.json."""
ERROR_CODE: Final = "code"
ERROR_MESSAGE: Final = "message"
PAGE: Final = "page"
"""gettracklist's ``page`` object beside ``data``: py17track-gettracklist_success_response.json."""
PAGE_TOTAL: Final = "page_total"
LIST_CARRIER: Final = "w1"
"""gettracklist rows, same sample: the carrier, the package status, the registration time, the tag."""
LIST_PACKAGE_STATUS: Final = "e"
LIST_REGISTER_TIME: Final = "rt"
LIST_TAG: Final = "tag"

# -- a push -----------------------------------------------------------------------------------------
PUSH_SIGN: Final = "sign"
"""The body-borne signature beside ``event`` and ``data``: live-push-tracking-updated-usps.json,
sign-vector-tracking-stopped.json."""
PUSH_TRACK: Final = "track"
"""``data.track`` of a v1 push (the v1 contract defines no push; the track is gettrackinfo's)."""
