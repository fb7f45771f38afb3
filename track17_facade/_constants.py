"""What the whole SDK shares and the command line needs before any client is built: the API
versions and their roots, the rate 17TRACK allows, and the names of the bulk methods. It imports
nothing heavier than the standard library, so ``track17 --help`` stays quick."""

from __future__ import annotations

import re
from typing import Final, Literal
from urllib.parse import urlsplit

__all__ = [
    "API_VERSION_NAMES",
    "BASE_URLS",
    "DEFAULT_API_VERSION",
    "DEFAULT_BASE_URL",
    "DEFAULT_REQUESTS_PER_SECOND",
    "REALTIME_BATCH_SIZE",
    "ApiVersion",
    "StreamMethod",
    "version_in_url",
]

ApiVersion = Literal["v1", "v2.4"]
"""The API versions a client can speak."""
API_VERSION_NAMES: Final = ("v1", "v2.4")
BASE_URLS: Final = {
    "v1": "https://api.17track.net/track/v1",
    "v2.4": "https://api.17track.net/track/v2.4",
}
"""17TRACK's root of each API version."""
DEFAULT_API_VERSION: Final = "v1"
DEFAULT_BASE_URL: Final = BASE_URLS["v1"]
"""17TRACK's v1 API root, where a client sends unless given `base_url` or `api_version="v2.4"`."""
DEFAULT_REQUESTS_PER_SECOND: Final = 3.0
"""17TRACK's documented limit per key."""
REALTIME_BATCH_SIZE: Final = 1
"""v2.4 getRealTimeTrackInfo: numbers per request by default. A public client cites a documented
limit of one; 17TRACK's pages give none, so one is what works under every reading."""

StreamMethod = Literal[
    "register",
    "get_track_info",
    "stop_track",
    "retrack",
    "delete_track",
    "push",
    "change_carrier",
    "change_info",
]
"""The bulk methods that ``stream`` can run."""

_VERSION_SEGMENT = re.compile(r"^v\d+(\.\d+)?$")


def version_in_url(url: str) -> str | None:
    """The API version a URL's path ends with ("v1" in ``.../track/v1``), or None."""
    segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return segment if _VERSION_SEGMENT.match(segment) else None
